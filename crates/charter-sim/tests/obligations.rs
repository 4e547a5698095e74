//! Obligations with deadlines (LANGUAGE.md §4, "Obligations"): each breach of
//! the Simpro scenario `tests/scenarios/simpro/13-obligation-deadlines.json`
//! is reported once, with the partner, the due date and the date met or
//! `open`; obligations met in time, or not binding the partner, are not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, FsReader};
use charter_diagnostics::SourceDb;
use charter_sim::{simulate, FindingCode, SimOptions};
use std::path::Path;

#[test]
fn each_late_or_open_obligation_is_one_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let policy = std::fs::read_to_string(root.join("policies/simpro.charter")).unwrap();
    let mut db = SourceDb::new();
    let file = db.add("simpro.charter", policy);
    let (program, _, _) = compile(db, file, &mut FsReader)
        .into_checked()
        .unwrap_or_else(|c| panic!("{:#?}", c.diagnostics));
    let text =
        std::fs::read_to_string(root.join("tests/scenarios/simpro/13-obligation-deadlines.json"))
            .unwrap();
    let scenario = charter_scenario::parse_str(&text, "13.json").unwrap();
    let result = simulate(&program, &scenario, &SimOptions::default());
    let breaches: Vec<(Option<&str>, &str)> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::ObligationBreached)
        .map(|f| (f.partner.as_deref(), f.message.as_str()))
        .collect();
    assert_eq!(
        breaches,
        vec![
            (
                Some("tech"),
                "`resolve_issues` (the partner, within 5 business days after `issue_report`) for partner `tech`: started 2025-04-01, due 2025-04-08, met 2025-04-10"
            ),
            (
                Some("tech"),
                "`update_integration` (the partner, within 30 days after `major_release`) for partner `tech`: started 2025-05-01, due 2025-05-31, met 2025-06-10"
            ),
            (
                Some("svc"),
                "`resolve_issues` (the partner, within 5 business days after `issue_report`) for partner `svc`: started 2025-06-02, due 2025-06-09, open"
            ),
        ]
    );
}
