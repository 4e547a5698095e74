//! One checked snapshot of an open document: its text, the compiler's
//! [`Compilation`] (root file plus imports, read from open buffers first), the
//! line indexes that turn byte spans into UTF-16 LSP positions, and the
//! [`SyntaxIndex`] of the root file. Every feature reads an `Analysis`; none
//! parses or checks again.

use crate::files::Reads;
use crate::syntax_index::SyntaxIndex;
use charter_check::{Compilation, FileKey, FileReader, ReadError, SymbolId};
use charter_diagnostics::{FileId, SourceDb, Span};
use charter_syntax::ast::SourceFileAst;
use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

/// Open buffers by normalized file path: imports read these before the disk.
pub type OpenBuffers = HashMap<PathBuf, Arc<str>>;

/// A checked snapshot of one open document.
#[derive(Debug)]
pub struct Analysis {
    pub uri: Uri,
    pub version: i32,
    pub compilation: Compilation,
    /// The root file's syntax, flattened for lookups by position.
    pub index: SyntaxIndex,
    files: Vec<FileLines>,
}

#[derive(Debug)]
struct FileLines {
    uri: Option<Uri>,
    lines: LineIndex,
}

impl Analysis {
    /// Checks `text` as the policy at `uri`, with imports served from `open`
    /// first, then read from disk with `reads`.
    ///
    /// Reads files: call it off the request loop ([`crate::worker`]).
    pub fn new(uri: Uri, version: i32, text: &str, open: &OpenBuffers, reads: &Reads) -> Analysis {
        let mut db = SourceDb::new();
        let root = db.add(uri_to_path(&uri), text);
        let compilation = charter_check::compile(db, root, &mut BufferReader { open, reads });
        let files = compilation
            .db
            .iter()
            .map(|(id, file)| FileLines {
                uri: if id == root {
                    Some(uri.clone())
                } else {
                    path_to_uri(&file.path)
                },
                lines: LineIndex::new(&file.text),
            })
            .collect();
        let index = SyntaxIndex::new(compilation.files.first(), compilation.db.text(root));
        Analysis {
            uri,
            version,
            compilation,
            index,
            files,
        }
    }

    pub fn root(&self) -> FileId {
        self.compilation.root
    }

    pub fn text(&self) -> &str {
        self.compilation.db.text(self.compilation.root)
    }

    /// The root file's syntax tree.
    pub fn ast(&self) -> Option<&SourceFileAst> {
        self.compilation.files.first()
    }

    /// The byte offset in the root file of an LSP position; `None` past the last line.
    pub fn offset(&self, position: Position) -> Option<usize> {
        let lines = &self.files.get(self.root().0 as usize)?.lines;
        offset_of(lines, self.text(), position)
    }

    /// The LSP position of a byte offset in a file of this compilation.
    pub fn position(&self, file: FileId, offset: usize) -> Option<Position> {
        let lines = &self.files.get(file.0 as usize)?.lines;
        position_of(lines, self.compilation.db.text(file), offset)
    }

    /// The LSP range of a span.
    pub fn range(&self, span: Span) -> Option<Range> {
        Some(Range {
            start: self.position(span.file, span.start as usize)?,
            end: self.position(span.file, span.end as usize)?,
        })
    }

    /// The document a file of this compilation is, when it has a URI.
    pub fn uri_of(&self, file: FileId) -> Option<&Uri> {
        self.files.get(file.0 as usize)?.uri.as_ref()
    }

    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location {
            uri: self.uri_of(span.file)?.clone(),
            range: self.range(span)?,
        })
    }

    /// The file path of this document, as the compiler knows it.
    pub fn path(&self) -> &str {
        self.compilation.db.path(self.root())
    }

    /// The symbol at a byte offset of the root file: a definition, a use, or a
    /// name in a `tiers`/`tracks`/`modules` list.
    pub fn symbol_at(&self, offset: usize) -> Option<(SymbolId, Span)> {
        let symbols = &self.compilation.symbols;
        if let Some(found) = symbols.at(self.root(), offset) {
            return Some(found);
        }
        self.index
            .declared_name_at(offset)
            .and_then(|(kind, ident)| Some((symbols.lookup(kind, &ident.name)?, ident.span)))
    }

    /// Every place a symbol is written in this compilation: its definition
    /// (when `with_definition`), its uses, and its names in declaration lists.
    pub fn occurrences(&self, id: SymbolId, with_definition: bool) -> Vec<(Span, bool)> {
        let symbols = &self.compilation.symbols;
        let Some(symbol) = symbols.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<(Span, bool)> = Vec::new();
        if with_definition {
            if let Some(span) = symbol.span {
                out.push((span, true));
            }
            for ident in self.index.declared_names(symbol.kind, &symbol.name) {
                if Some(ident.span) != symbol.span {
                    out.push((ident.span, true));
                }
            }
        }
        out.extend(symbols.references_to(id).map(|r| (r.span, false)));
        out.sort_by_key(|(span, _)| (span.file, span.start));
        out.dedup_by_key(|(span, _)| *span);
        out
    }
}

