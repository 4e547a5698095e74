//! Regression inputs (most of them minimized fuzzer finds) and the limits
//! Charter promises, run through the libraries and the `charter` binary.
//!
//! `tests/regressions/` holds data, one file per case, by what it feeds:
//! - `policy/*.charter`: parsed, checked (imports refused), its diagnostics
//!   rendered in every format, and formatted; the
//!   formatter's output must parse, format to itself and keep the IR;
//! - `scenario/*.json` and `scenario/*.ndjson`: loaded, and when they load,
//!   simulated against every seed policy of `policies/`; a partner's total
//!   must be the sum of its payouts;
//! - `lsp/*.bin`: raw bytes piped into `charter lsp`, which must end by
//!   itself without a panic.
//!
//! None may panic. The limits (file size, amounts, durations, dates) are
//! tested below on inputs built in memory; `BENCHMARKS.md` lists them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, CheckedProgram, Compilation, FileReader};
use charter_diagnostics::{Code, SourceDb};
use charter_scenario::{parse_bytes, parse_ndjson, Scenario, SourceText};
use charter_sim::{simulate, FindingCode, SimOptions, SimResult};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of `tests/regressions/<kind>/`, sorted.
fn cases(kind: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/regressions").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && !p.ends_with("README.md"));
    files.sort();
    files
}

struct NoImports;

impl FileReader for NoImports {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "imports are refused",
        ))
    }
}

fn check_text(name: &str, text: &str) -> Compilation {
    let mut db = SourceDb::new();
    let root = db.add(name, text.to_string());
    compile(db, root, &mut NoImports)
}

fn checked(text: &str) -> CheckedProgram {
    match check_text("policy.charter", text).into_checked() {
        Ok((checked, _, _)) => checked,
        Err(c) => panic!("the policy has errors: {:#?}", c.diagnostics),
    }
}

