//! Charter's checker.
//!
//! [`compile`] takes a policy's root file through every phase that can find a
//! problem: parse each file (following `import`s), lower to the typed IR, resolve
//! names, run the conflict analyses. It never stops at the first problem: the
//! result carries every diagnostic, and a [`CheckedProgram`] only when there is
//! no error — the simulator accepts nothing else.

pub mod analyses;
pub mod symbols;

use charter_diagnostics::{sort_diagnostics, Code, Diagnostic, FileId, Severity, SourceDb, Span};
use charter_ir::Program;
use charter_syntax::ast::{ItemKind, SourceFileAst};
use std::path::{Path, PathBuf};
pub use symbols::{Symbol, SymbolId, SymbolKind, SymbolTable};

/// A program that passed every check without an error.
#[derive(Debug)]
pub struct CheckedProgram {
    program: Program,
    symbols: SymbolTable,
}

impl CheckedProgram {
    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn symbols(&self) -> &SymbolTable {
        &self.symbols
    }

    /// Runs the checks again on a modified program (what-if overrides); `None` if it has errors.
    pub fn recheck(program: Program) -> Result<CheckedProgram, Vec<Diagnostic>> {
        let (symbols, mut diagnostics) = symbols::resolve(&program);
        let findings = analyses::run(&program, &symbols, &SourceDb::new(), &diagnostics);
        diagnostics.extend(findings);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            sort_diagnostics(&mut diagnostics);
            return Err(diagnostics);
        }
        Ok(CheckedProgram { program, symbols })
    }
}

/// Everything known about one policy after checking it.
#[derive(Debug)]
pub struct Compilation {
    pub db: SourceDb,
    pub root: FileId,
    /// The syntax trees, root first, then imports in the order they were met.
    pub files: Vec<SourceFileAst>,
    pub program: Program,
    pub symbols: SymbolTable,
    /// Every finding, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The checked program, if the policy has no error.
    pub fn into_checked(
        self,
    ) -> Result<(CheckedProgram, SourceDb, Vec<Diagnostic>), Box<Compilation>> {
        if self.has_errors() {
            return Err(Box::new(self));
        }
        Ok((
            CheckedProgram {
                program: self.program,
                symbols: self.symbols,
            },
            self.db,
            self.diagnostics,
        ))
    }
}

/// How imports are read: the CLI reads files, the language server its open buffers first.
pub trait FileReader {
    fn read(&mut self, path: &Path) -> std::io::Result<String>;
}

/// Reads imports from the file system.
pub struct FsReader;

impl FileReader for FsReader {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// The most files one policy may import, directly or not.
pub const MAX_IMPORTED_FILES: usize = 1024;

/// Reads and checks the policy at `path`.
pub fn compile_path(path: &Path) -> std::io::Result<Compilation> {
    let text = std::fs::read_to_string(path)?;
    let mut db = SourceDb::new();
    let root = db.add(path.display().to_string(), text);
    Ok(compile(db, root, &mut FsReader))
}

/// Checks the policy whose root file is `root` in `db`, reading imports with `reader`.
pub fn compile(mut db: SourceDb, root: FileId, reader: &mut dyn FileReader) -> Compilation {
    let mut diagnostics = Vec::new();
    let mut files: Vec<SourceFileAst> = Vec::new();
    let mut queue = vec![root];
    let mut seen: Vec<PathBuf> = vec![normalize(Path::new(db.path(root)))];
    while let Some(file) = queue.pop() {
        let text = db.text(file).to_string();
        let parse = charter_syntax::parse(file, &text);
        diagnostics.extend(parse.diagnostics);
        let base = Path::new(db.path(file))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for item in &parse.ast.items {
            let ItemKind::Import(path) = &item.kind else {
                continue;
            };
            let target = normalize(&base.join(&path.value));
            if seen.contains(&target) {
                if target == normalize(Path::new(db.path(file))) || target == seen[0] {
                    diagnostics.push(import_error(
                        path.span,
                        format!("`{}` imports itself", path.value),
                        None,
                    ));
                }
                continue;
            }
            if seen.len() >= MAX_IMPORTED_FILES {
                diagnostics.push(Diagnostic::new(
                    Code::Limit,
                    format!("a policy may import at most {MAX_IMPORTED_FILES} files"),
                    path.span,
                ));
                continue;
            }
            match reader.read(&target) {
                Ok(text) => {
                    seen.push(target.clone());
                    let id = db.add(target.display().to_string(), text);
                    queue.push(id);
                }
                Err(e) => diagnostics.push(import_error(
                    path.span,
                    format!("cannot read `{}`: {}", path.value, e),
                    Some(format!(
                        "the path is relative to this file: {}",
                        target.display()
                    )),
                )),
            }
        }
        files.push(parse.ast);
    }
    let refs: Vec<&SourceFileAst> = files.iter().collect();
    let lowered = charter_ir::lower(&refs);
    diagnostics.extend(lowered.diagnostics);
    let (symbols, resolve_diagnostics) = symbols::resolve(&lowered.program);
    diagnostics.extend(resolve_diagnostics);
    diagnostics.extend(symbols::undeclared_tiers(&files));
    let findings = analyses::run(&lowered.program, &symbols, &db, &diagnostics);
    diagnostics.extend(findings);
    sort_diagnostics(&mut diagnostics);
    diagnostics.dedup();
    Compilation {
        db,
        root,
        files,
        program: lowered.program,
        symbols,
        diagnostics,
    }
}

fn import_error(span: Span, message: String, help: Option<String>) -> Diagnostic {
    let d = Diagnostic::new(Code::Import, message, span);
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// Removes `.` and resolves `..` lexically, so one file has one name.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
