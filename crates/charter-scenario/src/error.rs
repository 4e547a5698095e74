//! Load errors and how they are placed in the source.
//!
//! Inside the loader a [`Problem`] holds a byte offset into the file being
//! read and an absolute JSON path; it becomes a [`ScenarioError`] with line and
//! column once the file's text is at hand. Parsing takes a fast path without
//! path tracking; only when it fails is the failing piece parsed again through
//! `serde_path_to_error`, and the path then leads back to the first character
//! of the offending value (or key), whatever position serde_json reported.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;
use serde_json::value::RawValue;

/// A scenario that cannot be loaded, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as named by the caller.
    pub file: String,
    /// 1-based line; 0 when the error concerns the whole file (unreadable)
    /// or the file has no lines (Parquet: `path` names the row).
    pub line: u32,
    /// 1-based column in characters; 0 together with `line`.
    pub column: u32,
    /// Byte offset of the position in the file.
    pub offset: usize,
    /// JSON path of the offending value, like `$.events[3].amount`, or its
    /// row and column in a table, like `row 3, column `amount``; empty
    /// when the error concerns the whole file.
    pub path: String,
    /// What is wrong, lowercase, without a final period.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// An error about a whole file, such as one that cannot be read.
    pub(crate) fn whole_file(file: &str, message: String) -> ScenarioError {
        ScenarioError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            offset: 0,
            path: String::new(),
            message: charter_diagnostics::text::bound_message(&message),
        }
    }
}

/// An error found while loading one file, not yet turned into line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub offset: usize,
    pub path: String,
    pub message: String,
    /// Line and column, once known: a problem in a piece of a file read
    /// piece by piece is placed while its piece is at hand (`offset` is then
    /// the offset in the whole file).
    pub placed: Option<(u32, u32)>,
}

impl Problem {
    /// The message and path quote the file (keys, values, serde's words
    /// about them): both are bounded and their control characters escaped.
    pub(crate) fn new(offset: usize, path: String, message: String) -> Problem {
        Problem {
            offset,
            path: charter_diagnostics::text::bound_message(&path),
            message: charter_diagnostics::text::bound_message(&message),
            placed: None,
        }
    }

    /// Places a problem found in `piece`, a part of a file that starts at
    /// byte `start` of the file, at the start of a line, after `lines`
    /// lines; `offset` is relative to the piece.
    pub(crate) fn place_in_piece(mut self, piece: &[u8], start: usize, lines: usize) -> Problem {
        if self.placed.is_none() {
            let offset = self.offset.min(piece.len());
            let (line, column) = line_column(piece, offset);
            self.placed = Some((line.saturating_add(lines as u32), column));
            self.offset = start + offset;
        }
        self
    }

    /// Names the file of a problem in a file without lines (Parquet): the
    /// path alone (row and column) says where it is.
    pub(crate) fn into_unplaced_error(self, file: &str) -> ScenarioError {
        ScenarioError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            offset: 0,
            path: self.path,
            message: self.message,
        }
    }

    /// Places the problem in `src`, the text of `file`.
    pub(crate) fn into_error(self, file: &str, src: &[u8]) -> ScenarioError {
        let (offset, (line, column)) = match self.placed {
            Some(place) => (self.offset, place),
            None => {
                let offset = self.offset.min(src.len());
                (offset, line_column(src, offset))
            }
        };
        ScenarioError {
            file: file.to_owned(),
            line,
            column,
            offset,
            path: self.path,
            message: self.message,
        }
    }
}

