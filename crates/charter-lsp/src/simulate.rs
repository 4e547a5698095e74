//! `charter.simulate`: runs a scenario file against an open policy with the
//! simulator (`charter-sim`) and answers a summary: payouts, totals per
//! partner, standings and findings. The policy must check without errors, and
//! the scenario must be a scenario file inside the workspace folders
//! ([`crate::files::scenario_in_workspace`]).

use crate::analysis::Analysis;
use crate::files::{scenario_in_workspace, Reads};
use charter_check::CheckedProgram;
use charter_fs::ReadLimit;
use charter_scenario::SourceText;
use charter_sim::{SimOptions, SimResult};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Whether the server can run simulations (advertises `charter.simulate`).
pub const AVAILABLE: bool = true;

/// The longest error message answered, in characters: a message may quote
/// the scenario, which must never come back whole.
const MAX_MESSAGE: usize = 400;

/// What the client asked to simulate.
#[derive(Clone, Debug)]
pub struct Request {
    /// The scenario path as the client wrote it.
    pub scenario: String,
    /// The policy's folder, for a relative scenario path.
    pub base: Option<PathBuf>,
    /// The folders scenarios may come from.
    pub folders: Vec<PathBuf>,
}

/// Simulates the requested scenario against the policy of `a`.
///
/// Reads files: call it off the request loop ([`crate::worker`]).
pub fn run(a: &Analysis, request: &Request, reads: &Reads) -> Result<Value, String> {
    if a.compilation.has_errors() {
        return Err("the policy has errors: fix them before simulating".to_string());
    }
    let checked = CheckedProgram::recheck(a.compilation.program.clone())
        .map_err(|_| "the policy has errors: fix them before simulating".to_string())?;
    let requested = &request.scenario;
    let path = scenario_in_workspace(requested, request.base.as_deref(), &request.folders)?;
    let bytes = reads
        .read_bytes(&path, ReadLimit::SCENARIO)
        .map_err(|e| format!("cannot read `{requested}`: {e}"))?;
    let name = path.display().to_string();
    let text = SourceText {
        name: &name,
        text: &bytes,
    };
    let loaded = match path.extension().and_then(|e| e.to_str()) {
        Some("ndjson" | "jsonl") => charter_scenario::parse_ndjson(text, None, None),
        _ => charter_scenario::parse_bytes(&bytes, &name),
    }
    .map_err(|e| cut(&e.to_string()))?;
    let options = SimOptions {
        sources: Some(&a.compilation.db),
        ..SimOptions::default()
    };
    let result = charter_sim::simulate(&checked, &loaded, &options);
    Ok(summary(&path, &result))
}

fn cut(message: &str) -> String {
    match message.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}

/// One line for the user: how many payouts, the totals, how many findings.
pub fn headline(summary: &Value) -> String {
    let name = Path::new(summary["scenario"].as_str().unwrap_or_default())
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let totals: Vec<String> = summary["totals"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            format!(
                "{} {} {}",
                t["partner"].as_str().unwrap_or_default(),
                t["amount"].as_str().unwrap_or_default(),
                t["currency"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let findings = summary["findings"].as_array().map_or(0, Vec::len);
    format!(
        "{name}: {} payouts; totals: {}; {findings} findings",
        summary["payouts"],
        if totals.is_empty() {
            "none".to_string()
        } else {
            totals.join(", ")
        }
    )
}

/// What the client shows: the totals, standings and findings, and how many payouts.
pub fn summary(scenario: &Path, result: &SimResult) -> Value {
    json!({
        "scenario": scenario.display().to_string(),
        "as_of": result.as_of.to_string(),
        "payouts": result.payouts.len(),
        "totals": result.totals,
        "standings": result.standings,
        "findings": result.findings,
    })
}
