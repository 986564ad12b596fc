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
//! * **risks**: the probabilities of snap-back, breakdown and collapse (or breakdown),
//!   with 95% intervals;
//! * **relief**: the mean weight of relief in effect (million USD a year), with the
//!   25-75% and 5-95% spread of futures;
//! * for comparisons, the same overlaid per design;
//! * for sweeps, an outcome against the swept parameter (probabilities with their 95%
//!   interval);
//! * for reports, a **tornado** per design and outcome: each assumption's swing across
//!   its range ([`tornado`]).
//!
//! What a chart must not do, and how it is avoided: a flat series is drawn around its
//! value and says so in a note (not on an arbitrary 0-1 axis); the legend goes to the
//! corner the data leaves free (or headroom is added); a line that another covers is
//! drawn wider beneath it, and every legend entry of a probability ends with its value
//! at the horizon, so a hidden or zero line can still be read; probability axes start a
//! little below 0 so a line at 0 is not lost in the axis; tick labels carry no useless
//! decimals.
//!
//! [`simulation_figures`], [`comparison_figures`] and [`sweep_figures`] describe the
//! charts; [`svg`] renders one to a string (for embedding), [`save`] to files.

// Every public item is documented, and library code never unwraps: bad input is
// refused with an error, never a panic (clippy.toml allows both in tests).
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod error;
pub mod tornado;

pub use error::ChartError;

use std::path::{Path, PathBuf};
use std::sync::Once;

use detente_sim::compare::CompareReport;
use detente_sim::summary::{Spread, Summary};
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
    /// A line of explanation under the title (e.g. that a series is constant).
    pub note: Option<String>,
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
    /// Whether the y axis shows probabilities (0 to 1, whatever the data).
    pub probability: bool,
}

/// Legend corners, in order of preference.
const CORNERS: [SeriesLabelPosition; 4] = [
    SeriesLabelPosition::UpperLeft,
    SeriesLabelPosition::UpperRight,
    SeriesLabelPosition::LowerRight,
    SeriesLabelPosition::LowerLeft,
];

/// Pixels of the plotting area (the chart less margins, caption and label areas), roughly.
const PLOT: (f64, f64) = (SIZE.0 as f64 - 2.0 * 18.0 - 72.0, SIZE.1 as f64 - 2.0 * 18.0 - 34.0 - 44.0);

