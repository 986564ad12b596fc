//! The decision report (`detente report A.toml B.toml ...`): which design, why, and how
//! sure, in one document a reader can take into a memo.
//!
//! Everything in it comes from the same machinery as `compare`, `--sweep` and
//! `--trace`, so every figure can be reproduced from the files and the seed: the
//! headline outcomes of each design with their spread across futures and, apart, their
//! Monte Carlo error; what drives them (every assumption moved through its documented
//! range, [`drivers`]); sample futures told by the record ([`stories`]); warnings where a
//! result stands on an artifact; and every assumption with its value and where it comes
//! from. The content is a list of [`document::Block`]s, rendered to Markdown and to HTML
//! from the same blocks.

pub mod clusters;
pub mod document;
pub mod drivers;
pub mod stories;

use detente_engine::Agreement;
use detente_spec::model::Simulation;
use detente_spec::Severity;

use crate::compare::{self, CompareReport};
use crate::plan::{Overrides, Plan};
use crate::run::Simulator;
use crate::summary::{num, QuantitySummary, Summary};
use crate::Error;
use document::Block;
use drivers::{Driver, OUTCOMES};
use stories::Story;

/// How much work the report does beyond the comparison.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReportOptions {
    /// Futures per end of each assumption's range (the drivers).
    pub driver_runs: u32,
    /// Futures kept to choose the sample stories from.
    pub story_runs: u32,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions { driver_runs: 1000, story_runs: 2000 }
    }
}

/// A whole report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The paired comparison of the designs (the first is the reference).
    pub comparison: CompareReport,
    /// Each design's drivers, largest swing in breakdown first.
    pub drivers: Vec<Vec<Driver>>,
    /// Each design's outcomes at its own values, over the drivers' runs.
    pub at_values: Vec<[f64; 3]>,
    /// Each design's threat reduction: `(in effect at the horizon, on average over the
    /// futures; the most its commitments could give)`, on the file's `values` scale.
    pub threat_reduction: Vec<(f64, f64)>,
    /// Each design's sample futures.
    pub stories: Vec<Vec<Story>>,
    /// Each design's bimodal outcomes, over the first `story_runs` futures.
    pub clusters: Vec<Vec<Bimodal>>,
    /// The futures the clusters were read from.
    pub story_runs: u64,
    /// Where a result stands on an artifact, in words.
    pub warnings: Vec<String>,
    /// The futures per end of a driver's range.
    pub driver_runs: u32,
    /// Sections added by analyses this crate cannot run (the game's, whose crate
    /// depends on this one), placed before the warnings: `(heading, blocks)`.
    pub sections: Vec<(String, Vec<Block>)>,
}

/// An outcome whose futures fall in two clusters.
#[derive(Clone, Debug, PartialEq)]
pub struct Bimodal {
    /// The outcome, with its unit.
    pub outcome: String,
    /// The clusters, the lower first.
    pub clusters: [clusters::Cluster; 2],
    /// The share of each cluster's futures that broke down.
    pub breakdown: [f64; 2],
    /// The mean number of phases each cluster's futures opened.
    pub phases: [f64; 2],
}

/// The bimodal outcomes among the runs' records: each quantity at the horizon and the
/// relief delivered.
fn bimodal(agreement: &Agreement, records: &[crate::RunRecord]) -> Vec<Bimodal> {
    let mut outcomes: Vec<(String, Vec<f64>)> = agreement
        .spec
        .quantity
        .iter()
        .enumerate()
        .map(|(q, quantity)| {
            let values = records.iter().map(|r| r.final_quantities[q]).collect();
            (format!("{} at the horizon ({})", quantity.id, quantity.unit), values)
        })
        .collect();
    outcomes.push(("relief delivered (weight x years)".into(), records.iter().map(|r| r.relief).collect()));
    outcomes
        .into_iter()
        .filter_map(|(outcome, values)| {
            let found = clusters::split(&values)?;
            let share_of = |c: &clusters::Cluster, f: &dyn Fn(&crate::RunRecord) -> f64| {
                c.members.iter().map(|&i| f(&records[i])).sum::<f64>() / c.members.len().max(1) as f64
            };
            let broke =
                |c: &clusters::Cluster| share_of(c, &|r| f64::from(u8::from(r.breakdown_month.is_some())));
            let phases = |c: &clusters::Cluster| share_of(c, &|r| r.phases_opened as f64);
            Some(Bimodal {
                outcome,
                breakdown: [broke(&found[0]), broke(&found[1])],
                phases: [phases(&found[0]), phases(&found[1])],
                clusters: found,
            })
        })
        .collect()
}

