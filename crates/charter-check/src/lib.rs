//! Charter's checker.
//!
//! [`compile`] takes a policy's root file through every phase that can find a
//! problem: parse each file (following `import`s, see `files.rs`), lower to the
//! typed IR, resolve names, run the conflict analyses. [`compile_set`] does the
//! same for several files at once, each file read and parsed once. It never stops at the first problem: the
//! result carries every diagnostic, and a [`CheckedProgram`] only when there is
//! no error — the simulator accepts nothing else.

pub mod analyses;
mod files;
mod suggest;
pub mod symbols;

use charter_diagnostics::{sort_diagnostics, Diagnostic, FileId, Severity, SourceDb, Span};
pub use charter_fs::ReadError;
use charter_ir::Program;
use charter_syntax::ast::SourceFileAst;
use files::Files;
pub use files::{FileKey, FileReader, FsReader, MAX_IMPORTED_FILES};
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
    /// Imports that name a policy file that could not be read (not a regular
    /// file, too large, not UTF-8, an operating-system error): each is also a
    /// C0102 diagnostic, and commands exit 2 as for a file named to them.
    pub unreadable_imports: usize,
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

/// Reads and checks the policy at `path` (a `*.charter` regular file, read
/// through [`charter_fs::read_policy`]).
pub fn compile_path(path: &Path) -> Result<Compilation, ReadError> {
    let (text, identity) = charter_fs::read_policy(path)?;
    let mut db = SourceDb::new();
    let root = db.add(path.display().to_string(), text);
    let mut files = Files::new(db);
    files.register(root, FileKey::Disk(identity));
    Ok(compile_files(files, root, &mut FsReader))
}

/// Checks the policy whose root file is `root` in `db`, reading imports with `reader`.
pub fn compile(db: SourceDb, root: FileId, reader: &mut dyn FileReader) -> Compilation {
    let key = reader.key(Path::new(db.path(root)));
    let mut files = Files::new(db);
    files.register(root, key);
    compile_files(files, root, reader)
}

fn compile_files(mut files: Files, root: FileId, reader: &mut dyn FileReader) -> Compilation {
    files.walk(root, reader);
    let order = files::reachable(&files.imports, root);
    let mut diagnostics = std::mem::take(&mut files.diagnostics);
    let asts: Vec<SourceFileAst> = order
        .iter()
        .filter_map(|f| files.asts.get_mut(f.0 as usize).and_then(Option::take))
        .collect();
    let refs: Vec<&SourceFileAst> = asts.iter().collect();
    let checked = check_program(&refs, &files.db, &mut diagnostics);
    sort_diagnostics(&mut diagnostics);
    diagnostics.dedup();
    Compilation {
        db: files.db,
        root,
        files: asts,
        program: checked.program,
        symbols: checked.symbols,
        diagnostics,
        unreadable_imports: files.unreadable_imports,
    }
}

struct ProgramAndSymbols {
    program: Program,
    symbols: SymbolTable,
}

/// Lowers the files of one policy, resolves names and runs the analyses;
/// `diagnostics` holds the earlier ones (parse, imports) and gets the new ones.
fn check_program(
    files: &[&SourceFileAst],
    db: &SourceDb,
    diagnostics: &mut Vec<Diagnostic>,
) -> ProgramAndSymbols {
    let lowered = charter_ir::lower(files);
    diagnostics.extend(lowered.diagnostics);
    let (symbols, resolve_diagnostics) = symbols::resolve(&lowered.program);
    diagnostics.extend(resolve_diagnostics);
    diagnostics.extend(symbols::undeclared_tiers(files));
    let findings = analyses::run(&lowered.program, &symbols, db, diagnostics);
    diagnostics.extend(findings);
    ProgramAndSymbols {
        program: lowered.program,
        symbols,
    }
}

