//! `--assume met|unmet` (LANGUAGE.md §4, "Assumptions"): requirements no
//! scenario data measures (a text, `staff` without staff data, `set
//! individually` without a target) are met by default and listed in the
//! standing's `assumed`; under `unmet` they fail. Engine and reference agree.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, CheckedProgram, FsReader};
use charter_diagnostics::SourceDb;
use charter_sim::{Assume, SimOptions, SimResult};

const POLICY: &str = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c: 10% of payments
tiers Base < Select < Gold
tier Select {
  require "a branded website"
  require staff sales >= 1
}
tier Gold {
  require revenue per year set individually
}
"#;

const SCENARIO: &str = r#"{ "as_of": "2025-06-30",
  "partners": [
    {"id": "unknown"},
    {"id": "measured", "staff": {"sales": 1}, "revenue_target": "100.00"}
  ],
  "events": [
    {"date": "2025-03-03", "type": "order", "partner": "measured", "customer": "c"},
    {"date": "2025-03-03", "type": "invoice", "id": "i", "customer": "c", "amount": "500.00"}
  ] }"#;

fn program() -> CheckedProgram {
    let mut db = SourceDb::new();
    let root = db.add("test.charter", POLICY.to_string());
    match compile(db, root, &mut FsReader).into_checked() {
        Ok((p, _, _)) => p,
        Err(c) => panic!("policy has errors: {:#?}", c.diagnostics),
    }
}

fn engine(assume: Assume) -> SimResult {
    let scenario = charter_scenario::parse_str(SCENARIO, "scenario.json").unwrap();
    charter_sim::simulate(
        &program(),
        &scenario,
        &SimOptions {
            assume,
            ..SimOptions::default()
        },
    )
}

fn reference(unmet: bool) -> Vec<(String, Option<String>)> {
    let scenario = charter_scenario::parse_str(SCENARIO, "scenario.json").unwrap();
    charter_reference::simulate_assuming(&program(), &scenario, None, unmet)
        .unwrap()
        .standings
}

fn standing<'a>(r: &'a SimResult, partner: &str) -> (Option<&'a str>, &'a [String]) {
    let s = r.standings.iter().find(|s| s.partner == partner).unwrap();
    (s.tier.as_deref(), &s.assumed)
}

#[test]
fn by_default_unmeasured_requirements_are_met_and_listed() {
    let r = engine(Assume::Met);
    // No staff data, no target, the text unmeasured: Gold on assumptions alone.
    assert_eq!(
        standing(&r, "unknown"),
        (
            Some("Gold"),
            &[
                "Select: a branded website".to_string(),
                "Select: staff sales >= 1".to_string(),
                "Gold: revenue set individually".to_string()
            ][..]
        )
    );
    // Staff and target measured (500.00 invoiced >= 100.00): only the text is assumed.
    assert_eq!(
        standing(&r, "measured"),
        (Some("Gold"), &["Select: a branded website".to_string()][..])
    );
    assert!(charter_sim::report::to_table(&r).contains("Gold *"));
    assert_eq!(
        reference(false),
        vec![
            ("unknown".to_string(), Some("Gold".to_string())),
            ("measured".to_string(), Some("Gold".to_string()))
        ]
    );
}

#[test]
fn assume_unmet_fails_every_unmeasured_requirement() {
    let r = engine(Assume::Unmet);
    // The text fails for both, so neither passes Select; Base requires nothing.
    assert_eq!(standing(&r, "unknown"), (Some("Base"), &[][..]));
    assert_eq!(standing(&r, "measured"), (Some("Base"), &[][..]));
    assert!(!charter_sim::report::to_table(&r).contains(" *"));
    assert_eq!(
        reference(true),
        vec![
            ("unknown".to_string(), Some("Base".to_string())),
            ("measured".to_string(), Some("Base".to_string()))
        ]
    );
}