/// Builds the report of `agreements`, aligned first (see [`compare::align`]).
pub fn build(
    mut agreements: Vec<Agreement>,
    overrides: Overrides,
    options: ReportOptions,
) -> Result<Report, Error> {
    if agreements.is_empty() {
        return Err(Error::NoDesigns);
    }
    compare::align(&mut agreements, overrides)
        .map_err(|(d, source)| Error::Design { design: agreements[d].spec.agreement.id.clone(), source })?;
    let sims: Vec<Simulator> = agreements
        .iter()
        .map(|a| Plan::new(a, Overrides::default()).map(|plan| Simulator::new(a, plan)))
        .collect::<Result<_, _>>()?;
    let runs = sims[0].plan().runs as u64;
    let comparison = compare::compare(&sims, 0..runs, &|_| {})?;
    let threat_reduction =
        agreements.iter().zip(&comparison.tallies).map(|(a, t)| threat_reduction(a, t)).collect();
    let comparison = CompareReport::new(&sims, &comparison);
    let drivers =
        agreements.iter().map(|a| drivers::drivers(a, options.driver_runs)).collect::<Result<Vec<_>, _>>()?;
    let at_values = agreements
        .iter()
        .map(|a| drivers::at_value(a, options.driver_runs))
        .collect::<Result<Vec<_>, _>>()?;
    let (mut stories, mut clusters) = (Vec::new(), Vec::new());
    let story_runs = u64::from(options.story_runs).min(runs);
    for sim in &sims {
        let (_, records) = crate::simulate(sim, 0..story_runs, true, &|_| {})?;
        stories.push(
            stories::choose(&records).into_iter().map(|(why, run)| stories::tell(sim, why, run)).collect(),
        );
        clusters.push(bimodal(sim.agreement(), &records));
    }
    let warnings = warnings(&agreements, &comparison, &drivers);
    Ok(Report {
        comparison,
        drivers,
        at_values,
        threat_reduction,
        stories,
        clusters,
        story_runs,
        warnings,
        driver_runs: options.driver_runs,
        sections: Vec::new(),
    })
}

/// The warnings: each file's own (the checker's), and every assumption whose range moves
/// an outcome of a design more than the design moves it against the reference.
fn warnings(agreements: &[Agreement], comparison: &CompareReport, drivers: &[Vec<Driver>]) -> Vec<String> {
    let mut out = Vec::new();
    for a in agreements {
        for d in detente_spec::check_spec(&a.spec).iter().filter(|d| d.severity() == Severity::Warning) {
            out.push(format!("`{}`: {} ({})", a.spec.agreement.id, d.message, d.code));
        }
    }
    let reference = outcomes_of(&comparison.summaries[0]);
    for (d, summary) in comparison.summaries.iter().enumerate().skip(1) {
        let own = outcomes_of(summary);
        for (o, name) in OUTCOMES.iter().enumerate() {
            let difference = (own[o] - reference[o]).abs();
            let larger: Vec<String> = drivers[d]
                .iter()
                .filter(|driver| driver.swing(o) > difference)
                .map(|driver| format!("`{}` ({})", driver.parameter, num(driver.swing(o))))
                .collect();
            if !larger.is_empty() {
                out.push(format!(
                    "`{}` against `{}`: {name} differs by {}, less than it moves with {} across their ranges: \
                     the difference rests on those assumptions more than on the design",
                    comparison.designs[d],
                    comparison.designs[0],
                    num(difference),
                    larger.join(", ")
                ));
            }
        }
    }
    out
}

/// The threat reduction a design delivers: each commitment's `values.threat_reduction`
/// times the share of futures in which it is in effect (performed or fulfilled) at the
/// horizon, summed; beside it, the sum of them all.
fn threat_reduction(agreement: &Agreement, tally: &crate::Tally) -> (f64, f64) {
    let statuses = crate::tally::STATUSES;
    let (mut delivered, mut most) = (0.0, 0.0);
    for (c, commitment) in agreement.spec.commitment.iter().enumerate() {
        let Some(value) = commitment.values.as_ref().map(|v| v.threat_reduction).filter(|v| *v != 0.0) else {
            continue;
        };
        let runs: u64 = statuses
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_in_effect())
            .map(|(s, _)| tally.end_status[c * statuses.len() + s])
            .sum();
        delivered += value * runs as f64 / tally.runs.max(1) as f64;
        most += value;
    }
    (delivered, most)
}

