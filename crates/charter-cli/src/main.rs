//! `charter`: check, format, explain, simulate and serve partner-program policies.

mod check;
mod explain;
mod fmt;
mod simulate;

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
    /// Format policies in the canonical layout (comments kept; files rewritten atomically).
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, with a bad and a fixed example.
    Explain {
        /// A code like `C0401` or `S0105`, or its name like `dual-financial-benefit`; omit to list all.
        code: Option<String>,
    },
    /// Print the typed IR of a policy as JSON.
    Ir {
        /// The policy file.
        path: PathBuf,
    },
    /// Simulate a scenario against a policy: explained payouts, totals, standings, findings.
    Simulate(simulate::SimulateArgs),
    /// Compare what two versions of a policy pay on one scenario.
    Diff(simulate::DiffArgs),
    /// Run scenario files that carry an `expect` block; ends with `N passed, N failed`.
    Test(simulate::TestArgs),
    /// Write a synthetic scenario (NDJSON events + partners) for benchmarks.
    GenScenario(simulate::GenArgs),
    /// Serve the language server protocol over stdin and stdout (for editors).
    Lsp,
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
        Command::Fmt(args) => fmt::run(&args),
        Command::Ir { path } => check::ir(&path),
        Command::Simulate(args) => simulate::run_simulate(&args),
        Command::Diff(args) => simulate::run_diff(&args),
        Command::Test(args) => simulate::run_test(&args),
        Command::GenScenario(args) => simulate::run_gen(&args),
        Command::Lsp => charter_lsp::run(),
    }
}
