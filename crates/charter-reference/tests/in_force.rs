//! Effective-dated rules (LANGUAGE.md §3 commission, `in force from D1 [to
//! D2]`): one simulation applies the version of a rule in force on each
//! payment's date. Engine and reference agree with the hand-derived amounts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, CheckedProgram, FsReader};
use charter_diagnostics::SourceDb;
use rust_decimal::Decimal;

fn program() -> CheckedProgram {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text =
        std::fs::read_to_string(root.join("tests/check/pass/effective_dated_commissions.charter"))
            .unwrap();
    let mut db = SourceDb::new();
    let file = db.add("effective.charter", text);
    match compile(db, file, &mut FsReader).into_checked() {
        Ok((p, _, _)) => p,
        Err(c) => panic!("policy has errors: {:#?}", c.diagnostics),
    }
}

#[test]
fn each_payment_earns_under_the_version_in_force_on_its_date() {
    // One customer, one invoice paid in three parts: 30 June (last day of
    // sale_h1: 20% of 100.00 = 20.00), 1 July (first of sale_h2: 25% of
    // 100.00 = 25.00), 31 December 2024 (before either: nothing).
    let scenario = charter_scenario::parse_str(
        r#"{ "as_of": "2025-12-31", "partners": [{"id": "p"}], "events": [
          {"date": "2024-12-01", "type": "order", "customer": "c", "partner": "p"},
          {"date": "2024-12-02", "type": "invoice", "id": "i", "customer": "c", "amount": "300.00"},
          {"date": "2024-12-31", "type": "payment", "invoice": "i", "amount": "100.00"},
          {"date": "2025-06-30", "type": "payment", "invoice": "i", "amount": "100.00"},
          {"date": "2025-07-01", "type": "payment", "invoice": "i", "amount": "100.00"}
        ] }"#,
        "scenario.json",
    )
    .unwrap();
    let program = program();
    let engine = charter_sim::simulate(&program, &scenario, &charter_sim::SimOptions::default());
    let paid: Vec<(String, String, Decimal)> = engine
        .payouts
        .iter()
        .map(|p| (p.rule.clone(), p.earned.to_string(), p.amount))
        .collect();
    assert_eq!(
        paid,
        vec![
            (
                "sale_h1".to_string(),
                "2025-06-30".to_string(),
                Decimal::new(2000, 2)
            ),
            (
                "sale_h2".to_string(),
                "2025-07-01".to_string(),
                Decimal::new(2500, 2)
            ),
        ]
    );
    let reference = charter_reference::simulate(&program, &scenario, None).unwrap();
    let paid: Vec<(String, String, Decimal)> = reference
        .payouts
        .iter()
        .map(|p| (p.rule.clone(), p.earned.to_string(), p.amount))
        .collect();
    assert_eq!(
        paid,
        vec![
            (
                "sale_h1".to_string(),
                "2025-06-30".to_string(),
                Decimal::new(2000, 2)
            ),
            (
                "sale_h2".to_string(),
                "2025-07-01".to_string(),
                Decimal::new(2500, 2)
            ),
        ]
    );
}