impl Figure {
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.bands
            .iter()
            .flat_map(|b| b.low.iter().chain(&b.high))
            .chain(self.lines.iter().flat_map(|l| &l.y))
            .copied()
            .filter(|v| v.is_finite())
    }

    /// The one value every series has throughout, if so.
    pub fn flat_value(&self) -> Option<f64> {
        let mut values = self.values();
        let first = values.next()?;
        values.all(|v| v == first).then_some(first)
    }

    fn data_range(&self) -> (f64, f64) {
        if self.probability {
            // A little below 0, so that a line at 0 is drawn above the axis, not in it.
            return (-0.03, 1.05);
        }
        if let Some(v) = self.flat_value() {
            // Around the value, not on an arbitrary 0-1 axis: the note says it is flat.
            return match v {
                v if v > 0.0 => (0.0, 2.0 * v),
                v if v < 0.0 => (2.0 * v, 0.0),
                _ => (-0.04, 1.0),
            };
        }
        let (low, high) =
            self.values().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !low.is_finite() {
            return (0.0, 1.0);
        }
        let low = low.min(0.0);
        let pad = ((high - low) * 0.05).max(1e-9);
        // Below 0 too, when the data touch 0, so a line at 0 stays visible.
        let below = if low == 0.0 { -pad * 0.6 } else { low };
        (below, high + pad)
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

    fn labels(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.label.as_str()).filter(|l| !l.is_empty()).collect()
    }

    /// The legend's size in pixels, estimated from its labels.
    fn legend_size(&self) -> (f64, f64) {
        let labels = self.labels();
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        (44.0 + 7.4 * longest as f64, 12.0 + 19.0 * labels.len() as f64)
    }

    /// How many data points a legend at `corner` would cover, with this y range.
    fn covered(&self, corner: &SeriesLabelPosition, (y0, y1): (f64, f64)) -> usize {
        let (w, h) = self.legend_size();
        let (x0, x1) = self.x_range();
        let (left, right) = match corner {
            SeriesLabelPosition::UpperLeft | SeriesLabelPosition::LowerLeft => (0.0, w + 10.0),
            _ => (PLOT.0 - w - 10.0, PLOT.0),
        };
        let (top, bottom) = match corner {
            SeriesLabelPosition::UpperLeft | SeriesLabelPosition::UpperRight => (0.0, h + 10.0),
            _ => (PLOT.1 - h - 10.0, PLOT.1),
        };
        let px = |x: f64| (x - x0) / (x1 - x0) * PLOT.0;
        let py = |y: f64| (1.0 - (y - y0) / (y1 - y0)) * PLOT.1;
        let inside_x = |x: f64| (left..=right).contains(&px(x));
        let mut count = 0;
        for line in &self.lines {
            count += self
                .x
                .iter()
                .zip(&line.y)
                .filter(|(&x, &y)| inside_x(x) && (top..=bottom).contains(&py(y)))
                .count();
        }
        for band in &self.bands {
            count += self
                .x
                .iter()
                .zip(band.low.iter().zip(&band.high))
                .filter(|(&x, (&lo, &hi))| inside_x(x) && py(hi) <= bottom && py(lo) >= top)
                .count();
        }
        count
    }

    /// The y range and the legend corner: the corner the data leave free, or headroom
    /// above the data when none is (and the axis is not fixed).
    fn layout(&self) -> ((f64, f64), SeriesLabelPosition) {
        let range = self.data_range();
        if self.labels().is_empty() {
            return (range, SeriesLabelPosition::UpperLeft);
        }
        let best = CORNERS.iter().min_by_key(|c| self.covered(c, range)).unwrap_or(&CORNERS[0]);
        if self.covered(best, range) == 0 || self.probability {
            return (range, best.clone());
        }
        let (y0, y1) = range;
        let share = ((self.legend_size().1 + 16.0) / PLOT.1).min(0.6);
        ((y0, y0 + (y1 - y0) / (1.0 - share)), SeriesLabelPosition::UpperLeft)
    }
}

/// A tick label without useless decimals: 250, 2.5, 0.05, 12,000.
pub fn tick(v: f64) -> String {
    let v = if v.abs() < 1e-9 { 0.0 } else { v };
    if v.abs() >= 1000.0 && v.fract() == 0.0 {
        let digits = format!("{}", v.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        return if v < 0.0 { format!("-{out}") } else { out };
    }
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A probability as a percentage for legends: 87%, 0.4%, 100%.
fn percent(p: f64) -> String {
    let pct = p * 100.0;
    if pct == 0.0 || pct >= 10.0 || pct.fract() == 0.0 {
        format!("{pct:.0}%")
    } else {
        format!("{pct:.1}%")
    }
}

/// Wilson's 95% interval for a proportion `p` of `n` (good near 0 and 1, unlike p ± 2 se).
pub fn wilson(p: f64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (z, n) = (1.96f64, n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Widths so that no line is lost under another: a line that a later (drawn over it)
/// line follows for most of its length is drawn wider beneath, as a stripe.
fn widths(fig: &Figure, (y0, y1): (f64, f64)) -> Vec<u32> {
    let close = |a: &[f64], b: &[f64]| {
        let near = a.iter().zip(b).filter(|(u, v)| ((*u - *v) / (y1 - y0)).abs() < 0.012).count();
        near * 2 > a.len().max(1)
    };
    (0..fig.lines.len())
        .map(|i| {
            let covering =
                (i + 1..fig.lines.len()).filter(|&j| close(&fig.lines[i].y, &fig.lines[j].y)).count();
            2 + 3 * covering as u32
        })
        .collect()
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is bundled and known to parse; a failure would only lose PNG text.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    fig: &Figure,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    // A note goes in a strip along the bottom, under the axis label.
    let root = match &fig.note {
        Some(note) => {
            let (chart, foot) = root.split_vertically(SIZE.1 - 24);
            let style = ("sans-serif", 14).into_font().color(&RGBColor(80, 80, 80));
            foot.draw_text(note, &style, (90, 2))?;
            chart
        }
        None => root,
    };

    let (x0, x1) = fig.x_range();
    let ((y0, y1), corner) = fig.layout();
    let negative = fig.values().any(|v| v < 0.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(&fig.title, ("sans-serif", 22))
        .margin(18)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(fig.x_label.as_str())
        .y_desc(fig.y_label.as_str())
        .x_label_formatter(&|v| tick(*v))
        // The axis may start a little below 0 to show a line at 0; no negative tick then.
        .y_label_formatter(&|v| if *v < 0.0 && !negative { String::new() } else { tick(*v) })
        .label_style(("sans-serif", 14))
        .light_line_style(RGBColor(245, 245, 245))
        .draw()?;
    for band in &fig.bands {
        let mut outline: Vec<(f64, f64)> = fig.x.iter().copied().zip(band.high.iter().copied()).collect();
        outline.extend(fig.x.iter().copied().zip(band.low.iter().copied()).rev());
        let fill = color(band.color).mix(band.opacity).filled();
        chart.draw_series(std::iter::once(Polygon::new(outline, fill)))?;
    }
    let mut legend = false;
    for (line, width) in fig.lines.iter().zip(widths(fig, (y0, y1))) {
        let c = color(line.color);
        let points: Vec<(f64, f64)> = fig.x.iter().copied().zip(line.y.iter().copied()).collect();
        let series = chart.draw_series(LineSeries::new(points.clone(), c.stroke_width(width)))?;
        if !line.label.is_empty() {
            legend = true;
            series
                .label(line.label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3)));
        }
        if line.points {
            chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, c.filled())))?;
        }
    }
    if legend {
        chart
            .configure_series_labels()
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .position(corner)
            .draw()?;
    }
    Ok(root.present()?)
}

