//! `charter._charter`: the native half of Charter's Python package. The
//! Python half (`python/charter/__init__.py`) turns paths, pyarrow tables,
//! pandas and polars DataFrames into either a path or an Arrow C stream
//! (the `__arrow_c_stream__` PyCapsule of the Arrow C data interface), and
//! turns what comes back into pyarrow tables and dicts.
//!
//! A table handed in is read through the Arrow C stream interface without a
//! copy, and its record batches are loaded as they are by `charter-scenario`
//! (`Input::Arrow`): the same column vocabulary, type checks and located
//! errors (row and column) as `charter simulate --scenario events.parquet`.
//! Payouts leave as one Arrow record batch through the same interface.
//!
//! Nothing here panics on bad input: every problem becomes a Python
//! exception (`charter.PolicyError`, `charter.ScenarioError`, `OSError`).

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{
    ArrayRef, Date32Array, Decimal128Array, Int32Array, Int64Array, RecordBatch,
    RecordBatchIterator, RecordBatchReader, StringArray,
};
use arrow_schema::{ArrowError, Field, Schema};
use charter_check::{compile_set, CheckedProgram, FsReader};
use charter_diagnostics::render::{render_human, render_json, HumanStyle};
use charter_diagnostics::SourceDb;
use charter_scenario::{ArrowTable, Scenario, SourceFormat, SourceText};
use charter_sim::{overrides, phases, SimOptions, SimResult};
use chrono::NaiveDate;
use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use rust_decimal::Decimal;

create_exception!(
    _charter,
    PolicyError,
    PyValueError,
    "A policy that cannot be read or has errors, or an override that does not apply."
);
create_exception!(
    _charter,
    ScenarioError,
    PyValueError,
    "Scenario input the simulator cannot take: the message names the file or table, the row and the column."
);

/// The diagnostics report of `charter check --format json` for policy files
/// and folders (folders walked for `*.charter` files, in name order).
#[pyfunction]
fn check_json(py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<String> {
    py.detach(|| {
        let mut files = Vec::new();
        for path in &paths {
            if path.is_dir() {
                for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                    let entry = entry.map_err(|e| PyOSError::new_err(e.to_string()))?;
                    let p = entry.path();
                    if entry.file_type().is_file() && p.extension().is_some_and(|e| e == "charter")
                    {
                        files.push(p.to_path_buf());
                    }
                }
            } else {
                files.push(path.clone());
            }
        }
        let set = compile_set(&files, &mut FsReader);
        if let Some((path, e)) = set.unreadable.first() {
            return Err(PyOSError::new_err(format!(
                "cannot read `{}`: {e}",
                path.display()
            )));
        }
        Ok(render_json(&set.db, &set.diagnostics))
    })
}

/// Each event type's same-day rank in the replay order (date, rank, input
/// order), for computing replay keys as columns.
#[pyfunction]
fn same_day_ranks() -> Vec<(&'static str, u8)> {
    charter_scenario::EventType::ALL
        .into_iter()
        .map(|t| (t.as_str(), phases::same_day_rank(t)))
        .collect()
}

/// A checked policy, with any overrides applied.
#[pyclass(frozen, module = "charter._charter")]
struct Policy {
    program: CheckedProgram,
    db: SourceDb,
    path: String,
}

/// One input of a simulation.
enum Input {
    Path(PathBuf),
    /// A table: its columns and record batches, as the stream gave them.
    Table(arrow_schema::Fields, Vec<RecordBatch>),
}

impl Input {
    /// The table as `charter-scenario` reads it, named `name` in errors.
    fn arrow<'a>(&'a self, name: &'a str) -> Option<ArrowTable<'a>> {
        match self {
            Input::Table(columns, batches) => Some(ArrowTable {
                name,
                columns,
                batches,
            }),
            Input::Path(_) => None,
        }
    }
}