fn outcomes_of(summary: &Summary) -> [f64; 3] {
    drivers::outcomes(summary)
}

impl Report {
    /// Adds warnings found by analyses this crate cannot run (the game analysis, whose
    /// crate depends on this one), after the report's own.
    pub fn add_warnings(&mut self, more: impl IntoIterator<Item = String>) {
        self.warnings.extend(more);
    }

    /// Adds a section found by an analysis this crate cannot run, before the warnings.
    pub fn add_section(&mut self, heading: impl Into<String>, blocks: Vec<Block>) {
        self.sections.push((heading.into(), blocks));
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        document::markdown(&self.blocks())
    }

    /// The report as one self-contained HTML page.
    pub fn html(&self) -> String {
        document::html(&self.title(), &self.blocks())
    }

    /// The report with charts after the headline outcomes: `(file, caption, svg)` each,
    /// linked from the Markdown (the caller writes the files beside it) and inlined in
    /// the HTML. Returns `(markdown, html)`.
    pub fn with_charts(&self, charts: &[(String, String, String)]) -> (String, String) {
        self.with_figures(charts, &[])
    }

    /// [`Report::with_charts`], with each design's tornado charts as well (`(design
    /// index, file, caption, svg)`), placed under the design's heading in "What drives
    /// it", before its table.
    pub fn with_figures(
        &self,
        charts: &[(String, String, String)],
        tornadoes: &[(usize, String, String, String)],
    ) -> (String, String) {
        let mut blocks = self.blocks();
        let drivers_at =
            blocks.iter().position(|b| matches!(b, Block::Heading(2, h) if h == "What drives it"));
        for (d, design) in self.comparison.designs.iter().enumerate().rev() {
            let heading = format!("`{design}`");
            let Some(at) = drivers_at.and_then(|start| {
                blocks[start..]
                    .iter()
                    .position(|b| matches!(b, Block::Heading(3, h) if *h == heading))
                    .map(|k| start + k)
            }) else {
                continue;
            };
            let figures: Vec<Block> = tornadoes
                .iter()
                .filter(|(of, ..)| *of == d)
                .map(|(_, file, caption, svg)| Block::Figure {
                    file: file.clone(),
                    caption: caption.clone(),
                    svg: svg.clone(),
                })
                .collect();
            // After the heading and its paragraph of values as written.
            let after = (at + 2).min(blocks.len());
            blocks.splice(after..after, figures);
        }
        let at = blocks
            .iter()
            .position(|b| matches!(b, Block::Heading(2, h) if h == "Differences from the reference"))
            .unwrap_or(blocks.len());
        let figures = charts.iter().map(|(file, caption, svg)| Block::Figure {
            file: file.clone(),
            caption: caption.clone(),
            svg: svg.clone(),
        });
        let mut inserted = vec![Block::Heading(2, "Charts".into())];
        inserted.extend(figures);
        if !charts.is_empty() {
            blocks.splice(at..at, inserted);
        }
        (document::markdown(&blocks), document::html(&self.title(), &blocks))
    }

    fn title(&self) -> String {
        format!("Decision report: {}", self.comparison.designs.join(", "))
    }

    /// The report's content.
    pub fn blocks(&self) -> Vec<Block> {
        let c = &self.comparison;
        let first = &c.summaries[0];
        let mut out = vec![
            Block::Heading(1, self.title()),
            Block::Paragraph(format!(
                "{} futures of each design over {} months from {}, on common random numbers (seed {}): run `i` \
                 of every design draws the same numbers for what the designs share. Spreads are across futures \
                 (5th to 95th percentile); Monte Carlo errors (±, one standard error) say how precisely the runs \
                 pin a mean or a probability down. Read every figure with the assumptions at the end: they are \
                 the model's, not forecasts.",
                c.runs,
                first.months.last().copied().unwrap_or(0),
                first.start,
                c.seed
            )),
        ];
        out.extend(self.designs_section());
        out.extend(self.headline());
        out.extend(self.clusters_section());
        out.extend(self.differences());
        out.extend(self.drivers_section());
        out.extend(self.stories_section());
        for (heading, blocks) in &self.sections {
            out.push(Block::Heading(2, heading.clone()));
            out.extend(blocks.iter().cloned());
        }
        out.extend(self.warnings_section());
        out.extend(self.assumptions());
        out
    }

