//! Exit codes, in one place: what each outcome of a command means to a script
//! (docs/cli.md lists which outcome of each command is which).

use std::process::ExitCode;

/// The command did what was asked (warnings allowed).
pub const SUCCESS: u8 = 0;
/// The input is invalid: a specification, a log, a game file with errors.
pub const INVALID: u8 = 1;
/// The command could not run: bad arguments, a file that cannot be read or written.
pub const TROUBLE: u8 = 2;

/// The exit code of a command's result: its own code, or [`TROUBLE`] for an error,
/// whose message is printed first.
pub fn code(result: Result<u8, String>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            note!("error: {message}");
            ExitCode::from(TROUBLE)
        }
    }
}

/// A refusal of the library, reported as the command's outcome: invalid input (an
/// agreement, an event, a game's text) is [`INVALID`], printed with its help; anything
/// else (an option out of range, a game beyond the solvers' limits, a bug) is an error
/// of the run, [`TROUBLE`]. `context` is what the input was (its path, usually).
pub fn refused(context: &str, error: &detente::Error) -> Result<u8, String> {
    use detente::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidAgreement | ErrorKind::InvalidEvent | ErrorKind::InvalidGame => {
            let help = miette::Diagnostic::help(error).map(|h| format!("\n  help: {h}")).unwrap_or_default();
            note!("{context}: error: {error}{help}");
            Ok(INVALID)
        }
        _ => Err(format!("{context}: {error}")),
    }
}

/// The exit code of an argument error as clap judges it: [`SUCCESS`] for `--help` and
/// `--version`, [`TROUBLE`] for the rest.
pub fn usage(clap_code: i32) -> ExitCode {
    ExitCode::from(if clap_code == 0 { SUCCESS } else { TROUBLE })
}