fn input(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Input> {
    if let Ok(path) = obj.extract::<PathBuf>() {
        return Ok(Input::Path(path));
    }
    let capsule = obj.cast::<PyCapsule>().map_err(|_| {
        PyValueError::new_err(format!(
            "{what}: expected a path or an Arrow C stream capsule"
        ))
    })?;
    let (columns, batches) =
        table_batches(capsule).map_err(|e| ScenarioError::new_err(format!("{what}: {e}")))?;
    Ok(Input::Table(columns, batches))
}

/// Takes the stream out of an `arrow_array_stream` capsule.
pub(crate) fn stream_reader(
    capsule: &Bound<'_, PyCapsule>,
) -> Result<RecordBatchStreamReader, String> {
    let name = c"arrow_array_stream";
    let pointer = capsule
        .pointer_checked(Some(name))
        .map_err(|_| "the capsule is not an Arrow C stream".to_string())?;
    // SAFETY: a capsule named `arrow_array_stream` holds an
    // `ArrowArrayStream` (Arrow PyCapsule interface); `from_raw` moves it
    // out and leaves a released stream behind, which the capsule's
    // destructor then ignores.
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(pointer.as_ptr().cast()) };
    RecordBatchStreamReader::try_new(stream).map_err(|e| e.to_string())
}

/// The columns and record batches of an Arrow stream, taken as they are.
pub(crate) fn stream_batches(
    reader: RecordBatchStreamReader,
) -> Result<(arrow_schema::Fields, Vec<RecordBatch>), String> {
    let columns = reader.schema().fields().clone();
    let batches = reader
        .collect::<Result<Vec<RecordBatch>, _>>()
        .map_err(|e| e.to_string())?;
    Ok((columns, batches))
}

fn table_batches(
    capsule: &Bound<'_, PyCapsule>,
) -> Result<(arrow_schema::Fields, Vec<RecordBatch>), String> {
    stream_batches(stream_reader(capsule)?)
}

fn read_file(path: &Path) -> PyResult<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| PyOSError::new_err(format!("cannot read `{}`: {e}", path.display())))
}

/// Loads a scenario from its events and partners, each a path or a table.
pub(crate) fn load_scenario(
    events: &Input,
    partners: Option<&Input>,
    as_of: Option<NaiveDate>,
) -> PyResult<Scenario> {
    let loaded = match (events, partners) {
        (Input::Path(e), None) => charter_scenario::load_files(e, None, as_of),
        (Input::Path(e), Some(Input::Path(p))) => charter_scenario::load_files(e, Some(p), as_of),
        _ => {
            let events_file = match events {
                Input::Path(p) => Some((read_file(p)?, p.display().to_string())),
                Input::Table(..) => None,
            };
            let partners_file = match partners {
                Some(Input::Path(p)) => Some((read_file(p)?, p.display().to_string())),
                _ => None,
            };
            let events_input = match (events, &events_file) {
                (Input::Path(p), Some((bytes, name))) => charter_scenario::Input::File(
                    SourceText { name, text: bytes },
                    SourceFormat::of_path(p),
                ),
                _ => match events.arrow("events") {
                    Some(table) => charter_scenario::Input::Arrow(table),
                    None => {
                        return Err(PyValueError::new_err("events: expected a path or a table"))
                    }
                },
            };
            let partners_input = match (partners, &partners_file) {
                (Some(Input::Path(p)), Some((bytes, name))) => Some(charter_scenario::Input::File(
                    SourceText { name, text: bytes },
                    SourceFormat::of_path(p),
                )),
                (Some(table), _) => table.arrow("partners").map(charter_scenario::Input::Arrow),
                (None, _) => None,
            };
            charter_scenario::parse_inputs(events_input, partners_input, as_of)
        }
    };
    loaded.map_err(|e| ScenarioError::new_err(e.to_string()))
}

pub(crate) fn parse_as_of(as_of: Option<&str>) -> PyResult<Option<NaiveDate>> {
    as_of
        .map(|text| {
            charter_scenario::parse_date(text)
                .map_err(|e| PyValueError::new_err(format!("as_of: {e}")))
        })
        .transpose()
}

/// Reads and checks a policy, applying `overrides` as `--set` does.
pub(crate) fn load_policy(
    path: &Path,
    overrides: &[(String, String)],
) -> PyResult<(CheckedProgram, SourceDb)> {
    let compilation = charter_check::compile_path(path)
        .map_err(|e| PyOSError::new_err(format!("cannot read `{}`: {e}", path.display())))?;
    let (program, db) = match compilation.into_checked() {
        Ok((checked, db, _)) => (checked, db),
        Err(c) => {
            let style = HumanStyle {
                color: false,
                ..HumanStyle::default()
            };
            return Err(PolicyError::new_err(format!(
                "`{}` has errors; fix them before simulating\n{}",
                path.display(),
                render_human(&c.db, &c.diagnostics, style)
            )));
        }
    };
    let program = if overrides.is_empty() {
        program
    } else {
        overrides::apply(&program, overrides).map_err(|e| PolicyError::new_err(e.to_string()))?
    };
    Ok((program, db))
}

