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
    let text = match format {
        ShowFormat::Text => report.render(false),
        ShowFormat::Markdown => report.render(true),
        ShowFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(0)
}
