//! Tornado charts of what drives a design's outcome: one horizontal bar per assumption of
//! the design's `[simulation]` table, from the outcome at the low end of the
//! assumption's range to the outcome at its high end (the report's drivers, moved one
//! at a time on common random numbers), sorted so the widest swing is on top, around a
//! vertical line at the outcome at the design's own values. Each bar is labelled with
//! the assumption, its value and its range's ends; the low end's part of a bar and the
//! high end's are coloured apart, so which way an assumption pushes can be read.
//!
//! The chart is drawn from the same [`Driver`]s as the report's tables, so the two
//! cannot disagree; the SVG depends on nothing but them (no clock, no randomness), so
//! the same seed gives the same bytes.

use detente_sim::report::drivers::{Driver, OUTCOMES};
use detente_sim::report::Report;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{color, register_font, tick, ChartError};

/// Chart width in pixels; the height grows with the number of bars.
const WIDTH: u32 = 1000;

/// Pixels per bar.
const BAR: u32 = 34;

/// One assumption's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The assumption, its value and its range, as shown beside the bar.
    pub label: String,
    /// The outcome at the low end of the range.
    pub at_low: f64,
    /// The outcome at the high end.
    pub at_high: f64,
}

impl Bar {
    /// How far the outcome moves across the range.
    pub fn swing(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }
}

/// A tornado chart, described before it is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Tornado {
    /// Title.
    pub title: String,
    /// The outcome, with its unit (the x axis).
    pub outcome: String,
    /// The outcome at the design's own values (the vertical line).
    pub base: f64,
    /// The bars, widest swing first.
    pub bars: Vec<Bar>,
    /// Whether the outcome is a probability (axis 0 to 1).
    pub probability: bool,
}

/// The outcome's axis label, with its unit.
fn outcome_label(o: usize) -> String {
    match o {
        2 => format!("{} (weight x years)", OUTCOMES[o]),
        _ => format!("probability of {} by the horizon", OUTCOMES[o]),
    }
}

/// A driver's label: the assumption, its value and its range's ends, and whether the
/// range is stated in the file or made by the rule.
pub fn bar_label(driver: &Driver) -> String {
    let origin = if driver.source.is_some() { "stated" } else { "rule" };
    format!(
        "{} = {} ({} to {}, {origin})",
        driver.parameter,
        tick(driver.value),
        tick(driver.range.0),
        tick(driver.range.1)
    )
}

/// The tornado of outcome `o` (an index of [`OUTCOMES`]) over a design's drivers, with
/// the outcome at the design's values at `base`; `None` when no assumption moves it.
pub fn tornado(design: &str, o: usize, drivers: &[Driver], base: f64) -> Option<Tornado> {
    let mut bars: Vec<Bar> = drivers
        .iter()
        .map(|d| Bar { label: bar_label(d), at_low: d.at_low[o], at_high: d.at_high[o] })
        .collect();
    if bars.iter().all(|b| b.swing() == 0.0) {
        return None;
    }
    // A stable sort: ties keep the drivers' (deterministic) order.
    bars.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
    Some(Tornado {
        title: format!("{design}: what moves {}", OUTCOMES[o]),
        outcome: outcome_label(o),
        base,
        bars,
        probability: o < 2,
    })
}

/// Every tornado of a report: for each design, each outcome that some assumption moves,
/// as `(design index, file stem, chart)`.
pub fn tornado_figures(report: &Report) -> Vec<(usize, String, Tornado)> {
    let mut out = Vec::new();
    for (d, drivers) in report.drivers.iter().enumerate() {
        let design = &report.comparison.designs[d];
        for (o, outcome) in OUTCOMES.iter().enumerate() {
            if let Some(t) = tornado(design, o, drivers, report.at_values[d][o]) {
                let stem = format!("tornado-{}-{}", d + 1, outcome.replace(' ', "-"));
                out.push((d, stem, t));
            }
        }
    }
    out
}

impl Tornado {
    /// The x range: every bar's ends and the base, with a margin (kept within 0 to 1
    /// for a probability), so that small swings near 0 or 1 stay visible.
    fn x_range(&self) -> (f64, f64) {
        let values = self.bars.iter().flat_map(|b| [b.at_low, b.at_high]).chain([self.base]);
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
        let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.01).max(1e-3);
        if self.probability {
            ((lo - pad).max(0.0), (hi + pad).min(1.0))
        } else {
            (lo - pad, hi + pad)
        }
    }

    /// The chart's size: taller with more bars.
    fn size(&self) -> (u32, u32) {
        (WIDTH, 150 + BAR * self.bars.len().max(1) as u32)
    }
}

/// Renders a tornado as an SVG document.
pub fn tornado_svg(t: &Tornado) -> Result<String, ChartError> {
    register_font();
    let mut svg = String::new();
    draw(SVGBackend::with_string(&mut svg, t.size()).into_drawing_area(), t)?;
    Ok(svg)
}

