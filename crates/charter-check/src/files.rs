//! The files of one or more policies: which file an `import` names, each file
//! read and parsed once whatever paths lead to it, and the import graph with
//! its cycles.
//!
//! Files are told apart by a [`FileKey`], never by the path that reached them:
//! on disk that is the device and inode ([`charter_fs::FileIdentity`]), so a
//! symlink alias (`loop -> .`, `import "loop/r.charter"`), `a/../b` or a hard
//! link is one file, read once. Only `*.charter` files are read (the import's
//! path and, on disk, the file it leads to once links are followed), and only
//! through relative paths, so a policy can neither make Charter read `.env` nor
//! quote it in a diagnostic.
//!
//! The graph is walked depth first from each starting file; an import of a
//! file still being walked closes a cycle, and is reported there, once.

use charter_diagnostics::{Code, Diagnostic, FileId, SourceDb, Span};
use charter_fs::ReadError;
use charter_syntax::ast::{ItemKind, SourceFileAst};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Which file a path names, whatever the path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKey {
    /// A file on disk, by device and inode.
    Disk(charter_fs::FileIdentity),
    /// A file known by its lexically normalized path (editor buffers,
    /// in-memory readers in tests and fuzzing).
    Name(PathBuf),
}

/// How imports are read: the CLI reads files, the language server its open
/// buffers first.
pub trait FileReader {
    /// The text of the file at `path`.
    fn read(&mut self, path: &Path) -> std::io::Result<String>;

    /// Which file `path` names, without reading it: every path that leads to
    /// one file must give one key. By default the path, normalized lexically.
    fn key(&mut self, path: &Path) -> FileKey {
        FileKey::Name(normalize(path))
    }

    /// The text of the file at `path` and which file was read. By default
    /// [`read`](Self::read) and [`key`](Self::key).
    fn read_file(&mut self, path: &Path) -> Result<(String, FileKey), ReadError> {
        let text = self.read(path)?;
        Ok((text, self.key(path)))
    }
}

/// Reads policies from the file system through [`charter_fs::read_policy`]:
/// `*.charter` regular files only, bounded, never blocking on a FIFO.
pub struct FsReader;

impl FileReader for FsReader {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        Ok(charter_fs::read_policy(path)?.0)
    }

    fn key(&mut self, path: &Path) -> FileKey {
        disk_key(path).unwrap_or_else(|| FileKey::Name(normalize(path)))
    }

    fn read_file(&mut self, path: &Path) -> Result<(String, FileKey), ReadError> {
        let (text, identity) = charter_fs::read_policy(path)?;
        Ok((text, FileKey::Disk(identity)))
    }
}

#[cfg(unix)]
fn disk_key(path: &Path) -> Option<FileKey> {
    charter_fs::FileIdentity::of(path).ok().map(FileKey::Disk)
}

/// Elsewhere the identity is not known: the canonical path stands for it.
#[cfg(not(unix))]
fn disk_key(path: &Path) -> Option<FileKey> {
    std::fs::canonicalize(path).ok().map(FileKey::Name)
}

/// The most files one policy may import, directly or not.
pub const MAX_IMPORTED_FILES: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Walk {
    /// Read, not yet walked.
    New,
    /// Being walked: an import of it closes a cycle.
    Open,
    Done,
}

/// Every file read so far, each once, with its syntax tree and imports.
pub(crate) struct Files {
    pub db: SourceDb,
    /// By file id; `None` for a file not parsed (yet), or whose tree was moved out.
    pub asts: Vec<Option<SourceFileAst>>,
    /// By file id: the files its imports name, in the order of the imports.
    pub imports: Vec<Vec<FileId>>,
    /// Parse and import diagnostics, each reported once.
    pub diagnostics: Vec<Diagnostic>,
    /// Imports that named a policy file that could not be read: not a regular
    /// file, too large, not UTF-8, or an operating-system error. (A missing
    /// file or one that is not a policy is the importing policy's mistake.)
    pub unreadable_imports: usize,
    keys: HashMap<FileKey, FileId>,
    walk: Vec<Walk>,
}

/// One file being walked: its imports and how far through them.
struct Frame {
    file: FileId,
    imports: Vec<(String, Span)>,
    next: usize,
}

impl Files {
    pub fn new(db: SourceDb) -> Files {
        let count = db.iter().count();
        Files {
            db,
            asts: (0..count).map(|_| None).collect(),
            imports: vec![Vec::new(); count],
            diagnostics: Vec::new(),
            unreadable_imports: 0,
            keys: HashMap::new(),
            walk: vec![Walk::Done; count],
        }
    }

    /// How many files are known.
    pub fn len(&self) -> usize {
        self.walk.len()
    }

