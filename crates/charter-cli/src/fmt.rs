//! `charter fmt`: one canonical layout, written atomically or not at all.

use crate::check::collect_policy_files;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct FmtArgs {
    /// Policy files or folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report files that are not formatted (exit 1) instead of rewriting them.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &FmtArgs) -> ExitCode {
    let files = match collect_policy_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let mut unformatted = 0;
    let mut failed = 0;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        let formatted = match charter_fmt::format(&text) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: `{}` is not formatted: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if args.check {
            println!("would reformat {}", file.display());
        } else if let Err(e) = write_atomically(file, &formatted) {
            eprintln!("error: cannot write `{}`: {e}", file.display());
            failed += 1;
        } else {
            println!("formatted {}", file.display());
        }
    }
    if failed > 0 {
        return ExitCode::from(crate::EXIT_FINDINGS);
    }
    if args.check && unformatted > 0 {
        eprintln!(
            "{unformatted} of {} files would be reformatted; run `charter fmt`",
            files.len()
        );
        return ExitCode::from(crate::EXIT_FINDINGS);
    }
    ExitCode::SUCCESS
}

/// Writes a sibling temporary file, syncs it, and renames it over `path`, so the
/// file holds either the old or the new text, never a mix.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.charter-fmt-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