/// Draws a tornado into `dir/stem.svg` and `dir/stem.png`; returns the paths written.
pub fn save_tornado(
    t: &Tornado,
    dir: &std::path::Path,
    stem: &str,
) -> Result<Vec<std::path::PathBuf>, ChartError> {
    let svg_path = dir.join(format!("{stem}.svg"));
    std::fs::write(&svg_path, tornado_svg(t)?)
        .map_err(|source| ChartError::WriteFile { path: svg_path.clone(), source })?;
    let png_path = dir.join(format!("{stem}.png"));
    draw(BitMapBackend::new(&png_path, t.size()).into_drawing_area(), t)?;
    Ok(vec![svg_path, png_path])
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    t: &Tornado,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    // The key goes in a strip along the bottom, where it covers no bar.
    let (height, key_height) = (t.size().1, 26);
    let (root, key) = root.split_vertically(height - key_height);
    draw_key(&key, t)?;
    let n = t.bars.len();
    let (x0, x1) = t.x_range();
    // Bar k (widest first) sits in row n - 1 - k, so the widest is on top; each label
    // is drawn beside its row's centre.
    let mut chart = ChartBuilder::on(&root)
        .caption(&t.title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(430)
        .build_cartesian_2d(x0..x1, 0.0..n as f64)?;
    chart
        .configure_mesh()
        .x_desc(t.outcome.as_str())
        .x_label_formatter(&|v| tick(*v))
        .y_labels(0)
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(245, 245, 245))
        .disable_y_mesh()
        .draw()?;
    for (k, bar) in t.bars.iter().enumerate() {
        let row = (n - 1 - k) as f64;
        // Both ends may lie on one side of the base: the longer part is drawn first, so
        // the shorter stays visible over it.
        let mut ends = [(0, bar.at_low), (1, bar.at_high)];
        ends.sort_by(|a, b| (b.1 - t.base).abs().total_cmp(&(a.1 - t.base).abs()));
        for (end, value) in ends {
            let (a, b) = if value < t.base { (value, t.base) } else { (t.base, value) };
            let rect = Rectangle::new([(a, row + 0.15), (b, row + 0.85)], color(end).mix(0.8).filled());
            chart.draw_series(std::iter::once(rect))?;
        }
    }
    let base = vec![(t.base, 0.0), (t.base, n as f64)];
    chart.draw_series(std::iter::once(PathElement::new(base, BLACK.stroke_width(2))))?;
    let style = ("sans-serif", 13).into_font().color(&BLACK).pos(Pos::new(HPos::Right, VPos::Center));
    for (k, bar) in t.bars.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(x0, (n - 1 - k) as f64 + 0.5));
        root.draw_text(&bar.label, &style, (x - 8, y))?;
    }
    Ok(root.present()?)
}

/// The key: the two ends' colours and the line at the values as written.
fn draw_key<DB: DrawingBackend>(
    key: &DrawingArea<DB, plotters::coord::Shift>,
    t: &Tornado,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = ("sans-serif", 13).into_font().color(&RGBColor(60, 60, 60));
    let mut x = 40;
    for (end, text) in [(0, "outcome at the low end of the range"), (1, "at the high end")] {
        key.draw(&Rectangle::new([(x, 4), (x + 14, 18)], color(end).mix(0.8).filled()))?;
        key.draw_text(text, &style, (x + 20, 4))?;
        x += 40 + 7 * text.len() as i32;
    }
    key.draw(&PathElement::new(vec![(x, 2), (x, 20)], BLACK.stroke_width(2)))?;
    key.draw_text(&format!("at the values as written: {}", tick(t.base)), &style, (x + 8, 4))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn driver(parameter: &str, low: f64, high: f64) -> Driver {
        Driver {
            parameter: parameter.into(),
            value: 0.3,
            range: (0.15, 0.65),
            source: None,
            at_low: [low, 0.0, 0.0],
            at_high: [high, 0.0, 0.0],
        }
    }

    #[test]
    fn bars_are_sorted_by_swing_and_labelled_with_their_range() {
        let drivers = vec![driver("a", 0.5, 0.52), driver("b", 0.2, 0.9), driver("c", 0.6, 0.4)];
        let t = tornado("design", 0, &drivers, 0.5).unwrap();
        let labels: Vec<&str> = t.bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            ["b = 0.3 (0.15 to 0.65, rule)", "c = 0.3 (0.15 to 0.65, rule)", "a = 0.3 (0.15 to 0.65, rule)"]
        );
        assert!(tornado("design", 1, &drivers, 0.0).is_none(), "nothing moves snap-back");
    }

    #[test]
    fn the_same_drivers_give_the_same_bytes() {
        let drivers = vec![driver("walkout.base", 0.9, 1.0), driver("resolution", 0.95, 0.97)];
        let t = tornado("korea", 0, &drivers, 0.96).unwrap();
        let first = tornado_svg(&t).unwrap();
        assert_eq!(first, tornado_svg(&t).unwrap());
        assert!(first.starts_with("<svg") && first.contains("walkout.base = 0.3 (0.15 to 0.65, rule)"));
        assert!(first.contains("at the values as written: 0.96"));
    }

    #[test]
    fn a_tornado_is_saved_as_svg_and_png() {
        let drivers: Vec<Driver> = (0..12)
            .map(|i| {
                // As long a name as a file gives, so that the labels are seen to fit.
                let name = format!("detection.outside-inspections-{i}");
                driver(&name, 0.5 - 0.03 * i as f64, 0.55 + 0.02 * i as f64)
            })
            .collect();
        let t = tornado("design", 0, &drivers, 0.52).unwrap();
        let dir = std::env::temp_dir().join(format!("detente-tornado-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let written = save_tornado(&t, &dir, "tornado").unwrap();
        assert!(written.iter().all(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0)));
        if std::env::var_os("DETENTE_KEEP_CHARTS").is_none() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
