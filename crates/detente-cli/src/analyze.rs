//! `detente analyze SPEC`: deterrence of each measure and self-enforcement of each phase.

use std::path::Path;

use detente_game::analysis::Report;

use crate::term::write_stdout;
use crate::{replay, ShowFormat};

pub fn analyze(
    path: &Path,
    discount: f64,
    inspection_cost: f64,
    efg: Option<&Path>,
    types: Types<'_>,
    format: ShowFormat,
) -> Result<u8, String> {
    if !(0.0..=1.0).contains(&discount) {
        return Err(format!("--discount {discount} is not between 0 and 1"));
    }
    if !(inspection_cost > 0.0 && inspection_cost.is_finite()) {
        return Err(format!("--inspection-cost {inspection_cost} must be a positive number"));
    }
    let agreement = match replay::agreement(path)? {
        Ok(agreement) => agreement,
        Err(code) => return Ok(code),
    };
    let report = Report::new(&agreement.spec, discount, inspection_cost);
    if let Some(out) = efg {
        let game = detente_game::phase_game::PhaseGame::new(&agreement.spec, discount);
        crate::out::write_file_atomic(out, game.efg().as_bytes())?;
    }
    for warning in report.warnings() {
        note!("warning: {warning}");
    }
    let learned = learning(&agreement.spec, discount, types)?;
    let text = match format {
        ShowFormat::Text => report.render(false) + &learning_text(&learned, false),
        ShowFormat::Markdown => report.render(true) + &learning_text(&learned, true),
        ShowFormat::Json => {
            let mut json = serde_json::to_value(&report).map_err(|e| e.to_string())?;
            if let (Some(object), false) = (json.as_object_mut(), learned.is_empty()) {
                object.insert("learning".into(), serde_json::to_value(&learned).map_err(|e| e.to_string())?);
            }
            serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n"
        }
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(crate::SUCCESS)
}

/// What `analyze` does with the phased game with types.
#[derive(Clone, Copy, Debug)]
pub struct Types<'a> {
    /// Where to write the game as `.efg`, if anywhere.
    pub efg: Option<&'a Path>,
    /// How many phases the game covers.
    pub phases: usize,
}

/// The learning analysis of the parties with priors, and their games written as `.efg`
/// where asked (one file per party, `FILE-PARTY.efg`, when several have priors).
fn learning(
    spec: &detente_spec::model::Spec,
    discount: f64,
    types: Types<'_>,
) -> Result<detente_game::learning::LearningReport, String> {
    let learned =
        detente_game::learning::learning(spec, discount, types.phases).map_err(|e| e.to_string())?;
    let Some(out) = types.efg else { return Ok(learned) };
    let settings = detente_game::beliefs::settings(spec).map_err(|e| e.to_string())?;
    if settings.is_empty() {
        return Err("--types-efg: the file states no priors ([simulation.prior.PARTY])".into());
    }
    let several = settings.len() > 1;
    for setting in settings {
        let file = if several {
            let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            out.with_file_name(format!("{stem}-{}.efg", setting.party))
        } else {
            out.to_path_buf()
        };
        let game = detente_game::types_game::TypesGame::new(setting, types.phases, discount)
            .map_err(|e| e.to_string())?;
        crate::out::write_file_atomic(&file, game.efg().as_bytes())?;
    }
    Ok(learned)
}

/// The learning report after the incentive analysis, when the file states priors.
fn learning_text(learned: &detente_game::learning::LearningReport, markdown: bool) -> String {
    match (learned.is_empty(), markdown) {
        (true, _) => String::new(),
        (false, true) => format!("\n{}", learned.markdown()),
        (false, false) => format!("\n{}", learned.text()),
    }
}
