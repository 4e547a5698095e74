//! Parquet scenario files, read into Arrow arrays with the `parquet` crate:
//! columns named as in a CSV file (see `tabular`), a null or an empty
//! string being an absent field.
//!
//! Column types are checked once, before any row is read: dates are `DATE`
//! or text like `2025-03-05`; amounts are `DECIMAL` (read exactly, at the
//! column's scale), integers or text like `100.00`, never floating point
//! (a `DOUBLE` has already lost the cents it was meant to hold, so the
//! column is refused rather than rounded); names are text or integers;
//! flags are `BOOLEAN` or text. The types come from the Parquet schema
//! (the Arrow schema some writers embed is ignored), so a file reads the
//! same whatever wrote it.
//!
//! The row groups are cut into contiguous parts decoded on parallel
//! threads, then the decoded batches into contiguous parts whose rows become
//! events on their own threads, joined in order as `batch` joins NDJSON
//! chunks.
//!
//! The `parquet` crate panics on some damaged files (a negative column
//! offset in the footer, say): every call into it goes through [`guarded`],
//! which turns such a panic into a "damaged file" error without printing it.

use std::cell::Cell as Counter;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Decimal256Type, Int16Type, Int32Type, Int64Type, Int8Type,
    UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use crate::batch::{self, Chunk, DuplicateInvoice, Loaded};
use crate::customers::{customer_columns, CustomerColumn, CustomerList, CustomerRow};
use crate::error::Problem;
use crate::event::{Field, RawEvent, ValueKind};
use crate::names::Interner;
use crate::partner::PartnerList;
use crate::tabular::{
    event_columns, partner_columns, rejected_column, Cell, CellProblem, EventRows, PartnerColumn,
    PartnerRow, PartnerValue,
};
use crate::value::quoted;

/// Rows decoded at a time.
const BATCH_ROWS: usize = 32 * 1024;

/// Files with fewer rows are read on the calling thread.
const PARALLEL_ROWS: usize = 16 * 1024;

/// Loads the events of a Parquet file; `seed` holds the declared partners.
/// Problems carry no byte offset: their path names the row and column.
pub(crate) fn load_events(src: &[u8], seed: &Interner) -> Result<Loaded, Problem> {
    let file = open(src)?;
    let fields = check_event_columns(file.columns())?;
    let threads = threads_for_rows(file.rows());
    let parts = file.parts(threads);
    let decoded = batch::run_parallel(&parts, |part| file.decode(part));
    let mut batches = Vec::with_capacity(file.rows().div_ceil(BATCH_ROWS));
    for result in decoded {
        batches.extend(result?);
    }
    events_of_batches(&fields, &batches, seed)
}

/// Loads events held as Arrow record batches of `columns`, read as the
/// rows of a Parquet file with those columns are (the Arrow C data
/// interface hands them over without a copy); `seed` holds the declared
/// partners.
pub(crate) fn load_event_batches(
    columns: &arrow_schema::Fields,
    batches: &[RecordBatch],
    seed: &Interner,
) -> Result<Loaded, Problem> {
    let fields = check_event_columns(columns)?;
    check_batch_columns(columns, batches)?;
    events_of_batches(&fields, batches, seed)
}

/// The event fields of `columns`, each column's type checked once.
fn check_event_columns(columns: &arrow_schema::Fields) -> Result<Vec<Field>, Problem> {
    let names: Vec<&str> = columns.iter().map(|f| f.name().as_str()).collect();
    let fields = event_columns(&names).map_err(|e| column_problem(&names, e))?;
    for (field, column) in fields.iter().zip(columns) {
        check_type(column.data_type(), Expect::Event(field.value_kind()))
            .map_err(|m| CellProblem::new(0, None, Some(column.name()), m).into_problem(0))?;
    }
    Ok(fields)
}