/// Renders `fig` as an SVG document.
pub fn svg(fig: &Figure) -> Result<String, ChartError> {
    register_font();
    let mut svg = String::new();
    draw(SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(), fig)?;
    Ok(svg)
}

/// Renders `fig` as SVG into `out` (a file, a buffer, a web response).
pub fn write_svg(fig: &Figure, out: &mut impl std::io::Write) -> Result<(), ChartError> {
    out.write_all(svg(fig)?.as_bytes()).map_err(|source| ChartError::Write { source })
}

/// Draws `fig` into `dir/stem.svg` and `dir/stem.png`; returns the paths written.
pub fn save(fig: &Figure, dir: &Path, stem: &str) -> Result<Vec<PathBuf>, ChartError> {
    let svg_path = dir.join(format!("{stem}.svg"));
    std::fs::write(&svg_path, svg(fig)?)
        .map_err(|source| ChartError::WriteFile { path: svg_path.clone(), source })?;
    let png_path = dir.join(format!("{stem}.png"));
    draw(BitMapBackend::new(&png_path, SIZE).into_drawing_area(), fig)?;
    Ok(vec![svg_path, png_path])
}

/// Writes each figure into `dir` as SVG and PNG.
fn save_all(figures: &[(String, Figure)], dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    let mut written = Vec::new();
    for (stem, fig) in figures {
        written.extend(save(fig, dir, stem)?);
    }
    Ok(written)
}

fn years(summary: &Summary) -> Vec<f64> {
    summary.months.iter().map(|&m| m as f64 / 12.0).collect()
}

fn x_label(summary: &Summary) -> String {
    format!("years from {}", summary.start)
}

fn horizon(summary: &Summary) -> String {
    let years = summary.months.last().copied().unwrap_or(0) as f64 / 12.0;
    format!("year {}", tick(years))
}

/// The note of a figure whose every series is one value throughout.
fn flat_note(fig: &Figure, unit: &str, who: &str) -> Option<String> {
    let v = fig.flat_value()?;
    Some(format!("Constant: {} {unit} from start to horizon, in {who}.", tick(v)))
}

fn fan(steps: &[Spread], color_index: usize) -> (Vec<Band>, Line) {
    let pick = |f: fn(&Spread) -> f64| steps.iter().map(f).collect::<Vec<f64>>();
    let bands = vec![
        Band { low: pick(|s| s.p5), high: pick(|s| s.p95), color: color_index, opacity: 0.15 },
        Band { low: pick(|s| s.p25), high: pick(|s| s.p75), color: color_index, opacity: 0.3 },
    ];
    let line = Line { y: pick(|s| s.p50), color: color_index, label: String::new(), points: false };
    (bands, line)
}