    fn designs_section(&self) -> Vec<Block> {
        let items =
            self.comparison.summaries.iter().map(|s| format!("`{}`: {}", s.agreement, s.title)).collect();
        vec![Block::Heading(2, "Designs".into()), Block::List(items)]
    }

    /// Each design's outcomes at 5, 10 and 20 years (or the horizon), with spreads, and
    /// its probabilities with their Monte Carlo errors.
    fn headline(&self) -> Vec<Block> {
        let c = &self.comparison;
        let months = marks(&c.summaries[0].months);
        let mut header = vec!["design".to_string(), "outcome".to_string()];
        header.extend(months.iter().map(|&(_, m)| format!("month {m}: median [5%-95%]")));
        let mut rows = Vec::new();
        for s in &c.summaries {
            for q in s.quantities.iter().chain(&s.programme) {
                rows.push(quantity_row(&s.agreement, q, &months));
            }
            let blank = || vec![String::new(); months.len().saturating_sub(1)];
            let mut row = vec![s.agreement.clone(), "relief delivered (weight x years)".into()];
            row.extend(blank());
            let d = s.relief.delivered;
            row.push(format!("{} [{}-{}]; mean {}", num(d.p50), num(d.p5), num(d.p95), num(d.mean)));
            rows.push(row);
        }
        let mut blocks = vec![
            Block::Heading(2, "Headline outcomes".into()),
            Block::Paragraph("True quantities and the programme (material in weapons' worth, breakout time in days, held at the horizon's length when nothing grows), across futures:".into()),
            Block::Table(header, rows),
        ];
        let mut header = vec!["design".to_string()];
        header.extend(["breakdown", "snap-back", "collapse or breakdown"].map(String::from));
        header.extend(c.summaries[0].phases.iter().map(|p| format!("reaches `{}`", p.id)));
        let n = c.runs;
        let rows = c
            .summaries
            .iter()
            .map(|s| {
                let mut row = vec![s.agreement.clone()];
                row.extend(
                    [s.breakdown.probability, s.snapback.probability, s.collapse.probability]
                        .map(|p| probability(p, n)),
                );
                row.extend(c.summaries[0].phases.iter().map(|p| {
                    s.phases
                        .iter()
                        .find(|q| q.id == p.id)
                        .map_or("-".to_string(), |q| probability(q.reached, n))
                }));
                row
            })
            .collect();
        blocks
            .push(Block::Paragraph("Probabilities by the horizon, ± one Monte Carlo standard error:".into()));
        blocks.push(Block::Table(header, rows));
        let rows = c
            .summaries
            .iter()
            .zip(&self.threat_reduction)
            .map(|(s, (delivered, most))| vec![s.agreement.clone(), num(*delivered), num(*most)])
            .collect();
        blocks.push(Block::Paragraph(
            "Threat reduction at the horizon: each commitment's `values.threat_reduction` (the file's scale) \
             times the share of futures in which it is in effect (performed or fulfilled), summed; beside \
             it, what all of them would give:"
                .into(),
        ));
        blocks.push(Block::Table(
            vec![
                "design".into(),
                "threat reduction in effect (mean)".into(),
                "if every commitment held".into(),
            ],
            rows,
        ));
        blocks
    }

    /// The outcomes that fall in two clusters of futures, each with its share.
    fn clusters_section(&self) -> Vec<Block> {
        let mut rows = Vec::new();
        for (d, found) in self.clusters.iter().enumerate() {
            for b in found {
                for (k, c) in b.clusters.iter().enumerate() {
                    rows.push(vec![
                        self.comparison.designs[d].clone(),
                        b.outcome.clone(),
                        ["lower", "upper"][k].to_string(),
                        format!("{}%", num(100.0 * c.share)),
                        format!("{} [{}-{}]", num(c.median), num(c.p5), num(c.p95)),
                        format!("{}%", num(100.0 * b.breakdown[k])),
                        num(b.phases[k]),
                    ]);
                }
            }
        }
        let mut blocks = vec![Block::Heading(2, "Clusters".into())];
        if rows.is_empty() {
            blocks.push(Block::Paragraph(format!(
                "No outcome is bimodal in the first {} futures of any design.",
                self.story_runs
            )));
            return blocks;
        }
        blocks.push(Block::Paragraph(format!(
            "Outcomes whose futures fall in two clusters (Sarle's bimodality coefficient above 5/9, each \
             cluster at least a tenth of the futures; the first {} futures of each design), where a median \
             between them would describe no future:",
            self.story_runs
        )));
        let header = [
            "design",
            "outcome",
            "cluster",
            "share",
            "median [5%-95%]",
            "broke down",
            "phases opened (mean)",
        ];
        blocks.push(Block::Table(header.map(String::from).to_vec(), rows));
        blocks
    }

