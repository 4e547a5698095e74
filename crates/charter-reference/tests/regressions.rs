//! The semantics regressions (`tests/regressions/semantics/*.json`): the
//! reference must meet every file's `expect`; the engine must too, except
//! for the files of `KNOWN_DISAGREEMENTS` (support/mod.rs), which it must
//! still miss — so that a fixed engine is noticed and the entry removed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use charter_sim::SimOptions;
use support::{engine_outcome, unmet, KNOWN_DISAGREEMENTS};

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/regressions/semantics");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_semantics_regression_holds() {
    let mut failures = Vec::new();
    let files = files();
    assert!(!files.is_empty());
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let scenario = charter_scenario::parse_str(&text, &name).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let policy = file
            .parent()
            .unwrap()
            .join(value["policy"].as_str().unwrap());
        let program = match charter_check::compile_path(&policy).unwrap().into_checked() {
            Ok((p, _, _)) => p,
            Err(c) => panic!("{} has errors: {:?}", policy.display(), c.diagnostics),
        };
        let expect = scenario.expect.clone().unwrap();
        match charter_reference::simulate(&program, &scenario, None) {
            Err(e) => failures.push(format!("{name}: the reference: {e}")),
            Ok(reference) => {
                let problems = unmet(&reference, &expect);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{name}: the reference:\n    {}",
                        problems.join("\n    ")
                    ));
                }
            }
        }
        let engine = engine_outcome(&charter_sim::simulate(
            &program,
            &scenario,
            &SimOptions::default(),
        ));
        let problems = unmet(&engine, &expect);
        let known = KNOWN_DISAGREEMENTS.iter().find(|k| k.regression == name);
        match (known, problems.is_empty()) {
            (None, false) => failures.push(format!(
                "{name}: the engine:\n    {}",
                problems.join("\n    ")
            )),
            (Some(k), true) => failures.push(format!(
                "{name}: the engine now meets it; remove `{}` from KNOWN_DISAGREEMENTS",
                k.class
            )),
            (Some(k), false) => println!("known disagreement ({}): {name}", k.class),
            (None, true) => {}
        }
    }
    for k in KNOWN_DISAGREEMENTS {
        if !files.iter().any(|f| f.ends_with(k.regression)) {
            failures.push(format!(
                "KNOWN_DISAGREEMENTS names a missing file {}",
                k.regression
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
