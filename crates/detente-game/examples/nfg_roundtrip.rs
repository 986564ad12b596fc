//! Reads an .nfg file and writes it back in the payoff form, with a new title:
//! `cargo run -p detente-game --example nfg_roundtrip -- IN.nfg "title" > OUT.nfg`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(title)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: nfg_roundtrip IN.nfg TITLE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2)
    });
    match detente_game::nfg::read(&text) {
        Ok(mut game) => {
            game.title = title.clone();
            print!("{}", detente_game::nfg::write(&game));
        }
        Err(e) => {
            eprintln!("{path}:{e}");
            std::process::exit(1);
        }
    }
}
