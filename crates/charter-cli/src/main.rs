//! `charter`: check, format, explain, simulate and serve partner-program policies.

mod check;
mod explain;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Policy-as-code for B2B partner programs.
#[derive(Parser)]
#[command(name = "charter", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policies (files or folders) and report every finding.
    Check(check::CheckArgs),
    /// Explain a diagnostic code, with a bad and a fixed example.
    Explain {
        /// A code like `C0401` or its name like `dual-financial-benefit`; omit to list all.
        code: Option<String>,
    },
    /// Print the typed IR of a policy as JSON.
    Ir {
        /// The policy file.
        path: PathBuf,
    },
}

/// Exit codes: 0 clean, 1 findings, 2 usage or I/O error.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Ir { path } => check::ir(&path),
    }
}