/// A probability over time with its 95% interval (Wilson) as a band.
fn risk(by_step: &[f64], runs: u64, color_index: usize, label: String) -> (Band, Line) {
    let (low, high) = by_step.iter().map(|&p| wilson(p, runs)).unzip();
    (
        Band { low, high, color: color_index, opacity: 0.25 },
        Line { y: by_step.to_vec(), color: color_index, label, points: false },
    )
}

/// The unit of relief.
const RELIEF_UNIT: &str = "million USD a year";

/// The charts of one simulation, described: (file stem, figure).
pub fn simulation_figures(summary: &Summary) -> Vec<(String, Figure)> {
    let mut figures = Vec::new();
    let x = years(summary);
    let runs = summary.runs;
    let at = horizon(summary);
    for quantity in &summary.quantities {
        let (bands, mut median) = fan(&quantity.steps, 0);
        median.label = "median (bands: 25-75% and 5-95% of futures)".into();
        let mut fig = Figure {
            title: format!("{}: {}, {} futures", summary.agreement, quantity.name, runs),
            note: None,
            x_label: x_label(summary),
            y_label: quantity.unit.clone(),
            x: x.clone(),
            bands,
            lines: vec![median],
            probability: false,
        };
        fig.note = flat_note(&fig, &quantity.unit, "every future");
        figures.push((format!("fan-{}", quantity.id), fig));
    }
    if !summary.phases.is_empty() {
        let fig = Figure {
            title: format!("{}: probability that each phase has opened, {} futures", summary.agreement, runs),
            note: None,
            x_label: x_label(summary),
            y_label: "probability".into(),
            x: x.clone(),
            bands: vec![],
            lines: summary
                .phases
                .iter()
                .enumerate()
                .map(|(i, p)| Line {
                    y: p.by_step.clone(),
                    color: i,
                    label: format!("{} ({} by {at})", p.id, percent(p.reached)),
                    points: false,
                })
                .collect(),
            probability: true,
        };
        figures.push(("phases".into(), fig));
    }
    let (snap_band, snap) = risk(
        &summary.snapback.by_step,
        runs,
        1,
        format!("snap-back ({} by {at})", percent(summary.snapback.probability)),
    );
    let (break_band, breakdown) = risk(
        &summary.breakdown.by_step,
        runs,
        6,
        format!("breakdown ({} by {at})", percent(summary.breakdown.probability)),
    );
    let (collapse_band, collapse) = risk(
        &summary.collapse.by_step,
        runs,
        3,
        format!("collapse or breakdown ({} by {at})", percent(summary.collapse.probability)),
    );
    figures.push((
        "risks".into(),
        Figure {
            title: format!("{}: snap-back, breakdown and collapse, {} futures", summary.agreement, runs),
            note: Some(
                "Bands: 95% intervals of each probability (Wilson), from the number of futures.".into(),
            ),
            x_label: x_label(summary),
            y_label: "probability by then".into(),
            x: x.clone(),
            bands: vec![snap_band, break_band, collapse_band],
            lines: vec![snap, breakdown, collapse],
            probability: true,
        },
    ));
    let (bands, _) = fan(&summary.relief.by_step, 2);
    let mean = Line {
        y: summary.relief.mean_by_step.clone(),
        color: 2,
        label: "mean (bands: 25-75% and 5-95% of futures)".into(),
        points: false,
    };
    let mut fig = Figure {
        title: format!("{}: sanctions relief in effect, {} futures", summary.agreement, runs),
        note: None,
        x_label: x_label(summary),
        y_label: format!("{RELIEF_UNIT} (weight of relieved instruments)"),
        x,
        bands,
        lines: vec![mean],
        probability: false,
    };
    fig.note = if summary.relief.weighted {
        flat_note(&fig, RELIEF_UNIT, "every future")
    } else {
        Some("No instrument states an economic `weight`: relief is 0 by construction.".into())
    };
    figures.push(("relief".into(), fig));
    figures
}

/// The charts of one simulation, written into `dir`.
pub fn simulation(summary: &Summary, dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    save_all(&simulation_figures(summary), dir)
}