    /// The paired differences from the reference design, with their Monte Carlo error.
    fn differences(&self) -> Vec<Block> {
        let c = &self.comparison;
        if c.designs.len() < 2 {
            return Vec::new();
        }
        let mut header = vec!["outcome".to_string(), format!("`{}` (reference)", c.designs[0])];
        header.extend(c.designs.iter().skip(1).map(|d| format!("`{d}` minus reference")));
        let rows = c
            .metrics
            .iter()
            .map(|m| {
                let mut row = vec![format!("{} ({})", m.name, m.unit), estimate(&m.designs[0])];
                row.extend(m.differences.iter().map(|d| estimate(&d.estimate)));
                row
            })
            .collect();
        vec![
            Block::Heading(2, "Differences from the reference".into()),
            Block::Paragraph("Means at the horizon and paired differences (run `i` against run `i`), ± one Monte Carlo standard error, [95% interval]:".into()),
            Block::Table(header, rows),
        ]
    }

    fn drivers_section(&self) -> Vec<Block> {
        let mut blocks = vec![
            Block::Heading(2, "What drives it".into()),
            Block::Paragraph(format!(
                "Every assumption of each design's `[simulation]` table moved, one at a time, to the ends of its \
                 range ({} futures at each end, on the design's seed), largest swing in breakdown first. A range \
                 is the file's own where `[simulation.range]` states it (its source is given); otherwise it is \
                 the rule's: a probability moves halfway to 0 and halfway to 1, an amount to half and to double \
                 (docs/simulation.md, \"The decision report\"). Ranges are statements of doubt, not estimates. \
                 Each tornado shows one outcome: a bar runs from the outcome at the low end of the assumption's \
                 range to the outcome at its high end, the widest on top, around a line at the outcome at the \
                 values as written; an outcome that no assumption moves has no tornado.",
                self.driver_runs
            )),
        ];
        for (d, drivers) in self.drivers.iter().enumerate() {
            blocks.push(Block::Heading(3, format!("`{}`", self.comparison.designs[d])));
            if drivers.iter().all(|x| (0..OUTCOMES.len()).all(|o| x.swing(o) == 0.0)) {
                blocks.push(Block::Paragraph(format!(
                    "No assumption moves these outcomes across its range{}.",
                    if drivers.is_empty() { "" } else { ": nothing in the design for them to act on" }
                )));
                continue;
            }
            let own = self.at_values[d].iter().zip(OUTCOMES).map(|(v, o)| format!("{o} {}", num(*v)));
            blocks.push(Block::Paragraph(format!(
                "At the design's own values, over the same futures: {}.",
                own.collect::<Vec<_>>().join(", ")
            )));
            let mut header = vec!["assumption".to_string(), "value".into(), "range".into()];
            header.extend(OUTCOMES.iter().map(|o| format!("{o}: low end -> high end")));
            let rows = drivers
                .iter()
                .map(|x| {
                    let mut row = vec![
                        format!("`{}`", x.parameter),
                        num(x.value),
                        format!(
                            "{} to {} ({})",
                            num(x.range.0),
                            num(x.range.1),
                            match &x.source {
                                Some(source) => format!("stated: {source}"),
                                None => format!("rule: {}", drivers::range_rule(&x.parameter)),
                            }
                        ),
                    ];
                    row.extend(
                        (0..OUTCOMES.len()).map(|o| format!("{} -> {}", num(x.at_low[o]), num(x.at_high[o]))),
                    );
                    row
                })
                .collect();
            blocks.push(Block::Table(header, rows));
        }
        blocks
    }

    fn stories_section(&self) -> Vec<Block> {
        let mut blocks = vec![
            Block::Heading(2, "Sample futures".into()),
            Block::Paragraph(
                "A few futures told by their record: each party's decision with the reason it was taken, and \
                 the engine's transitions with the engine's reasons. `detente simulate FILE --trace RUN` plays any \
                 of them again."
                    .into(),
            ),
        ];
        for (d, stories) in self.stories.iter().enumerate() {
            for story in stories {
                blocks.push(Block::Heading(
                    3,
                    format!("`{}`, run {}: {}", self.comparison.designs[d], story.run, story.why),
                ));
                if story.lines.is_empty() {
                    blocks.push(Block::Paragraph("Nothing on the record in this future.".into()));
                    continue;
                }
                let mut text = story.lines.join("\n");
                if story.more > 0 {
                    text.push_str(&format!("\n... and {} more", story.more));
                }
                blocks.push(Block::Code(text));
            }
        }
        blocks
    }

