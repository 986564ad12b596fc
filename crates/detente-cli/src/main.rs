//! The `detente` binary: the command line is a library (`detente_cli::run`).

fn main() -> std::process::ExitCode {
    detente_cli::run(std::env::args_os())
}