/// 1-based line and character column of byte `offset` in `src`.
pub(crate) fn line_column(src: &[u8], offset: usize) -> (u32, u32) {
    let before = &src[..offset.min(src.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + count_newlines(&before[..line_start]);
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    (line as u32, column as u32)
}

/// Number of `\n` bytes in `bytes`.
pub(crate) fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Position of the first `\n` in `bytes`, eight bytes at a time.
pub(crate) fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // A zero byte in `x` is a newline in `word`; the lowest flagged
        // byte is exact (only bytes above a zero can be flagged falsely).
        let x = u64::from_le_bytes(word) ^ NEWLINES;
        let flagged = x.wrapping_sub(ONES) & !x & HIGHS;
        if flagged != 0 {
            return Some(base + (flagged.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    let rest = words.remainder();
    rest.iter().position(|&b| b == b'\n').map(|i| base + i)
}

/// Byte offset of `part` inside `whole`; `part` must be a subslice of it.
pub(crate) fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(whole.as_ptr() as usize)
        .filter(|&o| o <= whole.len())
        .unwrap_or(0)
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// Appends `steps` to `prefix` in the `$.events[3].amount` notation.
pub(crate) fn join_path(prefix: &str, steps: &[Step]) -> String {
    let mut path = prefix.to_owned();
    for step in steps {
        match step {
            Step::Index(i) => path.push_str(&format!("[{i}]")),
            Step::Key(k) => push_key(&mut path, k),
        }
    }
    path
}

fn push_key(path: &mut String, key: &str) {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&serde_json::Value::from(key).to_string());
        path.push(']');
    }
}

/// Parses `text`, a piece of `src` whose JSON path is `prefix`, as a `T`.
/// The prefix is computed only on failure.
pub(crate) fn parse_json<'a, T: Deserialize<'a>>(
    src: &'a [u8],
    text: &'a str,
    prefix: &dyn Fn() -> String,
) -> Result<T, Problem> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(fast) => Err(explain::<T>(src, text, &prefix(), fast)),
    }
}

/// Turns a failed parse of `text` as a `T` into a problem, parsing again with
/// path tracking to learn where the failure is.
#[cold]
pub(crate) fn explain<'a, T: Deserialize<'a>>(
    src: &'a [u8],
    text: &'a str,
    prefix: &str,
    fast: serde_json::Error,
) -> Problem {
    let mut de = serde_json::Deserializer::from_str(text);
    let text = text.as_bytes();
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        // Only the end-of-input check differs (trailing characters).
        Ok(_) => serde_problem(src, text, prefix, &fast, &[]),
        Err(tracked) => {
            let steps = steps_of(tracked.path());
            serde_problem(src, text, prefix, tracked.inner(), &steps)
        }
    }
}

/// `bytes` (a piece of `src`) as text, or a problem at the first byte that
/// is not UTF-8. Checking a whole file at once is faster than letting the
/// parser check every string.
pub(crate) fn utf8<'a>(src: &[u8], bytes: &'a [u8]) -> Result<&'a str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Problem::new(
            offset_in(src, bytes) + at,
            String::new(),
            format!(
                "invalid UTF-8 (byte 0x{:02X}); scenario files must be UTF-8",
                bytes.get(at).copied().unwrap_or(0)
            ),
        )
    })
}

/// A problem from a serde_json error met at `steps` inside `text`.
pub(crate) fn serde_problem(
    src: &[u8],
    text: &[u8],
    prefix: &str,
    err: &serde_json::Error,
    steps: &[Step],
) -> Problem {
    let base = offset_in(src, text);
    // serde_json's column counts the offending byte; at the end of input
    // there is none, so point just past the last byte.
    let column = match err.classify() {
        Category::Eof => err.column() + 1,
        Category::Io | Category::Syntax | Category::Data => err.column(),
    };
    let reported = base + offset_of_position(text, err.line(), column);
    let message = humanize(err);
    let offset = match err.classify() {
        Category::Data => match locate(text, steps) {
            Some(spot) if message.starts_with("unknown field") => {
                offset_in(src, spot.key.unwrap_or(spot.value))
            }
            Some(spot) => offset_in(src, spot.value),
            None => reported,
        },
        Category::Io | Category::Syntax | Category::Eof => reported,
    };
    Problem::new(offset, join_path(prefix, steps), message)
}

