//! `charter check` and `charter ir`.
//!
//! `check` takes files and folders: every file named or found is checked and
//! reported, whatever imports what (`charter_check::compile_set`); a file or
//! folder that cannot be read is reported by name, the rest is still checked,
//! and the exit code is then 2. `-` reads a policy from standard input;
//! `charter.toml` (see `config.rs`) sets severities, what folder walks take
//! and the default format; `--fix` applies the fixes (`fix.rs`).

use crate::config::{Config, Configs};
use crate::stdin::{self, OverlayReader};
use charter_check::{compile, compile_set, FileKey, FileReader, FsReader};
use charter_diagnostics::ci::{render_github, render_gitlab};
use charter_diagnostics::render::{render_human, render_json, render_sarif, summary, JSON_VERSION};
use charter_diagnostics::{Severity, SourceDb};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use walkdir::WalkDir;

/// How `charter check` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Source snippets with labels and help (the default).
    Human,
    /// `{"version": 1, "diagnostics": [...], "summary": {...}}` (schemas/check.schema.json).
    Json,
    /// SARIF 2.1.0 for code scanning; rules carry `charter explain` as help.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// A GitLab Code Quality report (schemas/gitlab.schema.json).
    Gitlab,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
        }
    }
}

#[derive(Args)]
pub struct CheckArgs {
    /// Policy files or folders (folders are searched for `*.charter`; links
    /// to folders inside them are not entered); `-` reads standard input.
    #[arg(required_unless_present = "print_config")]
    paths: Vec<PathBuf>,
    /// Output format [default: `format` in charter.toml, else human].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Treat warnings as errors (exit 1 when there is any).
    #[arg(long)]
    deny_warnings: bool,
    /// Print the typed IR as JSON instead of the diagnostics.
    #[arg(long, value_name = "WHAT", value_parser = ["ir"], conflicts_with = "fix")]
    emit: Option<String>,
    /// Apply every machine-applicable fix, then report what is left; files are
    /// rewritten atomically, or none is when one cannot be.
    #[arg(long)]
    fix: bool,
    /// With `--fix`: print the fixes as a unified diff and write nothing
    /// (exit 1 when there is something to fix).
    #[arg(long, requires = "fix")]
    dry_run: bool,
    /// The name of standard input (with `-`) in messages, for its imports and
    /// for finding its charter.toml.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Print the settings in force (charter.toml and flags) and exit; with a
    /// path, the settings of that file or folder.
    #[arg(long)]
    print_config: bool,
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
    find_files_with(paths, extension, None)
}

/// [`find_files`], where folder walks take only what the `charter.toml` of
/// each file or folder admits (include and exclude globs); files named are
/// always taken.
pub fn find_files_with(
    paths: &[PathBuf],
    extension: &str,
    mut configs: Option<&mut Configs>,
) -> FoundFiles {
    let mut found = FoundFiles::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, extension, &mut found, configs.as_deref_mut()),
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

fn walk(dir: &Path, extension: &str, found: &mut FoundFiles, mut configs: Option<&mut Configs>) {
    let mut config_errors = Vec::new();
    let mut admits = |path: &Path, is_dir: bool| -> bool {
        let Some(configs) = configs.as_deref_mut() else {
            return true;
        };
        // A folder is admitted or not by the settings of the folder it is in.
        match configs.for_dir(path.parent().unwrap_or(Path::new(""))) {
            Ok(config) => config.admits(&configs.absolute(path), is_dir),
            Err(e) => {
                config_errors.push(e);
                false
            }
        }
    };
    let entries = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        // An excluded folder is not entered (the folder named always is).
        .filter_entry(|e| e.depth() == 0 || !e.file_type().is_dir() || admits(e.path(), true));
    let mut files = Vec::new();
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
        files.push(entry.into_path());
    }
    for file in files {
        if admits(&file, false) {
            found.files.push(file);
        }
    }
    config_errors.dedup();
    found.errors.extend(config_errors);
}

