//! `charter simulate --format json` gives the same output for the same
//! events whether they come as a JSON scenario document, NDJSON, CSV or
//! Parquet (with the partners, and the customer records if any, in the same
//! format: `--partners`, `--customers`): every scenario of
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
/// [--customers CUSTOMERS] [--as-of DATE] --format json`, its output with
/// every finding's `event` location blanked.
fn simulate(
    policy: &Path,
    events: &Path,
    (partners, customers): (Option<&Path>, Option<&Path>),
    as_of: Option<&str>,
) -> String {
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
    if let Some(customers) = customers {
        command.arg("--customers").arg(customers);
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

/// Simulates `events`, `partners` and `customers` (when there are any)
/// written as NDJSON, CSV and Parquet and checks each output against
/// `expected`.
#[expect(
    clippy::too_many_arguments,
    reason = "a test helper; each is one part of a scenario"
)]
fn assert_same_output(
    dir: &Path,
    policy: &Path,
    events: &[Object],
    partners: &[Object],
    customers: &[Object],
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
    // Without records, no customers file is given at all.
    let customer_files: [Option<PathBuf>; 3] = if customers.is_empty() {
        [None, None, None]
    } else {
        [
            Some(write("customers.ndjson", ndjson(customers))),
            Some(write("customers.csv", tables::partners_csv(customers))),
            Some(write(
                "customers.parquet",
                tables::partners_parquet(customers, ParquetStyle::default()),
            )),
        ]
    };
    for ((format, events, partners), file) in files.into_iter().zip(customer_files) {
        let customers = file.as_deref();
        let actual = simulate(policy, &events, (Some(&partners), customers), as_of);
        assert!(
            actual == expected,
            "{what}: {format} differs from JSON\n--- JSON\n{expected}\n--- {format}\n{actual}"
        );
    }
}

#[test]
fn every_project_scenario_simulates_the_same_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // Every folder under tests/scenarios, nested ones too (patterns/*/).
    let mut scenarios: Vec<PathBuf> = walkdir::WalkDir::new(root().join("tests/scenarios"))
        .min_depth(2)
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .filter(|file| file.extension().is_some_and(|e| e == "json"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 20, "{scenarios:?}");
    let mut compared = 0;
    let mut with_customers = 0;
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
        let expected = simulate(&policy, &path, (None, None), as_of);
        let what = path.display().to_string();
        let customers: Vec<Object> = doc
            .get("customers")
            .map(|c| tables::objects_of_array(&c.to_string()))
            .unwrap_or_default();
        with_customers += usize::from(!customers.is_empty());
        assert_same_output(
            dir.path(),
            &policy,
            &events,
            &partners,
            &customers,
            as_of,
            &expected,
            &what,
        );
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} scenarios compared");
    // Customer records (regions) are compared too, from a customers file.
    assert!(with_customers >= 1, "no scenario with customer records");
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
    let expected = simulate(&policy, &events_path, (Some(&partners_path), None), None);
    assert!(expected.contains("\"payouts\""), "{expected}");
    assert_same_output(
        dir.path(),
        &policy,
        &events,
        &partners,
        &[],
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

#[test]
fn a_bad_customers_file_exits_2_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = root();
    let scenario = root.join("tests/scenarios/cimpactpro/13-exclusive-region-customers.json");
    let policy = root.join("policies/cimpactpro.charter");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let cases = [
        (
            write("customers.csv", "id,country\nd1,DE\nd2,Austria\n"),
            "customers.csv:3:4: row 2, column `country`: expected a two-letter region code",
        ),
        (
            write("customers.tsv.csv", "id,land\nd1,DE\n"),
            "customers.tsv.csv:1:4: header, column `land`: unknown column \"land\"; a customers file has the columns `id` and `country`",
        ),
        (
            write(
                "customers.ndjson",
                "{\"id\": \"d1\", \"country\": \"DE\"}\n{\"id\": \"d1\", \"country\": \"AT\"}\n",
            ),
            "customers.ndjson:2:8: $.id: duplicate customer id \"d1\", first given at line 1",
        ),
        (
            write("customers.json", "[{\"id\": \"d1\"}]"),
            "customers.json:1:2: $[0]: missing field `country`",
        ),
        (
            write("customers.parquet", "PAR1 but not really"),
            "customers.parquet: not a readable Parquet file",
        ),
        (
            dir.path().join("missing.csv"),
            "missing.csv: cannot read the file",
        ),
    ];
    for (customers, message) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("simulate")
            .arg(&policy)
            .arg("--scenario")
            .arg(&scenario)
            .arg("--customers")
            .arg(&customers)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{message}\n{stderr}");
    }
}

#[test]
fn a_customers_file_places_customers_as_the_document_does() {
    // The document without its records pays outsider on d1 (no region
    // applies); with the records from a file, as with them inline, it does not.
    let dir = tempfile::tempdir().unwrap();
    let root = root();
    let path = root.join("tests/scenarios/cimpactpro/13-exclusive-region-customers.json");
    let policy = root.join("policies/cimpactpro.charter");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let records = doc.as_object_mut().unwrap().remove("customers").unwrap();
    let bare = dir.path().join("bare.json");
    std::fs::write(&bare, doc.to_string()).unwrap();
    let customers = dir.path().join("customers.json");
    std::fs::write(&customers, records.to_string()).unwrap();
    let inline = simulate(&policy, &path, (None, None), None);
    let without = simulate(&policy, &bare, (None, None), None);
    let with_file = simulate(&policy, &bare, (None, Some(&customers)), None);
    assert_ne!(inline, without);
    assert_eq!(inline, with_file);
}