    /// Registers `file`, already in the database, as the file `key` names.
    pub fn register(&mut self, file: FileId, key: FileKey) {
        self.keys.entry(key).or_insert(file);
        if let Some(state) = self.walk.get_mut(file.0 as usize) {
            *state = Walk::New;
        }
    }

    /// The file `key` names, if it was read.
    pub fn find(&self, key: &FileKey) -> Option<FileId> {
        self.keys.get(key).copied()
    }

    /// Adds a file read under `path`.
    pub fn add(&mut self, path: &Path, text: String, key: FileKey) -> FileId {
        let file = self.db.add(path.display().to_string(), text);
        self.asts.push(None);
        self.imports.push(Vec::new());
        self.walk.push(Walk::Done);
        self.register(file, key);
        file
    }

    /// Parses `start` and every file it imports, directly or not, that is not
    /// parsed yet; reports unreadable imports and the imports closing a cycle.
    /// At most [`MAX_IMPORTED_FILES`] files are read on the way.
    pub fn walk(&mut self, start: FileId, reader: &mut dyn FileReader) {
        if self.state(start) != Walk::New {
            return;
        }
        let mut read = 0usize;
        let mut stack = vec![self.enter(start)];
        while let Some(frame) = stack.last_mut() {
            let Some((value, span)) = frame.imports.get(frame.next).cloned() else {
                let file = frame.file;
                self.set_state(file, Walk::Done);
                stack.pop();
                continue;
            };
            frame.next += 1;
            let from = frame.file;
            let Some(target) = self.resolve(from, &value, span) else {
                continue;
            };
            let known = self.find(&reader.key(&target));
            let file = match known {
                Some(file) => file,
                None if read >= MAX_IMPORTED_FILES => {
                    self.diagnostics.push(Diagnostic::new(
                        Code::Limit,
                        format!("a policy may import at most {MAX_IMPORTED_FILES} files"),
                        span,
                    ));
                    continue;
                }
                None => match reader.read_file(&target) {
                    Ok((text, key)) => match self.find(&key) {
                        Some(file) => file,
                        None => {
                            read += 1;
                            self.add(&target, text, key)
                        }
                    },
                    Err(e) => {
                        if !matches!(e, ReadError::NotFound | ReadError::NotPolicy) {
                            self.unreadable_imports += 1;
                        }
                        self.diagnostics.push(read_error(&value, span, &e));
                        continue;
                    }
                },
            };
            if let Some(edges) = self.imports.get_mut(from.0 as usize) {
                edges.push(file);
            }
            match self.state(file) {
                Walk::New => stack.push(self.enter(file)),
                Walk::Open => {
                    let chain: Vec<FileId> = stack
                        .iter()
                        .map(|f| f.file)
                        .skip_while(|f| *f != file)
                        .collect();
                    self.diagnostics.push(self.cycle(&value, span, &chain));
                }
                Walk::Done => {}
            }
        }
    }

    fn state(&self, file: FileId) -> Walk {
        self.walk
            .get(file.0 as usize)
            .copied()
            .unwrap_or(Walk::Done)
    }

    fn set_state(&mut self, file: FileId, state: Walk) {
        if let Some(s) = self.walk.get_mut(file.0 as usize) {
            *s = state;
        }
    }

    /// Parses `file` and starts walking it.
    fn enter(&mut self, file: FileId) -> Frame {
        self.set_state(file, Walk::Open);
        let parse = charter_syntax::parse(file, self.db.text(file));
        self.diagnostics.extend(parse.diagnostics);
        let imports = parse
            .ast
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Import(path) => Some((path.value.clone(), path.span)),
                _ => None,
            })
            .collect();
        if let Some(slot) = self.asts.get_mut(file.0 as usize) {
            *slot = Some(parse.ast);
        }
        Frame {
            file,
            imports,
            next: 0,
        }
    }

    /// The path `value`, imported from `from`, names; `None` (and a
    /// diagnostic) when it may not be read at all.
    fn resolve(&mut self, from: FileId, value: &str, span: Span) -> Option<PathBuf> {
        let path = Path::new(value);
        if matches!(
            path.components().next(),
            Some(Component::RootDir | Component::Prefix(_))
        ) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::Import,
                    format!("`{value}` is an absolute path; imports are relative to the importing file"),
                    span,
                )
                .with_help(
                    "name the file relative to this one, like `roster.charter` or `../shared/roster.charter`: an absolute path names a different file on every machine",
                ),
            );
            return None;
        }
        if !charter_fs::is_policy_name(path) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::Import,
                    format!("`{value}` is not a `.charter` file"),
                    span,
                )
                .with_help("imports name policy files, whose names end in `.charter`; Charter reads no other file"),
            );
            return None;
        }
        let base = Path::new(self.db.path(from))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Some(normalize(&base.join(path)))
    }

    /// The diagnostic of the import `value` at `span` that closes a cycle
    /// through the files of `chain` (the imported file first).
    fn cycle(&self, value: &str, span: Span, chain: &[FileId]) -> Diagnostic {
        if chain.len() <= 1 {
            return Diagnostic::new(Code::Import, format!("`{value}` imports itself"), span)
                .with_help("remove this import: a file is always part of its own policy");
        }
        let mut names: Vec<String> = chain
            .iter()
            .map(|f| format!("`{}`", file_name(self.db.path(*f))))
            .collect();
        let first = names.first().cloned().unwrap_or_default();
        // A cycle through hundreds of files is named by its ends.
        if names.len() > 6 {
            let hidden = names.len() - 5;
            let tail = names.split_off(names.len() - 2);
            names.truncate(3);
            names.push(format!("{hidden} more files"));
            names.extend(tail);
        }
        names.push(first);
        Diagnostic::new(
            Code::Import,
            format!("importing `{value}` closes a cycle of imports"),
            span,
        )
        .with_help(format!(
            "{}; a file cannot import a file that imports it, directly or not: remove one of these imports",
            names.join(" imports ")
        ))
    }
}

