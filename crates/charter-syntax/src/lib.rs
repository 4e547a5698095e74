//! Charter's syntax: the pest grammar in `grammar/charter.pest`, a typed syntax
//! tree with byte spans ([`ast`]), and parse errors as [`Diagnostic`]s.
//!
//! [`parse`] never stops at the first error: when the file does not parse as a
//! whole, every top-level item is parsed on its own, so one broken item does
//! not hide the others (nor stop the language server in the rest of the file).

pub mod ast;
mod build;
mod error;
pub mod grammar;
pub mod lexer;
pub mod lexical;
pub mod vocabulary;

use ast::SourceFileAst;
use charter_diagnostics::{Code, Diagnostic, FileId, Span};
use grammar::{CharterParser, Rule};
use pest::Parser;

/// The largest policy file Charter reads.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The deepest nesting of `{`, `[` and `(` Charter reads.
pub const MAX_NESTING: usize = 64;

/// A syntax tree and the syntax errors met while building it.
#[derive(Debug)]
pub struct Parse {
    pub ast: SourceFileAst,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one policy file.
pub fn parse(file: FileId, text: &str) -> Parse {
    let mut diagnostics = Vec::new();
    // Before any other work: the lexical pass alone would hold millions of
    // comments for a file of hundreds of megabytes.
    if text.len() > MAX_FILE_BYTES {
        diagnostics.push(
            Diagnostic::new(
                Code::Limit,
                format!(
                    "the file is {} bytes, more than the {} bytes Charter reads",
                    text.len(),
                    MAX_FILE_BYTES
                ),
                Span::new(file, 0, 0),
            )
            .with_help("split the roster into several files and `import` them"),
        );
        return empty(file, Vec::new(), diagnostics);
    }
    let lexical = lexical::scan(file, text);
    diagnostics.extend(lexical::text_direction_controls(file, text));
    if lexical.max_depth > MAX_NESTING {
        diagnostics.push(Diagnostic::new(
            Code::Limit,
            format!(
                "blocks nest {} deep, more than the {} Charter reads",
                lexical.max_depth, MAX_NESTING
            ),
            Span::new(file, 0, 0),
        ));
        return empty(file, lexical.comments, diagnostics);
    }
    let mut items = Vec::new();
    match CharterParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let builder = build::Builder { file, offset: 0 };
            if let Some(file_pair) = pairs.next() {
                push_items(&builder, file_pair, &mut items, &mut diagnostics);
            }
        }
        Err(_) => {
            pest::set_error_detail(true);
            recover(
                file,
                text,
                &lexical.item_starts,
                &mut items,
                &mut diagnostics,
            );
            pest::set_error_detail(false);
        }
    }
    Parse {
        ast: SourceFileAst {
            file,
            items,
            comments: lexical.comments,
        },
        diagnostics,
    }
}

fn push_items(
    builder: &build::Builder,
    parent: pest::iterators::Pair<Rule>,
    items: &mut Vec<ast::Item>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for pair in parent.into_inner() {
        if pair.as_rule() == Rule::item {
            match builder.item(pair) {
                Ok(item) => items.push(item),
                Err(e) => diagnostics.push(Diagnostic::new(Code::Syntax, e.message, e.span)),
            }
        }
    }
}

/// Parses each top-level item on its own, reporting one error per broken item.
fn recover(
    file: FileId,
    text: &str,
    starts: &[usize],
    items: &mut Vec<ast::Item>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut bounds: Vec<usize> = Vec::with_capacity(starts.len() + 2);
    // Anything before the first item keyword is a chunk of its own (it is an error
    // unless it is only whitespace and comments).
    bounds.push(0);
    bounds.extend(starts.iter().copied().filter(|&s| s > 0));
    bounds.push(text.len());
    for window in bounds.windows(2) {
        let (start, end) = (window[0], window[1]);
        let chunk = &text[start..end];
        if is_blank(chunk) {
            continue;
        }
        let builder = build::Builder {
            file,
            offset: start,
        };
        match CharterParser::parse(Rule::item_chunk, chunk) {
            Ok(mut pairs) => {
                if let Some(chunk_pair) = pairs.next() {
                    push_items(&builder, chunk_pair, items, diagnostics);
                }
            }
            Err(error) => diagnostics.push(error::to_diagnostic(file, start, chunk, &error)),
        }
    }
}

