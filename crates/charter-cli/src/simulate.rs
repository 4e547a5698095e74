//! `charter simulate`, `charter diff`, `charter test` and `charter gen-scenario`.
//!
//! `--quiet` (the global flag) leaves out what is not the asked-for output:
//! the progress bar, `charter test`'s `ok` lines and closing count when every
//! scenario passed, `gen-scenario`'s note of what it wrote, and a `diff` of
//! two policies that pay the same. `--color` colors errors and diagnostics
//! (and `test`'s `ok`/`FAIL`) as `charter check` does.

use crate::Global;
use charter_check::{compile_path, CheckedProgram};
use charter_diagnostics::render::render_human;
use charter_diagnostics::SourceDb;
use charter_scenario::Scenario;
use charter_sim::diff::DiffBy;
use charter_sim::report::GroupKey;
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
    /// The customers file (`id` and `country` of each: JSON array, NDJSON, `.csv` or
    /// `.parquet`), as a scenario document's `customers` array.
    #[arg(long)]
    customers: Option<PathBuf>,
    /// Simulate as of this date (default: the scenario's `as_of`, else its last event).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = charter_scenario::parse_date)]
    as_of: Option<NaiveDate>,
    /// What requirements no scenario data measures count as (texts, staff without staff
    /// data, `set individually` without a target): `met` lists them under each standing's
    /// `assumed` and marks the standing `*`; `unmet` counts them as not met.
    #[arg(long, value_enum, default_value = "met")]
    assume: AssumeArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum AssumeArg {
    Met,
    Unmet,
}

impl From<AssumeArg> for charter_sim::Assume {
    fn from(a: AssumeArg) -> Self {
        match a {
            AssumeArg::Met => charter_sim::Assume::Met,
            AssumeArg::Unmet => charter_sim::Assume::Unmet,
        }
    }
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
    #[arg(long, value_name = "ID", conflicts_with_all = ["group_by", "sweep", "csv_part"])]
    explain: Option<String>,
    /// One row per group of payouts, with amount, currency and payout count: keys month,
    /// quarter, year (when earned), partner, customer, rule, tier (standing as of the
    /// simulation date), track (as the scenario declares it).
    #[arg(long, value_name = "KEY[,KEY...]", value_parser = parse_group_keys)]
    group_by: Option<GroupKeys>,
    /// The part of the result `--format csv` prints.
    #[arg(long, value_enum, value_name = "PART", conflicts_with_all = ["group_by", "sweep"])]
    csv_part: Option<CsvPart>,
    /// One simulation per value of a named rate, window, threshold or bracket, one row per
    /// value (and group): `NAME=V1,V2,...` or `NAME=FROM..TO/STEP` like `referral_share=3%..7%/1%`.
    #[arg(long, value_name = "NAME=VALUES")]
    sweep: Option<String>,
}

/// The keys of `--group-by`, in the order given.
#[derive(Clone, Debug)]
pub struct GroupKeys(Vec<GroupKey>);

fn parse_group_keys(text: &str) -> Result<GroupKeys, String> {
    GroupKey::parse_list(text).map(GroupKeys)
}

/// What `simulate --format csv` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CsvPart {
    /// One row per payout (the default).
    Payouts,
    /// Each partner's total and standing.
    Totals,
    /// Each partner's standing as of the simulation date.
    Standings,
    /// Every finding.
    Findings,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The policy before the change.
    old: PathBuf,
    /// The policy after the change.
    new: PathBuf,
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Output format (JSON holds every view: partners, rules, payouts).
    #[arg(long, value_enum, default_value = "table")]
    format: DiffFormat,
    /// What the table and CSV list: each partner, each rule, or each payout that changed.
    #[arg(long, value_enum, default_value = "partner")]
    by: By,
    /// Exit 1 when the total payout grows by more than this percentage.
    #[arg(long, value_name = "PCT")]
    fail_if_increase: Option<rust_decimal::Decimal>,
    /// Exit 1 when any partner's payout grows by more than this percentage (a partner paid
    /// nothing before and something after grows without bound).
    #[arg(long, value_name = "PCT")]
    fail_if_partner_increase: Option<rust_decimal::Decimal>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum By {
    Partner,
    Rule,
    Payout,
}