/// Batches handed over in memory hold the columns their schema says.
fn check_batch_columns(
    columns: &arrow_schema::Fields,
    batches: &[RecordBatch],
) -> Result<(), Problem> {
    let mut first_row = 0;
    for batch in batches {
        let same = batch.num_columns() == columns.len()
            && batch
                .schema()
                .fields()
                .iter()
                .zip(columns)
                .all(|(a, b)| a.name() == b.name() && a.data_type() == b.data_type());
        if !same {
            return Err(Problem::new(
                0,
                format!("row {}", first_row + 1),
                "a record batch's columns differ from the table's schema".to_owned(),
            ));
        }
        first_row += batch.num_rows();
    }
    Ok(())
}

/// One thread for a small table, every thread for a large one.
fn threads_for_rows(rows: usize) -> usize {
    if rows < PARALLEL_ROWS {
        1
    } else {
        batch::threads()
    }
}

/// The rows of decoded `batches` (columns `fields`) as events, in parallel
/// parts of whole batches (whatever the row groups they came from).
fn events_of_batches(
    fields: &[Field],
    batches: &[RecordBatch],
    seed: &Interner,
) -> Result<Loaded, Problem> {
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let jobs = batch_jobs(batches, threads_for_rows(rows));
    let results = batch::run_parallel(&jobs, |job| {
        guarded(|| read_events(job, fields, job.rows)).unwrap_or_else(|| Err(damaged_data()))
    });
    batch::merge(seed, results, &duplicate_invoice)
}

/// Decoded batches whose rows become events together.
struct BatchJob<'b> {
    batches: &'b [RecordBatch],
    first_row: usize,
    rows: usize,
}

/// `batches` in at most `parts` contiguous jobs of similar row counts.
fn batch_jobs(batches: &[RecordBatch], parts: usize) -> Vec<BatchJob<'_>> {
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let per_job = total.div_ceil(parts.max(1)).max(1);
    let mut jobs = Vec::new();
    let (mut start, mut first_row, mut rows) = (0, 0, 0);
    for (i, batch) in batches.iter().enumerate() {
        rows += batch.num_rows();
        if rows >= per_job || i + 1 == batches.len() {
            jobs.push(BatchJob {
                batches: &batches[start..=i],
                first_row,
                rows,
            });
            (start, first_row, rows) = (i + 1, first_row + rows, 0);
        }
    }
    if jobs.is_empty() {
        jobs.push(BatchJob {
            batches: &[],
            first_row: 0,
            rows: 0,
        });
    }
    jobs
}

/// Loads the partners of a Parquet file.
pub(crate) fn load_partners(src: &[u8]) -> Result<PartnerList, Problem> {
    let file = open(src)?;
    let columns = check_partner_columns(file.columns())?;
    let whole = Part {
        row_groups: (0..file.meta.metadata().num_row_groups()).collect(),
        first_row: 0,
        rows: file.rows(),
    };
    let batches = file.decode(&whole)?;
    partners_of_batches(file.columns(), &columns, &batches)
}

/// Loads partners held as Arrow record batches of `columns`, read as the
/// rows of a Parquet file with those columns are.
pub(crate) fn load_partner_batches(
    columns: &arrow_schema::Fields,
    batches: &[RecordBatch],
) -> Result<PartnerList, Problem> {
    let partner_columns = check_partner_columns(columns)?;
    check_batch_columns(columns, batches)?;
    partners_of_batches(columns, &partner_columns, batches)
}

/// The partner columns of `columns`, each column's type checked once.
fn check_partner_columns(columns: &arrow_schema::Fields) -> Result<Vec<PartnerColumn>, Problem> {
    let names: Vec<&str> = columns.iter().map(|f| f.name().as_str()).collect();
    let partner = partner_columns(&names).map_err(|e| column_problem(&names, e))?;
    for (column, field) in partner.iter().zip(columns) {
        check_type(field.data_type(), Expect::Partner(column.value_kind()))
            .map_err(|m| CellProblem::new(0, None, Some(field.name()), m).into_problem(0))?;
    }
    Ok(partner)
}

