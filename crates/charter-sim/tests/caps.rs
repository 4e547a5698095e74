//! Caps per period (LANGUAGE.md §4): each cap of a commission reports the
//! period it refused in, even when two caps' periods start on one day.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, FsReader};
use charter_diagnostics::SourceDb;
use charter_sim::{simulate, FindingCode, SimOptions};

const POLICY: &str = r#"program "P" { currency USD }
attribute customer by referral
commission trial_bounty: 20 USD per trial {
  at most 2 per month
  at most 2 per year
}
"#;

#[test]
fn a_month_cap_and_a_year_cap_each_say_when_they_refused() {
    let mut db = SourceDb::new();
    let file = db.add("caps.charter", POLICY);
    let program = match compile(db, file, &mut FsReader).into_checked() {
        Ok((p, _, _)) => p,
        Err(c) => panic!("{:#?}", c.diagnostics),
    };
    // January: two trials paid, the third refused by the month's cap.
    // February: the year's cap (2 paid since 2026-01-01) refuses the fourth.
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
      { "date": "2026-01-02", "type": "referral", "partner": "p", "customer": "c1" },
      { "date": "2026-01-02", "type": "referral", "partner": "p", "customer": "c2" },
      { "date": "2026-01-02", "type": "referral", "partner": "p", "customer": "c3" },
      { "date": "2026-01-02", "type": "referral", "partner": "p", "customer": "c4" },
      { "date": "2026-01-05", "type": "trial", "customer": "c1" },
      { "date": "2026-01-06", "type": "trial", "customer": "c2" },
      { "date": "2026-01-07", "type": "trial", "customer": "c3" },
      { "date": "2026-02-03", "type": "trial", "customer": "c4" } ] }"#;
    let scenario = charter_scenario::parse_str(scenario, "caps.json").unwrap();
    let result = simulate(&program, &scenario, &SimOptions::default());
    let total: rust_decimal::Decimal = result.payouts.iter().map(|p| p.amount).sum();
    assert_eq!(total, rust_decimal::Decimal::new(4000, 2));
    let reached: Vec<&str> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::CapReached)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(reached.len(), 2, "{reached:#?}");
    assert!(reached[0].contains("`at most 2 per month` was reached in 2026-01"));
    assert!(reached[1].contains("`at most 2 per year` was reached in 2026"));
}
