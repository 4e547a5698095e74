//! The same events in every format load into the same `Scenario`: a JSON
//! document, NDJSON, CSV and Parquet (written here with the `csv` and
//! `parquet` writers), for the hand-written scenarios of `tests/data/good`
//! and for generated ones, on one thread and in parallel chunks. Only where
//! an event or partner was written (its line, or row in Parquet) and the
//! file names differ.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/tables.rs"]
mod tables;

use std::path::Path;

use charter_scenario::{
    generate, parse_bytes, parse_files, GenConfig, Scenario, Source, SourceFormat, SourceText,
};
use tables::{Object, ParquetStyle};

/// Everything loaded but where it was written.
fn normalized(mut s: Scenario) -> String {
    for event in &mut s.events {
        event.line = 0;
    }
    for partner in &mut s.partners {
        partner.line = 0;
    }
    s.source = Source {
        format: SourceFormat::Json,
        events_file: String::new(),
        partners_file: None,
    };
    s.expect = None;
    s.policy = None;
    s.as_of = None;
    format!("{s:#?}")
}

/// Loads events and partners given as bytes in their formats.
fn load(
    events: &[u8],
    events_format: SourceFormat,
    partners: Option<(&[u8], SourceFormat)>,
) -> Scenario {
    let result = parse_files(
        SourceText {
            name: "events",
            text: events,
        },
        events_format,
        partners.map(|(text, format)| {
            (
                SourceText {
                    name: "partners",
                    text,
                },
                format,
            )
        }),
        None,
    );
    match result {
        Ok(scenario) => scenario,
        Err(e) => panic!("{events_format:?} did not load: {e}"),
    }
}

fn ndjson(objects: &[Object]) -> Vec<u8> {
    let mut out = String::new();
    for object in objects {
        out.push_str(&serde_json::to_string(object).unwrap());
        out.push('\n');
    }
    out.into_bytes()
}

fn json_array(objects: &[Object]) -> Vec<u8> {
    serde_json::to_vec(objects).unwrap()
}

/// A file's bytes and format.
type File = (Vec<u8>, SourceFormat);

/// Loads `events` and `partners` written in every format and checks they
/// all give `expected`.
fn assert_same_in_every_format(events: &[Object], partners: &[Object], expected: &str, what: &str) {
    let with_partners = !partners.is_empty();
    let partner_file =
        |bytes: &dyn Fn() -> Vec<u8>, format| with_partners.then(|| (bytes(), format));
    let cases: Vec<(&str, Vec<u8>, SourceFormat, Option<File>)> = vec![
        (
            "NDJSON",
            ndjson(events),
            SourceFormat::Ndjson,
            partner_file(&|| json_array(partners), SourceFormat::Json),
        ),
        (
            "CSV",
            tables::events_csv(events),
            SourceFormat::Csv,
            partner_file(&|| tables::partners_csv(partners), SourceFormat::Csv),
        ),
        (
            "CSV, every cell quoted",
            tables::events_csv_quoted(events, csv::QuoteStyle::Always),
            SourceFormat::Csv,
            partner_file(&|| tables::partners_csv(partners), SourceFormat::Csv),
        ),
        (
            "Parquet",
            tables::events_parquet(events, ParquetStyle::default()),
            SourceFormat::Parquet,
            partner_file(
                &|| tables::partners_parquet(partners, ParquetStyle::default()),
                SourceFormat::Parquet,
            ),
        ),
        (
            "Parquet (zstd, small row groups)",
            tables::events_parquet(
                events,
                ParquetStyle {
                    row_group: 1000,
                    compression: tables::zstd(),
                },
            ),
            SourceFormat::Parquet,
            partner_file(&|| ndjson(partners), SourceFormat::Ndjson),
        ),
        (
            "CSV events, Parquet partners",
            tables::events_csv(events),
            SourceFormat::Csv,
            partner_file(
                &|| tables::partners_parquet(partners, ParquetStyle::default()),
                SourceFormat::Parquet,
            ),
        ),
    ];
    for (name, events, format, partners) in cases {
        let loaded = load(
            &events,
            format,
            partners.as_ref().map(|(bytes, f)| (bytes.as_slice(), *f)),
        );
        assert_eq!(loaded.source.format, format);
        let actual = normalized(loaded);
        assert!(
            actual == expected,
            "{what}: {name} differs from JSON\n--- JSON\n{expected}\n--- {name}\n{actual}"
        );
    }
}

