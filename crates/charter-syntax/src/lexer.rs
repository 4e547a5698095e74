//! The one lexer of Charter text: what a comment, a line break, a string, a
//! number and a word are, as `grammar/charter.pest` says. Everything that
//! scans policy text without the parser uses it: the parser's pre-pass
//! ([`crate::lexical`]), the formatter's trivia, the language server's
//! semantic tokens and completion. So they agree with each other and with the
//! grammar, for instance that a lone `\r` ends a line (and a comment), as
//! pest's `NEWLINE` does.
//!
//! Lexing never fails: every byte of the text is in exactly one token, in
//! order, and a character the grammar has no place for is a [`TokenKind::Punct`].

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs and byte-order marks (the grammar's whitespace, less line breaks).
    Space,
    /// `\n`, `\r\n` or a lone `\r`.
    LineBreak,
    /// `//` (not `///`) up to the end of its line.
    Comment,
    /// `///` up to the end of its line.
    DocComment,
    /// A quoted string: `"`, then characters or `\` escapes (a `\` takes any
    /// character after it). `closed` is false when a line break or the end of
    /// the text comes before the closing quote; the token then stops there.
    String { closed: bool },
    /// A date, `2026-01-31` (four digits, two, two).
    Date,
    /// Digits, with `_` between groups and a decimal part: `1_000.50`.
    Number,
    /// A keyword or a name: a letter or `_`, then letters, digits and `_`.
    Word,
    /// Any other character: punctuation, an operator, or a stray character.
    Punct(char),
}

/// One token: its kind and its byte range in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Whether the token is a comment of either kind.
    pub fn is_comment(&self) -> bool {
        matches!(self.kind, TokenKind::Comment | TokenKind::DocComment)
    }
}

/// The tokens of `text`, in order.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens { text, at: 0 }
}

/// The iterator of [`tokens`].
pub struct Tokens<'t> {
    text: &'t str,
    at: usize,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let rest = self.text.get(self.at..)?;
        let first = rest.chars().next()?;
        let (kind, len) = token_at(rest, first);
        let start = self.at;
        // Every token holds at least its first character, so lexing always ends.
        let len = len.max(first.len_utf8());
        self.at += len;
        Some(Token {
            kind,
            start,
            end: self.at,
        })
    }
}

/// The length of the line break at the start of `rest`, if one is there.
pub fn line_break_len(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    match bytes.first()? {
        b'\n' => Some(1),
        b'\r' if bytes.get(1) == Some(&b'\n') => Some(2),
        b'\r' => Some(1),
        _ => None,
    }
}

/// Whether a character may continue a word (a name or a keyword).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a character may start a word.
pub fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// The length of the rest of the line from the start of `rest`.
fn to_line_end(rest: &str) -> usize {
    rest.find(['\n', '\r']).unwrap_or(rest.len())
}

fn token_at(rest: &str, first: char) -> (TokenKind, usize) {
    let bytes = rest.as_bytes();
    match first {
        ' ' | '\t' | '\u{FEFF}' => {
            let len = rest
                .find(|c: char| !matches!(c, ' ' | '\t' | '\u{FEFF}'))
                .unwrap_or(rest.len());
            (TokenKind::Space, len)
        }
        '\n' | '\r' => (TokenKind::LineBreak, line_break_len(rest).unwrap_or(1)),
        '/' if rest.starts_with("///") => (TokenKind::DocComment, to_line_end(rest)),
        '/' if rest.starts_with("//") => (TokenKind::Comment, to_line_end(rest)),
        '"' => string(rest),
        '0'..='9' => {
            if is_date(bytes) {
                (TokenKind::Date, 10)
            } else {
                (TokenKind::Number, number_len(bytes))
            }
        }
        c if is_word_start(c) => {
            let len = rest
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(rest.len(), |(i, _)| i);
            (TokenKind::Word, len)
        }
        c => (TokenKind::Punct(c), c.len_utf8()),
    }
}

fn string(rest: &str) -> (TokenKind, usize) {
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (TokenKind::String { closed: true }, i + 1),
            '\n' | '\r' => return (TokenKind::String { closed: false }, i),
            // A `\` takes the character after it, whatever it is.
            '\\' => _ = chars.next(),
            _ => {}
        }
    }
    (TokenKind::String { closed: false }, rest.len())
}

fn digits(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .map_or(0, |b| b.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// pest's `number`: `ASCII_DIGIT+ ~ ("_" ~ ASCII_DIGIT+)* ~ ("." ~ ASCII_DIGIT+)?`.
fn number_len(bytes: &[u8]) -> usize {
    let mut len = digits(bytes, 0);
    while bytes.get(len) == Some(&b'_') && digits(bytes, len + 1) > 0 {
        len += 1 + digits(bytes, len + 1);
    }
    if bytes.get(len) == Some(&b'.') && digits(bytes, len + 1) > 0 {
        len += 1 + digits(bytes, len + 1);
    }
    len
}

/// pest's `date`: `ASCII_DIGIT{4} ~ "-" ~ ASCII_DIGIT{2} ~ "-" ~ ASCII_DIGIT{2}`.
fn is_date(bytes: &[u8]) -> bool {
    let shape = b"dddd-dd-dd";
    bytes.len() >= shape.len()
        && shape.iter().zip(bytes).all(|(s, b)| match s {
            b'd' => b.is_ascii_digit(),
            _ => b == s,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokens(text).map(|t| (t.kind, t.text(text))).collect()
    }

    #[test]
    fn comments_end_at_any_line_break() {
        use TokenKind::*;
        assert_eq!(
            kinds("// a\rtier // b\r\n/// c\nx"),
            [
                (Comment, "// a"),
                (LineBreak, "\r"),
                (Word, "tier"),
                (Space, " "),
                (Comment, "// b"),
                (LineBreak, "\r\n"),
                (DocComment, "/// c"),
                (LineBreak, "\n"),
                (Word, "x"),
            ]
        );
    }

    #[test]
    fn strings_escapes_and_unclosed_strings() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#""a\"b" "open"#),
            [
                (String { closed: true }, r#""a\"b""#),
                (Space, " "),
                (String { closed: false }, "\"open"),
            ]
        );
        assert_eq!(
            kinds("\"no end\nx"),
            [
                (String { closed: false }, "\"no end"),
                (LineBreak, "\n"),
                (Word, "x"),
            ]
        );
    }

    #[test]
    fn quantities_and_words() {
        use TokenKind::*;
        assert_eq!(
            kinds("1_000.50 EUR 2026-01-31 20% żółw_2 >="),
            [
                (Number, "1_000.50"),
                (Space, " "),
                (Word, "EUR"),
                (Space, " "),
                (Date, "2026-01-31"),
                (Space, " "),
                (Number, "20"),
                (Punct('%'), "%"),
                (Space, " "),
                (Word, "żółw_2"),
                (Space, " "),
                (Punct('>'), ">"),
                (Punct('='), "="),
            ]
        );
        assert_eq!(
            kinds("12_ 3."),
            [
                (Number, "12"),
                (Word, "_"),
                (Space, " "),
                (Number, "3"),
                (Punct('.'), "."),
            ]
        );
    }

    #[test]
    fn every_byte_is_in_one_token() {
        for text in ["", "\u{FEFF}tier\u{202E} x \"\\", "a\r\r\nb", "€ 5 //"] {
            let mut at = 0;
            for t in tokens(text) {
                assert_eq!(t.start, at, "{text:?}");
                assert!(t.end > t.start);
                at = t.end;
            }
            assert_eq!(at, text.len(), "{text:?}");
        }
    }
}
