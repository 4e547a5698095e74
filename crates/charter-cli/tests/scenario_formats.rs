//! `charter simulate --format json` gives the same output for the same
//! events whether they come as a JSON scenario document, NDJSON, CSV or
//! Parquet (with the partners in the same format): every scenario of
//! `tests/scenarios` against its policy, and a generated one. Only the
//! `event` of a finding differs: it names the file and line (or row) the
//! event was written at.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../../charter-scenario/tests/support/tables.rs"]
mod tables;

use std::path::{Path, PathBuf};
use std::process::Command;

use tables::{Object, ParquetStyle};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `charter simulate POLICY --scenario EVENTS [--partners PARTNERS]
/// [--as-of DATE] --format json`, its output with every finding's `event`
/// location blanked.
fn simulate(policy: &Path, events: &Path, partners: Option<&Path>, as_of: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    command
        .arg("simulate")
        .arg(policy)
        .arg("--scenario")
        .arg(events)
        .args(["--format", "json"]);
    if let Some(partners) = partners {
        command.arg("--partners").arg(partners);
    }
    if let Some(as_of) = as_of {
        command.args(["--as-of", as_of]);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "{} failed: {}{stdout}",
        events.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    if let Some(findings) = json.get_mut("findings").and_then(|f| f.as_array_mut()) {
        for finding in findings {
            if let Some(event) = finding.get_mut("event") {
                *event = serde_json::Value::from("<where the event was written>");
            }
        }
    }
    serde_json::to_string_pretty(&json).unwrap()
}

fn ndjson(objects: &[Object]) -> Vec<u8> {
    objects
        .iter()
        .map(|o| serde_json::to_string(o).unwrap() + "\n")
        .collect::<String>()
        .into_bytes()
}

/// Simulates `events` and `partners` written as NDJSON, CSV and Parquet
/// and checks each output against `expected`.
fn assert_same_output(
    dir: &Path,
    policy: &Path,
    events: &[Object],
    partners: &[Object],
    as_of: Option<&str>,
    expected: &str,
    what: &str,
) {
    let write = |name: &str, bytes: Vec<u8>| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let files: Vec<(&str, PathBuf, PathBuf)> = vec![
        (
            "NDJSON",
            write("events.ndjson", ndjson(events)),
            write("partners.json", serde_json::to_vec(partners).unwrap()),
        ),
        (
            "CSV",
            write("events.csv", tables::events_csv(events)),
            write("partners.csv", tables::partners_csv(partners)),
        ),
        (
            "Parquet",
            write(
                "events.parquet",
                tables::events_parquet(events, ParquetStyle::default()),
            ),
            write(
                "partners.parquet",
                tables::partners_parquet(partners, ParquetStyle::default()),
            ),
        ),
    ];
    for (format, events, partners) in files {
        let actual = simulate(policy, &events, Some(&partners), as_of);
        assert!(
            actual == expected,
            "{what}: {format} differs from JSON\n--- JSON\n{expected}\n--- {format}\n{actual}"
        );
    }
}

#[test]
fn every_project_scenario_simulates_the_same_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut scenarios: Vec<PathBuf> = Vec::new();
    for program in std::fs::read_dir(root().join("tests/scenarios")).unwrap() {
        let program = program.unwrap().path();
        if program.is_dir() {
            for file in std::fs::read_dir(&program).unwrap() {
                let file = file.unwrap().path();
                if file.extension().is_some_and(|e| e == "json") {
                    scenarios.push(file);
                }
            }
        }
    }
    scenarios.sort();
    assert!(scenarios.len() >= 20, "{scenarios:?}");
    let mut compared = 0;
    for path in scenarios {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let Some(policy) = doc.get("policy").and_then(|p| p.as_str()) else {
            continue;
        };
        let policy = path.parent().unwrap().join(policy);
        let as_of = doc.get("as_of").and_then(|d| d.as_str());
        let (events, partners) = tables::objects_of_document(&text);
        if events.is_empty() || partners.is_empty() {
            continue;
        }
        let expected = simulate(&policy, &path, None, as_of);
        let what = path.display().to_string();
        assert_same_output(
            dir.path(),
            &policy,
            &events,
            &partners,
            as_of,
            &expected,
            &what,
        );
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} scenarios compared");
}

#[test]
fn a_generated_scenario_simulates_the_same_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let generated = charter_scenario::generate(&charter_scenario::GenConfig {
        seed: 3,
        events: 3_000,
        partners: 40,
        currency: "USD".to_owned(),
        tiers_and_modules: false,
        ..charter_scenario::GenConfig::default()
    });
    let policy = root().join("policies/optimetriks.charter");
    let events = tables::objects_of_ndjson(&generated.events_ndjson);
    let partners = tables::objects_of_array(&generated.partners_json);
    // The NDJSON the generator wrote, as `charter gen-scenario` writes it.
    let events_path = dir.path().join("generated.ndjson");
    let partners_path = dir.path().join("generated-partners.json");
    std::fs::write(&events_path, &generated.events_ndjson).unwrap();
    std::fs::write(&partners_path, &generated.partners_json).unwrap();
    let expected = simulate(&policy, &events_path, Some(&partners_path), None);
    assert!(expected.contains("\"payouts\""), "{expected}");
    assert_same_output(
        dir.path(),
        &policy,
        &events,
        &partners,
        None,
        &expected,
        "generated",
    );
}

#[test]
fn a_malformed_csv_or_parquet_file_exits_2_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let policy = root().join("policies/optimetriks.charter");
    let csv = dir.path().join("events.csv");
    std::fs::write(
        &csv,
        "date,type,partner,customer\n2025-03-05,referral,p1,c1\n2025-13-05,referral,p1,c2\n",
    )
    .unwrap();
    let parquet = dir.path().join("events.parquet");
    std::fs::write(&parquet, b"PAR1 but not really").unwrap();
    for (events, message) in [
        (
            &csv,
            "events.csv:3:1: row 2, column `date`: \"2025-13-05\" is not a valid date: there is no month 13",
        ),
        (&parquet, "events.parquet: not a readable Parquet file"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("simulate")
            .arg(&policy)
            .arg("--scenario")
            .arg(events)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    }
}
