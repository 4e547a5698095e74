//! Source files and byte spans into them.

use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// Identifies one file in a [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn contains(&self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }
}

/// One loaded source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    /// Built on first use: positions are asked for only when rendering.
    index: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    ///
    /// A binary search and a scan of at most [`CHECKPOINT_BYTES`] bytes, however
    /// long the file or the line: rendering thousands of diagnostics of one
    /// file stays linear.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.index();
        let line = index.line_of(offset);
        let line_start = index.line_starts[line] as usize;
        // Most columns are near their line's start; a long line uses the checkpoints.
        let col = if offset - line_start <= CHECKPOINT_BYTES {
            self.text[line_start..offset].chars().count()
        } else {
            index.chars_before(&self.text, offset) - index.chars_before(&self.text, line_start)
        };
        (line + 1, col + 1)
    }

    /// How many lines the file has (a final line without text counts).
    pub fn line_count(&self) -> usize {
        self.index().line_starts.len()
    }

    /// The 0-based line a byte offset is on.
    pub fn line_of(&self, offset: usize) -> usize {
        self.index().line_of(offset.min(self.text.len()))
    }

    /// The byte range of a 0-based line, without its line break (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let starts = &self.index().line_starts;
        let Some(&start) = starts.get(line) else {
            return self.text.len()..self.text.len();
        };
        let start = start as usize;
        let mut end = starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' && end < self.text.len() {
            end -= 1;
        }
        start..end
    }
}

/// Where lines start, and how many characters precede every
/// [`CHECKPOINT_BYTES`]-th byte, so a column in characters needs no scan from
/// the start of its line.
#[derive(Clone, Debug)]
struct LineIndex {
    line_starts: Vec<u32>,
    /// `(byte offset, characters before it)` at each checkpoint, the offset
    /// rounded down to a character boundary.
    checkpoints: Vec<(u32, u32)>,
}

/// Distance between two checkpoints of a [`LineIndex`].
pub const CHECKPOINT_BYTES: usize = 1024;

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| to_u32(i + 1)),
        );
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_BYTES + 1);
        let mut chars = 0;
        let mut previous = 0;
        for k in 0..=text.len() / CHECKPOINT_BYTES {
            let at = floor_char_boundary(text, k * CHECKPOINT_BYTES);
            chars += text[previous..at].chars().count();
            checkpoints.push((to_u32(at), to_u32(chars)));
            previous = at;
        }
        LineIndex {
            line_starts,
            checkpoints,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1)
    }

    /// Characters in `text[..offset]`; `offset` is a character boundary.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let (at, chars) = self
            .checkpoints
            .get(offset / CHECKPOINT_BYTES)
            .copied()
            .unwrap_or((0, 0));
        let at = (at as usize).min(offset);
        chars as usize + text.get(at..offset).map_or(0, |s| s.chars().count())
    }
}

/// All files of one compilation (a policy and the files it imports).
#[derive(Clone, Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    pub fn add(&mut self, path: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path, text));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.path.as_str())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| &f.text)
    }

    /// The text a span covers (empty if out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

/// The largest character boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest character boundary at or after `offset`.
pub fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: a scan from the start of the file.
    fn slow_line_col(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    #[test]
    fn line_col_agrees_with_a_scan_from_the_start() {
        let long: String = "żółw ".repeat(700);
        let text = format!("ab\r\ncd\n\n{long}\nx€y\n{long}");
        let file = SourceFile::new("t.charter", text.as_str());
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                file.line_col(offset),
                slow_line_col(&text, offset),
                "offset {offset}"
            );
        }
        assert_eq!(file.line_count(), 6);
        assert_eq!(&text[file.line_range(0)], "ab");
        assert_eq!(&text[file.line_range(2)], "");
        assert_eq!(&text[file.line_range(4)], "x€y");
        assert_eq!(file.line_range(9), text.len()..text.len());
    }
}