fn partners_of_batches(
    columns: &arrow_schema::Fields,
    partner: &[PartnerColumn],
    batches: &[RecordBatch],
) -> Result<PartnerList, Problem> {
    let names: Vec<&str> = columns.iter().map(|f| f.name().as_str()).collect();
    guarded(|| read_partners(batches, partner, &names)).unwrap_or_else(|| Err(damaged_data()))
}

fn damaged_data() -> Problem {
    Problem::new(
        0,
        String::new(),
        "cannot read the Parquet data: the file is damaged".to_owned(),
    )
}

fn read_partners(
    batches: &[RecordBatch],
    columns: &[PartnerColumn],
    names: &[&str],
) -> Result<PartnerList, Problem> {
    let mut list = PartnerList::default();
    let id_column = columns.iter().position(|c| *c == PartnerColumn::Id);
    let mut row = 0;
    for batch in batches {
        let cells = batch
            .columns()
            .iter()
            .map(CellReader::new)
            .collect::<Vec<_>>();
        for i in 0..batch.num_rows() {
            let place = |column: Option<usize>, message: String| {
                let name = column.and_then(|c| names.get(c)).copied();
                CellProblem::new(0, Some(row), name, message).into_problem(0)
            };
            let mut partner = PartnerRow::new(row as u32 + 1);
            for (c, reader) in cells.iter().enumerate() {
                let cell = reader
                    .cell(i, columns[c].is_list())
                    .map_err(|m| place(Some(c), m))?;
                if let Some(cell) = cell {
                    partner
                        .set(&columns[c], cell)
                        .map_err(|m| place(Some(c), m))?;
                }
            }
            partner
                .declare(&mut list, "row")
                .map_err(|(at_id, m)| place(id_column.filter(|_| at_id), m))?;
            row += 1;
        }
    }
    Ok(list)
}

/// Loads the customer records of a Parquet file (columns `id`, text or
/// integers, and `country`, text).
pub(crate) fn load_customers(src: &[u8]) -> Result<CustomerList, Problem> {
    let file = open(src)?;
    let names: Vec<&str> = file.columns().iter().map(|f| f.name().as_str()).collect();
    let columns = customer_columns(&names).map_err(|e| column_problem(&names, e))?;
    for (column, field) in columns.iter().zip(file.columns()) {
        let value = match column {
            CustomerColumn::Id => PartnerValue::Name,
            CustomerColumn::Country => PartnerValue::Code,
        };
        check_type(field.data_type(), Expect::Partner(value))
            .map_err(|m| CellProblem::new(0, None, Some(field.name()), m).into_problem(0))?;
    }
    let whole = Part {
        row_groups: (0..file.meta.metadata().num_row_groups()).collect(),
        first_row: 0,
        rows: file.rows(),
    };
    let batches = file.decode(&whole)?;
    guarded(|| read_customers(&batches, &columns, &names)).unwrap_or_else(|| Err(damaged_data()))
}

fn read_customers(
    batches: &[RecordBatch],
    columns: &[CustomerColumn],
    names: &[&str],
) -> Result<CustomerList, Problem> {
    let mut list = CustomerList::default();
    let column_of = |c| columns.iter().position(|k| *k == c);
    let mut row = 0;
    for batch in batches {
        let cells = batch
            .columns()
            .iter()
            .map(CellReader::new)
            .collect::<Vec<_>>();
        for i in 0..batch.num_rows() {
            let place = |column: Option<usize>, message: String| {
                let name = column.and_then(|c| names.get(c)).copied();
                CellProblem::new(0, Some(row), name, message).into_problem(0)
            };
            let mut customer = CustomerRow::default();
            for (c, reader) in cells.iter().enumerate() {
                let cell = reader.cell(i, false).map_err(|m| place(Some(c), m))?;
                if let Some(cell) = cell {
                    customer
                        .set(columns[c], cell)
                        .map_err(|m| place(Some(c), m))?;
                }
            }
            let (id, country) = customer.finish().map_err(|(c, m)| place(column_of(c), m))?;
            list.add(id, country, row as u32 + 1, "row")
                .map_err(|m| place(column_of(CustomerColumn::Id), m))?;
            row += 1;
        }
    }
    Ok(list)
}

