//! Malformed CSV and Parquet files fail with a located error. Every file in
//! `tests/data/bad_csv` must fail with exactly the error in the `.err` file
//! beside it (`partners_*.csv` are read as the partners file of an empty
//! events file); the Parquet files are written here, each beside its
//! expected error in `tests/data/bad_parquet`. `UPDATE_EXPECT=1 cargo test
//! -p charter-scenario` rewrites the expectation files.

#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/tables.rs"]
mod tables;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Date32Array, Decimal128Array, Float64Array, Int64Array, TimestampMicrosecondArray,
};
use charter_scenario::{parse_files, ScenarioError, SourceFormat, SourceText};
use tables::{strings, write_parquet, ParquetStyle};

fn data_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(kind)
}

/// Compares `actual` with the file at `path`, or rewrites it on request.
fn check(path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )
    })
}

/// Loads `bytes` as the events file, or as the partners file of an empty
/// events file of the same format.
fn load(
    name: &str,
    bytes: &[u8],
    format: SourceFormat,
    partners: bool,
) -> Result<(), ScenarioError> {
    let empty_events: &[u8] = match format {
        SourceFormat::Parquet => &[],
        _ => b"date,type\n",
    };
    let empty_parquet;
    let empty_events = if partners && format == SourceFormat::Parquet {
        empty_parquet = write_parquet(
            vec![
                ("date".to_owned(), strings(&[])),
                ("type".to_owned(), strings(&[])),
            ],
            ParquetStyle::default(),
        );
        &empty_parquet[..]
    } else {
        empty_events
    };
    let file = SourceText { name, text: bytes };
    let result = if partners {
        parse_files(
            SourceText {
                name: "events",
                text: empty_events,
            },
            format,
            Some((file, format)),
            None,
        )
    } else {
        parse_files(file, format, None, None)
    };
    result.map(|_| ())
}

fn expect_errors(kind: &str, cases: Vec<(String, Vec<u8>, SourceFormat, bool)>) {
    let mut failures = Vec::new();
    for (name, bytes, format, partners) in cases {
        let display = format!("{kind}/{name}");
        let actual = match load(&display, &bytes, format, partners) {
            Ok(()) => {
                failures.push(format!("{display}: loaded, but should fail"));
                continue;
            }
            Err(err) => format!("{err}\n"),
        };
        let stem = Path::new(&name).with_extension("err");
        failures.extend(check(&data_dir(kind).join(stem), &actual));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bad_csv_files_fail_with_the_expected_error() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir("bad_csv"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 20);
    let cases = files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let partners = name.starts_with("partners_");
            (
                name,
                std::fs::read(path).unwrap(),
                SourceFormat::Csv,
                partners,
            )
        })
        .collect();
    expect_errors("bad_csv", cases);
}

fn column(name: &str, array: ArrayRef) -> (String, ArrayRef) {
    (name.to_owned(), array)
}

fn dates(days: &[Option<i32>]) -> ArrayRef {
    Arc::new(days.iter().copied().collect::<Date32Array>())
}

fn decimals(values: &[Option<i128>], precision: u8, scale: i8) -> ArrayRef {
    Arc::new(
        values
            .iter()
            .copied()
            .collect::<Decimal128Array>()
            .with_precision_and_scale(precision, scale)
            .unwrap(),
    )
}

/// 2025-03-05 as a day number.
const DAY: i32 = 20152;

fn parquet(columns: Vec<(String, ArrayRef)>) -> Vec<u8> {
    write_parquet(columns, ParquetStyle::default())
}

/// Two invoices, the second one as given.
fn invoices(id: ArrayRef, amount: ArrayRef) -> Vec<u8> {
    parquet(vec![
        column("date", dates(&[Some(DAY), Some(DAY + 1)])),
        column("type", strings(&[Some("invoice"), Some("invoice")])),
        column("id", id),
        column("customer", strings(&[Some("c1"), Some("c2")])),
        column("amount", amount),
    ])
}