#[test]
fn hand_written_scenarios_load_the_same_in_every_format() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/good");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let document = parse_bytes(text.as_bytes(), "scenario.json").unwrap();
        let (events, partners) = tables::objects_of_document(&text);
        if events.is_empty() {
            continue;
        }
        let expected = normalized(document);
        assert_same_in_every_format(&events, &partners, &expected, &path.display().to_string());
    }
}

#[test]
fn generated_scenarios_load_the_same_in_every_format() {
    // Large enough for every format to be read in parallel chunks.
    for (seed, events) in [(1, 300), (7, 40_000)] {
        let generated = generate(&GenConfig {
            seed,
            events,
            partners: 50,
            ..GenConfig::default()
        });
        let expected = normalized(load(
            generated.events_ndjson.as_bytes(),
            SourceFormat::Ndjson,
            Some((generated.partners_json.as_bytes(), SourceFormat::Json)),
        ));
        let events = tables::objects_of_ndjson(&generated.events_ndjson);
        let partners = tables::objects_of_array(&generated.partners_json);
        assert_same_in_every_format(&events, &partners, &expected, &format!("{events:?} events"));
    }
}

#[test]
fn event_locations_name_lines_and_rows() {
    let objects = tables::objects_of_ndjson(
        "{\"date\":\"2025-01-01\",\"type\":\"notice\",\"partner\":\"p\"}\n\
         {\"date\":\"2025-01-02\",\"type\":\"notice\",\"partner\":\"p\"}\n",
    );
    let csv = load(&tables::events_csv(&objects), SourceFormat::Csv, None);
    let second = &csv.events[1];
    assert_eq!(second.line, 3);
    assert_eq!(csv.event_location(second), "events:3 (row 2)");
    let parquet = load(
        &tables::events_parquet(&objects, ParquetStyle::default()),
        SourceFormat::Parquet,
        None,
    );
    assert_eq!(parquet.events[1].line, 2);
    assert_eq!(parquet.event_location(&parquet.events[1]), "events (row 2)");
}

/// Quoted cells may hold commas, quotes and line breaks, and a stray quote
/// inside an unquoted cell is taken as written: the parallel reader's cuts
/// never split a row (it falls back to one thread when its quote count is
/// fooled), and lines count every line break.
#[test]
fn quoted_cells_and_stray_quotes_read_as_one_thread_would() {
    let mut ndjson = String::new();
    let mut csv = String::from("date,type,partner,customer\n");
    // A stray quote first: every later line break is counted wrongly.
    ndjson.push_str(r#"{"date":"2025-01-01","type":"referral","partner":"p","customer":"a\"b"}"#);
    ndjson.push('\n');
    csv.push_str("2025-01-01,referral,p,a\"b\n");
    for i in 0..40_000 {
        let customer = format!("c{i}, \"the\"\nsecond line");
        ndjson.push_str(&format!(
            "{{\"date\":\"2025-01-02\",\"type\":\"referral\",\"partner\":\"p{}\",\"customer\":{}}}\n",
            i % 7,
            serde_json::to_string(&customer).unwrap()
        ));
        csv.push_str(&format!(
            "2025-01-02,referral,p{},\"{}\"\r\n",
            i % 7,
            customer.replace('"', "\"\"")
        ));
    }
    assert!(csv.len() > 2 << 20, "large enough to be cut");
    let expected = normalized(load(ndjson.as_bytes(), SourceFormat::Ndjson, None));
    let loaded = load(csv.as_bytes(), SourceFormat::Csv, None);
    let last = loaded.events.last().unwrap();
    assert_eq!(last.line, 2 + 1 + 2 * 39_999);
    assert_eq!(normalized(loaded), expected);
}

/// A byte order mark, CRLF line ends, blank lines, header names with spaces
/// around them and any column order are all fine.
#[test]
fn csv_layout_details() {
    let csv = "\u{feff} type , amount,date,id,customer\r\n\
               \r\n\
               invoice,100.00,2025-01-01,I1,c1\r\n\
               \r\n\
               invoice,\"2,00\",2025-01-02,I2,c1\r\n";
    let result = parse_files(
        SourceText {
            name: "e.csv",
            text: csv.as_bytes(),
        },
        SourceFormat::Csv,
        None,
        None,
    );
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        "e.csv:5:9: row 2, column `amount`: expected a decimal amount like \"100.00\", found \"2,00\""
    );
    let fixed = csv.replace("\"2,00\"", "2.00");
    let scenario = load(fixed.as_bytes(), SourceFormat::Csv, None);
    assert_eq!(scenario.events.len(), 2);
    assert_eq!(scenario.events[0].line, 3);
    assert_eq!(scenario.events[1].line, 5);
    assert_eq!(scenario.names.invoice_count(), 2);
}

