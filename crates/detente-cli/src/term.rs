//! What the CLI writes to standard output and standard error.
//!
//! Text for people escapes what came from input and could deceive or take over a
//! terminal: control characters (other than newline and tab) and the bidirectional
//! controls that reorder what a reader sees ("Trojan Source"). They are shown as
//! `\u{202e}`. JSON (and other formats meant for programs) is written exactly.
//!
//! Writes never panic: a closed or broken standard output or error (`detente ... |
//! head`, `2>&-`) must not turn an error exit into a crash; the command exits with the
//! code it meant to.

use std::borrow::Cow;
use std::io::Write;

/// Whether `c` is escaped in text for people.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` holds anything [`escape`] would change.
pub fn needs_escape(text: &str) -> bool {
    text.chars().any(is_unsafe)
}

/// `text` with control and bidirectional characters shown as `\u{...}`.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !needs_escape(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer that escapes text for people as it passes (for reports written piece by
/// piece, too large to hold: `solve` on a game with millions of equilibria). Each piece
/// a `write!` produces is whole UTF-8; anything else passes unchanged.
pub struct Escaping<W: Write>(pub W);

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(escape(text).as_bytes()),
            Err(_) => self.0.write_all(buf),
        }?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Writes to standard output: escaped for people, or `exact` (JSON, TOML).
pub fn write_stdout(text: &str, exact: bool) -> Result<(), String> {
    let text = if exact { Cow::Borrowed(text) } else { escape(text) };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`detente show ... | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

/// Writes to standard error, escaped; failures are ignored (there is nowhere left to
/// report them, and the exit code still tells).
pub fn stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(escape(text).as_bytes());
    let _ = stderr.flush();
}

/// `eprintln!` that escapes and never panics.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::term::stderr(&(format!($($arg)*) + "\n"))
    };
}

/// `eprint!` that escapes and never panics.
macro_rules! note_raw {
    ($($arg:tt)*) => {
        $crate::term::stderr(&format!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidirectional_overrides_are_shown_not_obeyed() {
        assert_eq!(escape("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("id\u{202e}txt.exe"), "id\\u{202e}txt.exe");
        assert_eq!(escape("x\ry\u{7f}\u{85}\u{2066}"), "x\\u{d}y\\u{7f}\\u{85}\\u{2066}");
        assert_eq!(escape("Korea 한국 – ok"), "Korea 한국 – ok");
    }
}
