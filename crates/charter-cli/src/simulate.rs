//! `charter simulate`, `charter diff`, `charter test` and `charter gen-scenario`.

use charter_check::{compile_path, CheckedProgram};
use charter_diagnostics::render::{render_human, HumanStyle};
use charter_diagnostics::SourceDb;
use charter_scenario::Scenario;
use charter_sim::{overrides, report, simulate, SimOptions};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SimFormat {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
pub struct ScenarioArgs {
    /// The scenario: a JSON file, or a file of events (`.ndjson`, `.csv`, `.parquet`; with --partners).
    #[arg(long, short = 's')]
    scenario: PathBuf,
    /// The partners file (JSON array, NDJSON, `.csv` or `.parquet`) that goes with an events file.
    #[arg(long)]
    partners: Option<PathBuf>,
    /// Simulate as of this date (default: the scenario's `as_of`, else its last event).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = charter_scenario::parse_date)]
    as_of: Option<NaiveDate>,
}

#[derive(Args)]
pub struct SimulateArgs {
    /// The policy file.
    policy: PathBuf,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: SimFormat,
    /// What-if override of a named rate, window, threshold or bracket (repeatable), like `referral_share=7%`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
    /// Print the explanation of one payout (by its id, like `P3`).
    #[arg(long, value_name = "ID")]
    explain: Option<String>,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The policy before the change.
    old: PathBuf,
    /// The policy after the change.
    new: PathBuf,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: DiffFormat,
    /// Exit 1 when the total payout grows by more than this percentage.
    #[arg(long, value_name = "PCT")]
    fail_if_increase: Option<rust_decimal::Decimal>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
}

#[derive(Args)]
pub struct TestArgs {
    /// Scenario files or folders holding them (default: `tests/scenarios`).
    paths: Vec<PathBuf>,
}

#[derive(Args)]
pub struct GenArgs {
    /// How many events (the billing export: at least this many, in whole customers).
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// How many partners [default: 100; the billing export: one per 100 events].
    #[arg(long)]
    partners: Option<usize>,
    /// What to generate.
    #[arg(long, value_enum, default_value = "mixed")]
    shape: GenShape,
    /// The random seed (same seed, same scenario).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the events (NDJSON).
    #[arg(long)]
    out: PathBuf,
    /// Where to write the partners (JSON).
    #[arg(long)]
    partners_out: PathBuf,
    /// The currency of the invoices (the policy's).
    #[arg(long, default_value = "USD")]
    currency: String,
    /// Partners hold tracks only: no tiers, modules, elected benefits or invitations.
    #[arg(long)]
    tracks_only: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GenShape {
    /// Every event type, around deals of every kind.
    Mixed,
    /// An Optimetriks billing export: referrals or partner-sold Starter
    /// orders, then 1 to 8 monthly invoices of 100.00, each paid 5 days
    /// later (the DuckDB benchmark's shape; tracks only).
    BillingExport,
}

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(crate::EXIT_USAGE)
}

/// Reads and checks a policy; prints its diagnostics when it has errors.
pub fn load_policy(path: &Path) -> Result<(CheckedProgram, SourceDb), ExitCode> {
    let compilation = compile_path(path)
        .map_err(|e| usage_error(format!("cannot read `{}`: {e}", path.display())))?;
    match compilation.into_checked() {
        Ok((checked, db, _)) => Ok((checked, db)),
        Err(c) => {
            eprint!(
                "{}",
                render_human(&c.db, &c.diagnostics, HumanStyle::default())
            );
            eprintln!(
                "error: `{}` has errors; fix them before simulating",
                path.display()
            );
            // An import that cannot be read is an I/O problem, as the policy
            // itself would be.
            Err(ExitCode::from(if c.unreadable_imports > 0 {
                crate::EXIT_USAGE
            } else {
                crate::EXIT_FINDINGS
            }))
        }
    }
}

fn load_scenario(args: &ScenarioArgs) -> Result<Scenario, ExitCode> {
    // Each file's format is decided by its name (`SourceFormat::of_path`).
    let loaded = charter_scenario::load_files(&args.scenario, args.partners.as_deref(), args.as_of);
    let scenario = loaded.map_err(usage_error)?;
    if charter_sim::simulation_date(&scenario, args.as_of).is_none() {
        return Err(usage_error(format!(
            "`{}` has no events and no `as_of`: there is nothing to simulate; give a date with `--as-of`",
            charter_diagnostics::text::shorten(&args.scenario.display().to_string())
        )));
    }
    Ok(scenario)
}

/// Runs the simulation with a progress bar on a terminal (large scenarios
/// only); CSV output leaves explanations out, as it never shows them.
fn run_with_progress<'a>(
    program: &'a CheckedProgram,
    scenario: &'a Scenario,
    db: &SourceDb,
    as_of: Option<NaiveDate>,
    no_explanations: bool,
) -> charter_sim::Simulation<'a> {
    let show = std::io::stderr().is_terminal() && scenario.events.len() >= 100_000;
    let bar = if show {
        indicatif::ProgressBar::new(scenario.events.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("[{bar:30}] {pos}/{len} events")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("#>-"),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let options = SimOptions {
        as_of,
        sources: Some(db),
        progress: Some(&progress),
        no_explanations,
    };
    let sim = charter_sim::run(program, scenario, &options);
    bar.finish_and_clear();
    sim
}

pub fn run_simulate(args: &SimulateArgs) -> ExitCode {
    let (program, db) = match load_policy(&args.policy) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut sets = Vec::new();
    for s in &args.sets {
        match overrides::parse_assignment(s) {
            Ok(a) => sets.push(a),
            Err(e) => return usage_error(e),
        }
    }
    let program = if sets.is_empty() {
        program
    } else {
        match overrides::apply(&program, &sets) {
            Ok(p) => p,
            Err(e) => return usage_error(e),
        }
    };
    let timings = std::env::var_os("CHARTER_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let scenario = match load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if timings {
        eprintln!("timing: load: {:.3} s", started.elapsed().as_secs_f64());
    }
    let csv = matches!(args.format, SimFormat::Csv) && args.explain.is_none();
    let sim = run_with_progress(&program, &scenario, &db, args.scenario.as_of, csv);
    let has_errors = sim.has_errors();
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let written = match (&args.explain, args.format) {
        (Some(id), _) => match report::explain(&sim.into_result(), id) {
            Some(text) => out.write_all(text.as_bytes()),
            None => return usage_error(format!("no payout has the id `{id}`")),
        },
        (None, SimFormat::Table) => out.write_all(report::to_table(&sim.into_result()).as_bytes()),
        (None, SimFormat::Json) => sim.write_json(&mut out),
        (None, SimFormat::Csv) => sim.write_csv(&mut out),
    };
    let written = written.and_then(|()| out.flush());
    if timings {
        eprintln!("timing: total: {:.3} s", started.elapsed().as_secs_f64());
    }
    if written.is_err() {
        return ExitCode::from(crate::EXIT_USAGE);
    }
    if has_errors {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run_diff(args: &DiffArgs) -> ExitCode {
    let (old, old_db) = match load_policy(&args.old) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (new, new_db) = match load_policy(&args.new) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let scenario = match load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // The two runs are independent: the second runs on a thread of its own
    // (without a progress bar), so a diff takes about one simulation's time
    // where two cores are free.
    let (before, after) = std::thread::scope(|threads| {
        let after = threads.spawn(|| {
            let options = SimOptions {
                as_of: args.scenario.as_of,
                sources: Some(&new_db),
                progress: None,
                no_explanations: false,
            };
            simulate(&new, &scenario, &options)
        });
        let before =
            run_with_progress(&old, &scenario, &old_db, args.scenario.as_of, false).into_result();
        (before, after.join())
    });
    let after = match after {
        Ok(after) => after,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let d = charter_sim::diff::diff(&before, &after);
    match args.format {
        DiffFormat::Table => print!("{}", charter_sim::diff::to_table(&d)),
        DiffFormat::Json => print!("{}", charter_sim::diff::to_json(&d)),
    }
    if let Some(limit) = args.fail_if_increase {
        let grew = match d.total_percent {
            Some(p) => p > limit,
            None => d.total_after > d.total_before,
        };
        if grew {
            eprintln!(
                "error: total payouts grow from {} to {} ({}), more than the allowed {limit}%",
                d.total_before,
                d.total_after,
                d.total_percent
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "from zero".into())
            );
            return ExitCode::from(crate::EXIT_FINDINGS);
        }
    }
    ExitCode::SUCCESS
}

/// The policy a scenario's `policy` field names: a `.charter` file, relative
/// to the scenario file, like an `import`. Nothing is read here.
fn scenario_policy(scenario_file: &Path, policy: &str) -> Result<PathBuf, String> {
    let path = Path::new(policy);
    if path.has_root() || path.is_absolute() {
        return Err(format!(
            "the `policy` field `{policy}` is an absolute path; name the policy relative to the scenario file"
        ));
    }
    if !charter_fs::is_policy_name(path) {
        return Err(format!(
            "the `policy` field `{policy}` is not a `.charter` file; Charter reads no other file"
        ));
    }
    Ok(scenario_file.parent().unwrap_or(Path::new(".")).join(path))
}

pub fn run_test(args: &TestArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("tests/scenarios")]
    } else {
        args.paths.clone()
    };
    let found = crate::check::find_files(&paths, "json");
    // Files that cannot be read or loaded are reported and counted as
    // failures; the other scenarios still run, and the exit code is 2.
    let mut unreadable = found.errors.len();
    for e in &found.errors {
        eprintln!("error: {e}");
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &found.files {
        let scenario = match charter_scenario::load_path(file) {
            Ok(s) => s,
            Err(e) => {
                println!("FAIL {}\n  {e}", file.display());
                failed += 1;
                unreadable += 1;
                continue;
            }
        };
        let Some(expect) = &scenario.expect else {
            continue;
        };
        let Some(policy) = scenario.policy.as_ref() else {
            println!(
                "FAIL {}\n  the scenario names no `policy` to run against",
                file.display()
            );
            failed += 1;
            continue;
        };
        let policy_path = match scenario_policy(file, policy) {
            Ok(p) => p,
            Err(e) => {
                println!("FAIL {}\n  {e}", file.display());
                failed += 1;
                unreadable += 1;
                continue;
            }
        };
        let (program, db) = match compile_path(&policy_path).map(|c| c.into_checked()) {
            Ok(Ok((p, db, _))) => (p, db),
            Ok(Err(c)) => {
                println!(
                    "FAIL {}\n  policy `{}` has errors:",
                    file.display(),
                    policy_path.display()
                );
                print!(
                    "{}",
                    render_human(&c.db, &c.diagnostics, HumanStyle::default())
                );
                failed += 1;
                if c.unreadable_imports > 0 {
                    unreadable += 1;
                }
                continue;
            }
            Err(e) => {
                println!(
                    "FAIL {}\n  cannot read policy `{}`: {e}",
                    file.display(),
                    policy_path.display()
                );
                failed += 1;
                unreadable += 1;
                continue;
            }
        };
        let result = simulate(
            &program,
            &scenario,
            &SimOptions {
                as_of: None,
                sources: Some(&db),
                progress: None,
                no_explanations: false,
            },
        );
        let mismatches = charter_sim::expect::compare(expect, &result);
        if mismatches.is_empty() {
            println!("ok   {}", file.display());
            passed += 1;
        } else {
            println!("FAIL {}", file.display());
            for m in mismatches {
                println!("  {}", m.what);
                for line in m.explain {
                    println!("      {line}");
                }
            }
            failed += 1;
        }
    }
    println!("{passed} passed, {failed} failed");
    if unreadable > 0 {
        ExitCode::from(crate::EXIT_USAGE)
    } else if failed > 0 {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run_gen(args: &GenArgs) -> ExitCode {
    // Where each output lands, decided before minutes of generating: each
    // must be a regular file it may replace (or a new one), and not the other.
    let resolve = |flag: &str, path: &Path| {
        charter_fs::WriteTarget::resolve(path)
            .map_err(|e| usage_error(format!("cannot write `{}` ({flag}): {e}", path.display())))
    };
    let events_target = match resolve("--out", &args.out) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let partners_target = match resolve("--partners-out", &args.partners_out) {
        Ok(t) => t,
        Err(code) => return code,
    };
    if events_target.is_same_file(&partners_target) {
        return usage_error(format!(
            "`--out {}` and `--partners-out {}` are one file; give each output its own",
            args.out.display(),
            args.partners_out.display()
        ));
    }
    let (shape, default_partners) = match args.shape {
        GenShape::Mixed => (charter_scenario::GenShape::Mixed, 100),
        GenShape::BillingExport => (
            charter_scenario::GenShape::BillingExport,
            (args.events / 100).max(1),
        ),
    };
    let config = charter_scenario::GenConfig {
        seed: args.seed,
        events: args.events,
        partners: args.partners.unwrap_or(default_partners),
        currency: args.currency.clone(),
        tiers_and_modules: !args.tracks_only,
        shape,
        ..charter_scenario::GenConfig::default()
    };
    let generated = charter_scenario::generate(&config);
    for (target, path, text) in [
        (&events_target, &args.out, &generated.events_ndjson),
        (
            &partners_target,
            &args.partners_out,
            &generated.partners_json,
        ),
    ] {
        if let Err(e) = target.write(text.as_bytes()) {
            return usage_error(format!("cannot write `{}`: {e}", path.display()));
        }
    }
    ExitCode::SUCCESS
}
