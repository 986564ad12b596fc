//! Charts of simulations, comparisons and sweeps, as SVG and PNG files (plotters).
//!
//! Every chart is first described as a [`Figure`] (bands, lines, axes), then drawn by one
//! renderer into both formats, so the SVG and the PNG always show the same thing. Text in
//! PNGs is drawn with DejaVu Sans, bundled (`assets/`, under its free licence) so that
//! charts look the same on every machine without system fonts.
//!
//! The charts:
//! * per quantity, a **fan chart**: the median over time with 25-75% and 5-95% bands;
//! * **phase reach**: the probability that each phase has opened, over time;
//! * **outcomes**: mean relief in effect, and the probabilities of snap-back and breakdown;
//! * for comparisons, the same overlaid per design;
//! * for sweeps, an outcome against the swept parameter with its 95% interval.

use std::path::{Path, PathBuf};
use std::sync::Once;

use detente_sim::compare::CompareReport;
use detente_sim::summary::Summary;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// DejaVu Sans (see assets/DejaVuSans-LICENSE.txt).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Chart size in pixels.
const SIZE: (u32, u32) = (960, 560);

/// A qualitative palette (Okabe and Ito, 2008), distinguishable with colour blindness.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A shaded band between two curves.
#[derive(Clone, Debug)]
pub struct Band {
    /// Lower curve.
    pub low: Vec<f64>,
    /// Upper curve.
    pub high: Vec<f64>,
    /// Palette index.
    pub color: usize,
    /// Opacity.
    pub opacity: f64,
}

/// A line, with a legend label.
#[derive(Clone, Debug)]
pub struct Line {
    /// Values, one per x.
    pub y: Vec<f64>,
    /// Palette index.
    pub color: usize,
    /// Legend label (empty: none).
    pub label: String,
    /// Draw points as well (for sweeps with few x values).
    pub points: bool,
}

/// A chart, described before it is drawn.
#[derive(Clone, Debug)]
pub struct Figure {
    /// Title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// X values shared by every series.
    pub x: Vec<f64>,
    /// Bands, drawn first.
    pub bands: Vec<Band>,
    /// Lines, drawn over the bands.
    pub lines: Vec<Line>,
    /// A fixed y range (probabilities use 0..1), otherwise fitted to the data.
    pub y_range: Option<(f64, f64)>,
    /// Put the legend in the lower right (for curves that rise to the upper left).
    pub legend_lower_right: bool,
}

impl Figure {
    fn y_range(&self) -> (f64, f64) {
        if let Some(range) = self.y_range {
            return range;
        }
        let values = self
            .bands
            .iter()
            .flat_map(|b| b.low.iter().chain(&b.high))
            .chain(self.lines.iter().flat_map(|l| &l.y));
        let (low, high) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        if !low.is_finite() {
            return (0.0, 1.0);
        }
        let low = low.min(0.0);
        let pad = ((high - low) * 0.05).max(1e-9);
        (low, if high > low { high + pad } else { low + 1.0 })
    }

