//! Events and partners handed over as Arrow record batches (what Python's
//! `Policy.simulate` and the Spark workers receive through the Arrow C data
//! interface) load into exactly the `Scenario` the same rows give as a
//! Parquet file, in one batch or many, with the same located errors.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/tables.rs"]
mod tables;

use arrow_array::{ArrayRef, RecordBatch, RecordBatchReader};
use bytes::Bytes;
use charter_scenario::{
    generate, parse_files, parse_inputs, parse_partner_input, ArrowTable, GenConfig, Input,
    Scenario, SourceFormat, SourceText,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use tables::{strings, ParquetStyle};

/// The record batches of a Parquet file, `rows` at a time.
fn batches(parquet: &[u8], rows: usize) -> (arrow_schema::Fields, Vec<RecordBatch>) {
    let reader = ParquetRecordBatchReaderBuilder::try_new(Bytes::copy_from_slice(parquet))
        .unwrap()
        .with_batch_size(rows)
        .build()
        .unwrap();
    let fields = reader.schema().fields().clone();
    let batches = reader.collect::<Result<Vec<_>, _>>().unwrap();
    (fields, batches)
}

fn from_parquet(events: &[u8], partners: &[u8]) -> Scenario {
    parse_files(
        SourceText {
            name: "events",
            text: events,
        },
        SourceFormat::Parquet,
        Some((
            SourceText {
                name: "partners",
                text: partners,
            },
            SourceFormat::Parquet,
        )),
        None,
    )
    .unwrap()
}

#[test]
fn arrow_batches_load_as_the_parquet_file_of_the_same_rows() {
    let generated = generate(&GenConfig {
        seed: 3,
        events: 5_000,
        partners: 40,
        ..GenConfig::default()
    });
    let events = tables::events_parquet(
        &tables::objects_of_ndjson(&generated.events_ndjson),
        ParquetStyle::default(),
    );
    let partners = tables::partners_parquet(
        &tables::objects_of_array(&generated.partners_json),
        ParquetStyle::default(),
    );
    let expected = format!("{:#?}", from_parquet(&events, &partners));
    let (partner_columns, partner_batches) = batches(&partners, 1024);
    // One batch, and batches of a few rows (parts cut across batches).
    for rows in [100_000, 333] {
        let (columns, event_batches) = batches(&events, rows);
        let scenario = parse_inputs(
            Input::Arrow(ArrowTable {
                name: "events",
                columns: &columns,
                batches: &event_batches,
            }),
            Some(Input::Arrow(ArrowTable {
                name: "partners",
                columns: &partner_columns,
                batches: &partner_batches,
            })),
            None,
        )
        .unwrap();
        assert_eq!(format!("{scenario:#?}"), expected, "batches of {rows} rows");
    }
    // A partners table alone, as phase (b) loads a partner's record.
    let alone = parse_partner_input(Input::Arrow(ArrowTable {
        name: "partners",
        columns: &partner_columns,
        batches: &partner_batches,
    }))
    .unwrap();
    assert_eq!(alone.partners.len(), 40);
}

#[test]
fn a_bad_cell_in_a_batch_is_placed_as_in_the_file() {
    let columns: Vec<(String, ArrayRef)> = vec![
        (
            "date".to_owned(),
            strings(&[Some("2025-03-05"), Some("2025-03-06"), Some("2025-13-01")]),
        ),
        (
            "type".to_owned(),
            strings(&[Some("notice"), Some("notice"), Some("notice")]),
        ),
        (
            "partner".to_owned(),
            strings(&[Some("acme"), Some("acme"), Some("acme")]),
        ),
    ];
    let parquet = tables::write_parquet(columns, ParquetStyle::default());
    let file_error = parse_files(
        SourceText {
            name: "events",
            text: &parquet,
        },
        SourceFormat::Parquet,
        None,
        None,
    )
    .unwrap_err()
    .to_string();
    let (fields, event_batches) = batches(&parquet, 2);
    let table_error = parse_inputs(
        Input::Arrow(ArrowTable {
            name: "events",
            columns: &fields,
            batches: &event_batches,
        }),
        None,
        None,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(table_error, file_error);
    assert!(table_error.contains("row 3"), "{table_error}");
    assert!(table_error.contains("date"), "{table_error}");
}

#[test]
fn a_batch_whose_columns_differ_from_the_schema_is_refused() {
    let events = tables::write_parquet(
        vec![
            ("date".to_owned(), strings(&[Some("2025-03-05")])),
            ("type".to_owned(), strings(&[Some("notice")])),
            ("partner".to_owned(), strings(&[Some("acme")])),
        ],
        ParquetStyle::default(),
    );
    let other = tables::write_parquet(
        vec![
            ("date".to_owned(), strings(&[Some("2025-03-05")])),
            ("type".to_owned(), strings(&[Some("notice")])),
        ],
        ParquetStyle::default(),
    );
    let (fields, mut event_batches) = batches(&events, 10);
    event_batches.extend(batches(&other, 10).1);
    let error = parse_inputs(
        Input::Arrow(ArrowTable {
            name: "events",
            columns: &fields,
            batches: &event_batches,
        }),
        None,
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("columns differ"), "{error}");
    assert!(error.contains("row 2"), "{error}");
}