#[pymethods]
impl Policy {
    /// Reads and checks the policy at `path`; `overrides` as
    /// `[("referral_share", "7%")]`, checked like `charter simulate --set`.
    #[staticmethod]
    #[pyo3(signature = (path, overrides=None))]
    fn load(
        py: Python<'_>,
        path: PathBuf,
        overrides: Option<Vec<(String, String)>>,
    ) -> PyResult<Policy> {
        let overrides = overrides.unwrap_or_default();
        let (program, db) = py.detach(|| load_policy(&path, &overrides))?;
        Ok(Policy {
            program,
            db,
            path: path.display().to_string(),
        })
    }

    /// The path the policy was loaded from.
    #[getter]
    fn path(&self) -> &str {
        &self.path
    }

    /// Runs the simulation; `explain` keeps each payout's explanation.
    #[pyo3(signature = (events, partners=None, as_of=None, explain=false))]
    fn run(
        &self,
        py: Python<'_>,
        events: &Bound<'_, PyAny>,
        partners: Option<&Bound<'_, PyAny>>,
        as_of: Option<&str>,
        explain: bool,
    ) -> PyResult<Run> {
        let as_of = parse_as_of(as_of)?;
        let events = input(events, "events")?;
        let partners = partners.map(|p| input(p, "partners")).transpose()?;
        let result = py.detach(|| -> PyResult<SimResult> {
            let scenario = load_scenario(&events, partners.as_ref(), as_of)?;
            drop(events);
            drop(partners);
            if charter_sim::simulation_date(&scenario, as_of).is_none() {
                return Err(ScenarioError::new_err(
                    "the scenario has no events and no `as_of`: there is nothing to simulate; pass `as_of`",
                ));
            }
            let options = SimOptions {
                as_of,
                sources: Some(&self.db),
                no_explanations: !explain,
                ..SimOptions::default()
            };
            Ok(charter_sim::run(&self.program, &scenario, &options).into_result())
        })?;
        Ok(Run { result })
    }

    /// Whether an attribution rule is scoped to a tier or a benefit: then
    /// customers and partners cannot run apart (Spark runs it on the driver).
    #[getter]
    fn coupled(&self) -> bool {
        phases::is_coupled(&self.program)
    }

