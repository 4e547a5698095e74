//! User text in output: cut when long, control characters escaped.
//!
//! Policies and scenarios are untrusted input. Everything Charter prints for a
//! person goes through these helpers, so a 10 MB number is not repeated whole in
//! a message and an escape sequence in a comment cannot drive the terminal.

use std::borrow::Cow;

/// The most characters of user input a message quotes.
pub const QUOTE_LIMIT: usize = 60;

/// Bidirectional embeddings, overrides and isolates (Unicode UAX #9): they
/// reorder how text is displayed, so code can read differently from what it
/// is (Trojan Source, CVE-2021-42574). The same list as rustc's
/// `text_direction_codepoint_in_literal` lint.
pub const BIDI_CONTROLS: [char; 9] = [
    '\u{202A}', // LEFT-TO-RIGHT EMBEDDING
    '\u{202B}', // RIGHT-TO-LEFT EMBEDDING
    '\u{202C}', // POP DIRECTIONAL FORMATTING
    '\u{202D}', // LEFT-TO-RIGHT OVERRIDE
    '\u{202E}', // RIGHT-TO-LEFT OVERRIDE
    '\u{2066}', // LEFT-TO-RIGHT ISOLATE
    '\u{2067}', // RIGHT-TO-LEFT ISOLATE
    '\u{2068}', // FIRST STRONG ISOLATE
    '\u{2069}', // POP DIRECTIONAL ISOLATE
];

/// Whether `c` is a bidirectional control of [`BIDI_CONTROLS`].
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is shown escaped in human output: control characters (C0, DEL,
/// C1) but the tab, bidirectional controls, and the line and paragraph
/// separators.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t') || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every character of [`needs_escape`] written as Rust writes it,
/// `\u{1b}`; borrowed when there is none.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    // Printable ASCII and tabs need no look at characters.
    let plain = text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\t');
    if plain || !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Pushes `c`, escaped if [`needs_escape`] says so.
pub fn push_escaped(out: &mut String, c: char) {
    if needs_escape(c) {
        out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}

/// User input as a message quotes it: at most [`QUOTE_LIMIT`] characters (a
/// longer text is cut and ends with `…`), control characters escaped. Every
/// message that repeats what the user wrote uses it.
pub fn shorten(text: &str) -> Cow<'_, str> {
    let cut = match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => cut,
        None => return escape_control(text),
    };
    let mut out = escape_control(&text[..cut]).into_owned();
    out.push('…');
    Cow::Owned(out)
}

/// `message` with every part between backticks longer than [`QUOTE_LIMIT`]
/// characters cut as [`shorten`] cuts it. [`crate::Diagnostic`] applies it to
/// every message, label and help it is given, so no message repeats a huge
/// input whole, whichever phase wrote it.
pub fn cut_quotes(message: &str) -> Cow<'_, str> {
    let too_long = message
        .split('`')
        .skip(1)
        .step_by(2)
        .any(|quoted| quoted.len() > QUOTE_LIMIT && quoted.chars().nth(QUOTE_LIMIT).is_some());
    if !too_long {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(QUOTE_LIMIT * 4);
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        match (i % 2 == 1)
            .then(|| part.char_indices().nth(QUOTE_LIMIT))
            .flatten()
        {
            Some((cut, _)) => {
                out.push_str(&part[..cut]);
                out.push('…');
            }
            None => out.push_str(part),
        }
    }
    Cow::Owned(out)
}

/// The longest message a phase outside the diagnostic model (scenario
/// loading) prints, in characters.
pub const MESSAGE_LIMIT: usize = 400;

/// A message built by another library's words (serde's `invalid value:
/// string "…"`): quoted parts cut ([`cut_quotes`]), control characters
/// escaped, and the whole at most [`MESSAGE_LIMIT`] characters.
pub fn bound_message(message: &str) -> String {
    let cut = cut_quotes(message);
    let cut = match cut.char_indices().nth(MESSAGE_LIMIT) {
        Some((at, _)) => format!("{}…", &cut[..at]),
        None => cut.into_owned(),
    };
    escape_control(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_input_is_cut_and_controls_are_escaped() {
        let long = "1".repeat(10_000_000);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), QUOTE_LIMIT + 1);
        assert!(short.ends_with('…'));
        assert_eq!(shorten("acme"), "acme");
        assert_eq!(shorten("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_control("x\u{202e}y\tz\r"), "x\\u{202e}y\tz\\u{d}");
        assert!(matches!(escape_control("żółw"), Cow::Borrowed(_)));
        for c in BIDI_CONTROLS {
            assert!(is_bidi_control(c) && needs_escape(c));
        }
        assert!(!is_bidi_control('\u{200F}'));
    }

    #[test]
    fn quoted_parts_of_messages_are_cut() {
        let digits = "9".repeat(1_000_000);
        let message = format!("the number `{digits}` does not fit, see `x`");
        let cut = cut_quotes(&message);
        assert_eq!(
            cut,
            format!(
                "the number `{}…` does not fit, see `x`",
                "9".repeat(QUOTE_LIMIT)
            )
        );
        assert!(matches!(cut_quotes("a `short` one"), Cow::Borrowed(_)));
        let serde = format!("invalid type: string \"{}\u{1b}\"", "x".repeat(5000));
        let bounded = bound_message(&serde);
        assert_eq!(bounded.chars().count(), MESSAGE_LIMIT + 1);
        assert_eq!(bound_message("a\u{1b}b"), "a\\u{1b}b");
    }
}
