//! `charter fmt`: one canonical layout, written atomically or not at all.
//!
//! Reads and writes go through `charter_fs`: a FIFO, device or folder is
//! refused without blocking; a symlinked policy keeps its link and its target
//! is formatted; a read-only file, or one the user may not write, is refused;
//! the mode and owner are kept. Any of these is exit 2, as in every command.

use crate::check::find_files;
use clap::Args;
use std::path::PathBuf;
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
    // A missing path or an unreadable folder is reported, and the files found
    // are still formatted, as `charter check` still checks them.
    let found = find_files(&args.paths, charter_fs::POLICY_EXTENSION);
    for e in &found.errors {
        eprintln!("error: {e}");
    }
    let files = found.files;
    let mut unformatted = 0;
    // A file or folder that cannot be read, decoded or written: exit 2, as in
    // every command.
    let mut io_failures = found.errors.len();
    // A file with syntax errors has no canonical layout: a finding, exit 1.
    let mut unparsable = 0;
    for file in &files {
        // A policy like any other command reads it: a `*.charter` file once
        // its links are followed, so a link to `.env` is neither read nor rewritten.
        let text = match charter_fs::read_policy(file) {
            Ok((text, _)) => text,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                io_failures += 1;
                continue;
            }
        };
        let formatted = match charter_fmt::format(&text) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: `{}` is not formatted: {e}", file.display());
                unparsable += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if args.check {
            println!("would reformat {}", file.display());
        } else if let Err(e) = charter_fs::write_bytes(file, formatted.as_bytes()) {
            eprintln!("error: cannot write `{}`: {e}", file.display());
            io_failures += 1;
        } else {
            println!("formatted {}", file.display());
        }
    }
    if io_failures > 0 {
        return ExitCode::from(crate::EXIT_USAGE);
    }
    if unparsable > 0 {
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
