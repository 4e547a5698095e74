//! `charter check` and `charter ir`.

use charter_check::{compile_path, Compilation};
use charter_diagnostics::render::{render_human, render_json, render_sarif, summary, HumanStyle};
use charter_diagnostics::{Diagnostic, Severity, SourceDb};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Policy files or folders (folders are searched for `*.charter`).
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

/// Every `.charter` file under the paths, sorted, so output is deterministic.
pub fn collect_policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)
                .map_err(|e| format!("cannot read folder `{}`: {e}", path.display()))?;
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(format!("no such file or folder: `{}`", path.display()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "charter") {
            out.push(path);
        }
    }
    Ok(())
}

/// Files that another file among `files` imports are checked as part of it, not alone.
fn roots(compilations: &[Compilation]) -> Vec<usize> {
    let imported: Vec<String> = compilations
        .iter()
        .flat_map(|c| c.db.iter().skip(1).map(|(_, f)| normalize(&f.path)))
        .collect();
    (0..compilations.len())
        .filter(|&i| !imported.contains(&normalize(compilations[i].db.path(compilations[i].root))))
        .collect()
}

fn normalize(path: &str) -> String {
    std::fs::canonicalize(path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let files = match collect_policy_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let mut compilations = Vec::new();
    for file in &files {
        match compile_path(file) {
            Ok(c) => compilations.push(c),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                return ExitCode::from(crate::EXIT_USAGE);
            }
        }
    }
    if args.emit.is_some() {
        let programs: Vec<_> = compilations.iter().map(|c| &c.program).collect();
        let json = if programs.len() == 1 {
            serde_json::to_string_pretty(programs[0])
        } else {
            serde_json::to_string_pretty(&programs)
        };
        println!("{}", json.unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    // One database holding every file, so all diagnostics render from one place.
    let mut db = SourceDb::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for index in roots(&compilations) {
        let c = &compilations[index];
        let mut map = Vec::new();
        for (id, f) in c.db.iter() {
            let new_id = db
                .find(&f.path)
                .unwrap_or_else(|| db.add(f.path.clone(), f.text.clone()));
            map.push((id, new_id));
        }
        for d in &c.diagnostics {
            let mut d = d.clone();
            remap(&mut d, &map);
            if !diagnostics.contains(&d) {
                diagnostics.push(d);
            }
        }
    }
    let out = match args.format {
        Format::Human => {
            let style = HumanStyle {
                color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                width: 100,
            };
            let mut text = render_human(&db, &diagnostics, style);
            let s = summary(&diagnostics);
            text.push_str(&format!(
                "checked {} file{}: {} error{}, {} warning{}\n",
                files.len(),
                plural(files.len()),
                s.errors,
                plural(s.errors),
                s.warnings,
                plural(s.warnings)
            ));
            text
        }
        Format::Json => render_json(&db, &diagnostics),
        Format::Sarif => render_sarif(&db, &diagnostics, env!("CARGO_PKG_VERSION")),
    };
    print!("{out}");
    let failing = diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning)
    });
    if failing {
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

fn remap(d: &mut Diagnostic, map: &[(charter_diagnostics::FileId, charter_diagnostics::FileId)]) {
    let lookup =
        |f: charter_diagnostics::FileId| map.iter().find(|(a, _)| *a == f).map_or(f, |(_, b)| *b);
    d.primary.span.file = lookup(d.primary.span.file);
    for l in &mut d.secondary {
        l.span.file = lookup(l.span.file);
    }
    for fix in &mut d.fixes {
        for e in &mut fix.edits {
            e.span.file = lookup(e.span.file);
        }
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
                ExitCode::from(crate::EXIT_FINDINGS)
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