fn steps_of(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { variant } => Some(Step::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

/// Byte offset within `text` of serde_json's 1-based `line` and byte
/// `column` (the column counts the offending byte itself).
fn offset_of_position(text: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

/// serde_json's message in JSON's words, without its position suffix.
fn humanize(err: &serde_json::Error) -> String {
    let mut message = err.to_string();
    if err.line() > 0 {
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message.truncate(stripped.len());
        }
    }
    const WORDS: [(&str, &str); 9] = [
        ("EOF while parsing", "unexpected end of input while parsing"),
        ("while parsing a list", "while parsing an array"),
        ("invalid type: map", "invalid type: object"),
        ("invalid type: sequence", "invalid type: array"),
        ("invalid type: unit value", "invalid type: null"),
        ("invalid type: floating point", "invalid type: number"),
        ("invalid value: floating point", "invalid value: number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected an object"),
    ];
    for (from, to) in WORDS {
        if message.contains(from) {
            message = message.replace(from, to);
        }
    }
    message
}

/// Where a value (and the key naming it) starts in the source.
pub(crate) struct Spot<'a> {
    pub key: Option<&'a [u8]>,
    pub value: &'a [u8],
}

/// Follows `steps` from the JSON value `text` down to the value they name.
/// `None` when the text is not valid JSON along the way.
pub(crate) fn locate<'a>(text: &'a [u8], steps: &[Step]) -> Option<Spot<'a>> {
    let mut spot = Spot {
        key: None,
        value: text,
    };
    for step in steps {
        spot = match step {
            Step::Index(i) => {
                let items: Vec<&'a RawValue> = serde_json::from_slice(spot.value).ok()?;
                Spot {
                    key: None,
                    value: items.get(*i)?.get().as_bytes(),
                }
            }
            Step::Key(k) => {
                let Entries(entries) = serde_json::from_slice(spot.value).ok()?;
                // The last one: serde keeps reading past a duplicate key.
                let (key, value) = entries.into_iter().rev().find(|(key, _)| key.0 == *k)?;
                Spot {
                    // The key slice starts after its opening quote.
                    key: match key.0 {
                        Cow::Borrowed(k) => {
                            let start = offset_in(text, k.as_bytes()).checked_sub(1)?;
                            text.get(start..)
                        }
                        Cow::Owned(_) => None,
                    },
                    value: value.get().as_bytes(),
                }
            }
        };
    }
    // Skip leading whitespace of the outermost value.
    let lead = spot
        .value
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    spot.value = &spot.value[lead..];
    Some(spot)
}

/// A key as it appears in the source: borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// An object's entries in source order, values left raw.
struct Entries<'a>(Vec<(Key<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom("expected an object"))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_values_and_keys() {
        let src = br#"{"a": [1, {"b\u0062": 2, "c": "x"}], "d": true}"#;
        let steps = [Step::Key("a".into()), Step::Index(1), Step::Key("c".into())];
        let spot = locate(src, &steps).unwrap();
        assert_eq!(spot.value, br#""x""#);
        assert!(spot.key.unwrap().starts_with(br#""c": "x""#));
        let spot = locate(
            src,
            &[
                Step::Key("a".into()),
                Step::Index(1),
                Step::Key("bb".into()),
            ],
        )
        .unwrap();
        assert!(spot.key.is_none());
        assert!(locate(src, &[Step::Key("zz".into())]).is_none());
    }

    #[test]
    fn columns_count_characters() {
        let src = "{\n  \"é\": 1, \"x\": 2}".as_bytes();
        let offset = src.iter().position(|&b| b == b'x').unwrap();
        assert_eq!(line_column(src, offset), (2, 12));
    }

    #[test]
    fn finds_newlines_like_a_plain_search() {
        let mut bytes: Vec<u8> = (0..200u8).map(|b| b.wrapping_mul(37) | 0x80).collect();
        assert_eq!(find_newline(&bytes), None);
        for at in [0, 1, 7, 8, 9, 63, 64, 150, 199] {
            let saved = bytes[at];
            bytes[at] = b'\n';
            bytes[at + 1..].iter_mut().for_each(|b| *b ^= 0x0b);
            assert_eq!(find_newline(&bytes), bytes.iter().position(|&b| b == b'\n'));
            bytes[at] = saved;
        }
        assert_eq!(find_newline(b"\x0b\n"), Some(1));
    }

    #[test]
    fn paths_quote_odd_keys() {
        let steps = [Step::Key("totals".into()), Step::Key("acme gmbh".into())];
        assert_eq!(
            join_path("$.expect", &steps),
            r#"$.expect.totals["acme gmbh"]"#
        );
    }
}
