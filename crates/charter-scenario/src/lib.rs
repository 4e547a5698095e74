//! Scenario files: analysts' exported data (partners and dated events) that
//! the simulator runs against a policy.
//!
//! Accepted layouts, all with the fields of the JSON Schema in [`SCHEMA`]
//! (`schema/scenario.schema.json`):
//!
//! - one JSON document `{ "as_of", "partners", "events", "expect" }`, read by
//!   [`parse_str`], [`parse_bytes`] or [`load_path`];
//! - for large exports, a file of events plus, if any, a partners file, each
//!   as NDJSON (one object per line; partners also as a JSON array), CSV or
//!   Parquet (a table whose columns are the fields: see `tabular`), read by
//!   [`load_files`] (the format from each file's name,
//!   [`SourceFormat::of_path`]) or [`parse_files`]; [`parse_ndjson`] and
//!   [`load_ndjson`] read NDJSON;
//! - customer records (`id`, `country`) in a file of their own, a JSON
//!   array, NDJSON, CSV or Parquet, placed in a loaded scenario by
//!   [`load_customers`] or [`parse_customers`] as a document's `customers`
//!   array places them.
//!
//! Loading yields a [`Scenario`] or the first [`ScenarioError`] in file
//! order, which names the file, line, column and JSON path of the offending
//! value (a table's row and column; a Parquet file has no lines). Every
//! format yields the same `Scenario` for the same events, but for where
//! each was written (`Event::line`, [`Source`]). Malformed input never
//! panics.
//!
//! Invariants of a loaded scenario:
//! - money is an exact `Decimal`, read from the source text, never a float;
//! - events keep input order (the simulator sorts stably by date) and
//!   `events[i].index == i`;
//! - partner, customer and invoice ids and other names are interned into
//!   `u32` ids through [`Names`]; declared partners come first, so
//!   `scenario.partners[id.0]` is the partner behind a declared `id`;
//! - events may name partners the partner list does not declare, and
//!   payments may name invoices no event declares: both load, and
//!   [`Names::partner_is_declared`] and [`Names::invoice_is_declared`] tell
//!   them apart for the simulator to report.
//!
//! [`generate`] writes synthetic scenarios for tests and benchmarks.
//!
//! How loading is organised (a million events load in a few hundred
//! milliseconds on two cores from NDJSON, CSV or Parquet alike;
//! `examples/load_file.rs` loads one file as `charter simulate` does,
//! `examples/load_bench.rs` compares the formats):
//! - `value`: scalar values (dates, exact amounts, codes) checked inside
//!   their `Deserialize` impls, so serde knows the path of a bad one;
//! - `event`: the field table of every event type and a flat raw event read
//!   by a hand-written visitor (no buffering tagged enum, strings borrowed
//!   from the text), then validated, its names numbered in its chunk;
//!   `event_scan`: a fast reader for event objects in the plain shape
//!   exports write, which gives up to the visitor on anything else;
//! - `partner`, `json`, `ndjson`: partners, `expect` and the JSON layouts;
//!   `customers`: customer records in a file of their own;
//! - `files`: an events file and a partners file, each in its format;
//!   `tabular`: tables' columns and cells, checked into the same raw event
//!   (`event`) and partner as JSON; `csv_file` (the `csv` crate; chunks
//!   cut outside quotes, read in parallel) and `parquet_file` (Arrow arrays
//!   from the `parquet` crate; row groups decoded in parallel);
//! - `batch`: an NDJSON file read in pieces of a few megabytes (never whole
//!   in memory) parsed on the rayon pool, and every chunk of events appended
//!   in input order to one builder that interns its names (`names`: one
//!   text arena and one open-addressing table per kind of name);
//! - `error`: a failed parse is parsed again with `serde_path_to_error`, and
//!   the path leads back to the offending value's first character.
//!
//! Every file is read through `charter-fs` (regular files only, bounded).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod batch;
mod csv_file;
mod customers;
mod error;
mod event;
mod event_scan;
mod files;
mod generate;
mod json;
mod model;
mod names;
mod ndjson;
mod parquet_file;
mod partner;
mod record_batch;
mod tabular;
mod value;

#[cfg(test)]
mod schema_tests;

use std::path::Path;

use chrono::NaiveDate;

