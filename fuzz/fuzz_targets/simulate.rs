//! Arbitrary scenario bytes against the seed policies of `policies/`, each
//! checked once: the simulation and its reports never panic, and every
//! partner's total is the sum of its payouts.
//!
//! A JSON scenario runs against the policy its `"policy"` field names (else
//! one chosen by the input's length); NDJSON events run against Optimetriks.

#![no_main]

use charter_check::{compile, CheckedProgram, FileReader};
use charter_diagnostics::SourceDb;
use charter_scenario::{parse_bytes, parse_ndjson, Scenario, SourceText};
use charter_sim::{report, simulate, SimOptions};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

const POLICIES: [(&str, &str); 5] = [
    (
        "optimetriks",
        include_str!("../../policies/optimetriks.charter"),
    ),
    (
        "cimpactpro",
        include_str!("../../policies/cimpactpro.charter"),
    ),
    (
        "leadsender",
        include_str!("../../policies/leadsender.charter"),
    ),
    ("simpro", include_str!("../../policies/simpro.charter")),
    (
        "future-processing",
        include_str!("../../policies/future-processing.charter"),
    ),
];

struct NoImports;

impl FileReader for NoImports {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "imports are refused",
        ))
    }
}

fn programs() -> &'static Vec<CheckedProgram> {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    PROGRAMS.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(name, text)| {
                let mut db = SourceDb::new();
                let root = db.add(format!("{name}.charter"), text.to_string());
                match compile(db, root, &mut NoImports).into_checked() {
                    Ok((checked, _, _)) => checked,
                    Err(c) => panic!("seed policy {name} has errors: {:?}", c.diagnostics),
                }
            })
            .collect()
    })
}

fn run(program: &CheckedProgram, scenario: &Scenario) {
    let result = simulate(program, scenario, &SimOptions::default());
    let mut sums: BTreeMap<&str, charter_sim::Total> = BTreeMap::new();
    for p in &result.payouts {
        sums.entry(p.partner.as_str())
            .or_insert_with(|| charter_sim::Total {
                partner: p.partner.clone(),
                currency: p.currency.clone(),
                amount: Default::default(),
            })
            .amount += p.amount;
    }
    for t in &result.totals {
        let expected = sums
            .get(t.partner.as_str())
            .map(|s| s.amount)
            .unwrap_or_default();
        assert_eq!(
            t.amount, expected,
            "total of {} is not the sum of its payouts",
            t.partner
        );
    }
    let _ = report::to_json(&result);
    let _ = report::to_csv(&result);
    let _ = report::to_table(&result);
    if let Some(p) = result.payouts.first() {
        let _ = report::explain(&result, &p.id);
    }
}

fuzz_target!(|data: &[u8]| {
    let programs = programs();
    if let Ok(scenario) = parse_bytes(data, "fuzz.json") {
        let named = scenario
            .policy
            .as_deref()
            .and_then(|p| POLICIES.iter().position(|(name, _)| p.contains(name)));
        let index = named.unwrap_or(data.len() % POLICIES.len());
        run(&programs[index], &scenario);
    } else if let Ok(scenario) = parse_ndjson(
        SourceText {
            name: "events.ndjson",
            text: data,
        },
        None,
        None,
    ) {
        run(&programs[0], &scenario);
    }
});