/// Several policy files checked together (`charter check a.charter b.charter`,
/// `charter check FOLDER`): every file named and every file they import, each
/// read and parsed once, with every diagnostic of every one of them.
#[derive(Debug)]
pub struct PolicySet {
    /// Every file read, named or imported, once each.
    pub db: SourceDb,
    /// The named files that could be read, each once (a file named twice, or
    /// through two paths, is there once), in the order named.
    pub named: Vec<FileId>,
    /// The policies: each named file that no other file reached from the
    /// named ones imports (and one file of each cycle of imports among them),
    /// with the files it imports. Every named file is in one of them.
    pub policies: Vec<Policy>,
    /// Every diagnostic of every file, once: a diagnostic of a file imported
    /// by two policies is reported once.
    pub diagnostics: Vec<Diagnostic>,
    /// The named files that could not be read, and why.
    pub unreadable: Vec<(PathBuf, ReadError)>,
    /// Imports that name a policy file that could not be read; see
    /// [`Compilation::unreadable_imports`].
    pub unreadable_imports: usize,
}

/// One policy of a [`PolicySet`].
#[derive(Debug)]
pub struct Policy {
    pub root: FileId,
    pub program: Program,
}

impl PolicySet {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Checks the policy files `paths` together, reading them and their imports
/// with `reader`; see [`PolicySet`]. Files are told apart by
/// [`FileReader::key`], never by path.
pub fn compile_set(paths: &[PathBuf], reader: &mut dyn FileReader) -> PolicySet {
    let mut files = Files::new(SourceDb::new());
    let mut named: Vec<FileId> = Vec::new();
    let mut is_named: Vec<bool> = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        let file = match files.find(&reader.key(path)) {
            Some(file) => file,
            None => match reader.read_file(path) {
                Ok((text, key)) => match files.find(&key) {
                    Some(file) => file,
                    None => files.add(&files::normalize(path), text, key),
                },
                Err(e) => {
                    unreadable.push((path.clone(), e));
                    continue;
                }
            },
        };
        files.walk(file, reader);
        is_named.resize(files.len(), false);
        if !is_named[file.0 as usize] {
            is_named[file.0 as usize] = true;
            named.push(file);
        }
    }
    // The policies: one named file in each group of files (a cycle, or a
    // file alone) that no file outside the group imports. Every file was
    // reached from a named one, so the group of such a file holds one.
    let component = files::components(&files.imports);
    let mut imported = vec![false; files.len()];
    for (from, edges) in files.imports.iter().enumerate() {
        for to in edges {
            let to = to.0 as usize;
            if component[from] != component[to] {
                imported[component[to]] = true;
            }
        }
    }
    let mut diagnostics = std::mem::take(&mut files.diagnostics);
    let mut policies = Vec::new();
    for &root in &named {
        let group = component[root.0 as usize];
        if imported[group] {
            continue;
        }
        imported[group] = true;
        let order = files::reachable(&files.imports, root);
        let refs: Vec<&SourceFileAst> = order
            .iter()
            .filter_map(|f| files.asts.get(f.0 as usize).and_then(Option::as_ref))
            .collect();
        let checked = check_program(&refs, &files.db, &mut diagnostics);
        policies.push(Policy {
            root,
            program: checked.program,
        });
    }
    // Two policies importing one file report its findings twice: keep one of
    // each (same file, span, code and message), in n log n.
    diagnostics.sort_by(|a, b| diagnostic_key(a).cmp(&diagnostic_key(b)));
    diagnostics.dedup_by(|a, b| diagnostic_key(a) == diagnostic_key(b));
    sort_diagnostics(&mut diagnostics);
    PolicySet {
        db: files.db,
        named,
        policies,
        diagnostics,
        unreadable,
        unreadable_imports: files.unreadable_imports,
    }
}

fn diagnostic_key(d: &Diagnostic) -> (Span, &'static str, &str) {
    (d.primary.span, d.code.id(), d.message.as_str())
}