    /// The assumed tracks (JSON) decided by each partner's first claim of
    /// each method (`events`, with `inputs` their input positions) given
    /// the partners table; see `charter_sim::phases::assumed_tracks`.
    fn assumed_tracks(
        &self,
        py: Python<'_>,
        events: &Bound<'_, PyAny>,
        partners: Option<&Bound<'_, PyAny>>,
        inputs: Vec<u64>,
        as_of: &str,
    ) -> PyResult<String> {
        let as_of = date_of(as_of, "as_of")?;
        let events = input(events, "events")?;
        let partners = partners.map(|p| input(p, "partners")).transpose()?;
        py.detach(|| {
            check_inputs(&inputs)?;
            let scenario = load_part(&events, partners.as_ref(), &inputs, None)?;
            let options = SimOptions::default();
            let assumed =
                phases::assumed_tracks(&self.program, &scenario, &inputs, as_of, &options)
                    .map_err(phase_error)?;
            serde_json::to_string(&assumed).map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }

    /// Phase (a) over a part (whole customers, or partner events): the
    /// credits as an Arrow C stream (`partner`, `credit` as JSON).
    fn attribute<'py>(
        &self,
        py: Python<'py>,
        events: &Bound<'py, PyAny>,
        partners: Option<&Bound<'py, PyAny>>,
        inputs: Vec<u64>,
        assumed: &str,
        as_of: &str,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let as_of = date_of(as_of, "as_of")?;
        let assumed = assumed_of(assumed)?;
        let events = input(events, "events")?;
        let partners = partners.map(|p| input(p, "partners")).transpose()?;
        let batch = py.detach(|| -> PyResult<RecordBatch> {
            check_inputs(&inputs)?;
            let scenario = load_part(&events, partners.as_ref(), &inputs, None)?;
            let options = SimOptions {
                no_explanations: true,
                ..SimOptions::default()
            };
            let credits =
                phases::attribute(&self.program, &scenario, &inputs, &assumed, as_of, &options)
                    .map_err(phase_error)?;
            credits_batch(&credits).map_err(PyValueError::new_err)
        })?;
        batch_capsule(py, batch)
    }

    /// Phase (b) for one partner: its record (a one-row table), its
    /// credits' JSON, the run's date (payout balances settle up to it); the
    /// payouts with their keys as an Arrow C stream.
    #[pyo3(signature = (record, partner, credits, assumed, as_of=None))]
    fn pay<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
        partner: &str,
        credits: Vec<String>,
        assumed: &str,
        as_of: Option<&str>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let assumed = assumed_of(assumed)?;
        let as_of = match as_of {
            Some(d) => Some(date_of(d, "as_of")?),
            None => None,
        };
        let record = input(record, "partners")?;
        let batch = py.detach(|| -> PyResult<RecordBatch> {
            let credits: Vec<phases::NamedCredit> = credits
                .iter()
                .map(|c| serde_json::from_str(c))
                .collect::<Result<_, _>>()
                .map_err(|e| PyValueError::new_err(format!("credits: {e}")))?;
            let Some(record) = record.arrow("partners") else {
                return Err(PyValueError::new_err("partners: expected a table"));
            };
            let scenario =
                charter_scenario::parse_partner_input(charter_scenario::Input::Arrow(record))
                    .map_err(|e| ScenarioError::new_err(e.to_string()))?;
            let options = SimOptions {
                as_of,
                sources: Some(&self.db),
                no_explanations: true,
                ..SimOptions::default()
            };
            let payouts = phases::pay(
                &self.program,
                scenario,
                partner,
                credits,
                &assumed,
                &options,
            )
            .map_err(phase_error)?;
            keyed_payouts_batch(&payouts).map_err(|e| PyValueError::new_err(e.to_string()))
        })?;
        batch_capsule(py, batch)
    }
}

/// A part's input positions, as given by Python (one per event row): no
/// two rows may share one, or the replay order would not be the CLI's.
fn check_inputs(inputs: &[u64]) -> PyResult<()> {
    let mut seen = std::collections::HashSet::with_capacity(inputs.len());
    match inputs.iter().find(|&&i| !seen.insert(i)) {
        Some(i) => Err(PyValueError::new_err(format!(
            "inputs: two rows share input position {i}"
        ))),
        None => Ok(()),
    }
}

/// A part of a scenario (a Spark group's rows), its table errors naming
/// the row in the whole input: a part's row `n` is input position
/// `inputs[n - 1]`, and rows count from 1.
fn load_part(
    events: &Input,
    partners: Option<&Input>,
    inputs: &[u64],
    as_of: Option<NaiveDate>,
) -> PyResult<Scenario> {
    load_scenario(events, partners, as_of).map_err(|e| {
        let message = e.to_string();
        let Some(rest) = message.strip_prefix("events: row ") else {
            return e;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        match digits
            .parse::<usize>()
            .ok()
            .and_then(|n| inputs.get(n.checked_sub(1)?))
        {
            Some(input) => ScenarioError::new_err(format!(
                "events: row {}{}",
                input + 1,
                &rest[digits.len()..]
            )),
            None => e,
        }
    })
}

fn assumed_of(json: &str) -> PyResult<Vec<phases::AssumedTrack>> {
    serde_json::from_str(json).map_err(|e| PyValueError::new_err(format!("assumed: {e}")))
}

fn phase_error(e: phases::PhaseError) -> PyErr {
    ScenarioError::new_err(e.to_string())
}

fn date_of(text: &str, what: &str) -> PyResult<NaiveDate> {
    charter_scenario::parse_date(text).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
}

/// Credits as a record batch: `partner` and `credit` (its JSON).
fn credits_batch(credits: &[phases::NamedCredit]) -> Result<RecordBatch, String> {
    let json: Vec<String> = credits
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let partner = StringArray::from_iter_values(credits.iter().map(|c| c.partner.as_str()));
    let credit = StringArray::from_iter_values(json.iter());
    RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("partner", arrow_schema::DataType::Utf8, false),
            Field::new("credit", arrow_schema::DataType::Utf8, false),
        ])),
        vec![Arc::new(partner), Arc::new(credit)],
    )
    .map_err(|e| e.to_string())
}

