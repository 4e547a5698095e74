//! Reading the source text around the syntax tree: where a node really ends
//! (pest spans may swallow trailing whitespace and comments), where a block's
//! braces are, and the literal text of numbers.
//!
//! The syntax tree does not keep punctuation, so the few positions the
//! formatter needs (the `{` and `}` of a block) are found here by scanning the
//! text, skipping string literals and comments.

use charter_syntax::ast::{Comment, DurationUnitKw, Quantity, QuantityKind, UnitSuffix};
use charter_syntax::lexer::{self, TokenKind};

/// The source text and its `//` comments (in order, as the parser found them).
pub(crate) struct Trivia<'a> {
    pub text: &'a str,
    pub comments: &'a [Comment],
}

impl<'a> Trivia<'a> {
    pub fn new(text: &'a str, comments: &'a [Comment]) -> Trivia<'a> {
        Trivia { text, comments }
    }

    fn comment_starting_at(&self, pos: usize) -> Option<&'a Comment> {
        let i = self
            .comments
            .partition_point(|c| (c.span.start as usize) < pos);
        self.comments
            .get(i)
            .filter(|c| c.span.start as usize == pos)
    }

    fn comment_ending_at(&self, pos: usize) -> Option<&'a Comment> {
        let i = self
            .comments
            .partition_point(|c| (c.span.end as usize) < pos);
        self.comments.get(i).filter(|c| c.span.end as usize == pos)
    }

    /// The first position at or after `pos` that is neither whitespace nor
    /// inside a comment.
    pub fn skip_forward(&self, mut pos: usize) -> usize {
        while let Some(rest) = self.text.get(pos..) {
            if let Some(c) = rest.chars().next().filter(|&c| is_space(c)) {
                pos += c.len_utf8();
            } else if let Some(comment) = self.comment_starting_at(pos) {
                pos = (comment.span.end as usize).max(pos + 1);
            } else {
                break;
            }
        }
        pos
    }

    /// The end of the last token at or before `end`: trailing whitespace and
    /// comments are not part of a node, whatever its pest span says.
    pub fn trim_end(&self, mut end: usize) -> usize {
        loop {
            let Some(before) = self.text.get(..end) else {
                return end;
            };
            match before.chars().next_back() {
                Some(c) if is_space(c) => end -= c.len_utf8(),
                _ => match self.comment_ending_at(end) {
                    Some(comment) if (comment.span.start as usize) < end => {
                        end = comment.span.start as usize;
                    }
                    _ => return end,
                },
            }
        }
    }

    /// The position of the first `{` in `start..end` outside strings and
    /// comments (as Charter's one lexer, `charter_syntax::lexer`, reads them).
    pub fn open_brace(&self, start: usize, end: usize) -> Option<usize> {
        let text = self.text.get(start..end.min(self.text.len()))?;
        lexer::tokens(text)
            .find(|t| t.kind == TokenKind::Punct('{'))
            .map(|t| start + t.start)
    }

    /// Whether `end` is just past a `}` (the end of a block).
    pub fn closes_block(&self, end: usize) -> bool {
        end > 0 && self.text.as_bytes().get(end - 1) == Some(&b'}')
    }

    /// Whether the text between two positions holds an empty line.
    pub fn has_blank_line(&self, from: usize, to: usize) -> bool {
        let Some(gap) = self.text.get(from..to) else {
            return false;
        };
        let mut lines = gap.split('\n');
        // The part before the first newline ends a code line; the part after
        // the last newline starts one: only the lines in between count.
        lines.next();
        let mut middle: Vec<&str> = lines.collect();
        middle.pop();
        middle.iter().any(|line| line.chars().all(is_space))
    }

    /// Whether only spaces and tabs lie between two positions (same line).
    pub fn same_line_blank(&self, from: usize, to: usize) -> bool {
        self.text
            .get(from..to)
            .is_some_and(|gap| gap.bytes().all(|b| b == b' ' || b == b'\t'))
    }

    /// A number exactly as written at `pos` (digits, `_` separators, decimals).
    pub fn number_at(&self, pos: usize) -> Option<&'a str> {
        let rest = self.text.get(pos..)?;
        let bytes = rest.as_bytes();
        let digits = |from: usize| {
            bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut len = digits(0);
        if len == 0 {
            return None;
        }
        while bytes.get(len) == Some(&b'_') && digits(len + 1) > 0 {
            len += 1 + digits(len + 1);
        }
        if bytes.get(len) == Some(&b'.') && digits(len + 1) > 0 {
            len += 1 + digits(len + 1);
        }
        rest.get(..len)
    }

    /// A quantity in canonical form: `20%`, `1200 EUR`, `30 days`,
    /// `5 business days`, `2026-01-01`; the number is kept as written.
    pub fn quantity(&self, q: &Quantity) -> String {
        match &q.kind {
            QuantityKind::Date(date) => date.clone(),
            QuantityKind::Number { digits, unit } => {
                let number = self.number_at(q.span.start as usize).unwrap_or(digits);
                match unit {
                    UnitSuffix::None => number.to_string(),
                    UnitSuffix::Percent => format!("{number}%"),
                    UnitSuffix::Currency(code) => format!("{number} {code}"),
                    UnitSuffix::Duration { unit, business } => {
                        let word = unit.word(self.unit_is_plural(q, *unit, digits));
                        if *business {
                            format!("{number} business {word}")
                        } else {
                            format!("{number} {word}")
                        }
                    }
                }
            }
        }
    }

    /// Whether the unit word was written in the plural (`days`, not `day`).
    fn unit_is_plural(&self, q: &Quantity, unit: DurationUnitKw, digits: &str) -> bool {
        let end = self.trim_end(q.span.end as usize);
        let written = self.text.get(..end).map(|before| {
            before
                .chars()
                .rev()
                .take_while(char::is_ascii_alphabetic)
                .collect::<String>()
        });
        match written {
            Some(reversed) if reversed.starts_with('s') => true,
            Some(reversed) if reversed.len() == unit.word(false).len() => false,
            _ => digits != "1",
        }
    }
}