#[derive(Args)]
pub struct TestArgs {
    /// Scenario files or folders holding them (default: `tests/scenarios`).
    paths: Vec<PathBuf>,
    /// Also report which rules, bracket rows, tiers, attribution paths,
    /// windows and payout schedules the scenarios exercised (a table; JSON with `--format json`).
    #[arg(long)]
    coverage: bool,
    /// `human` (ok/FAIL lines), `json` (outcomes and coverage) or `junit` (JUnit XML).
    #[arg(long, value_enum, default_value = "human")]
    format: crate::test_report::TestFormat,
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
    crate::color::error(message);
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
                render_human(&c.db, &c.diagnostics, crate::color::human_style(true))
            );
            crate::color::error(format!(
                "`{}` has errors; fix them before simulating",
                path.display()
            ));
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
    let mut scenario = loaded.map_err(usage_error)?;
    if let Some(customers) = &args.customers {
        charter_scenario::load_customers(&mut scenario, customers).map_err(usage_error)?;
    }
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
    (as_of, assume): (Option<NaiveDate>, AssumeArg),
    no_explanations: bool,
    global: Global,
) -> charter_sim::Simulation<'a> {
    let show = !global.quiet && std::io::stderr().is_terminal() && scenario.events.len() >= 100_000;
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
        assume: assume.into(),
    };
    let sim = charter_sim::run(program, scenario, &options);
    bar.finish_and_clear();
    sim
}

/// The policy with every `--set` applied (and `extra`, a sweep's value).
fn with_overrides(
    program: &CheckedProgram,
    sets: &[(String, String)],
) -> Result<Option<CheckedProgram>, ExitCode> {
    if sets.is_empty() {
        return Ok(None);
    }
    overrides::apply(program, sets)
        .map(Some)
        .map_err(usage_error)
}

/// Sets the severities of simulation findings as the policy's `charter.toml`
/// says (`[diagnostics]` with S-codes) and drops those turned off.
fn apply_config(policy: &Path, findings: &mut Vec<charter_sim::Finding>) -> Result<(), ExitCode> {
    let mut configs = crate::config::Configs::load().map_err(usage_error)?;
    let config = configs.for_file(policy).map_err(usage_error)?;
    findings.retain_mut(|f| match config.severity(f.code.code()) {
        Some(severity) => {
            f.severity = severity;
            true
        }
        None => false,
    });
    Ok(())
}

