//! `charter`: check, format, explain, simulate and serve partner-program policies.

mod check;
mod color;
mod completions;
mod config;
mod diff;
mod doc;
mod explain;
mod fix;
mod fmt;
mod report;
mod simulate;
mod statements;
mod stdin;
mod sweep;
mod test_report;

use clap::{Args, Parser, Subcommand};

use std::path::PathBuf;
use std::process::ExitCode;

/// Policy-as-code for B2B partner programs.
#[derive(Parser)]
#[command(
    name = "charter",
    version,
    about = "Policy-as-code for B2B partner programs: check, format, simulate and explain policies",
    long_about = None,
    after_help = "Exit codes: 0 clean, 1 findings, 2 usage or I/O error. `-` as a path reads standard \
input (check, fmt, ir). Settings come from the nearest charter.toml (`charter check --print-config`)."
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command takes.
#[derive(Args, Clone, Copy, Debug)]
pub struct Global {
    /// When to color output: `auto` colors a terminal unless NO_COLOR is set
    /// (CLICOLOR_FORCE colors anything); `always` and `never` win over both.
    #[arg(long, value_enum, global = true, default_value_t = clap::ColorChoice::Auto, value_name = "WHEN")]
    pub color: clap::ColorChoice,
    /// Print nothing when there is nothing to report (findings and errors are still printed).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Check policies (files, folders or `-` for standard input) and report every finding.
    Check(check::CheckArgs),
    /// Format policies in the canonical layout (comments kept; files rewritten atomically).
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, with a bad and a fixed example.
    Explain {
        /// A code like `C0401` or `S0105`, or its name like `dual-financial-benefit`; omit to list all.
        code: Option<String>,
    },
    /// Print the typed IR of a policy as JSON (`"version": 1`, schemas/ir.schema.json).
    Ir {
        /// The policy file, or `-` for standard input.
        path: PathBuf,
        /// The name of standard input in messages and for its imports (with `-`).
        #[arg(long, value_name = "NAME")]
        stdin_filename: Option<PathBuf>,
    },
    /// Simulate a scenario against a policy: explained payouts, totals, standings, findings.
    Simulate(simulate::SimulateArgs),
    /// Compare what two versions of a policy pay on one scenario.
    Diff(simulate::DiffArgs),
    /// Run scenario files that carry an `expect` block; ends with `N passed, N failed`.
    Test(simulate::TestArgs),
    /// Write a simulation as one self-contained HTML page with charts.
    Report(report::ReportArgs),
    /// Write the partner guide generated from a policy (`--out guide.html` or `guide.md`).
    Doc(doc::DocArgs),
    /// Write one statement per partner for a month (HTML and CSV).
    Statements(statements::StatementsArgs),
    /// Write a synthetic scenario (NDJSON events + partners) for benchmarks.
    GenScenario(simulate::GenArgs),
    /// Serve the language server protocol over stdin and stdout (for editors).
    Lsp,
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish).
    Completions(completions::CompletionsArgs),
    /// Print the man page, or write one per command into a folder.
    Man(completions::ManArgs),
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
    color::init(cli.global.color);
    let global = cli.global;
    match cli.command {
        Command::Check(args) => check::run(&args, global),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Fmt(args) => fmt::run(&args, global),
        Command::Ir {
            path,
            stdin_filename,
        } => check::ir(&path, stdin_filename.as_deref()),
        Command::Simulate(args) => simulate::run_simulate(&args, global),
        Command::Diff(args) => simulate::run_diff(&args, global),
        Command::Test(args) => simulate::run_test(&args, global),
        Command::GenScenario(args) => simulate::run_gen(&args, global),
        Command::Report(args) => report::run(&args),
        Command::Doc(args) => doc::run(&args),
        Command::Statements(args) => statements::run(&args),
        Command::Lsp => charter_lsp::run(),
        Command::Completions(args) => completions::run_completions(&args),
        Command::Man(args) => completions::run_man(&args),
    }
}
