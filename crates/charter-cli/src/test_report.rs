//! `charter test --coverage` and `charter test --format junit`: the scenario
//! suite run as `charter test` runs it, adding up what each policy's
//! scenarios exercised (`charter_report::coverage`) and writing a JUnit
//! report. The pass/fail decision is `charter_sim::expect::compare`, the
//! same as the plain run's.

use charter_check::compile_path;
use charter_report::coverage::{junit, Coverage, TestCase};
use charter_sim::SimOptions;
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How `charter test` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// `ok`/`FAIL` per scenario, then `N passed, N failed`.
    #[default]
    Human,
    /// One JSON document: each scenario's outcome, the counts and, with
    /// `--coverage`, the coverage (`"version": 1`).
    Json,
    /// JUnit XML on standard output, for CI test reports.
    Junit,
}

/// One scenario's outcome.
enum Outcome {
    Passed,
    /// What failed, in lines; `unreadable` for a file or policy that could not be read.
    Failed {
        text: String,
        unreadable: bool,
    },
    /// No `expect` block: not a test.
    Skipped,
}

fn fail(text: impl Into<String>, unreadable: bool) -> Outcome {
    Outcome::Failed {
        text: text.into(),
        unreadable,
    }
}

/// The policy a scenario names, relative to the scenario file (as `charter test`).
fn scenario_policy(file: &Path, policy: &str) -> Result<PathBuf, String> {
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
    Ok(file.parent().unwrap_or(Path::new(".")).join(path))
}

/// `a/b/../../c` as `c`: the policy named the same way from every scenario folder.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn run_one(file: &Path, coverage: &mut Coverage) -> Outcome {
    let scenario = match charter_scenario::load_path(file) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string(), true),
    };
    let Some(expect) = &scenario.expect else {
        return Outcome::Skipped;
    };
    let Some(policy) = scenario.policy.as_ref() else {
        return fail("the scenario names no `policy` to run against", false);
    };
    let policy_path = match scenario_policy(file, policy) {
        Ok(p) => p,
        Err(e) => return fail(e, true),
    };
    let (program, db) = match compile_path(&policy_path).map(|c| c.into_checked()) {
        Ok(Ok((p, db, _))) => (p, db),
        Ok(Err(c)) => {
            return fail(
                format!("policy `{}` has errors", policy_path.display()),
                c.unreadable_imports > 0,
            )
        }
        Err(e) => {
            return fail(
                format!("cannot read policy `{}`: {e}", policy_path.display()),
                true,
            )
        }
    };
    let options = SimOptions {
        sources: Some(&db),
        ..SimOptions::default()
    };
    let sim = charter_sim::run(&program, &scenario, &options);
    let name = file.display().to_string();
    let fired: Vec<_> = sim.fired().collect();
    let result = sim.into_result();
    coverage.record(
        &tidy(&policy_path).display().to_string(),
        &program,
        &name,
        fired,
        &result.standings,
    );
    let mismatches = charter_sim::expect::compare(expect, &result);
    if mismatches.is_empty() {
        Outcome::Passed
    } else {
        let mut text = String::new();
        for m in mismatches {
            text.push_str(&m.what);
            text.push('\n');
            for line in m.explain {
                text.push_str("    ");
                text.push_str(&line);
                text.push('\n');
            }
        }
        fail(text, false)
    }
}

/// Runs the scenarios under `paths`; prints per scenario (human) or a JUnit
/// report, then the coverage when asked. Exit codes as `charter test`.
pub fn run(paths: &[PathBuf], format: TestFormat, coverage: bool) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("tests/scenarios")]
    } else {
        paths.to_vec()
    };
    let found = crate::check::find_files(&paths, "json");
    let mut unreadable = found.errors.len();
    for e in &found.errors {
        eprintln!("error: {e}");
    }
    let mut totals = Coverage::default();
    let mut cases = Vec::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &found.files {
        let name = file.display().to_string();
        match run_one(file, &mut totals) {
            Outcome::Skipped => continue,
            Outcome::Passed => {
                passed += 1;
                if format == TestFormat::Human {
                    println!("ok   {name}");
                }
                cases.push(TestCase {
                    name,
                    failure: None,
                });
            }
            Outcome::Failed {
                text,
                unreadable: u,
            } => {
                failed += 1;
                unreadable += usize::from(u);
                if format == TestFormat::Human {
                    println!("FAIL {name}");
                    for line in text.lines() {
                        println!("  {line}");
                    }
                }
                cases.push(TestCase {
                    name,
                    failure: Some(text),
                });
            }
        }
    }
    match format {
        TestFormat::Human => {
            if coverage {
                print!("{}", totals.to_table());
            }
            println!("{passed} passed, {failed} failed");
        }
        TestFormat::Json => {
            let scenarios: Vec<serde_json::Value> = cases
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "scenario": c.name,
                        "passed": c.failure.is_none(),
                        "failure": c.failure,
                    })
                })
                .collect();
            let coverage = coverage.then(|| totals.to_value());
            let doc = serde_json::json!({
                "version": 1,
                "passed": passed,
                "failed": failed,
                "scenarios": scenarios,
                "coverage": coverage,
            });
            match serde_json::to_string_pretty(&doc) {
                Ok(text) => println!("{text}"),
                Err(e) => eprintln!("error: {e}"),
            }
            eprintln!("{passed} passed, {failed} failed");
        }
        TestFormat::Junit => {
            print!("{}", junit(&cases));
            if coverage {
                // Standard output holds the XML; the coverage table goes to standard error.
                eprint!("{}", totals.to_table());
            }
            eprintln!("{passed} passed, {failed} failed");
        }
    }
    if unreadable > 0 {
        ExitCode::from(crate::EXIT_USAGE)
    } else if failed > 0 {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