pub fn run_simulate(args: &SimulateArgs, global: Global) -> ExitCode {
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
    let sweep = match args.sweep.as_deref().map(crate::sweep::parse) {
        None => None,
        Some(Ok(sweep)) => Some(sweep),
        Some(Err(e)) => return usage_error(e),
    };
    if args.csv_part.is_some() && !matches!(args.format, SimFormat::Csv) {
        return usage_error("--csv-part goes with --format csv");
    }
    let program = match with_overrides(&program, &sets) {
        Ok(p) => p.unwrap_or(program),
        Err(code) => return code,
    };
    let mut timings = charter_sim::timings::Timings::new();
    let scenario = match load_scenario(&args.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    timings.step("load");
    let keys = args.group_by.as_ref().map_or(&[][..], |k| &k.0[..]);
    if let Some(sweep) = sweep {
        return run_sweep(args, &program, &db, &scenario, &sets, &sweep, keys);
    }
    // Explanations are built only where they are shown: JSON and --explain.
    let no_explanations = args.explain.is_none()
        && (args.group_by.is_some() || !matches!(args.format, SimFormat::Json));
    let mut sim = run_with_progress(
        &program,
        &scenario,
        &db,
        (args.scenario.as_of, args.scenario.assume),
        no_explanations,
        global,
    );
    timings.step("simulation");
    if let Err(code) = apply_config(&args.policy, sim.findings_mut()) {
        return code;
    }
    let has_errors = sim.has_errors();
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let written = match (&args.explain, args.format) {
        (Some(id), _) => match report::explain(&sim.into_result(), id) {
            Some(text) => out.write_all(text.as_bytes()),
            None => return usage_error(format!("no payout has the id `{id}`")),
        },
        (None, format) if args.group_by.is_some() => {
            let grouped = crate::sweep::figures(&sim.into_result(), &scenario, keys);
            match format {
                SimFormat::Table => out.write_all(report::groups_table(&grouped).as_bytes()),
                SimFormat::Json => out.write_all(report::groups_json(&grouped).as_bytes()),
                SimFormat::Csv => report::write_groups_csv(&grouped, &mut out),
            }
        }
        (None, SimFormat::Table) => out.write_all(report::to_table(&sim.into_result()).as_bytes()),
        // The process ends next: a report of many payouts is left for the
        // system to reclaim whole rather than freed explanation by
        // explanation on one thread (a tenth of a million-event run).
        (None, SimFormat::Json) => {
            let written = sim.write_json(&mut out);
            std::mem::forget(sim);
            written
        }
        (None, SimFormat::Csv) => match args.csv_part.unwrap_or(CsvPart::Payouts) {
            CsvPart::Payouts => {
                let written = sim.write_csv(&mut out);
                std::mem::forget(sim);
                written
            }
            CsvPart::Totals => report::write_totals_csv(&sim.totals(), &sim.standings(), &mut out),
            CsvPart::Standings => report::write_standings_csv(&sim.standings(), &mut out),
            CsvPart::Findings => report::write_findings_csv(sim.findings(), &mut out),
        },
    };
    let written = written.and_then(|()| out.flush());
    timings.step("report");
    timings.total();
    if written.is_err() {
        return ExitCode::from(crate::EXIT_USAGE);
    }
    if has_errors {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--sweep`: one simulation per value, one row per value (and group).
/// Exit 1 when any run has an error finding.
fn run_sweep(
    args: &SimulateArgs,
    program: &CheckedProgram,
    db: &SourceDb,
    scenario: &Scenario,
    sets: &[(String, String)],
    sweep: &crate::sweep::Sweep,
    keys: &[GroupKey],
) -> ExitCode {
    if args
        .sets
        .iter()
        .any(|s| overrides::parse_assignment(s).is_ok_and(|(name, _)| name == sweep.name))
    {
        return usage_error(format!(
            "`{}` is both swept and set with --set; give it one way",
            sweep.name
        ));
    }
    let Some(as_of) = charter_sim::simulation_date(scenario, args.scenario.as_of) else {
        return usage_error("nothing to simulate");
    };
    let currency = program.program().currency.clone();
    let mut report = crate::sweep::Report::new(&sweep.name, as_of, keys);
    let mut has_errors = false;
    for value in &sweep.values {
        let mut all = sets.to_vec();
        all.push((sweep.name.clone(), value.clone()));
        let swept = match overrides::apply(program, &all) {
            Ok(p) => p,
            Err(e) => return usage_error(e),
        };
        let options = SimOptions {
            as_of: args.scenario.as_of,
            sources: Some(db),
            progress: None,
            no_explanations: true,
            assume: args.scenario.assume.into(),
        };
        let mut result = simulate(&swept, scenario, &options);
        if let Err(code) = apply_config(&args.policy, &mut result.findings) {
            return code;
        }
        has_errors |= result.has_errors();
        report.add(
            value,
            crate::sweep::figures(&result, scenario, keys),
            &currency,
        );
    }
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        SimFormat::Table => out.write_all(report.to_table().as_bytes()),
        SimFormat::Json => out.write_all(report.to_json().as_bytes()),
        SimFormat::Csv => report.write_csv(&mut out),
    };
    if written.and_then(|()| out.flush()).is_err() {
        return ExitCode::from(crate::EXIT_USAGE);
    }
    if has_errors {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run_diff(args: &DiffArgs, global: Global) -> ExitCode {
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
                assume: args.scenario.assume.into(),
            };
            simulate(&new, &scenario, &options)
        });
        let before = run_with_progress(
            &old,
            &scenario,
            &old_db,
            (args.scenario.as_of, args.scenario.assume),
            false,
            global,
        )
        .into_result();
        (before, after.join())
    });
    let after = match after {
        Ok(after) => after,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let d = charter_sim::diff::diff(&before, &after);
    let by = match args.by {
        By::Partner => DiffBy::Partner,
        By::Rule => DiffBy::Rule,
        By::Payout => DiffBy::Payout,
    };
    let same = d.total_delta.is_zero()
        && d.partners.iter().all(|p| p.delta.is_zero())
        && d.payouts.is_empty()
        && d.standings.is_empty();
    if !(global.quiet && same) {
        let mut out = std::io::stdout().lock();
        let written = match args.format {
            DiffFormat::Table => out.write_all(charter_sim::diff::to_table(&d, by).as_bytes()),
            DiffFormat::Json => out.write_all(charter_sim::diff::to_json(&d).as_bytes()),
            DiffFormat::Csv => charter_sim::diff::write_csv(&d, by, &mut out),
        };
        if written.and_then(|()| out.flush()).is_err() {
            return ExitCode::from(crate::EXIT_USAGE);
        }
    }
    let mut over = false;
    if let Some(limit) = args.fail_if_increase {
        let grew = match d.total_percent {
            Some(p) => p > limit,
            None => d.total_after > d.total_before,
        };
        if grew {
            crate::color::error(format!(
                "total payouts grow from {} to {} {} ({}), more than the allowed {limit}%",
                d.total_before,
                d.total_after,
                d.currency,
                d.total_percent
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "from zero".into())
            ));
            over = true;
        }
    }
    if let Some(limit) = args.fail_if_partner_increase {
        for p in &d.partners {
            let grew = match p.percent {
                Some(pct) => pct > limit,
                None => p.after > p.before,
            };
            if grew {
                crate::color::error(format!(
                    "payouts to `{}` grow from {} to {} {} ({}), more than the allowed {limit}%",
                    charter_diagnostics::text::shorten(&p.partner),
                    p.before,
                    p.after,
                    p.currency,
                    p.percent
                        .map(|pct| format!("{pct}%"))
                        .unwrap_or_else(|| "from zero".into())
                ));
                over = true;
            }
        }
    }
    if over {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
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

const OK: anstyle::Style = anstyle::AnsiColor::Green.on_default();
const FAIL: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();

/// `FAIL FILE`, `FAIL` in red where color is on.
fn fail_line(file: &Path) {
    anstream::println!("{FAIL}FAIL{FAIL:#} {}", file.display());
}

pub fn run_test(args: &TestArgs, global: Global) -> ExitCode {
    if args.coverage || args.format != crate::test_report::TestFormat::Human {
        return crate::test_report::run(&args.paths, args.format, args.coverage);
    }
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
        crate::color::error(e);
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &found.files {
        let scenario = match charter_scenario::load_path(file) {
            Ok(s) => s,
            Err(e) => {
                fail_line(file);
                println!("  {e}");
                failed += 1;
                unreadable += 1;
                continue;
            }
        };
        let Some(expect) = &scenario.expect else {
            continue;
        };
        let Some(policy) = scenario.policy.as_ref() else {
            fail_line(file);
            println!("  the scenario names no `policy` to run against");
            failed += 1;
            continue;
        };
        let policy_path = match scenario_policy(file, policy) {
            Ok(p) => p,
            Err(e) => {
                fail_line(file);
                println!("  {e}");
                failed += 1;
                unreadable += 1;
                continue;
            }
        };
        let (program, db) = match compile_path(&policy_path).map(|c| c.into_checked()) {
            Ok(Ok((p, db, _))) => (p, db),
            Ok(Err(c)) => {
                fail_line(file);
                println!("  policy `{}` has errors:", policy_path.display());
                print!(
                    "{}",
                    render_human(&c.db, &c.diagnostics, crate::color::human_style(false))
                );
                failed += 1;
                if c.unreadable_imports > 0 {
                    unreadable += 1;
                }
                continue;
            }
            Err(e) => {
                fail_line(file);
                println!("  cannot read policy `{}`: {e}", policy_path.display());
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
                ..SimOptions::default()
            },
        );
        let mismatches = charter_sim::expect::compare(expect, &result);
        if mismatches.is_empty() {
            if !global.quiet {
                anstream::println!("{OK}ok{OK:#}   {}", file.display());
            }
            passed += 1;
        } else {
            fail_line(file);
            for m in mismatches {
                println!("  {}", m.what);
                for line in m.explain {
                    println!("      {line}");
                }
            }
            failed += 1;
        }
    }
    if !(global.quiet && failed == 0 && unreadable == 0) {
        println!("{passed} passed, {failed} failed");
    }
    if unreadable > 0 {
        ExitCode::from(crate::EXIT_USAGE)
    } else if failed > 0 {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run_gen(args: &GenArgs, global: Global) -> ExitCode {
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
    if !global.quiet {
        eprintln!(
            "wrote {} events to `{}` and {} partners to `{}`",
            generated.events_ndjson.lines().count(),
            args.out.display(),
            config.partners,
            args.partners_out.display()
        );
    }
    ExitCode::SUCCESS
}
