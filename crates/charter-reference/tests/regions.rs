//! Exclusive regions in simulation (LANGUAGE.md §4, "Regions"): the
//! hand-derived CimpactPro scenario
//! `tests/scenarios/cimpactpro/13-exclusive-region-customers.json` (its
//! `_comment` does the arithmetic) is met by the engine, and the reference
//! pays the same.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, FsReader};
use charter_diagnostics::SourceDb;
use std::path::Path;

#[test]
fn claims_inside_another_partners_exclusive_region_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let policy = std::fs::read_to_string(root.join("policies/cimpactpro.charter")).unwrap();
    let mut db = SourceDb::new();
    let file = db.add("cimpactpro.charter", policy);
    let (program, _, _) = compile(db, file, &mut FsReader)
        .into_checked()
        .unwrap_or_else(|c| panic!("{:#?}", c.diagnostics));
    let text = std::fs::read_to_string(
        root.join("tests/scenarios/cimpactpro/13-exclusive-region-customers.json"),
    )
    .unwrap();
    let scenario = charter_scenario::parse_str(&text, "exclusive_region.json").unwrap();
    let engine = charter_sim::simulate(&program, &scenario, &charter_sim::SimOptions::default());
    let expect = scenario.expect.as_ref().unwrap();
    let mismatches = charter_sim::expect::compare(expect, &engine);
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    let reference = charter_reference::simulate(&program, &scenario, None).unwrap();
    let of = |payouts: Vec<(String, Option<String>, rust_decimal::Decimal)>| payouts;
    assert_eq!(
        of(reference
            .payouts
            .iter()
            .map(|p| (p.partner.clone(), p.invoice.clone(), p.amount))
            .collect()),
        of(engine
            .payouts
            .iter()
            .map(|p| (p.partner.clone(), p.invoice.clone(), p.amount))
            .collect())
    );
    // Without the customer records no region applies: outsider's earlier
    // sale keeps d1 (claims first), and greenledger is paid on n1.
    let mut open: serde_json::Value = serde_json::from_str(&text).unwrap();
    open.as_object_mut().unwrap().remove("customers");
    let open = charter_scenario::parse_str(&open.to_string(), "open.json").unwrap();
    let open = charter_sim::simulate(&program, &open, &charter_sim::SimOptions::default());
    assert_eq!(
        open.total_of("outsider"),
        rust_decimal::Decimal::new(100_000, 2)
    );
    assert_eq!(
        open.total_of("greenledger"),
        rust_decimal::Decimal::new(100_000, 2)
    );
}