    fn warnings_section(&self) -> Vec<Block> {
        let items = if self.warnings.is_empty() { vec!["None.".to_string()] } else { self.warnings.clone() };
        vec![Block::Heading(2, "Warnings".into()), Block::List(items)]
    }

    /// Every assumption of every design: its value and whether the file states it.
    fn assumptions(&self) -> Vec<Block> {
        let mut rows = Vec::new();
        for s in &self.comparison.summaries {
            for (parameter, value, stated) in assumption_rows(&s.assumptions) {
                let origin = if stated { "the file's assumption" } else { "default (docs/simulation.md)" };
                rows.push(vec![s.agreement.clone(), format!("`{parameter}`"), value, origin.to_string()]);
            }
            for (parameter, range) in &s.assumptions.range {
                rows.push(vec![
                    s.agreement.clone(),
                    format!("range of `{parameter}`"),
                    format!("{} to {}", num(range.low), num(range.high)),
                    format!("stated: {}", range.source),
                ]);
            }
        }
        vec![
            Block::Heading(2, "Assumptions".into()),
            Block::Paragraph("Each file states its sources and labels in its comments; verification's access clauses carry theirs in `source` (`detente show FILE`).".into()),
            Block::Table(vec!["design".into(), "assumption".into(), "value".into(), "from".into()], rows),
        ]
    }
}

/// The steps of months 60, 120 and 240 that the horizon reaches, and the horizon's:
/// `(step index, month)`.
fn marks(months: &[u32]) -> Vec<(usize, u32)> {
    let mut out: Vec<(usize, u32)> =
        [60, 120, 240].iter().filter_map(|m| months.iter().position(|x| x == m).map(|k| (k, *m))).collect();
    if let Some(&m) = months.last() {
        let k = months.len() - 1;
        if out.last().is_none_or(|&(last, _)| last != k) {
            out.push((k, m));
        }
    }
    out
}

fn quantity_row(design: &str, q: &QuantitySummary, months: &[(usize, u32)]) -> Vec<String> {
    let mut row = vec![design.to_string(), format!("{} ({})", q.name, q.unit)];
    row.extend(months.iter().map(|&(k, _)| {
        q.steps.get(k).map_or("-".to_string(), |s| format!("{} [{}-{}]", num(s.p50), num(s.p5), num(s.p95)))
    }));
    row
}

/// A probability from `n` runs with its Monte Carlo standard error.
fn probability(p: f64, n: u64) -> String {
    let se = (p * (1.0 - p) / n.max(1) as f64).sqrt();
    format!("{} ± {}", num(p), num(se))
}

fn estimate(e: &crate::compare::Estimate) -> String {
    format!("{} ± {} [{}, {}]", num(e.mean), num(e.se), num(e.low), num(e.high))
}

/// The assumptions of a resolved `[simulation]` table: `(parameter, value, stated)`,
/// where `stated` is whether the value differs from the default (a file that states
/// the default value reads as using it).
fn assumption_rows(sim: &Simulation) -> Vec<(String, String, bool)> {
    let default = Simulation::default();
    let mut rows = vec![
        ("horizon".to_string(), sim.horizon.to_string(), sim.horizon != default.horizon),
        ("step".to_string(), sim.step.to_string(), sim.step != default.step),
        ("runs".to_string(), sim.runs.to_string(), sim.runs != default.runs),
        ("seed".to_string(), sim.seed.to_string(), sim.seed != default.seed),
    ];
    let defaults = drivers::parameters(&default);
    for (parameter, value) in drivers::parameters(sim) {
        let stated = defaults.iter().find(|(p, _)| *p == parameter).is_none_or(|(_, v)| *v != value);
        rows.push((parameter, num(value), stated));
    }
    for (party, strategy) in &sim.strategy {
        rows.push((format!("strategy.{party}"), strategy.kind.to_string(), true));
    }
    for e in &sim.election {
        rows.push((format!("election.{}", e.party), format!("every {} from {}", e.every, e.first), true));
    }
    for (id, lead) in &sim.lead_time {
        rows.push((
            format!("lead_time.{id}"),
            format!("median {}, 90th percentile {}", lead.median, lead.p90),
            true,
        ));
    }
    rows
}
