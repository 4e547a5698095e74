//! A small lexical pass over policy text that pest does not give us:
//! the `//` comments (for the formatter) and the start of every top-level item
//! (for per-item error recovery), and the text-direction controls that make a
//! line display in another order than it is read (C0104).

use charter_diagnostics::text::is_bidi_control;
use charter_diagnostics::{Code, Diagnostic, FileId, Span, TextEdit};

use crate::ast::Comment;
use crate::lexer::{self, TokenKind};

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
    let mut comments = Vec::new();
    let mut item_starts = Vec::new();
    let mut depth: usize = 0;
    let mut max_depth = 0;
    // At the first token of a line that is not indentation.
    let mut line_start = true;
    // Start of a run of `///` lines at depth 0 that precede an item.
    let mut pending_doc: Option<usize> = None;
    for token in lexer::tokens(text) {
        let first_on_line = line_start;
        match token.kind {
            TokenKind::LineBreak => {
                line_start = true;
                continue;
            }
            TokenKind::Space => continue,
            _ => line_start = false,
        }
        if first_on_line && depth == 0 {
            match token.kind {
                TokenKind::DocComment => {
                    pending_doc.get_or_insert(token.start);
                }
                // Any word at the start of a line outside blocks starts an item:
                // a misspelled keyword then breaks only its own item.
                TokenKind::Word => item_starts.push(pending_doc.take().unwrap_or(token.start)),
                TokenKind::Comment => {}
                _ => pending_doc = None,
            }
        }
        match token.kind {
            TokenKind::Comment => {
                let raw = token.text(text).trim_end();
                comments.push(Comment {
                    text: raw.to_string(),
                    span: Span::new(file, token.start, token.start + raw.len()),
                });
            }
            TokenKind::Punct('{' | '[' | '(') => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            TokenKind::Punct('}' | ']' | ')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Lexical {
        comments,
        item_starts,
        max_depth,
    }
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
