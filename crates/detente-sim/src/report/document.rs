//! A report's content as a list of blocks, rendered to Markdown or to HTML from the
//! same blocks, so the two forms cannot say different things.

use std::fmt::Write;

/// One block of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading of level 1 to 3.
    Heading(u8, String),
    /// A paragraph of plain text (`**bold**` and `` `code` `` are kept in Markdown and
    /// rendered in HTML).
    Paragraph(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table: a header row, then rows of as many cells.
    Table(Vec<String>, Vec<Vec<String>>),
    /// Preformatted text.
    Code(String),
    /// A chart: a link to `file` in Markdown, the SVG itself inline in HTML.
    Figure {
        /// The SVG file written beside the report.
        file: String,
        /// Its caption.
        caption: String,
        /// The SVG, inlined in HTML.
        svg: String,
    },
}

/// Renders blocks as Markdown.
pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "{} {text}\n", "#".repeat(usize::from(*level).clamp(1, 6)));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "* {item}");
                }
                out.push('\n');
            }
            Block::Table(header, rows) => {
                let cell = |c: &String| c.replace('|', "\\|");
                let _ = writeln!(out, "| {} |", header.iter().map(cell).collect::<Vec<_>>().join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
                for row in rows {
                    let _ = writeln!(out, "| {} |", row.iter().map(cell).collect::<Vec<_>>().join(" | "));
                }
                out.push('\n');
            }
            Block::Code(text) => {
                let _ = writeln!(out, "```text\n{}\n```\n", text.trim_end());
            }
            Block::Figure { file, caption, .. } => {
                let _ = writeln!(out, "![{}]({file})\n", caption.replace(['[', ']'], ""));
            }
        }
    }
    out
}

/// Renders blocks as one self-contained HTML page (no scripts, no external files).
pub fn html(title: &str, blocks: &[Block]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let level = level.clamp(&1, &6);
                let _ = writeln!(out, "<h{level}>{}</h{level}>", inline(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", inline(text));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", inline(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(header, rows) => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", inline(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for c in row {
                        let _ = write!(out, "<td>{}</td>", inline(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Code(text) => {
                let _ = writeln!(out, "<pre>{}</pre>", escape(text.trim_end()));
            }
            Block::Figure { caption, svg, .. } => {
                // The SVG is the chart library's own output, drawn from the report's data.
                let svg = svg.trim_start_matches(|c| c != '<');
                let svg = svg
                    .strip_prefix("<?xml")
                    .map_or(svg, |rest| rest.split_once("?>").map_or(rest, |(_, s)| s));
                let _ = writeln!(
                    out,
                    "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    svg.trim(),
                    inline(caption)
                );
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

const STYLE: &str = "body { font-family: sans-serif; max-width: 72em; margin: 2em auto; padding: 0 1em; line-height: 1.4; }\n\
table { border-collapse: collapse; margin: 1em 0; }\n\
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }\n\
th { background: #eee; }\n\
pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; }\n\
code { background: #f2f2f2; }\n";

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text and renders the two inline marks blocks use: `` `code` `` and
/// `**bold**` (an unpaired mark stays as written).
fn inline(text: &str) -> String {
    let escaped = escape(text);
    let code = pairs(&escaped, "`", "<code>", "</code>");
    pairs(&code, "**", "<strong>", "</strong>")
}

fn pairs(text: &str, mark: &str, open: &str, close: &str) -> String {
    let parts: Vec<&str> = text.split(mark).collect();
    if parts.len() < 3 {
        return text.to_string();
    }
    let mut out = String::new();
    let paired = if parts.len() % 2 == 1 { parts.len() } else { parts.len() - 1 };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            if i < paired {
                out.push_str(if i % 2 == 1 { open } else { close });
            } else {
                out.push_str(mark);
            }
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_renderings_carry_the_same_content() {
        let blocks = vec![
            Block::Heading(1, "A <report>".into()),
            Block::Paragraph("**bold** and `code` & more".into()),
            Block::Table(vec!["a".into(), "b|c".into()], vec![vec!["1".into(), "2".into()]]),
        ];
        let md = markdown(&blocks);
        assert!(md.contains("# A <report>") && md.contains("| a | b\\|c |") && md.contains("| 1 | 2 |"));
        let html = html("t", &blocks);
        assert!(html.contains("<h1>A &lt;report&gt;</h1>"));
        assert!(html.contains("<p><strong>bold</strong> and <code>code</code> &amp; more</p>"));
        assert!(html.contains("<td>1</td><td>2</td>"));
    }

    #[test]
    fn an_unpaired_mark_stays_as_written() {
        assert_eq!(inline("a `b"), "a `b");
        assert_eq!(inline("`a` and `b"), "<code>a</code> and `b");
    }
}
