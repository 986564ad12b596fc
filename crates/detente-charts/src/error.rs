//! Why a chart could not be made: the drawing library refused to draw it, or the SVG or
//! PNG could not be written. The cause is kept as the error's source (plotters' drawing
//! error, the I/O error), so a front end can tell a full disk from a drawing bug.

use std::path::PathBuf;

use plotters::drawing::DrawingAreaErrorKind;

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// The drawing library could not draw the chart (its backend failed, or a font).
    #[error("cannot draw the chart: {source}")]
    Draw {
        /// Plotters' error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The SVG could not be written to the writer given.
    #[error("cannot write the chart: {source}")]
    Write {
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// A chart's file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl<E: std::error::Error + Send + Sync + 'static> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> ChartError {
        ChartError::Draw { source: Box::new(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    fn figure() -> crate::Figure {
        crate::Figure {
            title: "a line".into(),
            note: None,
            x_label: "x".into(),
            y_label: "y".into(),
            x: vec![0.0, 1.0],
            bands: Vec::new(),
            lines: Vec::new(),
            probability: false,
        }
    }

    /// A writer that refuses every byte, as a full disk or a closed pipe does.
    struct Refusing;

    impl std::io::Write for Refusing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left"))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_refused_write_says_so_and_keeps_the_io_error() {
        let error = crate::write_svg(&figure(), &mut Refusing).unwrap_err();
        assert!(matches!(error, ChartError::Write { .. }), "{error:?}");
        assert_eq!(error.to_string(), "cannot write the chart: no space left");
        let io = error.source().and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(io.map(|e| e.kind()), Some(std::io::ErrorKind::StorageFull));
    }

    #[test]
    fn a_file_that_cannot_be_written_is_named() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-directory");
        let error = crate::save(&figure(), &dir, "chart").unwrap_err();
        let ChartError::WriteFile { path, source } = &error else { panic!("{error:?}") };
        assert_eq!(path, &dir.join("chart.svg"));
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        assert!(error
            .to_string()
            .starts_with(&format!("cannot write {}: ", dir.join("chart.svg").display())));
    }

    #[test]
    fn a_drawing_error_is_the_source() {
        let drawing: DrawingAreaErrorKind<std::io::Error> = DrawingAreaErrorKind::LayoutError;
        let error = ChartError::from(drawing);
        assert!(error.to_string().starts_with("cannot draw the chart: "), "{error}");
        assert!(error
            .source()
            .is_some_and(|s| s.downcast_ref::<DrawingAreaErrorKind<std::io::Error>>().is_some()));
    }
}