/// Phase (b)'s payouts, money as exact decimal text, with their keys.
fn keyed_payouts_batch(payouts: &[phases::KeyedPayout]) -> Result<RecordBatch, ArrowError> {
    let text = |f: &dyn Fn(&phases::KeyedPayout) -> Option<String>| -> ArrayRef {
        Arc::new(StringArray::from_iter(payouts.iter().map(f)))
    };
    let dates = |f: &dyn Fn(&phases::KeyedPayout) -> NaiveDate| -> ArrayRef {
        Arc::new(Date32Array::from_iter_values(
            payouts.iter().map(|p| days(f(p))),
        ))
    };
    let ints = |f: &dyn Fn(&phases::KeyedPayout) -> i32| -> ArrayRef {
        Arc::new(Int32Array::from_iter_values(payouts.iter().map(f)))
    };
    let columns: Vec<(&str, ArrayRef, bool)> = vec![
        ("partner", text(&|p| Some(p.payout.partner.clone())), false),
        ("customer", text(&|p| p.payout.customer.clone()), true),
        ("invoice", text(&|p| p.payout.invoice.clone()), true),
        ("rule", text(&|p| Some(p.payout.rule.clone())), false),
        ("base", text(&|p| Some(p.payout.base.to_string())), false),
        (
            "rate",
            text(&|p| p.payout.rate.map(|r| r.to_string())),
            true,
        ),
        (
            "amount",
            text(&|p| Some(p.payout.amount.to_string())),
            false,
        ),
        (
            "currency",
            text(&|p| Some(p.payout.currency.clone())),
            false,
        ),
        ("tax", text(&|p| p.payout.tax.map(|t| t.to_string())), true),
        (
            "gross",
            text(&|p| p.payout.gross.map(|g| g.to_string())),
            true,
        ),
        ("earned", dates(&|p| p.payout.earned), false),
        ("due", dates(&|p| p.payout.due), false),
        (
            "settlement",
            text(&|p| Some(p.payout.settlement.to_string())),
            false,
        ),
        ("k_date", dates(&|p| p.key.event.date), false),
        ("k_rank", ints(&|p| i32::from(p.key.event.rank)), false),
        (
            "k_input",
            Arc::new(Int64Array::from_iter_values(
                payouts.iter().map(|p| p.key.event.input as i64),
            )),
            false,
        ),
        ("k_sub", ints(&|p| i32::from(p.key.sub)), false),
        ("k_n", ints(&|p| i32::from(p.key.n)), false),
    ];
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array, nullable)| Field::new(*name, array.data_type().clone(), *nullable))
        .collect();
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|c| c.1).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// A finished simulation.
#[pyclass(frozen, module = "charter._charter")]
struct Run {
    result: SimResult,
}

fn days(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days() as i32
}

/// Exact decimals at the largest scale of the column.
fn decimals(values: &[Option<Decimal>]) -> Result<Decimal128Array, ArrowError> {
    let scale = values
        .iter()
        .flatten()
        .map(|d| d.scale())
        .max()
        .unwrap_or(0);
    let mantissas = values.iter().map(|v| {
        v.map(|mut d| {
            d.rescale(scale);
            d.mantissa()
        })
    });
    Decimal128Array::from_iter(mantissas).with_precision_and_scale(38, scale as i8)
}

