//! Writes the events and partners of a JSON scenario as CSV (with the `csv`
//! writer) and Parquet (with the `parquet` Arrow writer), for the tests and
//! the benchmark that load the same events in every format.
//!
//! Values keep their source text: an amount written `100.0` stays `100.0`.
//! In Parquet, dates become `DATE` columns, flags `BOOLEAN`, counts
//! `INT64`, lists of names lists of strings, and amounts `DECIMAL(38, s)`
//! when every amount of the column has `s` decimal places (else text, which
//! keeps each one's own places). Included with `#[path]` where it is used.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde_json::value::RawValue;

/// One event or partner object: each field's JSON text, by name.
pub type Object = BTreeMap<String, Box<RawValue>>;

/// The objects of an NDJSON text (blank lines skipped).
pub fn objects_of_ndjson(ndjson: &str) -> Vec<Object> {
    ndjson
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The objects of a JSON array.
pub fn objects_of_array(json: &str) -> Vec<Object> {
    serde_json::from_str(json).unwrap()
}

/// The events and partners of a scenario document.
pub fn objects_of_document(json: &str) -> (Vec<Object>, Vec<Object>) {
    #[derive(serde::Deserialize)]
    struct Document {
        #[serde(default)]
        partners: Vec<Object>,
        #[serde(default)]
        events: Vec<Object>,
    }
    let doc: Document = serde_json::from_str(json).unwrap();
    (doc.events, doc.partners)
}

/// How a Parquet file is written.
#[derive(Debug, Clone, Copy)]
pub struct ParquetStyle {
    /// Rows per row group.
    pub row_group: usize,
    pub compression: Compression,
}

impl Default for ParquetStyle {
    fn default() -> Self {
        ParquetStyle {
            row_group: 64 * 1024,
            compression: Compression::SNAPPY,
        }
    }
}

pub fn zstd() -> Compression {
    Compression::ZSTD(ZstdLevel::default())
}

/// A cell: the value of a string, or the text of anything else.
fn cell_text(raw: &RawValue) -> String {
    let text = raw.get();
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).unwrap()
    } else {
        text.to_owned()
    }
}

/// Column names: `first` in that order when present, then the others in
/// sorted order.
fn columns(objects: &[Object], first: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for object in objects {
        for key in object.keys() {
            if !all.contains(key) {
                all.push(key.clone());
            }
        }
    }
    all.sort();
    let mut ordered: Vec<String> = first
        .iter()
        .filter(|f| all.iter().any(|a| a == *f))
        .map(|f| (*f).to_owned())
        .collect();
    ordered.extend(all.into_iter().filter(|a| !first.contains(&a.as_str())));
    ordered
}

/// Events as CSV: `date`, `type`, then every other field used.
pub fn events_csv(events: &[Object]) -> Vec<u8> {
    events_csv_quoted(events, csv::QuoteStyle::Necessary)
}

/// Events as CSV, quoting cells in `style`.
pub fn events_csv_quoted(events: &[Object], style: csv::QuoteStyle) -> Vec<u8> {
    let columns = columns(events, &["date", "type"]);
    let mut writer = csv::WriterBuilder::new()
        .quote_style(style)
        .from_writer(Vec::new());
    writer.write_record(&columns).unwrap();
    for event in events {
        let row: Vec<String> = columns
            .iter()
            .map(|c| event.get(c).map(|v| cell_text(v)).unwrap_or_default())
            .collect();
        writer.write_record(&row).unwrap();
    }
    writer.into_inner().unwrap()
}

/// Partners as CSV: lists joined with `;`, staff as `staff.<qualification>`.
pub fn partners_csv(partners: &[Object]) -> Vec<u8> {
    let flat = flatten_partners(partners);
    let columns = columns(&flat, &["id"]);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&columns).unwrap();
    for partner in &flat {
        let row: Vec<String> = columns
            .iter()
            .map(|c| match partner.get(c) {
                Some(v) if v.get().starts_with('[') => {
                    let items: Vec<String> = serde_json::from_str(v.get()).unwrap();
                    items.join(";")
                }
                Some(v) => cell_text(v),
                None => String::new(),
            })
            .collect();
        writer.write_record(&row).unwrap();
    }
    writer.into_inner().unwrap()
}

/// `staff: {q: n}` becomes `staff.q: n`.
fn flatten_partners(partners: &[Object]) -> Vec<Object> {
    partners
        .iter()
        .map(|p| {
            let mut flat = Object::new();
            for (key, value) in p {
                if key == "staff" {
                    let staff: BTreeMap<String, Box<RawValue>> =
                        serde_json::from_str(value.get()).unwrap();
                    for (q, n) in staff {
                        flat.insert(format!("staff.{q}"), n);
                    }
                } else {
                    flat.insert(key.clone(), value.clone());
                }
            }
            flat
        })
        .collect()
}