/// An open Parquet file: its bytes and footer.
struct ParquetFile {
    bytes: Bytes,
    meta: ArrowReaderMetadata,
}

/// Contiguous row groups read together, and the rows before them.
struct Part {
    row_groups: Vec<usize>,
    first_row: usize,
    rows: usize,
}

fn open(src: &[u8]) -> Result<ParquetFile, Problem> {
    let bytes = Bytes::copy_from_slice(src);
    let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    let unreadable = |why: String| {
        Problem::new(
            0,
            String::new(),
            format!("not a readable Parquet file: {why}"),
        )
    };
    match guarded(|| ArrowReaderMetadata::load(&bytes, options)) {
        Some(Ok(meta)) => Ok(ParquetFile { bytes, meta }),
        Some(Err(e)) => Err(unreadable(parquet_words(&e))),
        None => Err(unreadable("its footer is damaged".to_owned())),
    }
}

impl ParquetFile {
    fn columns(&self) -> &arrow_schema::Fields {
        self.meta.schema().fields()
    }

    fn rows(&self) -> usize {
        usize::try_from(self.meta.metadata().file_metadata().num_rows()).unwrap_or(0)
    }

    /// The row groups in at most `parts` contiguous parts of similar size.
    fn parts(&self, parts: usize) -> Vec<Part> {
        let groups: Vec<usize> = self
            .meta
            .metadata()
            .row_groups()
            .iter()
            .map(|g| usize::try_from(g.num_rows()).unwrap_or(0))
            .collect();
        let total: usize = groups.iter().sum();
        let per_part = total.div_ceil(parts.max(1)).max(1);
        let mut result: Vec<Part> = Vec::new();
        let mut first_row = 0;
        for (g, &rows) in groups.iter().enumerate() {
            match result.last_mut() {
                Some(part) if part.rows < per_part => {
                    part.row_groups.push(g);
                    part.rows += rows;
                }
                _ => result.push(Part {
                    row_groups: vec![g],
                    first_row,
                    rows,
                }),
            }
            first_row += rows;
        }
        if result.is_empty() {
            result.push(Part {
                row_groups: Vec::new(),
                first_row: 0,
                rows: 0,
            });
        }
        result
    }

    /// Decodes the row groups of `part`.
    fn decode(&self, part: &Part) -> Result<Vec<RecordBatch>, Problem> {
        let damaged = |why: String| {
            let last = part.first_row + part.rows;
            Problem::new(
                0,
                format!("rows {} to {last}", part.first_row + 1),
                format!("cannot decode the Parquet data: {why}"),
            )
        };
        let decode = || {
            ParquetRecordBatchReaderBuilder::new_with_metadata(
                self.bytes.clone(),
                self.meta.clone(),
            )
            .with_row_groups(part.row_groups.clone())
            .with_batch_size(BATCH_ROWS)
            .build()?
            .collect::<Result<Vec<RecordBatch>, _>>()
            .map_err(parquet::errors::ParquetError::from)
        };
        match guarded(decode) {
            Some(Ok(batches)) => Ok(batches),
            Some(Err(e)) => Err(damaged(parquet_words(&e))),
            None => Err(damaged("the data is damaged".to_owned())),
        }
    }
}

thread_local! {
    /// How many [`guarded`] calls this thread is inside.
    static GUARDED: Counter<u32> = const { Counter::new(0) };
}

/// Runs `f`, which calls into the `parquet` crate; `None` if it panicked.
/// The panic is not printed: the first call wraps the process's panic hook
/// in one that stays silent on a thread inside `guarded` and defers to the
/// previous hook everywhere else.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Counter::get) == 0 {
                previous(info);
            }
        }));
    });
    GUARDED.with(|depth| depth.set(depth.get() + 1));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|depth| depth.set(depth.get().saturating_sub(1)));
    result.ok()
}