    fn x_range(&self) -> (f64, f64) {
        let low = self.x.first().copied().unwrap_or(0.0);
        let high = self.x.last().copied().unwrap_or(1.0);
        if high > low {
            (low, high)
        } else {
            (low - 0.5, low + 0.5)
        }
    }
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is bundled and known to parse; a failure would only lose PNG text.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, plotters::coord::Shift>, fig: &Figure) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("cannot draw the chart: {e}");
    root.fill(&WHITE).map_err(err)?;
    let (x0, x1) = fig.x_range();
    let (y0, y1) = fig.y_range();
    let mut chart = ChartBuilder::on(&root)
        .caption(&fig.title, ("sans-serif", 22))
        .margin(18)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(fig.x_label.as_str())
        .y_desc(fig.y_label.as_str())
        .label_style(("sans-serif", 14))
        .light_line_style(RGBColor(245, 245, 245))
        .draw()
        .map_err(err)?;
    for band in &fig.bands {
        let mut outline: Vec<(f64, f64)> = fig.x.iter().copied().zip(band.high.iter().copied()).collect();
        outline.extend(fig.x.iter().copied().zip(band.low.iter().copied()).rev());
        let fill = color(band.color).mix(band.opacity).filled();
        chart.draw_series(std::iter::once(Polygon::new(outline, fill))).map_err(err)?;
    }
    let mut legend = false;
    for line in &fig.lines {
        let c = color(line.color);
        let points: Vec<(f64, f64)> = fig.x.iter().copied().zip(line.y.iter().copied()).collect();
        let series = chart.draw_series(LineSeries::new(points.clone(), c.stroke_width(2))).map_err(err)?;
        if !line.label.is_empty() {
            legend = true;
            series
                .label(line.label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3)));
        }
        if line.points {
            chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, c.filled()))).map_err(err)?;
        }
    }
    if legend {
        chart
            .configure_series_labels()
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .position(if fig.legend_lower_right {
                SeriesLabelPosition::LowerRight
            } else {
                SeriesLabelPosition::UpperLeft
            })
            .draw()
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// Draws `fig` into `dir/stem.svg` and `dir/stem.png`; returns the paths written.
pub fn save(fig: &Figure, dir: &Path, stem: &str) -> Result<Vec<PathBuf>, String> {
    register_font();
    let svg_path = dir.join(format!("{stem}.svg"));
    let mut svg = String::new();
    draw(SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(), fig)?;
    std::fs::write(&svg_path, svg).map_err(|e| format!("cannot write {}: {e}", svg_path.display()))?;
    let png_path = dir.join(format!("{stem}.png"));
    draw(BitMapBackend::new(&png_path, SIZE).into_drawing_area(), fig)?;
    Ok(vec![svg_path, png_path])
}

fn months_in_years(summary: &Summary) -> Vec<f64> {
    summary.months.iter().map(|&m| m as f64 / 12.0).collect()
}

fn fan(summary: &Summary, q: usize, color_index: usize) -> (Vec<Band>, Line) {
    let steps = &summary.quantities[q].steps;
    let pick = |f: fn(&detente_sim::summary::Spread) -> f64| steps.iter().map(f).collect::<Vec<f64>>();
    let bands = vec![
        Band { low: pick(|s| s.p5), high: pick(|s| s.p95), color: color_index, opacity: 0.15 },
        Band { low: pick(|s| s.p25), high: pick(|s| s.p75), color: color_index, opacity: 0.3 },
    ];
    let line = Line { y: pick(|s| s.p50), color: color_index, label: String::new(), points: false };
    (bands, line)
}

/// The charts of one simulation, written into `dir`.
pub fn simulation(summary: &Summary, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    let x = months_in_years(summary);
    let runs = summary.runs;
    for (q, quantity) in summary.quantities.iter().enumerate() {
        let (bands, mut median) = fan(summary, q, 0);
        median.label = "median (bands: 25-75% and 5-95%)".into();
        let fig = Figure {
            title: format!("{}: {} ({} futures)", summary.agreement, quantity.name, runs),
            x_label: "years after adoption".into(),
            y_label: quantity.unit.clone(),
            x: x.clone(),
            bands,
            lines: vec![median],
            y_range: None,
            legend_lower_right: false,
        };
        written.extend(save(&fig, dir, &format!("fan-{}", quantity.id))?);
    }
    if !summary.phases.is_empty() {
        let fig = Figure {
            title: format!("{}: probability that each phase has opened", summary.agreement),
            x_label: "years after adoption".into(),
            y_label: "probability".into(),
            x: x.clone(),
            bands: vec![],
            lines: summary
                .phases
                .iter()
                .enumerate()
                .map(|(i, p)| Line { y: p.by_step.clone(), color: i, label: p.id.clone(), points: false })
                .collect(),
            y_range: Some((0.0, 1.05)),
            legend_lower_right: true,
        };
        written.extend(save(&fig, dir, "phases")?);
    }
    let fig = Figure {
        title: format!("{}: snap-back and breakdown", summary.agreement),
        x_label: "years after adoption".into(),
        y_label: "probability by then".into(),
        x: x.clone(),
        bands: vec![],
        lines: vec![
            Line { y: summary.snapback.by_step.clone(), color: 1, label: "snap-back".into(), points: false },
            Line { y: summary.breakdown.by_step.clone(), color: 6, label: "breakdown".into(), points: false },
        ],
        y_range: Some((0.0, 1.05)),
        legend_lower_right: true,
    };
    written.extend(save(&fig, dir, "risks")?);
    let fig = Figure {
        title: format!("{}: relief in effect (mean economic weight)", summary.agreement),
        x_label: "years after adoption".into(),
        y_label: "weight of relieved instruments".into(),
        x,
        bands: vec![],
        lines: vec![Line {
            y: summary.relief.mean_by_step.clone(),
            color: 2,
            label: String::new(),
            points: false,
        }],
        y_range: None,
        legend_lower_right: false,
    };
    written.extend(save(&fig, dir, "relief")?);
    Ok(written)
}

/// The overlaid charts of a comparison, written into `dir`.
pub fn comparison(report: &CompareReport, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    let first = &report.summaries[0];
    let x = months_in_years(first);
    for quantity in &first.quantities {
        let mut fig = Figure {
            title: format!("{}: median and 25-75% band by design", quantity.name),
            x_label: "years after adoption".into(),
            y_label: quantity.unit.clone(),
            x: x.clone(),
            bands: vec![],
            lines: vec![],
            y_range: None,
            legend_lower_right: false,
        };
        for (d, summary) in report.summaries.iter().enumerate() {
            let Some(q) = summary.quantities.iter().position(|s| s.id == quantity.id) else { continue };
            let (mut bands, mut line) = fan(summary, q, d);
            bands.remove(0);
            bands[0].opacity = 0.2;
            line.label = summary.agreement.clone();
            fig.bands.extend(bands);
            fig.lines.push(line);
        }
        written.extend(save(&fig, dir, &format!("compare-{}", quantity.id))?);
    }
    let overlay = |title: &str, y_label: &str, pick: &dyn Fn(&Summary) -> Vec<f64>, range| Figure {
        title: title.to_string(),
        x_label: "years after adoption".into(),
        y_label: y_label.to_string(),
        x: x.clone(),
        bands: vec![],
        lines: report
            .summaries
            .iter()
            .enumerate()
            .map(|(d, s)| Line { y: pick(s), color: d, label: s.agreement.clone(), points: false })
            .collect(),
        y_range: range,
        legend_lower_right: range.is_some(),
    };
    let relief = overlay(
        "Relief in effect (mean economic weight)",
        "weight",
        &|s| s.relief.mean_by_step.clone(),
        None,
    );
    written.extend(save(&relief, dir, "compare-relief")?);
    let snapback = overlay(
        "Probability of snap-back by then",
        "probability",
        &|s| s.snapback.by_step.clone(),
        Some((0.0, 1.05)),
    );
    written.extend(save(&snapback, dir, "compare-snapback")?);
    Ok(written)
}

/// A file-name form of an outcome's name: lower case, words joined by dashes.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// The charts of a sweep: each outcome against the swept parameter, written into `dir`.
pub fn sweep(report: &detente_sim::sweep::SweepReport, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    let x: Vec<f64> = report.points.iter().map(|p| p.value).collect();
    for (i, (name, values)) in detente_sim::sweep::outcomes(report).into_iter().enumerate() {
        let probability = name.starts_with("probability");
        let fig = Figure {
            title: format!("{name} against {}", report.parameter),
            x_label: report.parameter.clone(),
            y_label: name.clone(),
            x: x.clone(),
            bands: vec![],
            lines: vec![Line { y: values, color: i % 3, label: String::new(), points: true }],
            y_range: probability.then_some((0.0, 1.05)),
            legend_lower_right: false,
        };
        written.extend(save(&fig, dir, &format!("sweep-{:02}-{}", i + 1, slug(&name)))?);
    }
    Ok(written)
}
