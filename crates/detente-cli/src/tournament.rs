//! `detente tournament --ipd`: the iterated prisoner's dilemma round robin.

use detente_game::ipd::{round_robin, Player};

use crate::{write_stdout, ShowFormat};

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
    write_stdout(&text)?;
    Ok(0)
}
