//! A fast reader for event objects in the plain shape exports write: known
//! keys, strings without escapes, `true`/`false` and plain numbers.
//!
//! It reads an event object about three times faster than the serde
//! visitor (`event`), which stays the definition of the format: the scan
//! either fills the [`RawEvent`] exactly as the visitor would, or gives up
//! and leaves the event to the visitor. It gives up on anything it does not
//! read itself (an escape, an unknown key, a nested value, `null`, a value
//! its field refuses, malformed JSON), so errors, their messages and
//! locations come from the one serde path, and a successful scan accepts
//! only what the visitor accepts.

use chrono::NaiveDate;

use crate::event::{Field, RawEvent};

/// A scalar as written in an event object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar<'de> {
    /// A string without escapes or control characters: its text and, for
    /// amounts, which read it as serde's raw value gives it, its JSON text
    /// (quotes included).
    Str { text: &'de str, json: &'de str },
    /// `true` or `false`.
    Bool(bool),
    /// A JSON number's text, checked against the JSON grammar.
    Number(&'de str),
}

/// Scans the event object `text` into `raw` (cleared first); `false` if
/// the object is not in the plain shape or a value is refused, in which
/// case `raw` holds a partial event and the caller parses `text` again with
/// serde.
pub(crate) fn scan<'de>(raw: &mut RawEvent<'de>, text: &'de str, memo: &mut ScanMemo) -> bool {
    *raw = RawEvent::default();
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    scanner.object(raw, memo).is_some()
}

/// What one scan leaves for the next in the same chunk: the last date
/// read, as events of a day come together.
#[derive(Debug, Default)]
pub(crate) struct ScanMemo {
    date: Option<([u8; 10], NaiveDate)>,
}

impl ScanMemo {
    /// The date `text` reads as, if valid.
    pub(crate) fn date(&mut self, text: &str) -> Option<NaiveDate> {
        match self.date {
            Some((last, date)) if last.as_slice() == text.as_bytes() => Some(date),
            _ => {
                let date = crate::value::parse_date(text).ok()?;
                // A valid date is ten bytes long.
                self.date = text.as_bytes().try_into().ok().map(|b| (b, date));
                Some(date)
            }
        }
    }
}

struct Scanner<'de> {
    text: &'de str,
    bytes: &'de [u8],
    at: usize,
}

impl<'de> Scanner<'de> {
    /// `None` where serde must take over.
    fn object(&mut self, raw: &mut RawEvent<'de>, memo: &mut ScanMemo) -> Option<()> {
        self.skip_whitespace();
        self.expect(b'{')?;
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                let key = self.string()?;
                let field = Field::from_name(key)?;
                self.skip_whitespace();
                self.expect(b':')?;
                self.skip_whitespace();
                let value = self.scalar()?;
                raw.set_scanned(field, value, memo)?;
                self.skip_whitespace();
                match self.peek()? {
                    b',' => {
                        self.at += 1;
                        self.skip_whitespace();
                    }
                    b'}' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.skip_whitespace();
        (self.at == self.bytes.len()).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// A string without escapes or control characters, after its opening
    /// quote is next.
    fn string(&mut self) -> Option<&'de str> {
        self.expect(b'"')?;
        let start = self.at;
        let rest = &self.bytes[start..];
        let len = string_end(rest)?;
        if rest[len] != b'"' {
            return None;
        }
        self.at = start + len + 1;
        // Both ends are ASCII quotes, so on character boundaries.
        self.text.get(start..start + len)
    }

    fn scalar(&mut self) -> Option<Scalar<'de>> {
        match self.peek()? {
            b'"' => {
                let start = self.at;
                let text = self.string()?;
                let json = self.text.get(start..self.at)?;
                Some(Scalar::Str { text, json })
            }
            b't' => self.literal("true").map(|()| Scalar::Bool(true)),
            b'f' => self.literal("false").map(|()| Scalar::Bool(false)),
            b'-' | b'0'..=b'9' => self.number().map(Scalar::Number),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| self.at = end)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, JSON's grammar.
    fn number(&mut self) -> Option<&'de str> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.digits()?;
        }
        // A number ends before a delimiter; `1x` is left to serde.
        match self.peek() {
            None | Some(b',' | b'}' | b' ' | b'\t' | b'\n' | b'\r') => {}
            Some(_) => return None,
        }
        self.text.get(start..self.at)
    }

    /// One or more digits.
    fn digits(&mut self) -> Option<()> {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        (self.at > start).then_some(())
    }
}