/// A problem with a column of the schema, or with the schema as a whole.
fn column_problem(names: &[&str], (at, message): (Option<usize>, String)) -> Problem {
    let name = at.and_then(|i| names.get(i)).copied();
    CellProblem::new(0, None, name, message).into_problem(0)
}

fn read_events(job: &BatchJob<'_>, fields: &[Field], room: usize) -> Result<Chunk, Problem> {
    let mut events = EventRows::new(room);
    for batch in job.batches {
        // Columns with no value in the batch are skipped.
        let cells: Vec<(usize, CellReader)> = batch
            .columns()
            .iter()
            .map(CellReader::new)
            .enumerate()
            .filter(|(_, reader)| !reader.is_empty())
            .collect();
        for i in 0..batch.num_rows() {
            let row = events.len();
            let place = |column: Option<usize>, message: String| {
                let name = column.and_then(|c| fields.get(c)).map(|f| f.name());
                CellProblem::new(0, Some(row), name, message).into_problem(job.first_row)
            };
            let mut raw = RawEvent::default();
            for &(c, ref reader) in &cells {
                if let Some(cell) = reader.cell(i, false).map_err(|m| place(Some(c), m))? {
                    raw.set_cell(fields[c], cell)
                        .map_err(|m| place(Some(c), m))?;
                }
            }
            events.push(raw, row, (0, 0)).map_err(|r| {
                let (column, message) = rejected_column(r, fields);
                place(column, message)
            })?;
        }
    }
    // Each row counts as a line: an event's line is its row number.
    let rows = events.len();
    Ok(events.finish(rows))
}

/// A second declaration of an invoice, placed at its row.
#[cold]
fn duplicate_invoice(dup: DuplicateInvoice) -> Problem {
    let first = dup.first.map_or(0, |e| e.index + 1);
    CellProblem::new(
        0,
        Some(dup.decl.event as usize),
        Some("id"),
        format!(
            "duplicate invoice id {}, first declared at row {first}",
            quoted(dup.name)
        ),
    )
    .into_problem(0)
}

/// What a column must hold.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Event(ValueKind),
    Partner(PartnerValue),
}

/// Whether a column of type `data_type` can hold what it is named for.
fn check_type(data_type: &DataType, expect: Expect) -> Result<(), String> {
    use DataType as T;
    let text = matches!(data_type, T::Utf8 | T::LargeUtf8 | T::Utf8View | T::Binary);
    let integer = data_type.is_integer();
    let decimal = matches!(data_type, T::Decimal128(..) | T::Decimal256(..));
    let (ok, wanted) = match expect {
        Expect::Event(ValueKind::Date) | Expect::Partner(PartnerValue::Date) => (
            text || *data_type == T::Date32,
            "a DATE or text like \"2025-03-05\"",
        ),
        Expect::Event(ValueKind::Name) | Expect::Partner(PartnerValue::Name) => {
            (text || integer || decimal, "text or integers")
        }
        Expect::Event(ValueKind::Bool) | Expect::Partner(PartnerValue::Bool) => {
            (text || *data_type == T::Boolean, "BOOLEAN or text")
        }
        Expect::Event(ValueKind::Amount) | Expect::Partner(PartnerValue::Amount) => (
            text || integer || decimal,
            "DECIMAL, integers or text like \"100.00\"",
        ),
        Expect::Event(ValueKind::Count | ValueKind::Months)
        | Expect::Partner(PartnerValue::Count) => (text || integer || decimal, "integers or text"),
        Expect::Event(ValueKind::EventType | ValueKind::Currency | ValueKind::CollectedBy)
        | Expect::Partner(PartnerValue::Code) => (text, "text"),
        Expect::Partner(PartnerValue::Names) => (
            text || matches!(data_type, T::List(item) | T::LargeList(item)
                if matches!(item.data_type(), T::Utf8 | T::LargeUtf8 | T::Utf8View | T::Binary)),
            "a list of strings or text with `;` between names",
        ),
    };
    if ok {
        return Ok(());
    }
    let money = matches!(
        expect,
        Expect::Event(ValueKind::Amount) | Expect::Partner(PartnerValue::Amount)
    );
    if money && data_type.is_floating() {
        return Err(format!(
            "floating-point numbers ({data_type}) cannot hold money exactly; \
             write the column as DECIMAL (such as DECIMAL(18, 2)) or as text"
        ));
    }
    let date = matches!(
        expect,
        Expect::Event(ValueKind::Date) | Expect::Partner(PartnerValue::Date)
    );
    if date && matches!(data_type, T::Timestamp(..) | T::Date64) {
        return Err(format!(
            "the column has type {data_type}; expected {wanted} (a timestamp's day depends \
             on its time zone: write the column as DATE)"
        ));
    }
    Err(format!(
        "the column has type {data_type}; expected {wanted}"
    ))
}

