//! The reference against the hand-derived scenarios of `tests/scenarios/`:
//! every total, standing and listed payout of each file's `expect` block
//! (findings are not modelled by the reference). A file the reference cannot
//! run, or whose expectations it does not meet, is listed with why; the test
//! fails on any file not in `DIFFERS`, each entry naming the reason.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use charter_check::CheckedProgram;

mod support;

/// Files whose expectations the reference does not meet, with the reason (a
/// LANGUAGE.md decision the hand derivation predates).
const DIFFERS: &[(&str, &str)] = &[];

fn checked(path: &Path) -> CheckedProgram {
    let compilation = charter_check::compile_path(path).unwrap();
    match compilation.into_checked() {
        Ok((checked, _, _)) => checked,
        Err(c) => panic!("{} has errors: {:?}", path.display(), c.diagnostics),
    }
}

fn scenario_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files = Vec::new();
    // Every folder below the root: `tests/scenarios/<program>/` and
    // `tests/scenarios/patterns/<shape>/` (LANGUAGE.md §7).
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.is_dir() {
                dirs.push(f);
            } else if f.extension().is_some_and(|e| e == "json") && dir != root {
                files.push(f);
            }
        }
    }
    files.sort();
    files
}

/// What the reference gets wrong about one file, if anything.
fn check(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let scenario = charter_scenario::parse_str(&text, &file.display().to_string()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let policy = value["policy"].as_str().unwrap();
    let program = checked(&file.parent().unwrap().join(policy));
    let outcome = match charter_reference::simulate(&program, &scenario, None) {
        Ok(o) => o,
        Err(e) => return vec![e.to_string()],
    };
    let Some(expect) = &scenario.expect else {
        return Vec::new();
    };
    support::unmet(&outcome, expect)
}

#[test]
fn the_reference_meets_the_hand_derived_expectations() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in scenario_files() {
        count += 1;
        let name = file
            .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios"))
            .unwrap()
            .display()
            .to_string();
        let problems = check(&file);
        let known = DIFFERS.iter().any(|(f, _)| *f == name);
        if problems.is_empty() && known {
            failures.push(format!(
                "{name}: listed in DIFFERS but now agrees; remove it"
            ));
        }
        if !problems.is_empty() && !known {
            failures.push(format!("{name}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(count > 20, "only {count} scenario files found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