#[test]
fn bad_parquet_files_fail_with_the_expected_error() {
    let good_amounts = || decimals(&[Some(1000), Some(2000)], 18, 2);
    let good_ids = || strings(&[Some("I1"), Some("I2")]);
    let valid = invoices(good_ids(), good_amounts());
    let events = |name: &str, bytes: Vec<u8>| {
        (
            format!("{name}.parquet"),
            bytes,
            SourceFormat::Parquet,
            false,
        )
    };
    let partners = |name: &str, bytes: Vec<u8>| {
        (
            format!("{name}.parquet"),
            bytes,
            SourceFormat::Parquet,
            true,
        )
    };
    let cases = vec![
        events(
            "float_amount",
            invoices(good_ids(), Arc::new(Float64Array::from(vec![10.0, 20.5]))),
        ),
        events(
            "date_as_integer",
            parquet(vec![
                column("date", Arc::new(Int64Array::from(vec![20250305]))),
                column("type", strings(&[Some("notice")])),
                column("partner", strings(&[Some("acme")])),
            ]),
        ),
        events(
            "date_as_timestamp",
            parquet(vec![
                column("date", Arc::new(TimestampMicrosecondArray::from(vec![0]))),
                column("type", strings(&[Some("notice")])),
                column("partner", strings(&[Some("acme")])),
            ]),
        ),
        events(
            "null_invoice_id",
            invoices(strings(&[Some("I1"), None]), good_amounts()),
        ),
        events("truncated", valid[..valid.len() / 2].to_vec()),
        events("not_parquet", b"date,type\n2025-03-05,notice\n".to_vec()),
        events("empty", Vec::new()),
        events(
            "unknown_column",
            parquet(vec![
                column("date", dates(&[Some(DAY)])),
                column("type", strings(&[Some("notice")])),
                column("partnr", strings(&[Some("acme")])),
            ]),
        ),
        events(
            "bad_date_text",
            parquet(vec![
                column("date", strings(&[Some("2025-03-05"), Some("2025-13-01")])),
                column("type", strings(&[Some("notice"), Some("notice")])),
                column("partner", strings(&[Some("acme"), Some("acme")])),
            ]),
        ),
        events(
            "negative_amount",
            invoices(good_ids(), decimals(&[Some(1000), Some(-1)], 18, 2)),
        ),
        events(
            "amount_too_precise",
            invoices(
                good_ids(),
                decimals(&[Some(1000), Some(10i128.pow(30) + 1)], 38, 30),
            ),
        ),
        events(
            "duplicate_invoice",
            invoices(strings(&[Some("I1"), Some("I1")]), good_amounts()),
        ),
        events(
            "unknown_type",
            parquet(vec![
                column("date", dates(&[Some(DAY)])),
                column("type", strings(&[Some("refferal")])),
                column("partner", strings(&[Some("acme")])),
                column("customer", strings(&[Some("c1")])),
            ]),
        ),
        events(
            "field_not_allowed",
            parquet(vec![
                column("date", dates(&[Some(DAY), Some(DAY)])),
                column("type", strings(&[Some("notice"), Some("referral")])),
                column("partner", strings(&[Some("acme"), Some("acme")])),
                column("customer", strings(&[None, Some("c1")])),
                column("count", Arc::new(Int64Array::from(vec![None, Some(2)]))),
            ]),
        ),
        events(
            "negative_count",
            parquet(vec![
                column("date", dates(&[Some(DAY)])),
                column("type", strings(&[Some("staff")])),
                column("partner", strings(&[Some("acme")])),
                column("qualification", strings(&[Some("sales")])),
                column("count", Arc::new(Int64Array::from(vec![-3]))),
            ]),
        ),
        partners(
            "partners_duplicate_id",
            parquet(vec![column(
                "id",
                strings(&[Some("acme"), Some("bob"), Some("acme")]),
            )]),
        ),
        partners(
            "partners_null_id",
            parquet(vec![
                column("id", strings(&[Some("acme"), None])),
                column("track", strings(&[Some("Affiliate"), Some("Referral")])),
            ]),
        ),
        partners(
            "partners_float_target",
            parquet(vec![
                column("id", strings(&[Some("acme")])),
                column("revenue_target", Arc::new(Float64Array::from(vec![1000.0]))),
            ]),
        ),
    ];
    expect_errors("bad_parquet", cases);
}
