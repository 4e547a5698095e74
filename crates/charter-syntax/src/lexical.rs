//! A small lexical pass over policy text that pest does not give us:
//! the `//` comments (for the formatter) and the start of every top-level item
//! (for per-item error recovery), and the text-direction controls that make a
//! line display in another order than it is read (C0104).

use charter_diagnostics::text::is_bidi_control;
use charter_diagnostics::{Code, Diagnostic, FileId, Span, TextEdit};

use crate::ast::Comment;

pub use crate::vocabulary::ITEM_KEYWORDS;

/// What the scanner found.
pub struct Lexical {
    pub comments: Vec<Comment>,
    /// Byte offsets where top-level items (with their doc comments) start.
    pub item_starts: Vec<usize>,
    /// Deepest `{`/`[`/`(` nesting seen.
    pub max_depth: usize,
}

pub fn scan(file: FileId, text: &str) -> Lexical {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut item_starts = Vec::new();
    let mut depth: usize = 0;
    let mut max_depth = 0;
    let mut i = 0;
    let mut line_start = true;
    // Start of a run of `///` lines at depth 0 that precede an item.
    let mut pending_doc: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if line_start {
            // Skip indentation, then look at the first word of the line.
            let mut j = i;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\r') {
                j += 1;
            }
            if depth == 0 && j < bytes.len() {
                let rest = &text[j..];
                if rest.starts_with("///") {
                    pending_doc.get_or_insert(j);
                } else if starts_with_item_keyword(rest) || starts_with_word(rest) {
                    // Any word at the start of a line outside blocks starts an item:
                    // a misspelled keyword then breaks only its own item.
                    item_starts.push(pending_doc.take().unwrap_or(j));
                } else if !rest.starts_with("//") && !rest.starts_with('\n') {
                    pending_doc = None;
                }
            }
            line_start = false;
            i = j;
            continue;
        }
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let start = i;
                // A comment ends where the grammar's does: at `\n`, `\r\n` or a lone `\r`.
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                let is_doc = bytes.get(start + 2) == Some(&b'/');
                if !is_doc {
                    let raw = &text[start..i];
                    comments.push(Comment {
                        text: raw.trim_end().to_string(),
                        span: Span::new(file, start, start + raw.trim_end().len()),
                    });
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                max_depth = max_depth.max(depth);
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    Lexical {
        comments,
        item_starts,
        max_depth,
    }
}

fn starts_with_item_keyword(rest: &str) -> bool {
    ITEM_KEYWORDS.iter().any(|kw| {
        rest.starts_with(kw)
            && !rest[kw.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn starts_with_word(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// The name of a bidirectional control, as Unicode gives it.
fn bidi_name(c: char) -> &'static str {
    match c {
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        _ => "pop directional isolate",
    }
}

/// One warning per line holding bidirectional controls (Trojan Source,
/// CVE-2021-42574), each control labelled, with a fix removing them. The
/// grammar accepts them only in comments and quoted text; elsewhere they are
/// also syntax errors.
pub fn text_direction_controls(file: FileId, text: &str) -> Vec<Diagnostic> {
    // Every control is U+202A..U+202E or U+2066..U+2069: three bytes
    // starting with 0xE2. Lines without that byte are skipped whole.
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        if !line.as_bytes().contains(&0xE2) {
            continue;
        }
        let found: Vec<(usize, char)> = line
            .char_indices()
            .filter(|&(_, c)| is_bidi_control(c))
            .map(|(i, c)| (start + i, c))
            .collect();
        let Some(&(first, c)) = found.first() else {
            continue;
        };
        let span = |at: usize, c: char| Span::new(file, at, at + c.len_utf8());
        let mut d = Diagnostic::new(
            Code::TextDirectionControl,
            format!(
                "the text-direction control `\\u{{{:x}}}` ({}) makes this line display in another order than it is read",
                u32::from(c),
                bidi_name(c)
            ),
            span(first, c),
        )
        .with_primary_label("invisible, reorders the text around it")
        .with_help("remove it: a policy must read as it is displayed");
        for &(at, c) in found.iter().skip(1).take(8) {
            d = d.with_label(
                span(at, c),
                format!("and `\\u{{{:x}}}` ({})", u32::from(c), bidi_name(c)),
            );
        }
        let edits = found
            .iter()
            .map(|&(at, c)| TextEdit {
                span: span(at, c),
                replacement: String::new(),
            })
            .collect();
        out.push(d.with_fix("remove the text-direction controls", edits));
    }
    out
}
