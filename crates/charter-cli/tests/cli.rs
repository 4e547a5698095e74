//! The `charter` binary end to end: exit codes, output formats, and the
//! bundled policies and scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn seed_policies_check_clean() {
    let out = charter(&["check", "policies/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("checked 5 files: 0 errors, 0 warnings"));
}

#[test]
fn seed_policies_are_formatted() {
    let out = charter(&["fmt", "--check", "policies/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn every_failing_policy_exits_1_with_its_code_in_json() {
    let dir = root().join("tests/check/fail");
    let mut codes = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "charter") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let code = name.split('_').next().unwrap().to_string();
        let rel = format!("tests/check/fail/{name}");
        let out = charter(&["check", "--format", "json", "--deny-warnings", &rel]);
        assert_eq!(out.status.code(), Some(1), "{rel}: {}", stdout(&out));
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let found: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(
            found.contains(&code.as_str()),
            "{rel}: expected {code}, got {found:?}"
        );
        codes.insert(code);
    }
    assert!(codes.len() >= 10, "only {} distinct codes", codes.len());
}

#[test]
fn sarif_output_has_the_2_1_0_shape() {
    let out = charter(&[
        "check",
        "--format",
        "sarif",
        "tests/check/fail/C0401_3_partner_elects_two.charter",
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "charter");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], result["ruleId"]);
    assert_eq!(result["ruleId"], "C0401");
    assert!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[test]
fn explain_answers_for_every_code() {
    for code in charter_diagnostics::Code::ALL {
        let out = charter(&["explain", code.id()]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        assert!(text.starts_with(code.id()), "{text}");
        if code.is_simulation() {
            assert!(text.contains("A simulation finding"), "{text}");
            assert!(!text.contains("For example"), "{text}");
        } else {
            assert!(text.contains("For example, this is reported"), "{text}");
        }
    }
    assert_eq!(charter(&["explain", "C9999"]).status.code(), Some(2));
    // S-codes by id and by name; the list shows both families.
    let s0105 = stdout(&charter(&["explain", "dual-elected-benefits"]));
    assert!(
        s0105.starts_with("S0105 (dual-elected-benefits)"),
        "{s0105}"
    );
    let list = stdout(&charter(&["explain"]));
    assert!(list.contains("C0401") && list.contains("S0105"), "{list}");
}

#[test]
fn missing_file_is_a_usage_error() {
    assert_eq!(
        charter(&["check", "no/such/policy.charter"]).status.code(),
        Some(2)
    );
}

#[test]
fn bundled_scenarios_pass() {
    let out = charter(&["test", "tests/scenarios"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let last = text.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed >= 10, "{last}");
}

#[test]
fn simulate_is_deterministic_and_formats_agree() {
    let args = [
        "simulate",
        "policies/optimetriks.charter",
        "--scenario",
        "tests/scenarios/optimetriks/01-referral-window.json",
        "--format",
        "json",
    ];
    let a = charter(&args);
    let b = charter(&args);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let json: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let payouts = json["payouts"].as_array().unwrap();
    assert!(!payouts.is_empty());
    for p in payouts {
        for key in [
            "id",
            "partner",
            "rule",
            "base",
            "rate",
            "amount",
            "currency",
            "earned",
            "due",
            "settlement",
            "explain",
        ] {
            assert!(p.get(key).is_some(), "payout lacks `{key}`: {p}");
        }
    }
    let csv = charter(&[
        "simulate",
        "policies/optimetriks.charter",
        "--scenario",
        "tests/scenarios/optimetriks/01-referral-window.json",
        "--format",
        "csv",
    ]);
    assert_eq!(stdout(&csv).lines().count(), payouts.len() + 1);
}

#[test]
fn what_if_override_changes_the_rate_and_is_type_checked() {
    let base = [
        "simulate",
        "policies/optimetriks.charter",
        "--scenario",
        "tests/scenarios/optimetriks/01-referral-window.json",
        "--format",
        "json",
    ];
    let before: serde_json::Value = serde_json::from_slice(&charter(&base).stdout).unwrap();
    let mut args = base.to_vec();
    args.extend(["--set", "referral_share=10%"]);
    let after: serde_json::Value = serde_json::from_slice(&charter(&args).stdout).unwrap();
    let rate = |v: &serde_json::Value| {
        v["payouts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["rule"] == "referral_share")
            .map(|p| p["rate"].as_str().unwrap().to_string())
    };
    assert_eq!(rate(&before).as_deref(), Some("5"));
    assert_eq!(rate(&after).as_deref(), Some("10"));
    let mut bad = base.to_vec();
    bad.extend(["--set", "referral_share=10 USD"]);
    let out = charter(&bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected a percentage"));
}

#[test]
fn diff_reports_deltas_and_fails_over_budget() {
    let dir = std::env::temp_dir().join(format!("charter-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = root().join("policies/optimetriks.charter");
    let text = std::fs::read_to_string(&old)
        .unwrap()
        .replace("5% of payments", "6% of payments");
    let new = dir.join("optimetriks-6.charter");
    std::fs::write(&new, text).unwrap();
    let scenario = "tests/scenarios/optimetriks/01-referral-window.json";
    let out = charter(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--scenario",
        scenario,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        d["total_after"].as_str().unwrap().parse::<f64>().unwrap()
            > d["total_before"].as_str().unwrap().parse::<f64>().unwrap()
    );
    let over = charter(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--scenario",
        scenario,
        "--fail-if-increase",
        "5",
    ]);
    assert_eq!(over.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn malformed_scenarios_are_located_errors_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("charter-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("truncated.json", "{\"partners\": [], \"events\": [{\"date\": \"2025-01-01\""),
        ("bad-date.json", "{\"partners\": [], \"events\": [{\"date\": \"2025-02-30\", \"type\": \"notice\", \"partner\": \"a\"}]}"),
        ("negative.json", "{\"partners\": [], \"events\": [{\"date\": \"2025-02-01\", \"type\": \"refund\", \"invoice\": \"i\", \"amount\": \"-5\"}]}"),
        ("bad-kind.json", "{\"partners\": [], \"events\": [{\"date\": \"2025-02-01\", \"type\": \"paymnt\"}]}"),
    ];
    for (name, text) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = charter(&[
            "simulate",
            "policies/optimetriks.charter",
            "--scenario",
            path.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains("$"), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fmt_rewrites_atomically_and_refuses_broken_files() {
    let dir = std::env::temp_dir().join(format!("charter-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.charter");
    std::fs::write(
        &messy,
        "program \"P\" {   currency EUR }\n// keep me\ntiers   A<B\n",
    )
    .unwrap();
    let out = charter(&["fmt", messy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&messy).unwrap();
    assert!(
        text.contains("// keep me") && text.contains("tiers A < B"),
        "{text}"
    );
    let broken = dir.join("broken.charter");
    let original = "program \"P\" { currency EUR }\ntiers A <\n";
    std::fs::write(&broken, original).unwrap();
    let out = charter(&["fmt", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), original);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

/// A label past column 65,536 once made miette panic (exit 101) wherever a
/// diagnostic was rendered: `check` (every format), `ir` and `simulate`.
#[test]
fn a_diagnostic_past_column_65536_renders_in_every_command() {
    let policy = "tests/check/fail/C0502_2_unknown_code_past_column_65536.charter";
    let scenario = "tests/regressions/scenario/no_events_no_as_of.json";
    for args in [
        vec!["check", policy],
        vec!["check", "--format", "json", policy],
        vec!["check", "--format", "sarif", policy],
        vec!["ir", policy],
        vec!["simulate", policy, "--scenario", scenario],
    ] {
        let out = charter(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        let longest = stdout(&out)
            .lines()
            .chain(stderr.lines())
            .map(|l| l.chars().count())
            .max();
        assert!(
            longest < Some(1000),
            "{args:?}: a line of {longest:?} characters"
        );
    }
}

/// A scenario without events or `as_of` has no date to simulate up to: it
/// is refused (exit 2) rather than reported `as of -262143-01-01`.
#[test]
fn a_scenario_without_a_date_is_refused_unless_as_of_is_given() {
    let scenario = "tests/regressions/scenario/no_events_no_as_of.json";
    let out = charter(&[
        "simulate",
        "policies/optimetriks.charter",
        "--scenario",
        scenario,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing to simulate"), "{stderr}");
    let out = charter(&[
        "simulate",
        "policies/optimetriks.charter",
        "--scenario",
        scenario,
        "--as-of",
        "2026-01-01",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("as of 2026-01-01\n"),
        "{}",
        stdout(&out)
    );
    // Year 0000 is no date, on the command line either.
    let out = charter(&[
        "simulate",
        "policies/optimetriks.charter",
        "--scenario",
        scenario,
        "--as-of",
        "0000-01-01",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("before the first date"), "{stderr}");
}