pub fn run(args: &CheckArgs, global: crate::Global) -> ExitCode {
    let mut configs = match Configs::load() {
        Ok(configs) => configs,
        Err(e) => {
            crate::color::error(e);
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    if args.print_config {
        return print_config(args, &mut configs);
    }
    let format = args.format.or(configs.base.format).unwrap_or(Format::Human);
    // `-` is standard input, read once, under its name.
    let mut reader = OverlayReader::default();
    let dashes = args.paths.iter().filter(|p| stdin::is_dash(p)).count();
    if dashes > 1 {
        crate::color::error("`-` (standard input) is named more than once");
        return ExitCode::from(crate::EXIT_USAGE);
    }
    let stdin_name = (dashes == 1).then(|| stdin::name(args.stdin_filename.as_deref()));
    if let Some(name) = &stdin_name {
        match stdin::read() {
            Ok(text) => reader.insert(name, text),
            Err(e) => {
                crate::color::error(format!("cannot read standard input: {e}"));
                return ExitCode::from(crate::EXIT_USAGE);
            }
        }
    }
    let on_disk: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| !stdin::is_dash(p))
        .cloned()
        .collect();
    let mut found = find_files_with(&on_disk, charter_fs::POLICY_EXTENSION, Some(&mut configs));
    found.files.extend(stdin_name.clone());
    let mut changed = Vec::new();
    let set = if args.fix {
        match crate::fix::fix(&found.files, &mut reader, &mut configs) {
            Ok(fixed) => {
                changed = fixed.changed;
                fixed.set
            }
            Err(e) => {
                crate::color::error(e);
                return ExitCode::from(crate::EXIT_USAGE);
            }
        }
    } else {
        let mut set = compile_set(&found.files, &mut reader);
        if let Err(e) = configs.apply(&set.db, &mut set.diagnostics) {
            found.errors.push(e);
        }
        set
    };
    // Files that cannot be read are reported by name; every other file is
    // still checked and reported, and the exit code is 2 at the end.
    for e in &found.errors {
        crate::color::error(e);
    }
    for (path, e) in &set.unreadable {
        crate::color::error(format!("cannot read `{}`: {e}", path.display()));
    }
    // An import that names a policy that cannot be read is an I/O problem
    // too (it is also a C0102 diagnostic, at the import).
    let unreadable =
        !found.errors.is_empty() || !set.unreadable.is_empty() || set.unreadable_imports > 0;
    if args.emit.is_some() {
        let programs: Vec<_> = set
            .policies
            .iter()
            .map(|p| Versioned {
                version: JSON_VERSION,
                program: &p.program,
            })
            .collect();
        let json = if programs.len() == 1 {
            serde_json::to_string_pretty(&programs[0])
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
    let failing = diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning)
    });
    let fixes: usize = changed.iter().map(|c| c.fixes.len()).sum();
    if args.dry_run {
        for c in &changed {
            print!(
                "{}",
                crate::diff::unified(&c.path.display().to_string(), &c.before, &c.after)
            );
        }
        if !global.quiet || fixes > 0 {
            eprintln!(
                "would fix {fixes} finding{} in {} file{}; {} left",
                plural(fixes),
                changed.len(),
                plural(changed.len()),
                diagnostics.len()
            );
        }
        return if unreadable {
            ExitCode::from(crate::EXIT_USAGE)
        } else if fixes > 0 || failing {
            ExitCode::from(crate::EXIT_FINDINGS)
        } else {
            ExitCode::SUCCESS
        };
    }
    // With `-`, the fixed text goes to standard output and the report to
    // standard error, as formatters of standard input do.
    let stdin_fixed = args.fix && stdin_name.is_some();
    if args.fix {
        if let Err(e) = crate::fix::write(&changed, stdin_name.as_deref()) {
            crate::color::error(e);
            return ExitCode::from(crate::EXIT_USAGE);
        }
        if let Some(name) = &stdin_name {
            let text = set
                .named
                .iter()
                .find(|f| Path::new(db.path(**f)) == name.as_path())
                .and_then(|f| db.get(*f))
                .map(|f| f.text.to_string());
            print!("{}", text.unwrap_or_default());
        }
        if !global.quiet || failing {
            for c in &changed {
                eprintln!("fixed {}", c.path.display());
                for fix in &c.fixes {
                    eprintln!("  {fix}");
                }
            }
        }
    }
    let checked = set.named.len();
    let out = match format {
        Format::Human => {
            let mut text = render_human(db, diagnostics, crate::color::human_style(stdin_fixed));
            let s = summary(diagnostics);
            let fixed = if args.fix {
                format!(" ({fixes} fixed)")
            } else {
                String::new()
            };
            text.push_str(&format!(
                "checked {} file{}: {} error{}, {} warning{}{fixed}\n",
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
        Format::Github => render_github(db, diagnostics),
        Format::Gitlab => render_gitlab(db, diagnostics),
    };
    // Quiet: nothing on success (a clean human report); findings are shown.
    let silent = global.quiet && !failing && !unreadable && format == Format::Human;
    if !silent {
        if stdin_fixed {
            eprint!("{out}");
        } else {
            print!("{out}");
        }
    }
    if unreadable {
        ExitCode::from(crate::EXIT_USAGE)
    } else if failing {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// A JSON output with its version first (`charter ir`, `check --emit ir`).
#[derive(Serialize)]
struct Versioned<'a, T: Serialize> {
    version: u32,
    #[serde(flatten)]
    program: &'a T,
}

fn print_config(args: &CheckArgs, configs: &mut Configs) -> ExitCode {
    let config = match args.paths.first() {
        None => Ok(std::rc::Rc::clone(&configs.base)),
        Some(path) if stdin::is_dash(path) => match &args.stdin_filename {
            Some(name) => configs.for_file(name),
            None => Ok(std::rc::Rc::clone(&configs.base)),
        },
        Some(path) if path.is_dir() => configs.for_dir(path),
        Some(path) => configs.for_file(path),
    };
    let config: std::rc::Rc<Config> = match config {
        Ok(config) => config,
        Err(e) => {
            crate::color::error(e);
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let format = args.format.or(configs.base.format).unwrap_or(Format::Human);
    print!("{}", crate::config::describe(configs, &config, format));
    ExitCode::SUCCESS
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn ir(path: &Path, stdin_filename: Option<&Path>) -> ExitCode {
    let compiled = if stdin::is_dash(path) {
        let name = stdin::name(stdin_filename);
        match stdin::read() {
            Ok(text) => {
                let mut db = SourceDb::new();
                let root = db.add(name.display().to_string(), text.clone());
                let mut reader = OverlayReader::default();
                reader.insert(&name, text);
                Ok(compile(db, root, &mut reader))
            }
            Err(e) => Err(("standard input".to_string(), e)),
        }
    } else {
        charter_check::compile_path(path).map_err(|e| (format!("`{}`", path.display()), e))
    };
    match compiled {
        Ok(c) => {
            let versioned = Versioned {
                version: JSON_VERSION,
                program: &c.program,
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&versioned).unwrap_or_default()
            );
            if c.has_errors() {
                let text = render_human(&c.db, &c.diagnostics, crate::color::human_style(true));
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
        Err((what, e)) => {
            crate::color::error(format!("cannot read {what}: {e}"));
            ExitCode::from(crate::EXIT_USAGE)
        }
    }
}