pub use error::ScenarioError;
pub use generate::{generate, write_scenario, GenConfig, GenShape, GeneratedScenario};
pub use model::{
    CollectedBy, Currency, CustomerId, Entity, Event, EventKind, EventName, EventType,
    Expectations, ExpectedPayout, InvoiceId, Partner, PartnerId, Region, Scenario, Source,
    SourceFormat, SubscriptionId, Symbol,
};
pub use names::Names;
pub use record_batch::{parse_partner_input, parse_partners};
pub use value::parse_date;

/// The JSON Schema (draft 2020-12) of the scenario format; `$defs/event` is
/// also the shape of one NDJSON event line.
pub const SCHEMA: &str = include_str!("../schema/scenario.schema.json");

/// The text of one input file and the name to report it under.
#[derive(Debug, Clone, Copy)]
pub struct SourceText<'a> {
    pub name: &'a str,
    pub text: &'a [u8],
}

/// A table held in memory as Arrow record batches (handed over through the
/// Arrow C data interface, say), read as the rows of a Parquet file with
/// the same columns are: the same column names and types, errors placed
/// by row and column, without encoding it as a file first. Every batch
/// holds `columns`.
#[derive(Debug, Clone, Copy)]
pub struct ArrowTable<'a> {
    pub name: &'a str,
    pub columns: &'a arrow_schema::Fields,
    pub batches: &'a [arrow_array::RecordBatch],
}

/// One input of a scenario: a file's bytes in its format, or an Arrow table.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    File(SourceText<'a>, SourceFormat),
    Arrow(ArrowTable<'a>),
}

impl Input<'_> {
    /// The name errors report the input under.
    pub fn name(&self) -> &str {
        match self {
            Input::File(file, _) => file.name,
            Input::Arrow(table) => table.name,
        }
    }
}

/// Loads events and, if given, partners, each a file's bytes or an Arrow
/// table (see [`parse_files`] for files). `as_of` is the date to simulate
/// up to.
pub fn parse_inputs(
    events: Input<'_>,
    partners: Option<Input<'_>>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    files::parse_inputs(events, partners, as_of)
}

/// Loads a scenario document held in memory; `file_name` appears in errors.
pub fn parse_str(src: &str, file_name: &str) -> Result<Scenario, ScenarioError> {
    json::parse(src, file_name)
}

/// Like [`parse_str`], for bytes that may not be UTF-8.
pub fn parse_bytes(src: &[u8], file_name: &str) -> Result<Scenario, ScenarioError> {
    json::parse_bytes(src, file_name)
}

/// Loads NDJSON events with the partners file, if any; events naming
/// partners load either way. `as_of` is the date to simulate up to.
pub fn parse_ndjson(
    events: SourceText<'_>,
    partners: Option<SourceText<'_>>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    files::parse(
        events,
        SourceFormat::Ndjson,
        partners.map(|file| (file, SourceFormat::Json)),
        as_of,
    )
}