/// Whether a chunk holds nothing but whitespace and `//` comments.
fn is_blank(chunk: &str) -> bool {
    lexer::tokens(chunk).all(|t| {
        matches!(
            t.kind,
            lexer::TokenKind::Space | lexer::TokenKind::LineBreak | lexer::TokenKind::Comment
        )
    })
}

fn empty(file: FileId, comments: Vec<ast::Comment>, diagnostics: Vec<Diagnostic>) -> Parse {
    Parse {
        ast: SourceFileAst {
            file,
            items: Vec::new(),
            comments,
        },
        diagnostics,
    }
}

/// Parses a lone quantity (`20%`, `30 days`, `150000 EUR`), as given on the
/// command line for what-if overrides. `None` when the text is not one.
pub fn parse_quantity(file: FileId, text: &str) -> Option<ast::Quantity> {
    let trimmed = text.trim();
    let offset = text.len() - text.trim_start().len();
    let mut pairs = CharterParser::parse(Rule::quantity, trimmed).ok()?;
    let pair = pairs.next()?;
    if pair.as_span().end() != trimmed.len() {
        return None;
    }
    build::Builder { file, offset }.quantity(pair).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(FileId(0), text)
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}..{}: {}",
                    d.primary.span.start, d.primary.span.end, d.message
                )
            })
            .collect()
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_for_recovery_too() {
        // Lines ended by `\r` alone (old Mac files): the grammar reads them as
        // lines, and so does the recovery, item by item.
        let text = "commission a: five of payments\r// note\rtiers A < B\r";
        let parse = parse(FileId(0), text);
        assert_eq!(parse.diagnostics.len(), 1, "{:?}", errors(text));
        assert_eq!(parse.ast.items.len(), 1);
        assert_eq!(parse.ast.comments.len(), 1);
        assert_eq!(parse.ast.comments[0].text, "// note");
    }

    #[test]
    fn one_broken_item_does_not_hide_the_others() {
        let text = "program \"P\" { currency EUR }\ncommission a: five of payments\ntiers A < B\ncommission b: 5% of paymentz\n";
        let parse = parse(FileId(0), text);
        assert_eq!(parse.diagnostics.len(), 2, "{:?}", errors(text));
        assert_eq!(parse.ast.items.len(), 2);
        assert!(
            parse.diagnostics[0]
                .message
                .contains("a number with its unit"),
            "{}",
            parse.diagnostics[0].message
        );
    }

    #[test]
    fn comments_are_collected_but_doc_comments_are_not() {
        let parse = parse(FileId(0), "// hello\n/// doc\ntiers A < B // trailing\n");
        let texts: Vec<_> = parse.ast.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["// hello", "// trailing"]);
        assert_eq!(parse.ast.items[0].docs[0].text, "doc");
        let doc = parse.ast.items[0].docs[0].span;
        assert_eq!(doc.start, 9);
        assert_eq!(doc.end, 16);
    }

    #[test]
    fn a_misspelled_keyword_breaks_only_its_own_item() {
        let text = "program \"P\" {\n  currency EUR\n}\ncomission a: 5% of payments\ntiers A < B\n";
        let parse = parse(FileId(0), text);
        assert_eq!(parse.diagnostics.len(), 1, "{:?}", errors(text));
        assert_eq!(parse.ast.items.len(), 2);
    }

    #[test]
    fn spans_end_before_trailing_comments() {
        let text = "choose one of a, b // note\ntiers A < B\n";
        let parse = parse(FileId(0), text);
        let span = parse.ast.items[0].span;
        assert_eq!(&text[span.range()], "choose one of a, b");
    }

    #[test]
    fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
        let text = "program \"P\" ".to_string() + &"{".repeat(10_000);
        let parse = parse(FileId(0), &text);
        assert_eq!(parse.diagnostics[0].code, Code::Limit);
    }
}
