//! The "simulate" code lens: one per scenario (`*.json`) of the policy. A
//! policy's scenarios are, for `simpro.charter`:
//! - the files next to it whose name starts with the policy's (`simpro.json`,
//!   `simpro-q1.json`);
//! - the files of `tests/scenarios/simpro/` in the policy's folder or any
//!   folder above it (the project's layout: `policies/simpro.charter` and
//!   `tests/scenarios/simpro/`);
//! - the files in those folders and under the nearest `tests/scenarios/` whose
//!   `policy` field names the policy (as a path from the scenario's folder).
//!
//! When there are none, every scenario next to the policy is offered.
//! Lists folders and reads scenario files: the server calls it off the
//! request loop.

use crate::analysis::Analysis;
use charter_fs::{FileIdentity, ReadLimit};
use charter_syntax::ast::ItemKind;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{CodeLens, Command, Range};

/// The command a lens runs: arguments are the scenario path and the policy URI.
pub const SIMULATE: &str = "charter.simulate";

pub fn code_lenses(a: &Analysis) -> Vec<CodeLens> {
    let path = Path::new(a.path());
    if !path.is_absolute() {
        return Vec::new();
    }
    let scenarios = scenarios_of(path);
    if scenarios.is_empty() {
        return Vec::new();
    }
    // On the program block, or the first line.
    let range = a
        .ast()
        .and_then(|ast| {
            ast.items
                .iter()
                .find(|i| matches!(i.kind, ItemKind::Program(_)))
        })
        .and_then(|item| {
            let body = crate::syntax_index::after_docs(a.text(), item.span, &item.docs);
            let text = a.text().get(body.range()).unwrap_or("");
            let start = body.start as usize + (text.len() - text.trim_start().len());
            let p = a.position(a.root(), start)?;
            Some(Range::new(p, p))
        })
        .unwrap_or_default();
    scenarios
        .into_iter()
        .map(|scenario| {
            let name = scenario
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            CodeLens {
                range,
                command: Some(Command {
                    title: format!("▶ simulate {name}"),
                    command: SIMULATE.to_string(),
                    arguments: Some(vec![
                        serde_json::Value::String(scenario.display().to_string()),
                        serde_json::Value::String(a.uri.as_str().to_string()),
                    ]),
                }),
                data: None,
            }
        })
        .collect()
}

/// The scenarios of a policy (see the module's doc), sorted, each once.
pub fn scenarios_of(policy: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(stem)) = (policy.parent(), policy.file_stem()) else {
        return Vec::new();
    };
    let stem = stem.to_string_lossy();
    let next_to = json_files(dir);
    let mut found: Vec<PathBuf> = next_to
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(stem.as_ref()))
        })
        .cloned()
        .collect();
    let tests = dir
        .ancestors()
        .map(|a| a.join("tests").join("scenarios"))
        .find(|t| t.is_dir());
    if let Some(tests) = &tests {
        found.extend(json_files(&tests.join(stem.as_ref())));
    }
    if let Ok(identity) = FileIdentity::of(policy) {
        let mut candidates = next_to.clone();
        if let Some(tests) = &tests {
            candidates.extend(json_files(tests));
            for sub in subfolders(tests) {
                candidates.extend(json_files(&sub));
            }
        }
        found.extend(
            candidates
                .into_iter()
                .filter(|scenario| names_policy(scenario, identity)),
        );
    }
    found.sort();
    found.dedup();
    if found.is_empty() {
        next_to
    } else {
        found
    }
}

/// The largest scenario file read to look at its `policy` field.
const POLICY_FIELD_LIMIT: ReadLimit = ReadLimit(1024 * 1024);

/// Whether a scenario's `policy` field names the file `policy` is.
fn names_policy(scenario: &Path, policy: FileIdentity) -> bool {
    let Ok((text, _)) = charter_fs::read_text(scenario, POLICY_FIELD_LIMIT) else {
        return false;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    let Some(named) = value.get("policy").and_then(|p| p.as_str()) else {
        return false;
    };
    let folder = scenario.parent().unwrap_or(Path::new("."));
    FileIdentity::of(&folder.join(named)).is_ok_and(|named| named == policy)
}

/// The `*.json` files of a folder, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut all: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    all.sort();
    all
}

/// The folders of a folder (links to folders not followed), sorted.
fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut all: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    all.sort();
    all
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn names(found: &[PathBuf], root: &Path) -> Vec<String> {
        found
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn scenarios_of_a_policy_in_the_project_layout() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("policies")).unwrap();
        std::fs::create_dir_all(r.join("tests/scenarios/simpro")).unwrap();
        std::fs::create_dir_all(r.join("tests/scenarios/shared")).unwrap();
        std::fs::create_dir_all(r.join("tests/scenarios/other")).unwrap();
        let policy = r.join("policies/simpro.charter");
        std::fs::write(&policy, "").unwrap();
        std::fs::write(r.join("policies/other.charter"), "").unwrap();
        std::fs::write(r.join("tests/scenarios/simpro/01.json"), "{}").unwrap();
        std::fs::write(r.join("tests/scenarios/other/01.json"), "{}").unwrap();
        let naming = r#"{"policy": "../../../policies/simpro.charter", "events": []}"#;
        std::fs::write(r.join("tests/scenarios/shared/q1.json"), naming).unwrap();
        let other = r#"{"policy": "../../../policies/other.charter"}"#;
        std::fs::write(r.join("tests/scenarios/shared/q2.json"), other).unwrap();
        std::fs::write(r.join("tests/scenarios/shared/broken.json"), "{").unwrap();
        std::fs::write(r.join("policies/unrelated.json"), "{}").unwrap();
        assert_eq!(
            names(&scenarios_of(&policy), r),
            [
                "tests/scenarios/shared/q1.json",
                "tests/scenarios/simpro/01.json"
            ]
        );
    }

    #[test]
    fn without_scenarios_of_its_own_every_scenario_next_to_it() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        let policy = r.join("simpro.charter");
        std::fs::write(&policy, "").unwrap();
        std::fs::write(r.join("b.json"), "{}").unwrap();
        std::fs::write(r.join("a.json"), "{}").unwrap();
        assert_eq!(names(&scenarios_of(&policy), r), ["a.json", "b.json"]);
        std::fs::write(r.join("simpro-q1.json"), "{}").unwrap();
        assert_eq!(names(&scenarios_of(&policy), r), ["simpro-q1.json"]);
    }
}