/// The overlaid charts of a comparison, described: (file stem, figure).
pub fn comparison_figures(report: &CompareReport) -> Vec<(String, Figure)> {
    let mut figures = Vec::new();
    let first = &report.summaries[0];
    let x = years(first);
    let at = horizon(first);
    for quantity in &first.quantities {
        let mut fig = Figure {
            title: format!("{}: median and 25-75% band by design", quantity.name),
            note: None,
            x_label: x_label(first),
            y_label: quantity.unit.clone(),
            x: x.clone(),
            bands: vec![],
            lines: vec![],
            probability: false,
        };
        for (d, summary) in report.summaries.iter().enumerate() {
            let Some(q) = summary.quantities.iter().position(|s| s.id == quantity.id) else { continue };
            let (mut bands, mut line) = fan(&summary.quantities[q].steps, d);
            bands.remove(0);
            bands[0].opacity = 0.2;
            line.label = summary.agreement.clone();
            fig.bands.extend(bands);
            fig.lines.push(line);
        }
        fig.note = flat_note(&fig, &quantity.unit, "every design and every future");
        figures.push((format!("compare-{}", quantity.id), fig));
    }
    let mut relief = Figure {
        title: "Sanctions relief in effect: mean and 25-75% band by design".into(),
        note: None,
        x_label: x_label(first),
        y_label: RELIEF_UNIT.into(),
        x: x.clone(),
        bands: vec![],
        lines: vec![],
        probability: false,
    };
    for (d, s) in report.summaries.iter().enumerate() {
        let (mut bands, _) = fan(&s.relief.by_step, d);
        bands.remove(0);
        bands[0].opacity = 0.2;
        relief.bands.extend(bands);
        let last = s.relief.mean_by_step.last().copied().unwrap_or(0.0);
        let label = format!("{} (mean {} at {at})", s.agreement, tick(last.round()));
        relief.lines.push(Line { y: s.relief.mean_by_step.clone(), color: d, label, points: false });
    }
    relief.note = flat_note(&relief, RELIEF_UNIT, "every design and every future");
    figures.push(("compare-relief".into(), relief));
    let mut snapback = Figure {
        title: "Probability of snap-back by then, by design".into(),
        note: Some(format!("Bands: 95% intervals (Wilson) from {} futures per design.", report.runs)),
        x_label: x_label(first),
        y_label: "probability".into(),
        x,
        bands: vec![],
        lines: vec![],
        probability: true,
    };
    for (d, s) in report.summaries.iter().enumerate() {
        let label = format!("{} ({} by {at})", s.agreement, percent(s.snapback.probability));
        let (band, line) = risk(&s.snapback.by_step, s.runs, d, label);
        snapback.bands.push(band);
        snapback.lines.push(line);
    }
    figures.push(("compare-snapback".into(), snapback));
    figures
}