/// Warehouse exports type columns their own way: integer ids, `NUMBER(38,
/// 0)` counts and ids as decimals, amounts at four places, text flags.
#[test]
fn warehouse_column_types_load_like_json() {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Date32Array, Decimal128Array, Int64Array};

    let decimals = |values: &[Option<i128>], scale: i8| -> ArrayRef {
        Arc::new(
            values
                .iter()
                .copied()
                .collect::<Decimal128Array>()
                .with_precision_and_scale(38, scale)
                .unwrap(),
        )
    };
    // 2025-03-05 and 2025-03-06.
    let dates: ArrayRef = Arc::new(Date32Array::from(vec![20152, 20153]));
    let parquet = tables::write_parquet(
        vec![
            ("date".to_owned(), dates),
            (
                "type".to_owned(),
                tables::strings(&[Some("invoice"), Some("staff")]),
            ),
            ("id".to_owned(), decimals(&[Some(7), None], 0)),
            (
                "customer".to_owned(),
                Arc::new(Int64Array::from(vec![Some(42), None])),
            ),
            ("amount".to_owned(), decimals(&[Some(1_000_000), None], 4)),
            ("renewal".to_owned(), tables::strings(&[Some("TRUE"), None])),
            ("partner".to_owned(), tables::strings(&[None, Some("p")])),
            (
                "qualification".to_owned(),
                tables::strings(&[None, Some("sales")]),
            ),
            ("count".to_owned(), decimals(&[None, Some(3)], 0)),
        ],
        ParquetStyle::default(),
    );
    let ndjson = "{\"date\":\"2025-03-05\",\"type\":\"invoice\",\"id\":\"7\",\"customer\":\"42\",\"amount\":\"100.0000\",\"renewal\":true}\n\
                  {\"date\":\"2025-03-06\",\"type\":\"staff\",\"partner\":\"p\",\"qualification\":\"sales\",\"count\":3}\n";
    assert_eq!(
        normalized(load(&parquet, SourceFormat::Parquet, None)),
        normalized(load(ndjson.as_bytes(), SourceFormat::Ndjson, None))
    );
}

/// Files another writer made (DuckDB: dictionary pages, zstd, its own
/// CSV quoting) from `good/full.json`, with `written_by_duckdb/write.py`.
#[test]
fn files_written_by_duckdb_load_like_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/written_by_duckdb");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let expected = normalized(load(
        &read("events.ndjson"),
        SourceFormat::Ndjson,
        Some((&read("partners.json"), SourceFormat::Json)),
    ));
    for (events, partners) in [
        ("events.csv", "partners.csv"),
        ("events.parquet", "partners.parquet"),
        ("events.parquet", "partners.csv"),
    ] {
        let loaded = load(
            &read(events),
            SourceFormat::of_path(Path::new(events)),
            Some((&read(partners), SourceFormat::of_path(Path::new(partners)))),
        );
        assert_eq!(normalized(loaded), expected, "{events} with {partners}");
    }
}