pub(crate) fn payouts_batch(payouts: &[charter_sim::Payout]) -> Result<RecordBatch, ArrowError> {
    let text = |f: &dyn Fn(&charter_sim::Payout) -> Option<&str>| -> ArrayRef {
        Arc::new(StringArray::from_iter(payouts.iter().map(f)))
    };
    let base: Vec<Option<Decimal>> = payouts.iter().map(|p| Some(p.base)).collect();
    let rate: Vec<Option<Decimal>> = payouts.iter().map(|p| p.rate).collect();
    let amount: Vec<Option<Decimal>> = payouts.iter().map(|p| Some(p.amount)).collect();
    let base = decimals(&base)?;
    let rate = decimals(&rate)?;
    let amount = decimals(&amount)?;
    let money =
        |f: &dyn Fn(&charter_sim::Payout) -> Option<Decimal>| -> Result<ArrayRef, ArrowError> {
            let values: Vec<Option<Decimal>> = payouts.iter().map(f).collect();
            Ok(Arc::new(decimals(&values)?))
        };
    let mut columns: Vec<(&str, ArrayRef, bool)> = vec![
        ("id", text(&|p| Some(&p.id)), false),
        ("partner", text(&|p| Some(&p.partner)), false),
        ("customer", text(&|p| p.customer.as_deref()), true),
        ("invoice", text(&|p| p.invoice.as_deref()), true),
        ("rule", text(&|p| Some(&p.rule)), false),
        ("base", Arc::new(base), false),
        ("rate", Arc::new(rate), true),
        ("amount", Arc::new(amount), false),
        ("currency", text(&|p| Some(&p.currency)), false),
    ];
    // As the CSV report: tax and gross when some partner is paid tax on top,
    // the conversion when some partner is paid in its own currency.
    if payouts.iter().any(|p| p.tax.is_some()) {
        columns.push(("tax", money(&|p| p.tax)?, true));
        columns.push(("gross", money(&|p| p.gross)?, true));
    }
    if payouts.iter().any(|p| p.converted.is_some()) {
        let rate_date = payouts
            .iter()
            .map(|p| p.converted.as_ref().map(|c| days(c.rate_date)));
        columns.extend([
            (
                "converted_currency",
                text(&|p| p.converted.as_ref().map(|c| c.currency.as_str())),
                true,
            ),
            (
                "exchange_rate",
                money(&|p| p.converted.as_ref().map(|c| c.rate))?,
                true,
            ),
            (
                "rate_date",
                Arc::new(Date32Array::from_iter(rate_date)) as ArrayRef,
                true,
            ),
            (
                "converted_amount",
                money(&|p| p.converted.as_ref().map(|c| c.amount))?,
                true,
            ),
            (
                "converted_tax",
                money(&|p| p.converted.as_ref().and_then(|c| c.tax))?,
                true,
            ),
            (
                "converted_gross",
                money(&|p| p.converted.as_ref().and_then(|c| c.gross))?,
                true,
            ),
        ]);
    }
    columns.extend([
        (
            "earned",
            Arc::new(Date32Array::from_iter_values(
                payouts.iter().map(|p| days(p.earned)),
            )) as ArrayRef,
            false,
        ),
        (
            "due",
            Arc::new(Date32Array::from_iter_values(
                payouts.iter().map(|p| days(p.due)),
            )),
            false,
        ),
        ("settlement", text(&|p| Some(p.settlement)), false),
    ]);
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array, nullable)| Field::new(*name, array.data_type().clone(), *nullable))
        .collect();
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|c| c.1).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// Hands a record batch to Python as an `arrow_array_stream` capsule.
pub(crate) fn batch_capsule<'py>(
    py: Python<'py>,
    batch: RecordBatch,
) -> PyResult<Bound<'py, PyCapsule>> {
    let schema = batch.schema();
    let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    let name =
        CString::new("arrow_array_stream").map_err(|e| PyValueError::new_err(e.to_string()))?;
    PyCapsule::new(py, stream, Some(name))
}

#[pymethods]
impl Run {
    /// The date the simulation ran as of (ISO).
    #[getter]
    fn as_of(&self) -> String {
        self.result.as_of.to_string()
    }

    /// The payouts as an Arrow C stream capsule (the CSV report's columns).
    fn payouts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let batch = payouts_batch(&self.result.payouts)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        batch_capsule(py, batch)
    }

    /// The JSON report (`charter simulate --format json`).
    fn json(&self) -> String {
        charter_sim::report::to_json(&self.result)
    }

    /// Whether the scenario contradicts the policy (an error finding).
    fn has_errors(&self) -> bool {
        self.result.has_errors()
    }
}

#[pymodule]
fn _charter(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(check_json, m)?)?;
    m.add_function(wrap_pyfunction!(same_day_ranks, m)?)?;
    m.add_class::<Policy>()?;
    m.add_class::<Run>()?;
    m.add("PolicyError", m.py().get_type::<PolicyError>())?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    Ok(())
}
