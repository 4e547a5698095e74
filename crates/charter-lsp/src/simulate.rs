//! `charter.simulate`: runs a scenario file against an open policy with the
//! simulator (`charter-sim`) and answers a summary: payouts, totals per
//! partner, standings and findings. The policy must check without errors.

use crate::analysis::Analysis;
use charter_check::CheckedProgram;
use charter_sim::{SimOptions, SimResult};
use serde_json::{json, Value};
use std::path::Path;

/// Whether the server can run simulations (advertises `charter.simulate`).
pub const AVAILABLE: bool = true;

/// Simulates the scenario at `scenario` against the policy of `a`.
pub fn run(a: &Analysis, scenario: &Path) -> Result<Value, String> {
    if a.compilation.has_errors() {
        return Err("the policy has errors: fix them before simulating".to_string());
    }
    let checked = CheckedProgram::recheck(a.compilation.program.clone())
        .map_err(|_| "the policy has errors: fix them before simulating".to_string())?;
    let loaded = charter_scenario::load_path(scenario).map_err(|e| e.to_string())?;
    let options = SimOptions {
        sources: Some(&a.compilation.db),
        ..SimOptions::default()
    };
    let result = charter_sim::simulate(&checked, &loaded, &options);
    Ok(summary(scenario, &result))
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
