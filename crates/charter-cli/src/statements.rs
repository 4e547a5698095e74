//! `charter statements`: one statement per partner for one month, as
//! `DIR/<partner>-<period>.html` and `.csv` (`charter_report::statement`).

use crate::report::{load_scenario, usage_error, write_out};
use crate::simulate::load_policy;
use charter_report::statement::{statements, Period};
use chrono::NaiveDate;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct StatementsArgs {
    /// The policy file.
    policy: PathBuf,
    /// The scenario: a JSON file, or a file of events (with --partners).
    #[arg(long, short = 's')]
    scenario: PathBuf,
    /// The partners file that goes with an events file.
    #[arg(long)]
    partners: Option<PathBuf>,
    /// Simulate as of this date (default: the scenario's `as_of`, else its last event).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = charter_scenario::parse_date)]
    as_of: Option<NaiveDate>,
    /// The month of the statements, like `2025-03`: the payouts earned in it.
    #[arg(long, value_name = "YYYY-MM", value_parser = Period::parse)]
    period: Period,
    /// The folder to write them into (made when missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: &StatementsArgs) -> ExitCode {
    let (program, db) = match load_policy(&args.policy) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (scenario, _) = match load_scenario(&args.scenario, args.partners.as_deref(), args.as_of) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let options = charter_sim::SimOptions {
        as_of: args.as_of,
        sources: Some(&db),
        ..charter_sim::SimOptions::default()
    };
    let result = charter_sim::simulate(&program, &scenario, &options);
    let p = program.program();
    let all = match statements(&p.name, &p.currency, &result, args.period) {
        Ok(all) => all,
        Err(e) => return usage_error(e),
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return usage_error(format!(
            "cannot make the folder `{}`: {e}",
            args.out.display()
        ));
    }
    for s in &all {
        for (ext, bytes) in [("html", s.html.as_bytes()), ("csv", &s.csv[..])] {
            let path = args.out.join(format!("{}-{}.{ext}", s.stem, args.period));
            if let Err(code) = write_out(&path, bytes) {
                return code;
            }
        }
    }
    if result.has_errors() {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
