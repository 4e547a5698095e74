//! Every explanation line of every scenario under `tests/scenarios/`, and of
//! scenarios generated for each seed policy, against the snapshot in
//! `tests/explanations/`: explanations are written without the formatting
//! machinery for speed, and this holds their text to the letter.
//!
//! After an intended change of wording: `CHARTER_UPDATE_SNAPSHOTS=1 cargo
//! test -p charter-sim --test explanations`, then review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, FsReader};
use charter_diagnostics::SourceDb;
use charter_sim::{simulate, SimOptions};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn policy(path: &Path) -> charter_check::CheckedProgram {
    let text = std::fs::read_to_string(path).unwrap();
    let mut db = SourceDb::new();
    let file = db.add(path.to_string_lossy().as_ref(), text.as_str());
    match compile(db, file, &mut FsReader).into_checked() {
        Ok((p, _, _)) => p,
        Err(c) => panic!("{} has errors: {:#?}", path.display(), c.diagnostics),
    }
}

/// The explanation lines of each payout, one block per payout.
fn explained(
    program: &charter_check::CheckedProgram,
    scenario: &charter_scenario::Scenario,
) -> String {
    let result = simulate(program, scenario, &SimOptions::default());
    let mut out = String::new();
    for p in &result.payouts {
        let _ = writeln!(out, "{} {} {}", p.id, p.partner, p.amount);
        for line in &p.explain {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

fn check(name: &str, actual: &str) -> Option<String> {
    let file = root()
        .join("tests/explanations")
        .join(format!("{name}.txt"));
    if std::env::var_os("CHARTER_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, actual).unwrap();
        return None;
    }
    let Ok(expected) = std::fs::read_to_string(&file) else {
        return Some(format!(
            "{name}: no snapshot at {} (a new scenario? CHARTER_UPDATE_SNAPSHOTS=1 writes it; review it)",
            file.display()
        ));
    };
    (expected != actual).then(|| {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        format!(
            "{name}: line {}\n  expected: {:?}\n  actual:   {:?}",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        )
    })
}

#[test]
fn scenario_explanations_match_their_snapshots() {
    let dir = root().join("tests/scenarios");
    let mut files: Vec<PathBuf> = walk(&dir);
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        let scenario = match charter_scenario::load_path(&file) {
            Ok(s) => s,
            Err(_) => continue,
        };
        let Some(policy_path) = scenario.policy.clone() else {
            continue;
        };
        let program = policy(&file.parent().unwrap().join(policy_path));
        let rel = file.strip_prefix(&dir).unwrap().with_extension("");
        let name = format!("scenarios/{}", rel.to_string_lossy().replace('\\', "/"));
        count += 1;
        failures.extend(check(&name, &explained(&program, &scenario)));
    }
    assert!(count > 40, "only {count} scenarios found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generated_explanations_match_their_snapshots() {
    let mut failures = Vec::new();
    for seed in [
        "cimpactpro",
        "future-processing",
        "leadsender",
        "optimetriks",
        "simpro",
    ] {
        let program = policy(&root().join(format!("policies/{seed}.charter")));
        let currency = program.program().currency.clone();
        let generated = charter_scenario::generate(&charter_scenario::GenConfig {
            seed: 7,
            events: 1500,
            partners: 12,
            currency,
            tiers_and_modules: seed != "optimetriks",
            ..Default::default()
        });
        let scenario = charter_scenario::parse_ndjson(
            charter_scenario::SourceText {
                name: "events.ndjson",
                text: generated.events_ndjson.as_bytes(),
            },
            Some(charter_scenario::SourceText {
                name: "partners.json",
                text: generated.partners_json.as_bytes(),
            }),
            None,
        )
        .unwrap();
        failures.extend(check(
            &format!("generated/{seed}"),
            &explained(&program, &scenario),
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect()
}

/// The rarer lines: brackets of each mode and their top-ups, split claims
/// (with a share that does not terminate), invoices as the base, an
/// overpayment, partial payments, a capped uplift, a money cap per month
/// cutting a payment after a retroactive top-up.
#[test]
fn rare_explanations_match_their_snapshots() {
    let brackets = |mode: &str| {
        format!(
            r#"program "P" {{ currency EUR }}
attribute customer by partner_sale
commission c {{
  rate by sales over trailing 12 months, {mode} {{
    below 1000 EUR: 10%
    from 1000 EUR: 20%
  }}
  of payments
}}
"#
        )
    };
    let two_payments = r#"{ "partners": [{"id": "p"}], "events": [
    { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" },
    { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "2000.00" },
    { "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "800.00" },
    { "date": "2026-02-10", "type": "payment", "invoice": "i1", "amount": "900.00" },
    { "date": "2026-03-10", "type": "payment", "invoice": "i1", "amount": "700.00" } ] }"#;
    let split = r#"program "P" {
  currency EUR
  claims split { Referral 33.33%, Affiliate 66.67% }
}
track Referral {
  attribute customer by referral
  commission r: 7% of payments
}
track Affiliate {
  attribute customer by partner_sale
  commission a: 10% of invoices
}
"#;
    let split_events = r#"{ "partners": [{"id": "ref", "track": "Referral"}, {"id": "aff", "track": "Affiliate"}],
      "events": [
        { "date": "2026-01-01", "type": "referral", "partner": "ref", "customer": "c" },
        { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "aff" },
        { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "1000.01" },
        { "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "333.33" },
        { "date": "2026-01-11", "type": "payment", "invoice": "i1", "amount": "1000.00" } ] }"#;
    let capped = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c {
  rate 28%
  of payments
  bounds 20% to 30%
  uplift 5% when staff trained >= 1
}
payout within 10 business days after payment, hold 30 days
"#;
    let capped_events = r#"{ "partners": [{"id": "p", "staff": {"trained": 2}}], "events": [
    { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" },
    { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "99.99" },
    { "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "99.99" } ] }"#;
    let cases = [
        ("whole", brackets("whole amount"), two_payments),
        ("marginal", brackets("marginal"), two_payments),
        ("retroactive", brackets("retroactive"), two_payments),
        ("split", split.to_string(), split_events),
        ("capped", capped.to_string(), capped_events),
        // A money cap per month: February's top-up (80) comes first, then
        // the payment's 180 is cut to the 120 left of 200.
        (
            "retroactive-money-cap",
            brackets("retroactive").replace(
                "  of payments\n",
                "  of payments\n  at most 200 EUR per month\n",
            ),
            two_payments,
        ),
    ];
    let mut failures = Vec::new();
    for (name, policy_text, scenario) in cases {
        let mut db = SourceDb::new();
        let file = db.add("rare.charter", policy_text.as_str());
        let program = match compile(db, file, &mut FsReader).into_checked() {
            Ok((p, _, _)) => p,
            Err(c) => panic!("{name} has errors: {:#?}", c.diagnostics),
        };
        let scenario = charter_scenario::parse_str(scenario, "rare.json").unwrap();
        failures.extend(check(
            &format!("rare/{name}"),
            &explained(&program, &scenario),
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