/// Where the first `"`, `\\` or control character of `bytes` is: eight bytes
/// at a time, as `error::find_newline` looks for a line break.
fn string_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte is flagged where it is a quote or a backslash (a zero
        // byte after the xor) or below 0x20; only bytes above a flagged
        // one can be flagged falsely, so the lowest flag is exact.
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        let quote = zero(word ^ (ONES * u64::from(b'"')));
        let backslash = zero(word ^ (ONES * u64::from(b'\\')));
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let flags = quote | backslash | control;
        if flags != 0 {
            return Some(base + flags.trailing_zeros() as usize / 8);
        }
        base += 8;
    }
    let rest = words.remainder();
    rest.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| base + i)
}

/// A plain JSON integer that fits a `u32`: what serde reads as one (no
/// sign, fraction or exponent); `None` for anything else.
pub(crate) fn plain_count(number: &str) -> Option<u32> {
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan of `text`, `None` if it gave up, as `Debug` text.
    fn scanned(text: &str) -> Option<String> {
        let mut raw = RawEvent::default();
        scan(&mut raw, text, &mut ScanMemo::default()).then(|| format!("{raw:?}"))
    }

    /// What serde reads from `text`, as `Debug` text.
    fn parsed(text: &str) -> Option<String> {
        let mut raw = RawEvent::default();
        raw.parse_into(text).ok().map(|()| format!("{raw:?}"))
    }

    #[test]
    fn plain_events_scan_as_serde_reads_them() {
        let texts = [
            r#"{"date":"2025-01-01","type":"referral","partner":"p1","customer":"c1"}"#,
            r#"{"date":"2025-01-01","type":"invoice","id":"INV-1","customer":"c1","amount":"100.00","currency":"USD","product":"Starter","renewal":false}"#,
            r#" { "date" : "2025-01-01" , "type":"invoice","id":"é","customer":"c","amount":12.5e1,"months":12,"subscription":"s"} "#,
            "{\"date\":\"2025-01-01\",\t\"type\":\"payment\",\"invoice\":\"i\",\"amount\":-0.0,\"collected_by\":\"partner\"}\r",
            r#"{"date":"2025-01-01","type":"staff","partner":"p","qualification":"q","count":0}"#,
            r#"{"date":"2025-01-01","type":"registration","partner":"p","customer":"c","approved":true,"decided":"2025-02-01","opportunity":"o"}"#,
            r#"{"date":"2025-01-01","type":"exchange_rate","from":"EUR","to":"USD","rate":"1.08"}"#,
            // A duplicate field is kept for validation to report.
            r#"{"date":"2025-01-01","date":"2025-01-02","type":"lead","customer":"c"}"#,
            // Fields a type does not allow are for validation too.
            r#"{"type":"lead","customer":"c","tier":"Gold","requested_by_customer":false}"#,
            "{}",
        ];
        for text in texts {
            assert!(scanned(text).is_some(), "{text}");
            assert_eq!(scanned(text), parsed(text), "{text}");
        }
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        let texts = [
            // Escapes, unknown keys, nested values and null.
            r#"{"date":"2025-01-01","type":"lead","customer":"c\u0031"}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":"c","note":"x"}"#,
            r#"{"da\u0074e":"2025-01-01","type":"lead","customer":"c"}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":["c"]}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":null}"#,
            // Values their field refuses.
            r#"{"date":"2025-13-01","type":"lead","customer":"c"}"#,
            r#"{"date":"2025-01-01","type":"leads","customer":"c"}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":""}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":1}"#,
            r#"{"date":"2025-01-01","type":"invoice","amount":"-1"}"#,
            r#"{"date":"2025-01-01","type":"invoice","currency":"usd"}"#,
            r#"{"date":"2025-01-01","type":"invoice","months":0}"#,
            r#"{"date":"2025-01-01","type":"invoice","months":1.0}"#,
            r#"{"date":"2025-01-01","type":"staff","count":-1}"#,
            r#"{"date":"2025-01-01","type":"staff","count":4294967296}"#,
            r#"{"date":"2025-01-01","type":"payment","collected_by":"bank"}"#,
            r#"{"date":"2025-01-01","type":"payment","renewal":"true"}"#,
            // Malformed JSON.
            r#"{"date":"2025-01-01","type":"lead","customer":"c""#,
            r#"{"date":"2025-01-01","type":"lead","customer":"c",}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":"c"} x"#,
            r#"{"date":"2025-01-01","type":"lead","customer":"c"}}"#,
            r#"{"date":"2025-01-01" "type":"lead"}"#,
            r#"{"date":"2025-01-01","type":"invoice","amount":01}"#,
            r#"{"date":"2025-01-01","type":"invoice","amount":1.}"#,
            r#"{"date":"2025-01-01","type":"invoice","amount":1e}"#,
            r#"{"date":"2025-01-01","type":"invoice","amount":1x}"#,
            r#"{"date":"2025-01-01","type":"invoice","renewal":tru}"#,
            "{\"date\":\"2025-01-01\",\"type\":\"lead\",\"customer\":\"c\u{1}\"}",
            "[]",
            "",
        ];
        for text in texts {
            assert_eq!(scanned(text), None, "{text}");
        }
    }

    /// Pieces of event objects, valid or not, for [`damaged_events_scan_as_serde_reads_them`].
    const TOKENS: [&str; 40] = [
        "{",
        "}",
        ",",
        ":",
        " ",
        "\t",
        "\r",
        "\"",
        "\\",
        "\\u0041",
        "date",
        "type",
        "id",
        "customer",
        "amount",
        "months",
        "count",
        "renewal",
        "collected_by",
        "currency",
        "rate",
        "\"2025-01-31\"",
        "\"2025-02-30\"",
        "\"invoice\"",
        "\"staff\"",
        "\"vendor\"",
        "\"EUR\"",
        "\"1.50\"",
        "\"1e3\"",
        "\"\"",
        "\"é\"",
        "0",
        "-0",
        "12",
        "1.5",
        "2e1",
        "007",
        "true",
        "null",
        "[1]",
    ];

    proptest::proptest! {
        /// Token soup, mostly not JSON: whenever the scan succeeds, serde
        /// reads the same event.
        #[test]
        fn damaged_events_scan_as_serde_reads_them(
            picks in proptest::collection::vec(0..TOKENS.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| TOKENS[i]).collect();
            if let Some(scan) = scanned(&text) {
                proptest::prop_assert_eq!(Some(scan), parsed(&text), "{}", text);
            }
        }

        /// Plain events with one byte changed: the same.
        #[test]
        fn edited_events_scan_as_serde_reads_them(
            at in 0usize..200, byte in proptest::prelude::any::<u8>()
        ) {
            let plain = r#"{"date":"2025-01-01","type":"invoice","id":"I-1","customer":"c1","amount":"10.50","currency":"EUR","renewal":true,"months":12}"#;
            let mut bytes = plain.as_bytes().to_vec();
            let at = at % bytes.len();
            bytes[at] = byte;
            if let Ok(text) = std::str::from_utf8(&bytes) {
                if let Some(scan) = scanned(text) {
                    proptest::prop_assert_eq!(Some(scan), parsed(text), "{}", text);
                }
            }
        }
    }

    #[test]
    fn the_remembered_date_is_the_one_written() {
        let mut memo = ScanMemo::default();
        let mut raw = RawEvent::default();
        for text in [
            r#"{"date":"2025-01-01","type":"lead","customer":"c"}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":"c"}"#,
            r#"{"date":"2025-01-02","type":"lead","customer":"c"}"#,
            r#"{"date":"2025-01-01","type":"lead","customer":"c"}"#,
        ] {
            assert!(scan(&mut raw, text, &mut memo));
            assert_eq!(Some(format!("{raw:?}")), parsed(text));
        }
        assert!(!scan(
            &mut raw,
            r#"{"date":"2025-02-30","type":"lead","customer":"c"}"#,
            &mut memo
        ));
    }

    #[test]
    fn a_string_ends_at_its_first_quote_backslash_or_control_character() {
        let plain = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        };
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), b"abc".to_vec()];
        for len in 0..20 {
            for at in 0..=len {
                for special in [
                    b'"', b'\\', 0x00, 0x1f, 0x20, 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']',
                ] {
                    let mut bytes = vec![b'a'; len];
                    if at < len {
                        bytes[at] = special;
                    }
                    // A byte just below the special one that borrows.
                    if at > 0 && at < len {
                        bytes[at - 1] = 0x00;
                    }
                    cases.push(bytes.clone());
                    bytes.iter_mut().take(at).for_each(|b| *b = 0xc3);
                    cases.push(bytes);
                }
            }
        }
        for bytes in cases {
            assert_eq!(string_end(&bytes), plain(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn plain_counts_are_what_serde_reads_as_integers() {
        assert_eq!(plain_count("0"), Some(0));
        assert_eq!(plain_count("4294967295"), Some(u32::MAX));
        assert_eq!(plain_count("4294967296"), None);
        assert_eq!(plain_count("-1"), None);
        assert_eq!(plain_count("1.0"), None);
        assert_eq!(plain_count("1e2"), None);
    }
}