/// The byte offset of an LSP (UTF-16) position; a column past the line's end
/// means its end, a line past the last one `None`.
pub fn offset_of(lines: &LineIndex, text: &str, position: Position) -> Option<usize> {
    let line = lines.line(position.line)?;
    let line_start = usize::from(line.start());
    let mut line_end = usize::from(line.end());
    let content = text.get(line_start..line_end).unwrap_or("");
    line_end = line_start + content.trim_end_matches(['\n', '\r']).len();
    let utf8 = lines.to_utf8(
        WideEncoding::Utf16,
        WideLineCol {
            line: position.line,
            col: position.character,
        },
    )?;
    let offset = (line_start + utf8.col as usize).min(line_end);
    Some(floor_char_boundary(text, offset))
}

/// The LSP (UTF-16) position of a byte offset, clamped to the text.
pub fn position_of(lines: &LineIndex, text: &str, offset: usize) -> Option<Position> {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let size = TextSize::try_from(offset).ok()?;
    let LineCol { line, col } = lines.try_line_col(size)?;
    let wide = lines.to_wide(WideEncoding::Utf16, LineCol { line, col })?;
    Some(Position {
        line: wide.line,
        character: wide.col,
    })
}

pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The path the compiler uses for a document: the file path of a `file:` URI,
/// the URI itself otherwise (an unsaved buffer).
pub fn uri_to_path(uri: &Uri) -> String {
    if uri.scheme().as_str().eq_ignore_ascii_case("file") {
        if let Some(path) = uri.to_file_path() {
            return normalize(&path).display().to_string();
        }
    }
    uri.as_str().to_string()
}

/// The URI of a file the compiler read (absolute paths only).
pub fn path_to_uri(path: &str) -> Option<Uri> {
    let path = Path::new(path);
    if path.is_absolute() {
        Uri::from_file_path(path)
    } else {
        None
    }
}

/// Removes `.` and resolves `..` lexically, as the compiler does for imports.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Serves imports from open buffers, then from the file system.
struct BufferReader<'a> {
    open: &'a OpenBuffers,
    reads: &'a Reads,
}

impl FileReader for BufferReader<'_> {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        Ok(self.read_file(path)?.0)
    }

    /// The file on disk when there is one (so a link to a file is that
    /// file), else the normalized path (an unsaved buffer).
    fn key(&mut self, path: &Path) -> FileKey {
        match self.reads.identity(path) {
            Some(identity) => FileKey::Disk(identity),
            None => FileKey::Name(normalize(path)),
        }
    }

    fn read_file(&mut self, path: &Path) -> Result<(String, FileKey), ReadError> {
        match self.open.get(&normalize(path)) {
            Some(text) => Ok((text.to_string(), self.key(path))),
            None => {
                let (text, identity) = self.reads.read_policy(path)?;
                Ok((text, FileKey::Disk(identity)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn utf16_positions_round_trip_through_cyrillic_and_polish_text() {
        // `ś` and `ę` are 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 units.
        let text = "/// Kanał ęś\nprogram \"Программа 𝄞\" { currency PLN }\n";
        let lines = LineIndex::new(text);
        let currency = text.find("currency").unwrap();
        let pos = position_of(&lines, text, currency).unwrap();
        // `program "Программа 𝄞" { ` is 25 UTF-16 units before `currency`.
        assert_eq!(pos, Position::new(1, 25));
        assert_eq!(offset_of(&lines, text, pos), Some(currency));
        // A column past the end of a line is the end of the line.
        assert_eq!(
            offset_of(&lines, text, Position::new(0, 999)),
            Some(text.find('\n').unwrap())
        );
        // A line past the end is nothing.
        assert_eq!(offset_of(&lines, text, Position::new(99, 0)), None);
    }
}