/// The last component of a path, for short messages.
fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

/// The diagnostic of an import that could not be read. Nothing of the file
/// is quoted: it may not be a policy. No path but the one written is named
/// either: where the checkout lives is no part of a message.
fn read_error(value: &str, span: Span, e: &ReadError) -> Diagnostic {
    let code = match e {
        ReadError::TooLarge { .. } => Code::Limit,
        _ => Code::Import,
    };
    let d = Diagnostic::new(code, format!("cannot read `{value}`: {e}"), span);
    match e {
        ReadError::NotFound => d.with_help(
            "the path is relative to the folder of the importing file, and names no file there",
        ),
        ReadError::NotPolicy => d.with_help(
            "it leads (through a link) to a file whose name does not end in `.charter`; Charter reads no other file",
        ),
        _ => d,
    }
}

/// Removes `.` and resolves `..` lexically, so one file has one name.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !matches!(out.components().next_back(), Some(Component::Normal(_))) || !out.pop()
                {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The files reachable from `root` through imports, `root` first, then in
/// the order the imports are met (depth first).
pub(crate) fn reachable(imports: &[Vec<FileId>], root: FileId) -> Vec<FileId> {
    let mut seen = vec![false; imports.len()];
    let mut order = Vec::new();
    let mut stack = vec![root];
    while let Some(file) = stack.pop() {
        let index = file.0 as usize;
        if seen.get(index).copied().unwrap_or(true) {
            continue;
        }
        seen[index] = true;
        order.push(file);
        if let Some(edges) = imports.get(index) {
            stack.extend(edges.iter().rev());
        }
    }
    order
}

/// The strongly connected components of the import graph (Tarjan's
/// algorithm, without recursion): `component[file]` for every file.
pub(crate) fn components(imports: &[Vec<FileId>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = imports.len();
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![NONE; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let (mut next_index, mut next_component) = (0, 0);
    for start in 0..n {
        if index[start] != NONE {
            continue;
        }
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        calls.push((start, 0));
        while let Some(&(v, edge)) = calls.last() {
            if let Some(w) = imports[v].get(edge).map(|f| f.0 as usize) {
                if let Some(call) = calls.last_mut() {
                    call.1 += 1;
                }
                if w >= n {
                    continue;
                }
                if index[w] == NONE {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[&[u32]]) -> Vec<Vec<FileId>> {
        edges
            .iter()
            .map(|e| e.iter().map(|&f| FileId(f)).collect())
            .collect()
    }

    #[test]
    fn components_group_cycles_only() {
        // 0 -> 1 -> 2 -> 1, 3 alone, 4 <-> 0
        let c = components(&graph(&[&[1, 4], &[2], &[1], &[], &[0]]));
        assert_eq!(c[1], c[2]);
        assert_eq!(c[0], c[4]);
        assert_ne!(c[0], c[1]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[3], c[1]);
    }

    #[test]
    fn reachable_is_depth_first_in_import_order() {
        let order = reachable(&graph(&[&[1, 3], &[2], &[0], &[]]), FileId(0));
        assert_eq!(order, [FileId(0), FileId(1), FileId(2), FileId(3)]);
    }

    #[test]
    fn normalize_keeps_leading_parents() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../../x")), PathBuf::from("../../x"));
        assert_eq!(normalize(Path::new("a/../../x")), PathBuf::from("../x"));
    }
}
