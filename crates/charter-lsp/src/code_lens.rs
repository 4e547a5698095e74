//! The "simulate" code lens: one per scenario (`*.json`) next to the policy.
//! Scenarios whose name starts with the policy's (`simpro.json`,
//! `simpro-q1.json` for `simpro.charter`) are preferred; when there are none,
//! every scenario in the folder is offered.
//!
//! Lists the policy's folder: the server calls it off the request loop.

use crate::analysis::Analysis;
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
    let scenarios = scenarios_next_to(path);
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

/// The scenario files next to a policy, sorted.
pub fn scenarios_next_to(policy: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(stem)) = (policy.parent(), policy.file_stem()) else {
        return Vec::new();
    };
    let stem = stem.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut all: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    all.sort();
    let own: Vec<PathBuf> = all
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(stem.as_ref()))
        })
        .cloned()
        .collect();
    if own.is_empty() {
        all
    } else {
        own
    }
}