/// Events as Parquet.
pub fn events_parquet(events: &[Object], style: ParquetStyle) -> Vec<u8> {
    let columns = columns(events, &["date", "type"]);
    let arrays: Vec<(String, ArrayRef)> = columns
        .iter()
        .map(|c| {
            let values: Vec<Option<&RawValue>> =
                events.iter().map(|e| e.get(c).map(|v| &**v)).collect();
            (c.clone(), column_array(c, &values))
        })
        .collect();
    write_parquet(arrays, style)
}

/// Partners as Parquet: lists as lists of strings.
pub fn partners_parquet(partners: &[Object], style: ParquetStyle) -> Vec<u8> {
    let flat = flatten_partners(partners);
    let columns = columns(&flat, &["id"]);
    let arrays: Vec<(String, ArrayRef)> = columns
        .iter()
        .map(|c| {
            let values: Vec<Option<&RawValue>> =
                flat.iter().map(|p| p.get(c).map(|v| &**v)).collect();
            (c.clone(), column_array(c, &values))
        })
        .collect();
    write_parquet(arrays, style)
}

pub fn write_parquet(arrays: Vec<(String, ArrayRef)>, style: ParquetStyle) -> Vec<u8> {
    let fields: Vec<Field> = arrays
        .iter()
        .map(|(name, array)| Field::new(name, array.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch =
        RecordBatch::try_new(schema.clone(), arrays.into_iter().map(|(_, a)| a).collect()).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(style.row_group))
        .set_compression(style.compression)
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    out
}

/// The Arrow array of column `name`.
fn column_array(name: &str, values: &[Option<&RawValue>]) -> ArrayRef {
    let texts: Vec<Option<String>> = values.iter().map(|v| v.map(cell_text)).collect();
    match name {
        "date" | "decided" | "joined" => {
            let days = texts.iter().map(|t| {
                t.as_ref().map(|t| {
                    let date = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
                    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                    (date - epoch).num_days() as i32
                })
            });
            Arc::new(days.collect::<Date32Array>())
        }
        "approved" | "requested_by_customer" | "renewal" | "contract" => Arc::new(
            texts
                .iter()
                .map(|t| t.as_ref().map(|t| t == "true"))
                .collect::<BooleanArray>(),
        ),
        "count" => Arc::new(
            texts
                .iter()
                .map(|t| t.as_ref().map(|t| t.parse::<i64>().unwrap()))
                .collect::<Int64Array>(),
        ),
        _ if name.starts_with("staff.") => Arc::new(
            texts
                .iter()
                .map(|t| t.as_ref().map(|t| t.parse::<i64>().unwrap()))
                .collect::<Int64Array>(),
        ),
        "amount" | "revenue_target" => decimal_or_text(&texts),
        "modules" | "elected" | "accounts" => {
            let mut builder = ListBuilder::new(StringBuilder::new());
            for value in values {
                match value {
                    Some(v) => {
                        let items: Vec<String> = serde_json::from_str(v.get()).unwrap();
                        for item in items {
                            builder.values().append_value(item);
                        }
                        builder.append(true);
                    }
                    None => builder.append(false),
                }
            }
            Arc::new(builder.finish())
        }
        _ => Arc::new(texts.iter().map(|t| t.as_deref()).collect::<StringArray>()),
    }
}

/// Amounts as `DECIMAL(38, s)` when all have `s` places, else as text.
fn decimal_or_text(texts: &[Option<String>]) -> ArrayRef {
    let places = |t: &str| t.split_once('.').map_or(0, |(_, frac)| frac.len());
    let scales: Vec<usize> = texts.iter().flatten().map(|t| places(t)).collect();
    let plain = texts
        .iter()
        .flatten()
        .all(|t| !t.contains(['e', 'E']) && !t.starts_with('-'));
    match scales.first() {
        Some(&scale) if plain && scales.iter().all(|&s| s == scale) => {
            let values = texts.iter().map(|t| {
                t.as_ref()
                    .map(|t| t.replace('.', "").parse::<i128>().unwrap())
            });
            Arc::new(
                values
                    .collect::<Decimal128Array>()
                    .with_precision_and_scale(38, scale as i8)
                    .unwrap(),
            )
        }
        _ => Arc::new(texts.iter().map(|t| t.as_deref()).collect::<StringArray>()),
    }
}

/// A column of strings, for hand-made files.
pub fn strings(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(values.iter().copied().collect::<StringArray>())
}

pub fn data_type_of(array: &ArrayRef) -> DataType {
    array.data_type().clone()
}
