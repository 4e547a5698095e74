//! `charter fmt`: one canonical layout, written atomically or not at all.
//!
//! Reads and writes go through `charter_fs`: a FIFO, device or folder is
//! refused without blocking; a symlinked policy keeps its link and its target
//! is formatted; a read-only file, or one the user may not write, is refused;
//! the mode and owner are kept. Any of these is exit 2, as in every command.
//! `-` formats standard input to standard output; `--check` and `--diff`
//! write nothing and exit 1 when something would change.

use crate::check::find_files_with;
use crate::config::Configs;
use crate::stdin;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct FmtArgs {
    /// Policy files or folders; `-` formats standard input to standard output.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report files that are not formatted (exit 1) instead of rewriting them.
    #[arg(long)]
    check: bool,
    /// Print a unified diff of what would change instead of rewriting (exit 1
    /// when there is one).
    #[arg(long)]
    diff: bool,
    /// The name of standard input (with `-`) in messages and diffs.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
}

pub fn run(args: &FmtArgs, global: crate::Global) -> ExitCode {
    if args.paths.iter().any(|p| stdin::is_dash(p)) {
        if args.paths.len() > 1 {
            crate::color::error("`-` (standard input) cannot be formatted with other paths");
            return ExitCode::from(crate::EXIT_USAGE);
        }
        return run_stdin(args);
    }
    let mut configs = match Configs::load() {
        Ok(configs) => configs,
        Err(e) => {
            crate::color::error(e);
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    // A missing path or an unreadable folder is reported, and the files found
    // are still formatted, as `charter check` still checks them.
    let found = find_files_with(
        &args.paths,
        charter_fs::POLICY_EXTENSION,
        Some(&mut configs),
    );
    for e in &found.errors {
        crate::color::error(e);
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
                crate::color::error(format!("cannot read `{}`: {e}", file.display()));
                io_failures += 1;
                continue;
            }
        };
        let formatted = match charter_fmt::format(&text) {
            Ok(f) => f,
            Err(e) => {
                crate::color::error(format!("`{}` is not formatted: {e}", file.display()));
                unparsable += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if args.diff {
            print!(
                "{}",
                crate::diff::unified(&file.display().to_string(), &text, &formatted)
            );
        } else if args.check {
            println!("would reformat {}", file.display());
        } else if let Err(e) = charter_fs::write_bytes(file, formatted.as_bytes()) {
            crate::color::error(format!("cannot write `{}`: {e}", file.display()));
            io_failures += 1;
        } else if !global.quiet {
            println!("formatted {}", file.display());
        }
    }
    if io_failures > 0 {
        return ExitCode::from(crate::EXIT_USAGE);
    }
    if unparsable > 0 {
        return ExitCode::from(crate::EXIT_FINDINGS);
    }
    if (args.check || args.diff) && unformatted > 0 {
        eprintln!(
            "{unformatted} of {} files would be reformatted; run `charter fmt`",
            files.len()
        );
        return ExitCode::from(crate::EXIT_FINDINGS);
    }
    ExitCode::SUCCESS
}

/// `charter fmt -`: the formatted text to standard output, or with `--check`
/// or `--diff` nothing but the verdict or the diff.
fn run_stdin(args: &FmtArgs) -> ExitCode {
    let name = stdin::name(args.stdin_filename.as_deref());
    let text = match stdin::read() {
        Ok(text) => text,
        Err(e) => {
            crate::color::error(format!("cannot read standard input: {e}"));
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let formatted = match charter_fmt::format(&text) {
        Ok(f) => f,
        Err(e) => {
            crate::color::error(format!("`{}` is not formatted: {e}", name.display()));
            return ExitCode::from(crate::EXIT_FINDINGS);
        }
    };
    let changes = formatted != text;
    if args.diff {
        print!(
            "{}",
            crate::diff::unified(&name.display().to_string(), &text, &formatted)
        );
    } else if args.check {
        if changes {
            println!("would reformat {}", name.display());
        }
    } else {
        print!("{formatted}");
        return ExitCode::SUCCESS;
    }
    if changes {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