/// Whitespace as the grammar defines it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}')
}

/// A string literal with its quotes, escaping what must be escaped.
pub(crate) fn string_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use charter_diagnostics::FileId;

    fn with_comments(text: &str, f: impl FnOnce(&Trivia)) {
        let parse = charter_syntax::parse(FileId(0), text);
        f(&Trivia::new(text, &parse.ast.comments));
    }

    #[test]
    fn trim_end_skips_whitespace_and_comments() {
        let text = "tiers A < B  // one\n\n  // two\n";
        with_comments(text, |t| {
            assert_eq!(t.trim_end(text.len()), "tiers A < B".len());
            assert_eq!(t.skip_forward("tiers A < B".len()), text.len());
        });
    }

    #[test]
    fn open_brace_ignores_strings_and_comments() {
        let text = "benefit a (b) for X \"{\" // {\n {";
        with_comments(text, |t| {
            assert_eq!(t.open_brace(0, text.len()), Some(text.len() - 1));
        });
        // A comment ends at a lone carriage return, as in the grammar.
        let text = "partner a // note\r{";
        with_comments(text, |t| {
            assert_eq!(t.open_brace(0, text.len()), Some(text.len() - 1));
        });
    }

    #[test]
    fn numbers_are_read_as_written() {
        with_comments("1_000.50 EUR", |t| {
            assert_eq!(t.number_at(0), Some("1_000.50"))
        });
        with_comments("12_ x", |t| assert_eq!(t.number_at(0), Some("12")));
        with_comments("x", |t| assert_eq!(t.number_at(0), None));
    }

    #[test]
    fn blank_lines_are_whole_empty_lines() {
        with_comments("a\n  \nb", |t| assert!(t.has_blank_line(1, 5)));
        with_comments("a \n b", |t| assert!(!t.has_blank_line(1, 4)));
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string_literal("a\"b\\c\nd\te"), r#""a\"b\\c\nd\te""#);
        assert_eq!(string_literal("Zażółć"), "\"Zażółć\"");
    }
}