/// Loads events held in memory in `events_format` with the partners file,
/// if any, in its format; a `Json` events file is read as NDJSON (a
/// scenario document is read by [`parse_bytes`]), a `Json` or `Ndjson`
/// partners file as a JSON array or NDJSON. `as_of` is the date to
/// simulate up to.
pub fn parse_files(
    events: SourceText<'_>,
    events_format: SourceFormat,
    partners: Option<(SourceText<'_>, SourceFormat)>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    files::parse(events, events_format, partners, as_of)
}

/// Places the customers of a customers file held in memory (`id` and
/// `country` of each; a JSON array or NDJSON for `Json`/`Ndjson`, a table
/// for `Csv`/`Parquet`) in `scenario`, as a scenario document's `customers`
/// array does.
pub fn parse_customers(
    scenario: &mut Scenario,
    file: SourceText<'_>,
    format: SourceFormat,
) -> Result<(), ScenarioError> {
    customers::apply_file(scenario, file, format)
}

/// Reads the customers file at `path` (the format from its name,
/// [`SourceFormat::of_path`]) and places its customers in `scenario`.
pub fn load_customers(scenario: &mut Scenario, path: &Path) -> Result<(), ScenarioError> {
    let name = path.display().to_string();
    let bytes = read(path, &name)?;
    let file = SourceText {
        name: &name,
        text: &bytes,
    };
    customers::apply_file(scenario, file, SourceFormat::of_path(path))
}

/// Loads a single scenario file: a scenario document, or events without
/// partners (see [`load_files`]).
pub fn load_path(path: &Path) -> Result<Scenario, ScenarioError> {
    load_files(path, None, None)
}

/// Loads the scenario in `events_path`, with the partners in
/// `partners_path` if given, each file read in the format its name says
/// ([`SourceFormat::of_path`]): `.csv`, `.parquet`, `.ndjson`/`.jsonl`,
/// else JSON. A JSON file alone is a scenario document; beside a partners
/// file it holds NDJSON events. `as_of`, when given, replaces the
/// document's.
pub fn load_files(
    events_path: &Path,
    partners_path: Option<&Path>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    let format = SourceFormat::of_path(events_path);
    let partners = partners_path.map(|path| (path, SourceFormat::of_path(path)));
    load_events_file(events_path, format, partners, as_of)
}

/// Loads NDJSON events from `events_path` with the partners in
/// `partners_path` (a JSON array or NDJSON), if given.
pub fn load_ndjson(
    events_path: &Path,
    partners_path: Option<&Path>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    let partners = partners_path.map(|path| (path, SourceFormat::Json));
    load_events_file(events_path, SourceFormat::Ndjson, partners, as_of)
}

/// Loads the events in `events_path` in `format` with the partners file, if
/// any, in its format. NDJSON events are read piece by piece; a scenario
/// document, CSV and Parquet whole.
fn load_events_file(
    events_path: &Path,
    format: SourceFormat,
    partners: Option<(&Path, SourceFormat)>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    let events_name = events_path.display().to_string();
    let partner_file = match partners {
        Some((path, partners_format)) => {
            let name = path.display().to_string();
            let bytes = read(path, &name)?;
            Some((name, bytes, partners_format))
        }
        None => None,
    };
    let partners = partner_file
        .as_ref()
        .map(|(name, bytes, format)| (SourceText { name, text: bytes }, *format));
    match format {
        SourceFormat::Json if partners.is_none() => {
            let bytes = read(events_path, &events_name)?;
            json::parse_bytes(&bytes, &events_name).map(|mut scenario| {
                scenario.as_of = as_of.or(scenario.as_of);
                scenario
            })
        }
        SourceFormat::Json | SourceFormat::Ndjson => {
            let reader = charter_fs::open_bounded(events_path, charter_fs::ReadLimit::SCENARIO)
                .map_err(|e| {
                    ScenarioError::whole_file(&events_name, format!("cannot read the file: {e}"))
                })?;
            files::load_streamed(reader, &events_name, partners, as_of)
        }
        SourceFormat::Csv | SourceFormat::Parquet => {
            let bytes = read(events_path, &events_name)?;
            let events = SourceText {
                name: &events_name,
                text: &bytes,
            };
            files::parse(events, format, partners, as_of)
        }
    }
}

/// Reads a scenario or partners file through `charter_fs`: a regular file
/// only (a FIFO, device or folder is refused without blocking), at most
/// [`charter_fs::ReadLimit::SCENARIO`] bytes, counted while reading.
fn read(path: &Path, name: &str) -> Result<Vec<u8>, ScenarioError> {
    charter_fs::read_bytes(path, charter_fs::ReadLimit::SCENARIO)
        .map(|(bytes, _)| bytes)
        .map_err(|e| ScenarioError::whole_file(name, format!("cannot read the file: {e}")))
}

/// Puts the pieces of a loaded scenario together.
fn assemble(
    as_of: Option<NaiveDate>,
    partners: partner::PartnerList,
    loaded: batch::Loaded,
    expect: Option<Expectations>,
    source: Source,
) -> Scenario {
    Scenario {
        as_of,
        names: Names {
            partners: loaded.partners,
            customers: loaded.customers,
            invoices: loaded.invoices,
            symbols: loaded.symbols,
            declared_partners: partners.partners.len() as u32,
            invoice_events: loaded.invoice_events,
        },
        partners: partners.partners,
        events: loaded.events,
        expect,
        source,
        policy: None,
        customer_countries: Vec::new(),
    }
}
