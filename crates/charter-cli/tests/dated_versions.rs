//! `charter diff` across dated versions of a policy on one history
//! (LANGUAGE.md "Effective dates", issue 11): the policy before its 2026
//! changes against the one with dated 2026 versions of Gold's requirement
//! and of the yearly bonus (`tests/scenarios/effective-dates/`), and one
//! policy against itself with its program version starting a year later
//! (before and after a date). The scenario's `_comment` derives each payout.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios/effective-dates")
}

/// `charter diff OLD NEW --scenario … --format json`, parsed.
fn diff(old: &Path, new: &Path) -> serde_json::Value {
    let scenario = folder().join("01-versions-on-their-dates.json");
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("--scenario")
        .arg(&scenario)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Each changed payout as (rule, invoice, before, after).
fn payouts(d: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    d["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                text(&p["rule"]),
                text(&p["invoice"]),
                text(&p["before"]),
                text(&p["after"]),
            )
        })
        .collect()
}

#[test]
fn two_versions_of_a_policy_compare_on_the_same_history() {
    let d = diff(
        &folder().join("before-2026.charter"),
        &folder().join("versions.charter"),
    );
    // Before: Gold all along (600.00); after, the 2026 versions apply from
    // 2026-02-10 on: Silver's 10% on i2 and the 300.00 bonus (700.00).
    assert_eq!(d["total_before"], "600.00");
    assert_eq!(d["total_after"], "700.00");
    let own = |rule: &str, invoice: &str, before: &str, after: &str| {
        (
            rule.to_owned(),
            invoice.to_owned(),
            before.to_owned(),
            after.to_owned(),
        )
    };
    assert_eq!(
        payouts(&d),
        [
            own("sale", "i2", "200.00", "100.00"),
            own("top_2025", "", "100.00", "0"),
            own("top_2026", "", "0", "300.00"),
        ]
    );
    // Nothing earned in 2025 changed: both versions were in force then.
    assert!(d["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["earned"].as_str().unwrap().starts_with("2026")));
}

#[test]
fn one_policy_compares_with_its_version_from_a_later_date() {
    let dir = tempfile::tempdir().unwrap();
    let policy = folder().join("versions.charter");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(text.contains("  in force from 2025-01-01\n"));
    let later = dir.path().join("from-june.charter");
    std::fs::write(
        &later,
        text.replace(
            "  in force from 2025-01-01\n",
            "  in force from 2025-06-01\n",
        ),
    )
    .unwrap();
    let d = diff(&policy, &later);
    // The version from 1 June 2025 pays nothing dated before: i1's 200.00 and
    // the 2025 bonus's 100.00 (both 2025-03-10) go; 2026 stays.
    assert_eq!(d["total_before"], "700.00");
    assert_eq!(d["total_after"], "400.00");
    let earned: Vec<&str> = d["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["earned"].as_str().unwrap())
        .collect();
    assert_eq!(earned, ["2025-03-10", "2025-03-10"]);
}
