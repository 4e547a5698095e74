//! `charter check` and `charter ir`.
//!
//! `check` takes files and folders: every file named or found is checked and
//! reported, whatever imports what (`charter_check::compile_set`); a file or
//! folder that cannot be read is reported by name, the rest is still checked,
//! and the exit code is then 2.

use charter_check::{compile_path, compile_set, FileKey, FileReader, FsReader};
use charter_diagnostics::render::{render_human, render_json, render_sarif, summary, HumanStyle};
use charter_diagnostics::Severity;
use clap::{Args, ValueEnum};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use walkdir::WalkDir;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Policy files or folders (folders are searched for `*.charter`; links
    /// to folders inside them are not entered).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat warnings as errors (exit 1 when there is any).
    #[arg(long)]
    deny_warnings: bool,
    /// Print the typed IR as JSON instead of the diagnostics.
    #[arg(long, value_name = "WHAT", value_parser = ["ir"])]
    emit: Option<String>,
}

/// What a search for files found.
#[derive(Debug, Default)]
pub struct FoundFiles {
    /// Every file named, and every file with the extension found in a named
    /// folder, once each (two paths to one file keep the first), sorted.
    pub files: Vec<PathBuf>,
    /// What could not be looked at (a missing path, an unreadable folder),
    /// as messages naming it; the search went on past each.
    pub errors: Vec<String>,
}

/// Every file named in `paths`, and every `*.EXTENSION` file in the folders
/// named there and below, sorted, so output is deterministic.
///
/// Links to files are followed (the reader then checks what they lead to);
/// links to folders are not entered: a walk stays inside the folder named, so
/// a link to `/` or `..` cannot make it read the whole machine, and a link
/// loop cannot make it visit one file forty times. A folder that cannot be
/// read is reported by its name and the walk goes on.
pub fn find_files(paths: &[PathBuf], extension: &str) -> FoundFiles {
    let mut found = FoundFiles::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, extension, &mut found),
            Ok(_) => found.files.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => found
                .errors
                .push(format!("no such file or folder: `{}`", path.display())),
            Err(e) => found.errors.push(format!(
                "cannot read `{}`: {}",
                path.display(),
                charter_fs::describe_io(&e)
            )),
        }
    }
    found.files.sort();
    // One file reached through two paths (a link, `a/../a`) is read once.
    // `FsReader::key` is the one definition of "the same file": device and
    // inode, or the canonical path where those are not known.
    let mut seen = HashSet::new();
    found.files.retain(|path| match FsReader.key(path) {
        key @ FileKey::Disk(_) => seen.insert(key),
        FileKey::Name(name) => name.is_relative() || seen.insert(FileKey::Name(name)),
    });
    found.files.dedup();
    found
}

fn walk(dir: &Path, extension: &str, found: &mut FoundFiles) {
    let entries = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().unwrap_or(dir);
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), charter_fs::describe_io);
                found
                    .errors
                    .push(format!("cannot read folder `{}`: {why}", at.display()));
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() || entry.path().extension().is_none_or(|e| e != extension) {
            continue;
        }
        // A link named like a policy that leads to a folder is not entered.
        if kind.is_symlink() && entry.path().is_dir() {
            continue;
        }
        found.files.push(entry.into_path());
    }
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let found = find_files(&args.paths, charter_fs::POLICY_EXTENSION);
    let set = compile_set(&found.files, &mut FsReader);
    // Files that cannot be read are reported by name; every other file is
    // still checked and reported, and the exit code is 2 at the end.
    for e in &found.errors {
        eprintln!("error: {e}");
    }
    for (path, e) in &set.unreadable {
        eprintln!("error: cannot read `{}`: {e}", path.display());
    }
    // An import that names a policy that cannot be read is an I/O problem
    // too (it is also a C0102 diagnostic, at the import).
    let unreadable =
        !found.errors.is_empty() || !set.unreadable.is_empty() || set.unreadable_imports > 0;
    if args.emit.is_some() {
        let programs: Vec<_> = set.policies.iter().map(|p| &p.program).collect();
        let json = if programs.len() == 1 {
            serde_json::to_string_pretty(programs[0])
        } else {
            serde_json::to_string_pretty(&programs)
        };
        println!("{}", json.unwrap_or_default());
        return if unreadable {
            ExitCode::from(crate::EXIT_USAGE)
        } else {
            ExitCode::SUCCESS
        };
    }
    let diagnostics = &set.diagnostics;
    let db = &set.db;
    let checked = set.named.len();
    let out = match args.format {
        Format::Human => {
            let style = HumanStyle {
                color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                width: 100,
            };
            let mut text = render_human(db, diagnostics, style);
            let s = summary(diagnostics);
            text.push_str(&format!(
                "checked {} file{}: {} error{}, {} warning{}\n",
                checked,
                plural(checked),
                s.errors,
                plural(s.errors),
                s.warnings,
                plural(s.warnings)
            ));
            text
        }
        Format::Json => render_json(db, diagnostics),
        Format::Sarif => render_sarif(db, diagnostics, env!("CARGO_PKG_VERSION")),
    };
    print!("{out}");
    let failing = diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning)
    });
    if unreadable {
        ExitCode::from(crate::EXIT_USAGE)
    } else if failing {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn ir(path: &Path) -> ExitCode {
    match compile_path(path) {
        Ok(c) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&c.program).unwrap_or_default()
            );
            if c.has_errors() {
                let text = render_human(&c.db, &c.diagnostics, HumanStyle::default());
                eprint!("{text}");
                if c.unreadable_imports > 0 {
                    ExitCode::from(crate::EXIT_USAGE)
                } else {
                    ExitCode::from(crate::EXIT_FINDINGS)
                }
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            ExitCode::from(crate::EXIT_USAGE)
        }
    }
}
