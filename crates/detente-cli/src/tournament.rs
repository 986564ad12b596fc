//! `detente tournament`: an agreement's parties simulated strategy against strategy and
//! solved as a game, or the iterated prisoner's dilemma round robin (`--ipd`).

use std::path::{Path, PathBuf};

use detente_game::ipd::{round_robin, Player};
use detente_game::tournament::{parse_candidate, play_discounted};
use detente_sim::Overrides;

use crate::out::Output;
use crate::term::write_stdout;
use crate::{replay, ShowFormat, INVALID};

/// The options of an agreement tournament.
pub struct AgreementOptions {
    pub parties: Option<String>,
    pub candidates: String,
    pub runs: u32,
    pub years: Option<u32>,
    pub seed: Option<u64>,
    pub discount: f64,
    pub out: Option<PathBuf>,
}

pub fn agreement(path: &Path, options: &AgreementOptions, format: ShowFormat) -> Result<u8, String> {
    let candidates = options
        .candidates
        .split(',')
        .map(|c| parse_candidate(c).map_err(|e| format!("--candidates: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    if options.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    if !(options.discount > 0.0 && options.discount <= 1.0) {
        return Err(format!("--discount {} is not in (0, 1] (1: no discounting)", options.discount));
    }
    let ag = match replay::agreement(path)? {
        Ok(ag) => ag,
        Err(code) => return Ok(code),
    };
    let signatories: Vec<usize> = ag.signatories().collect();
    let parties: Vec<usize> = match &options.parties {
        Some(list) => list
            .split(',')
            .map(|id| {
                let id = id.trim();
                ag.ids.parties.get(id).copied().filter(|p| signatories.contains(p)).ok_or_else(|| {
                    let known: Vec<&str> =
                        signatories.iter().map(|&p| ag.spec.party[p].id.as_str()).collect();
                    format!("--parties: `{id}` is not a signatory; signatories: {}", known.join(", "))
                })
            })
            .collect::<Result<_, _>>()?,
        None => signatories.iter().take(2).copied().collect(),
    };
    if parties.len() != 2 || parties[0] == parties[1] {
        return Err("--parties: name two different signatories, e.g. --parties usa,dprk".into());
    }
    let output = options.out.as_deref().map(|dir| Output::begin(dir, "tournament")).transpose()?;
    let overrides =
        Overrides { runs: Some(options.runs), years: options.years, seed: options.seed, start: None };
    let result =
        match play_discounted(&ag, [parties[0], parties[1]], &candidates, overrides, options.discount) {
            Ok(result) => result,
            Err(e) => {
                note!("{}: {e}", path.display());
                return Ok(INVALID);
            }
        };
    if let Some(output) = output {
        output.write("game.nfg", result.nfg().as_bytes())?;
        let json = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())? + "\n";
        output.write("tournament.json", json.as_bytes())?;
        output.commit()?;
    }
    let text = match format {
        ShowFormat::Json => serde_json::to_string_pretty(&result).map_err(|e| e.to_string())? + "\n",
        ShowFormat::Text | ShowFormat::Markdown => result.text(),
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(crate::SUCCESS)
}

pub fn ipd(
    players: Option<&str>,
    turns: usize,
    repetitions: usize,
    format: ShowFormat,
) -> Result<u8, String> {
    let players: Vec<Player> = match players {
        None => Player::ALL.to_vec(),
        Some(list) => list
            .split(',')
            .map(|name| {
                Player::parse(name.trim()).ok_or_else(|| {
                    let known: Vec<&str> = Player::ALL.iter().map(|p| p.name()).collect();
                    format!("--players: no strategy `{}`; known: {}", name.trim(), known.join(", "))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    if players.len() < 2 || turns == 0 || repetitions == 0 {
        return Err("a round robin needs two players, one turn and one repetition at least".into());
    }
    let result = round_robin(&players, turns, repetitions);
    let text = match format {
        ShowFormat::Json => {
            let value = serde_json::json!({
                "turns": turns,
                "repetitions": repetitions,
                "players": players.iter().map(|p| p.name()).collect::<Vec<_>>(),
                "scores": result.scores,
                "totals": result.totals,
            });
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
        }
        ShowFormat::Text | ShowFormat::Markdown => {
            let mut order: Vec<usize> = (0..players.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(result.totals[i]));
            let mut out = format!(
                "Iterated prisoner's dilemma: {} strategies, {turns} turns, {repetitions} repetitions (R=3, S=0, T=5, P=1)\n\n",
                players.len()
            );
            for (rank, &i) in order.iter().enumerate() {
                out.push_str(&format!(
                    "{:>3}. {:<24} total {:>8}   per repetition {:>7}\n",
                    rank + 1,
                    players[i].name(),
                    result.totals[i],
                    result.totals[i] / repetitions as u64
                ));
            }
            out
        }
    };
    write_stdout(&text, format == ShowFormat::Json)?;
    Ok(crate::SUCCESS)
}
