//! `charter report`: a simulation as one self-contained HTML page with
//! charts (`charter_report::report`), written through `charter_fs`.

use crate::simulate::load_policy;
use chrono::NaiveDate;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct ReportArgs {
    /// The policy file.
    policy: PathBuf,
    /// The scenario: a JSON file, or a file of events (`.ndjson`, `.csv`, `.parquet`; with --partners).
    #[arg(long, short = 's')]
    scenario: PathBuf,
    /// The partners file that goes with an events file.
    #[arg(long)]
    partners: Option<PathBuf>,
    /// Simulate as of this date (default: the scenario's `as_of`, else its last event).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = charter_scenario::parse_date)]
    as_of: Option<NaiveDate>,
    /// An earlier version of the policy: the report shows the change per partner.
    #[arg(long, value_name = "OLD.charter")]
    baseline: Option<PathBuf>,
    /// Where to write the page (`report.html`).
    #[arg(long)]
    out: PathBuf,
}

pub(crate) fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(crate::EXIT_USAGE)
}

/// Loads the scenario (and partners file) as `charter simulate` does.
pub(crate) fn load_scenario(
    scenario: &Path,
    partners: Option<&Path>,
    as_of: Option<NaiveDate>,
) -> Result<(charter_scenario::Scenario, NaiveDate), ExitCode> {
    let loaded = charter_scenario::load_files(scenario, partners, as_of).map_err(usage_error)?;
    match charter_sim::simulation_date(&loaded, as_of) {
        Some(date) => Ok((loaded, date)),
        None => Err(usage_error(format!(
            "`{}` has no events and no `as_of`: there is nothing to simulate; give a date with `--as-of`",
            charter_diagnostics::text::shorten(&scenario.display().to_string())
        ))),
    }
}

/// Writes `bytes` to `path` through the one write path (refuses FIFOs,
/// folders, read-only and hard-linked files).
pub(crate) fn write_out(path: &Path, bytes: &[u8]) -> Result<(), ExitCode> {
    charter_fs::write_bytes(path, bytes)
        .map_err(|e| usage_error(format!("cannot write `{}`: {e}", path.display())))
}

pub fn run(args: &ReportArgs) -> ExitCode {
    // Where the page lands is decided before any work.
    if let Err(e) = charter_fs::WriteTarget::resolve(&args.out) {
        return usage_error(format!("cannot write `{}`: {e}", args.out.display()));
    }
    let (program, db) = match load_policy(&args.policy) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let baseline = match &args.baseline {
        Some(path) => match load_policy(path) {
            Ok(p) => Some((path, p)),
            Err(code) => return code,
        },
        None => None,
    };
    let (scenario, as_of) =
        match load_scenario(&args.scenario, args.partners.as_deref(), args.as_of) {
            Ok(s) => s,
            Err(code) => return code,
        };
    let options = charter_sim::SimOptions {
        as_of: args.as_of,
        sources: Some(&db),
        ..charter_sim::SimOptions::default()
    };
    let result = charter_sim::simulate(&program, &scenario, &options);
    let before = baseline.as_ref().map(|(path, (old, old_db))| {
        let options = charter_sim::SimOptions {
            as_of: args.as_of,
            sources: Some(old_db),
            ..charter_sim::SimOptions::default()
        };
        (path, charter_sim::simulate(old, &scenario, &options))
    });
    let timeline = charter_report::report::standings_over_time(&program, &scenario, as_of);
    let input = charter_report::report::ReportInput {
        program: &program,
        policy: args.policy.display().to_string(),
        scenario: args.scenario.display().to_string(),
        result: &result,
        timeline: &timeline,
        baseline: before
            .as_ref()
            .map(|(path, r)| (path.display().to_string(), r)),
    };
    let page = match charter_report::report::render(&input) {
        Ok(page) => page,
        Err(e) => return usage_error(e),
    };
    if let Err(code) = write_out(&args.out, page.as_bytes()) {
        return code;
    }
    if result.has_errors() {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