/// Reads the cells of one column of a batch.
struct CellReader<'b> {
    /// Which rows are null, when any is.
    nulls: Option<&'b NullBuffer>,
    values: Values<'b>,
}

/// The values of a column, by type.
enum Values<'b> {
    Utf8(&'b arrow_array::StringArray),
    LargeUtf8(&'b arrow_array::LargeStringArray),
    Utf8View(&'b arrow_array::StringViewArray),
    Binary(&'b arrow_array::BinaryArray),
    Bool(&'b arrow_array::BooleanArray),
    Date32(&'b arrow_array::Date32Array),
    I8(&'b arrow_array::Int8Array),
    I16(&'b arrow_array::Int16Array),
    I32(&'b arrow_array::Int32Array),
    I64(&'b arrow_array::Int64Array),
    U8(&'b arrow_array::UInt8Array),
    U16(&'b arrow_array::UInt16Array),
    U32(&'b arrow_array::UInt32Array),
    U64(&'b arrow_array::UInt64Array),
    Decimal128(&'b arrow_array::Decimal128Array, i32),
    Decimal256(&'b arrow_array::Decimal256Array, i32),
    List(&'b arrow_array::ListArray),
    LargeList(&'b arrow_array::LargeListArray),
    /// A type `check_type` refused, or a column with no value: never read.
    Nothing,
}

impl<'b> CellReader<'b> {
    fn new(array: &'b ArrayRef) -> CellReader<'b> {
        Self::of(array.as_ref())
    }

    fn of(array: &'b dyn Array) -> CellReader<'b> {
        use DataType as T;
        use Values as V;
        fn or_nothing<'b, A: 'b>(a: Option<A>, f: impl FnOnce(A) -> Values<'b>) -> Values<'b> {
            a.map_or(Values::Nothing, f)
        }
        let values = if array.null_count() == array.len() {
            V::Nothing
        } else {
            match array.data_type() {
                T::Utf8 => or_nothing(array.as_string_opt(), V::Utf8),
                T::LargeUtf8 => or_nothing(array.as_string_opt(), V::LargeUtf8),
                T::Utf8View => or_nothing(array.as_string_view_opt(), V::Utf8View),
                T::Binary => or_nothing(array.as_binary_opt(), V::Binary),
                T::Boolean => or_nothing(array.as_boolean_opt(), V::Bool),
                T::Date32 => or_nothing(array.as_primitive_opt::<Date32Type>(), V::Date32),
                T::Int8 => or_nothing(array.as_primitive_opt::<Int8Type>(), V::I8),
                T::Int16 => or_nothing(array.as_primitive_opt::<Int16Type>(), V::I16),
                T::Int32 => or_nothing(array.as_primitive_opt::<Int32Type>(), V::I32),
                T::Int64 => or_nothing(array.as_primitive_opt::<Int64Type>(), V::I64),
                T::UInt8 => or_nothing(array.as_primitive_opt::<UInt8Type>(), V::U8),
                T::UInt16 => or_nothing(array.as_primitive_opt::<UInt16Type>(), V::U16),
                T::UInt32 => or_nothing(array.as_primitive_opt::<UInt32Type>(), V::U32),
                T::UInt64 => or_nothing(array.as_primitive_opt::<UInt64Type>(), V::U64),
                T::Decimal128(_, scale) => {
                    or_nothing(array.as_primitive_opt::<Decimal128Type>(), |a| {
                        V::Decimal128(a, i32::from(*scale))
                    })
                }
                T::Decimal256(_, scale) => {
                    or_nothing(array.as_primitive_opt::<Decimal256Type>(), |a| {
                        V::Decimal256(a, i32::from(*scale))
                    })
                }
                T::List(_) => or_nothing(array.as_list_opt(), V::List),
                T::LargeList(_) => or_nothing(array.as_list_opt(), V::LargeList),
                _ => V::Nothing,
            }
        };
        CellReader {
            nulls: array.nulls(),
            values,
        }
    }

    /// Whether no row of the column has a value.
    fn is_empty(&self) -> bool {
        matches!(self.values, Values::Nothing)
    }

    /// The cell in row `i`, `None` when null or an empty string; `list`
    /// when the column holds names.
    fn cell(&self, i: usize, list: bool) -> Result<Option<Cell<'b>>, String> {
        if self.nulls.is_some_and(|nulls| nulls.is_null(i)) {
            return Ok(None);
        }
        let text = |s: &'b str| (!s.is_empty()).then(|| Cell::Text(s.into()));
        let int = |i: i128| Some(Cell::Integer(i));
        Ok(match &self.values {
            Values::Utf8(a) => text(a.value(i)),
            Values::LargeUtf8(a) => text(a.value(i)),
            Values::Utf8View(a) => text(a.value(i)),
            Values::Binary(a) => text(utf8(a.value(i))?),
            Values::Bool(a) => Some(Cell::Bool(a.value(i))),
            Values::Date32(a) => Some(Cell::Date(a.value_as_date(i).ok_or_else(|| {
                format!("day {} is outside the dates Charter knows", a.value(i))
            })?)),
            Values::I8(a) => int(a.value(i).into()),
            Values::I16(a) => int(a.value(i).into()),
            Values::I32(a) => int(a.value(i).into()),
            Values::I64(a) => int(a.value(i).into()),
            Values::U8(a) => int(a.value(i).into()),
            Values::U16(a) => int(a.value(i).into()),
            Values::U32(a) => int(a.value(i).into()),
            Values::U64(a) => int(a.value(i).into()),
            Values::Decimal128(a, scale) => Some(Cell::Decimal {
                unscaled: a.value(i),
                scale: *scale,
            }),
            Values::Decimal256(a, scale) => Some(Cell::Decimal {
                unscaled: a.value(i).to_i128().ok_or_else(|| {
                    format!(
                        "amount {} is larger than the largest amount accepted",
                        a.value(i)
                    )
                })?,
                scale: *scale,
            }),
            Values::List(a) if list => Some(Cell::List(names(a.value(i))?)),
            Values::LargeList(a) if list => Some(Cell::List(names(a.value(i))?)),
            Values::List(_) | Values::LargeList(_) | Values::Nothing => None,
        })
    }
}

/// The strings of a list cell (owned: the list's array lives only here).
fn names(items: ArrayRef) -> Result<Vec<std::borrow::Cow<'static, str>>, String> {
    let reader = CellReader::new(&items);
    let mut names = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        match reader.cell(i, false)? {
            Some(Cell::Text(name)) => names.push(std::borrow::Cow::Owned(name.into_owned())),
            _ => return Err("empty name in a list".to_owned()),
        }
    }
    Ok(names)
}

/// The `parquet` crate's words for an error, without its category prefix
/// and final period.
fn parquet_words(error: &dyn std::error::Error) -> String {
    let text = error.to_string();
    let text = ["Parquet error: ", "EOF: ", "External: ", "Arrow: "]
        .iter()
        .fold(text.as_str(), |t, prefix| {
            t.strip_prefix(prefix).unwrap_or(t)
        })
        .trim_end_matches('.');
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 (byte 0x{:02X}); scenario files must be UTF-8",
            bytes.get(e.valid_up_to()).copied().unwrap_or(0)
        )
    })
}
