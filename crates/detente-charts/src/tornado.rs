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
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

use crate::{color, register_font, tick};

/// Chart width in pixels; the height grows with the number of bars.
const WIDTH: u32 = 960;

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
        for o in 0..OUTCOMES.len() {
            if let Some(t) = tornado(design, o, drivers, report.at_values[d][o]) {
                let stem = format!("tornado-{}-{}", d + 1, OUTCOMES[o].replace(' ', "-"));
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
pub fn tornado_svg(t: &Tornado) -> Result<String, String> {
    register_font();
    let mut svg = String::new();
    draw(SVGBackend::with_string(&mut svg, t.size()).into_drawing_area(), t)?;
    Ok(svg)
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, plotters::coord::Shift>, t: &Tornado) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("cannot draw the chart: {e}");
    root.fill(&WHITE).map_err(err)?;
    let n = t.bars.len();
    let (x0, x1) = t.x_range();
    // Bars top-down: the widest swing is the top segment.
    let labels: Vec<String> = t.bars.iter().map(|b| b.label.clone()).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(&t.title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(380)
        .build_cartesian_2d(x0..x1, (0..n).into_segmented())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(t.outcome.as_str())
        .x_label_formatter(&|v| tick(*v))
        .y_labels(n + 1)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) if *i < n => labels[n - 1 - i].clone(),
            _ => String::new(),
        })
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(245, 245, 245))
        .disable_y_mesh()
        .draw()
        .map_err(err)?;
    for (k, bar) in t.bars.iter().enumerate() {
        let row = n - 1 - k;
        for (end, value) in [(0, bar.at_low), (1, bar.at_high)] {
            let (a, b) = if value < t.base { (value, t.base) } else { (t.base, value) };
            let rect = Rectangle::new(
                [(a, SegmentValue::Exact(row)), (b, SegmentValue::Exact(row + 1))],
                color(end).mix(0.75).filled(),
            );
            chart.draw_series(std::iter::once(rect)).map_err(err)?.label(if k == 0 {
                ["outcome at the low end of the range", "outcome at the high end"][end]
            } else {
                ""
            });
        }
    }
    let base = vec![(t.base, SegmentValue::Exact(0)), (t.base, SegmentValue::Exact(n))];
    chart
        .draw_series(std::iter::once(PathElement::new(base, BLACK.stroke_width(2))))
        .map_err(err)?
        .label(format!("at the values as written: {}", tick(t.base)))
        .legend(|(x, y)| PathElement::new(vec![(x, y - 6), (x, y + 6)], BLACK.stroke_width(2)));
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 13))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
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
}