fn seed_policies() -> Vec<(String, CheckedProgram)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("policies")).unwrap() {
        let path = entry.unwrap().path();
        let compilation = charter_check::compile_path(&path).unwrap();
        let (program, _, _) = compilation.into_checked().unwrap();
        out.push((path.display().to_string(), program));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A partner's total is the sum of its payouts, exactly.
fn assert_totals(result: &SimResult, what: &str) {
    let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
    for p in &result.payouts {
        *sums.entry(p.partner.as_str()).or_default() += p.amount;
    }
    for t in &result.totals {
        let sum = sums.get(t.partner.as_str()).copied().unwrap_or_default();
        assert_eq!(t.amount, sum, "{what}: total of `{}`", t.partner);
    }
}

#[test]
fn policy_regressions_neither_panic_nor_format_unstably() {
    for path in cases("policy") {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let compilation = check_text("case.charter", &text);
        // Every renderer, as `check`, `ir` and `simulate` print them.
        use charter_diagnostics::render::{render_human, render_json, render_sarif};
        let _ = render_human(
            &compilation.db,
            &compilation.diagnostics,
            Default::default(),
        );
        let _ = render_json(&compilation.db, &compilation.diagnostics);
        let _ = render_sarif(&compilation.db, &compilation.diagnostics, "test");
        let _ = compilation.into_checked();
        match charter_fmt::format(&text) {
            Ok(once) => {
                let twice = charter_fmt::format(&once).unwrap_or_else(|e| {
                    panic!(
                        "{}: the formatted text does not format: {e}",
                        path.display()
                    )
                });
                assert_eq!(once, twice, "{}: not idempotent", path.display());
            }
            Err(charter_fmt::FormatError::Syntax(_)) => {}
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
}

#[test]
fn scenario_regressions_neither_panic_nor_lose_money() {
    let policies = seed_policies();
    for path in cases("scenario") {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let loaded: Option<Scenario> = if name.ends_with(".ndjson") {
            parse_ndjson(
                SourceText {
                    name: &name,
                    text: &bytes,
                },
                None,
                None,
            )
            .ok()
        } else {
            parse_bytes(&bytes, &name).ok()
        };
        let Some(scenario) = loaded else { continue };
        for (policy, program) in &policies {
            let result = simulate(program, &scenario, &SimOptions::default());
            assert_totals(&result, &format!("{name} against {policy}"));
            let _ = charter_sim::report::to_table(&result);
        }
    }
}

#[test]
fn lsp_regressions_end_the_session_cleanly() {
    for path in cases("lsp") {
        let input = std::fs::read(&path).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The server may stop reading early (after `exit`): a broken pipe is fine.
        let _ = stdin.write_all(&input);
        drop(stdin);
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("{}: `charter lsp` did not end", path.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(
            !stderr.contains("panicked"),
            "{}: {status}\n{stderr}",
            path.display()
        );
    }
}

/// The semantics regressions (`tests/regressions/semantics/*.json`), run
/// through `charter test` as a user runs them: the engine must meet every
/// file's `expect`, except a file listed in `KNOWN_DISAGREEMENTS`
/// (`crates/charter-reference/tests/support/mod.rs`, read here as text: this
/// crate does not depend on the reference), which it must still miss.
/// `crates/charter-reference/tests/regressions.rs` runs the same files through
/// the reference and the engine's library.
#[test]
fn semantics_regressions_pass_charter_test() {
    let support =
        std::fs::read_to_string(root().join("crates/charter-reference/tests/support/mod.rs"))
            .unwrap();
    let known: Vec<&str> = support
        .split("regression: \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let files: Vec<PathBuf> = cases("semantics")
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert!(!files.is_empty());
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["test", "tests/regressions/semantics"])
        .current_dir(root())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut problems = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        let path = format!("tests/regressions/semantics/{name}");
        let passed = text.lines().any(|l| l == format!("ok   {path}"));
        let failed = text.lines().any(|l| l == format!("FAIL {path}"));
        match (known.contains(&name.as_ref()), passed, failed) {
            (false, true, false) | (true, false, true) => {}
            (false, _, _) => problems.push(format!("{name}: the engine misses its `expect`")),
            (true, _, _) => problems.push(format!(
                "{name}: listed in KNOWN_DISAGREEMENTS, and `charter test` does not fail it"
            )),
        }
    }
    let summary = format!(
        "{} passed, {} failed",
        files.len() - known.len(),
        known.len()
    );
    if text.lines().last() != Some(summary.as_str()) {
        problems.push(format!("the summary is not `{summary}`"));
    }
    let expected_code = if known.is_empty() { 0 } else { 1 };
    if out.status.code() != Some(expected_code) {
        problems.push(format!("exit {:?}, not {expected_code}", out.status.code()));
    }
    assert!(problems.is_empty(), "{}\n{text}", problems.join("\n"));
}

// ------------------------------------------------------------ limits

#[test]
fn a_100_mb_policy_is_one_limit_error() {
    let line = "// a comment that repeats until the file is 100 MB long\n";
    let text = line.repeat(100 * 1024 * 1024 / line.len() + 1);
    let parse = charter_syntax::parse(Default::default(), &text);
    assert_eq!(parse.diagnostics.len(), 1, "{:?}", parse.diagnostics);
    assert_eq!(parse.diagnostics[0].code, Code::Limit);
    assert!(parse.diagnostics[0]
        .message
        .contains("more than the 67108864 bytes"));
    // Nothing of the file is kept: no comments, no items.
    assert!(parse.ast.comments.is_empty() && parse.ast.items.is_empty());
    let compilation = check_text("big.charter", &text);
    assert!(compilation
        .diagnostics
        .iter()
        .any(|d| d.code == Code::Limit));
}

#[test]
fn huge_numbers_and_durations_are_located_limit_errors() {
    let text = "program \"P\" { currency EUR }\n\
                bonus b: 100000000000000001 EUR once when sales over trailing 12 months >= 1 EUR\n\
                commission c: 5% of payments, within 1201 months from first_invoice\n\
                commission d: 5% of payments {\n  payout within 36526 business days after payment\n}\n\
                require staff sales >= 99999999999\n";
    let compilation = check_text("limits.charter", text);
    let limits: Vec<(usize, &str)> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Limit)
        .map(|d| {
            let span = d.primary.span;
            (span.start as usize, &text[span.range()])
        })
        .collect();
    let spans: Vec<&str> = limits.iter().map(|(_, s)| *s).collect();
    assert_eq!(
        spans,
        [
            "100000000000000001 EUR",
            "1201 months",
            "36526 business days",
            "99999999999"
        ],
        "{:#?}",
        compilation.diagnostics
    );
    // The largest accepted values check clean.
    let text = "program \"P\" { currency EUR }\nattribute customer by partner_sale\n\
                bonus b: 100000000000000000 EUR once when sales over trailing 100 years >= 1 EUR\n\
                commission c: 5% of payments, within 1200 months from first_invoice {\n  payout within 36525 business days after payment\n}\n";
    let compilation = check_text("limits.charter", text);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
}

/// A policy whose every date computation runs into the end of the calendar.
const EDGE_POLICY: &str = "program \"P\" {\n  currency EUR\n  holidays 9999-12-30, 9999-12-31\n}\n\
    attribute customer by referral {\n  no vendor_contact within 100 years before referral\n  order within 100 years after referral\n}\n\
    attribute customer by partner_sale\n\
    commission a: 100% of payments, within 100 years from first_invoice {\n  payout within 36525 business days after full payment\n}\n\
    commission b: 50% of payments, within 1200 months from referral {\n  payout monthly statement, paid in week 5 of next month\n}\n\
    bonus big: 100000000000000000 EUR once per year when sales over trailing 100 years >= 1 EUR\n\
    contract {\n  term 100 years, renews after review\n  notice 36525 days in writing\n}\n";

#[test]
fn dates_at_the_ends_of_the_calendar_do_not_overflow() {
    let program = checked(EDGE_POLICY);
    let scenario = r#"{
      "as_of": "9999-12-31",
      "partners": [ { "id": "p", "joined": "0001-01-01" }, { "id": "q" } ],
      "events": [
        { "date": "0001-01-01", "type": "vendor_contact", "customer": "c" },
        { "date": "0001-01-01", "type": "referral", "partner": "p", "customer": "c" },
        { "date": "0001-01-02", "type": "order", "customer": "c" },
        { "date": "0001-01-03", "type": "invoice", "id": "old", "customer": "c", "amount": "100000000000000000" },
        { "date": "0001-01-04", "type": "payment", "invoice": "old", "amount": "100000000000000000" },
        { "date": "9999-12-29", "type": "order", "customer": "d", "partner": "q" },
        { "date": "9999-12-30", "type": "notice", "partner": "q" },
        { "date": "9999-12-31", "type": "invoice", "id": "last", "customer": "d", "amount": "100000000000000000" },
        { "date": "9999-12-31", "type": "payment", "invoice": "last", "amount": "100000000000000000" },
        { "date": "9999-12-31", "type": "refund", "invoice": "last", "amount": "1" }
      ]
    }"#;
    let scenario = charter_scenario::parse_str(scenario, "edge.json").unwrap();
    let result = simulate(&program, &scenario, &SimOptions::default());
    assert_totals(&result, "edge");
    assert!(!result.payouts.is_empty());
}

#[test]
fn sums_of_the_largest_amounts_do_not_overflow() {
    let program = checked(
        "program \"P\" { currency EUR }\nattribute customer by partner_sale\n\
         commission a: 100% of payments\n\
         bonus big: 100000000000000000 EUR once per year when sales over trailing 12 months >= 1 EUR\n",
    );
    let max = "100000000000000000";
    let mut events = vec![
        r#"{ "date": "2025-01-01", "type": "order", "customer": "c", "partner": "p" }"#.to_string(),
        format!(
            r#"{{ "date": "2025-01-02", "type": "invoice", "id": "i", "customer": "c", "amount": "{max}" }}"#
        ),
    ];
    for day in 3..=28 {
        events.push(format!(r#"{{ "date": "2025-01-{day:02}", "type": "payment", "invoice": "i", "amount": "{max}" }}"#));
        events.push(format!(r#"{{ "date": "2025-02-{day:02}", "type": "refund", "invoice": "i", "amount": "{max}" }}"#));
    }
    let text = format!(
        r#"{{ "partners": [ {{ "id": "p" }} ], "events": [ {} ] }}"#,
        events.join(", ")
    );
    let scenario = charter_scenario::parse_str(&text, "max.json").unwrap();
    let result = simulate(&program, &scenario, &SimOptions::default());
    assert_totals(&result, "max");
    // 26 payments at 100%, 26 refunds clawing them back, one bonus.
    assert_eq!(
        result.total_of("p"),
        Decimal::from(100_000_000_000_000_000_i64)
    );
}

#[test]
fn amounts_with_more_decimals_than_the_currency_are_one_warning() {
    let program = checked(
        "program \"P\" { currency USD }\nattribute customer by partner_sale\ncommission a: 10% of payments\n",
    );
    let text = r#"{ "partners": [ { "id": "p" } ], "events": [
        { "date": "2025-01-01", "type": "order", "customer": "c", "partner": "p" },
        { "date": "2025-01-02", "type": "invoice", "id": "i", "customer": "c", "amount": "100.005" },
        { "date": "2025-01-03", "type": "payment", "invoice": "i", "amount": "50.0025" },
        { "date": "2025-01-04", "type": "payment", "invoice": "i", "amount": "50.0025" },
        { "date": "2025-01-05", "type": "payment", "invoice": "i", "amount": "1.10000" }
    ] }"#;
    let scenario = charter_scenario::parse_str(text, "precise.json").unwrap();
    let result = simulate(&program, &scenario, &SimOptions::default());
    let precise: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::AmountTooPrecise)
        .collect();
    assert_eq!(precise.len(), 1, "{:#?}", result.findings);
    assert!(
        precise[0].message.contains("100.005") && precise[0].message.contains("2 more"),
        "{}",
        precise[0].message
    );
    // The amounts are used as written; each payout is rounded once.
    let amounts: Vec<String> = result
        .payouts
        .iter()
        .map(|p| p.amount.to_string())
        .collect();
    assert_eq!(amounts, ["5.00", "5.00", "0.11"]);
}