/// The overlaid charts of a comparison, written into `dir`.
pub fn comparison(report: &CompareReport, dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    save_all(&comparison_figures(report), dir)
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

/// The charts of a sweep, described: each outcome against the swept parameter.
pub fn sweep_figures(report: &detente_sim::sweep::SweepReport) -> Vec<(String, Figure)> {
    let x: Vec<f64> = report.points.iter().map(|p| p.value).collect();
    let runs = report.points.first().map_or(0, |p| p.summary.runs);
    let mut figures = Vec::new();
    for (i, (name, values)) in detente_sim::sweep::outcomes(report).into_iter().enumerate() {
        let probability = name.starts_with("probability");
        let bands = if probability {
            let (low, high) = values.iter().map(|&p| wilson(p, runs)).unzip();
            vec![Band { low, high, color: i % 3, opacity: 0.25 }]
        } else {
            vec![]
        };
        let mut fig = Figure {
            title: format!("{name} against {}", report.parameter),
            note: probability.then(|| format!("Band: 95% interval (Wilson) from {runs} futures per point.")),
            x_label: report.parameter.clone(),
            y_label: if name.contains("relief") {
                "million USD (relief weight x years)".into()
            } else {
                name.clone()
            },
            x: x.clone(),
            bands,
            lines: vec![Line { y: values, color: i % 3, label: String::new(), points: true }],
            probability,
        };
        if let Some(v) = fig.flat_value().filter(|_| !probability) {
            fig.note = Some(format!("Constant: {} at every value of {}.", tick(v), report.parameter));
        } else if let (true, Some(v)) = (probability, fig.lines[0].y.first().copied()) {
            if fig.lines[0].y.iter().all(|&y| y == v) {
                fig.note = Some(format!(
                    "Constant: {} at every value of {}; band: 95% interval (Wilson).",
                    percent(v),
                    report.parameter
                ));
            }
        }
        figures.push((format!("sweep-{:02}-{}", i + 1, slug(&name)), fig));
    }
    figures
}

/// The charts of a sweep, written into `dir`.
pub fn sweep(report: &detente_sim::sweep::SweepReport, dir: &Path) -> Result<Vec<PathBuf>, ChartError> {
    save_all(&sweep_figures(report), dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(lines: Vec<Vec<f64>>, probability: bool) -> Figure {
        let n = lines[0].len();
        Figure {
            title: "t".into(),
            note: None,
            x_label: "x".into(),
            y_label: "y".into(),
            x: (0..n).map(|i| i as f64).collect(),
            bands: vec![],
            lines: lines
                .into_iter()
                .enumerate()
                .map(|(i, y)| Line { y, color: i, label: format!("line {i}"), points: false })
                .collect(),
            probability,
        }
    }

    #[test]
    fn ticks_carry_no_useless_decimals() {
        assert_eq!(tick(250.0), "250");
        assert_eq!(tick(2.0), "2");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(0.05), "0.05");
        assert_eq!(tick(12000.0), "12,000");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(1e-12), "0");
    }

    #[test]
    fn a_flat_series_is_drawn_around_its_value() {
        let fig = figure(vec![vec![6.0; 10]], false);
        assert_eq!(fig.flat_value(), Some(6.0));
        assert_eq!(fig.data_range(), (0.0, 12.0));
        assert!(flat_note(&fig, "tests", "every future").unwrap().contains("Constant: 6 tests"));
        assert_eq!(figure(vec![vec![0.0; 10]], false).data_range(), (-0.04, 1.0));
        assert_eq!(figure(vec![vec![1.0, 2.0]], false).flat_value(), None);
    }

    #[test]
    fn the_legend_goes_where_the_data_are_not() {
        // A line along the top: the legend must not sit in an upper corner.
        let top = figure(vec![vec![6.0, 6.0, 6.0, 6.0, 5.9, 6.0]], false);
        let (range, corner) = top.layout();
        assert_eq!(top.covered(&corner, range), 0, "{corner:?}");
        // Curves rising to the upper right: any corner but that one.
        let rising: Vec<f64> = (0..100).map(|i| i as f64 / 99.0).collect();
        let fig = figure(vec![rising.clone(), rising.iter().map(|v| v * 0.5).collect()], true);
        let (range, corner) = fig.layout();
        assert_eq!(fig.covered(&corner, range), 0, "{corner:?}");
        // Data everywhere: headroom above them for the legend.
        let zigzag: Vec<f64> = (0..200).map(|i| if i % 2 == 0 { 0.0 } else { 10.0 }).collect();
        let fig = figure(vec![zigzag], false);
        let (range, corner) = fig.layout();
        assert!(range.1 > 10.5, "{range:?}");
        assert_eq!(fig.covered(&corner, range), 0);
    }

    #[test]
    fn a_line_under_another_is_drawn_wider() {
        let fig = figure(vec![vec![1.0; 20], vec![1.0; 20], vec![0.0; 20]], true);
        assert_eq!(widths(&fig, (0.0, 1.0)), vec![5, 2, 2]);
        let fig = figure(vec![vec![1.0; 20], vec![1.0; 20], vec![1.0; 20]], true);
        assert_eq!(widths(&fig, (0.0, 1.0)), vec![8, 5, 2]);
    }

    #[test]
    fn wilson_intervals_stay_in_0_1_and_narrow_with_runs() {
        let (lo, hi) = wilson(0.0, 2000);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.0 && hi < 0.003, "{hi}");
        let (lo, hi) = wilson(1.0, 2000);
        assert!(lo > 0.997 && hi == 1.0);
        let (a, b) = wilson(0.5, 100);
        let (c, d) = wilson(0.5, 10_000);
        assert!(b - a > 5.0 * (d - c));
    }

    #[test]
    fn svg_renders_to_a_string() {
        let fig = figure(vec![vec![0.1, 0.5, 0.9]], true);
        let text = svg(&fig).unwrap();
        assert!(text.starts_with("<svg") && text.contains("line 0"));
        let mut buffer = Vec::new();
        write_svg(&fig, &mut buffer).unwrap();
        assert_eq!(buffer, text.into_bytes());
    }
}
