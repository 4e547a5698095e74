//! A customers file (`charter simulate --customers`) places customers as a
//! scenario document's `customers` array does, in every format: a JSON
//! array, NDJSON, CSV and Parquet (ids as text or integers); a bad record
//! is a located error.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/tables.rs"]
mod tables;

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array};
use charter_scenario::{parse_customers, parse_str, Scenario, SourceFormat, SourceText};
use tables::{strings, write_parquet, ParquetStyle};

const EVENTS: &str = r#"[
  {"date": "2025-03-03", "type": "order", "customer": "7", "partner": "p"},
  {"date": "2025-03-03", "type": "order", "customer": "d2", "partner": "p"},
  {"date": "2025-03-03", "type": "order", "customer": "f1", "partner": "p"}
]"#;

fn document(customers: &str) -> Scenario {
    let text = format!(r#"{{"partners": [{{"id": "p"}}], {customers} "events": {EVENTS}}}"#);
    parse_str(&text, "scenario.json").unwrap()
}

/// Each customer's country, by name, in the order events name them.
fn countries(scenario: &Scenario) -> Vec<(String, Option<String>)> {
    ["7", "d2", "f1"]
        .into_iter()
        .map(|name| {
            let id = scenario.names.find_customer(name).unwrap();
            let country = scenario.customer_country(id).map(|r| r.as_str().to_owned());
            (name.to_owned(), country)
        })
        .collect()
}

fn with_file(text: &[u8], name: &str, format: SourceFormat) -> Result<Scenario, String> {
    let mut scenario = document("");
    let file = SourceText { name, text };
    parse_customers(&mut scenario, file, format).map_err(|e| e.to_string())?;
    Ok(scenario)
}

#[test]
fn every_format_places_customers_as_the_document_does() {
    let inline = document(
        r#""customers": [{"id": "7", "country": "DE"}, {"id": "d2", "country": "AT"},
                         {"id": "nobody", "country": "FR"}],"#,
    );
    let expected = countries(&inline);
    assert_eq!(
        expected,
        [
            ("7".to_owned(), Some("DE".to_owned())),
            ("d2".to_owned(), Some("AT".to_owned())),
            ("f1".to_owned(), None),
        ]
    );
    let array = br#"[{"id": "7", "country": "DE"}, {"id": "d2", "country": "AT"},
                     {"id": "nobody", "country": "FR"}]"#;
    let ndjson = b"{\"id\": \"7\", \"country\": \"DE\"}\n\n{\"id\": \"d2\", \"country\": \"AT\"}\n{\"id\": \"nobody\", \"country\": \"FR\"}\n";
    let csv = b"\xEF\xBB\xBFcountry,id\nDE,7\nAT,d2\nFR,nobody\n";
    // Warehouse ids are often integers: an integer column names customers too.
    let parquet_ints = write_parquet(
        vec![
            (
                "id".to_owned(),
                Arc::new(Int64Array::from(vec![7])) as ArrayRef,
            ),
            ("country".to_owned(), strings(&[Some("DE")])),
        ],
        ParquetStyle::default(),
    );
    let parquet = write_parquet(
        vec![
            ("id".to_owned(), strings(&[Some("7"), Some("d2")])),
            ("country".to_owned(), strings(&[Some("DE"), Some("AT")])),
        ],
        ParquetStyle::default(),
    );
    for (text, name, format) in [
        (&array[..], "customers.json", SourceFormat::Json),
        (&ndjson[..], "customers.ndjson", SourceFormat::Ndjson),
        (&csv[..], "customers.csv", SourceFormat::Csv),
        (&parquet[..], "customers.parquet", SourceFormat::Parquet),
    ] {
        let scenario = with_file(text, name, format).unwrap();
        assert_eq!(countries(&scenario), expected, "{name}");
    }
    let scenario = with_file(&parquet_ints, "ints.parquet", SourceFormat::Parquet).unwrap();
    assert_eq!(countries(&scenario)[0].1.as_deref(), Some("DE"));
}

#[test]
fn bad_records_are_located_errors() {
    let no_country = write_parquet(
        vec![("id".to_owned(), strings(&[Some("7")]))],
        ParquetStyle::default(),
    );
    let empty_country = write_parquet(
        vec![
            ("id".to_owned(), strings(&[Some("7"), Some("d2")])),
            ("country".to_owned(), strings(&[Some("DE"), None])),
        ],
        ParquetStyle::default(),
    );
    let cases: [(&[u8], &str, SourceFormat, &str); 9] = [
        (
            b"",
            "c.json",
            SourceFormat::Json,
            "c.json:1:1: the file is empty; expected a JSON array of customer records",
        ),
        (
            b"[{\"id\": \"7\", \"country\": \"de\"}]",
            "c.json",
            SourceFormat::Json,
            "c.json:1:25: $[0].country:",
        ),
        (
            b"[{\"id\": \"7\", \"country\": \"DE\", \"city\": \"Bonn\"}]",
            "c.json",
            SourceFormat::Json,
            "c.json:1:31: $[0].city: unknown field `city`",
        ),
        (
            b"{\"id\": \"7\", \"country\": \"DE\"}\n{\"id\": \"7\", \"country\": \"AT\"}\n",
            "c.ndjson",
            SourceFormat::Ndjson,
            "c.ndjson:2:8: $.id: duplicate customer id \"7\", first given at line 1",
        ),
        (
            b"id\n7\n",
            "c.csv",
            SourceFormat::Csv,
            "c.csv:1:1: header: no `country` column: every customer record needs a `country`",
        ),
        (
            b"id,country\n7,DE\n7,AT\n",
            "c.csv",
            SourceFormat::Csv,
            "c.csv:3:1: row 2, column `id`: duplicate customer id \"7\", first given at line 2",
        ),
        (
            b"id,country\n,DE\n",
            "c.csv",
            SourceFormat::Csv,
            "c.csv:2:1: row 1, column `id`: missing field `id`, required in a customer record",
        ),
        (
            &no_country,
            "c.parquet",
            SourceFormat::Parquet,
            "c.parquet: no `country` column",
        ),
        (
            &empty_country,
            "c.parquet",
            SourceFormat::Parquet,
            "c.parquet: row 2, column `country`: missing field `country`",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, name, format, message) in cases {
        let error = with_file(text, name, format).err().unwrap_or_default();
        if !error.starts_with(message) {
            wrong.push(format!("expected {message}\n   found {error}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
