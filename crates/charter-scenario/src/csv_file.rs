//! CSV scenario files, read with the `csv` crate: a header row naming the
//! columns (see `tabular`), then one event or partner per row. Commas
//! separate cells; a cell may be quoted (`"a, b"`, `""` for a quote inside)
//! and may then hold line breaks. A UTF-8 byte order mark is skipped.
//!
//! Large event files are cut into chunks read on parallel threads, as
//! `batch` does for NDJSON. A cut is placed after a line break outside
//! quotes (an even number of `"` before it); each chunk's reader checks that
//! its last row ends exactly at the cut, and if one does not (a stray quote
//! inside an unquoted cell fooled the count) the file is read again whole on
//! one thread. Cells are borrowed from the file wherever they are written
//! without quotes.

use std::borrow::Cow;

use crate::batch::{self, Chunk, DuplicateInvoice, Loaded};
use crate::customers::{customer_columns, CustomerColumn, CustomerList, CustomerRow};
use crate::error::{count_newlines, Problem};
use crate::event::{Field, RawEvent};
use crate::names::Interner;
use crate::partner::PartnerList;
use crate::tabular::{
    event_columns, partner_columns, rejected_column, Cell, CellProblem, EventRows, PartnerColumn,
    PartnerRow,
};
use crate::value::quoted;

/// Bytes the CSV reader copies from the file at a time.
const READ_BUFFER: usize = 256 * 1024;

/// Loads the events of a CSV file; `seed` holds the declared partners.
pub(crate) fn load_events(src: &[u8], seed: &Interner) -> Result<Loaded, Problem> {
    let header = read_header(src, "an events file")?;
    let columns = event_columns(&header.names).map_err(|e| header.problem(e))?;
    let bounds = cuts(src, header.end);
    let jobs: Vec<Job> = bounds
        .windows(2)
        .enumerate()
        .map(|(k, w)| Job {
            count_from: if k == 0 { 0 } else { w[0] },
            from: if k == 0 { header.end } else { w[0] },
            to: w[1],
            last: w[1] == src.len(),
        })
        .collect();
    let read = |job: &Job| read_events(src, job, &columns);
    let mut results = batch::run_parallel(&jobs, read);
    if results
        .iter()
        .any(|r| matches!(r, Err(ChunkError::Misaligned)))
    {
        let whole = Job {
            count_from: 0,
            from: header.end,
            to: src.len(),
            last: true,
        };
        results = vec![read_events(src, &whole, &columns)];
    }
    // Rows of a chunk count from the first row of the chunk; an error in a
    // chunk wins only when every chunk before it loaded.
    let mut chunks = Vec::with_capacity(results.len());
    let mut rows_before = 0;
    for result in results {
        match result {
            Ok(chunk) => {
                rows_before += chunk.events.len();
                chunks.push(Ok(chunk));
            }
            Err(ChunkError::Cell(problem)) => {
                chunks.push(Err(problem.into_problem(rows_before)));
                break;
            }
            Err(ChunkError::Misaligned) => {
                chunks.push(Err(Problem::new(
                    0,
                    String::new(),
                    "internal error: the CSV reader lost its place".to_owned(),
                )));
                break;
            }
        }
    }
    batch::merge(seed, chunks, &|dup| duplicate_invoice(src, &columns, dup))
}

/// Loads the partners of a CSV file.
pub(crate) fn load_partners(src: &[u8]) -> Result<PartnerList, Problem> {
    let header = read_header(src, "a partners file")?;
    let columns = partner_columns(&header.names).map_err(|e| header.problem(e))?;
    let mut list = PartnerList::default();
    let mut rows = Rows::new(src, header.end, 0);
    let id_column = columns.iter().position(|c| *c == PartnerColumn::Id);
    let mut row = 0;
    while let Some(record) = rows.next_record() {
        let start = record.start;
        let place = |column: Option<usize>, message: String| {
            let offset = column.map_or(start, |i| cell_offset(src, start, i));
            let name = column.and_then(|i| header.names.get(i)).map(String::as_str);
            CellProblem::new(offset, Some(row), name, message).into_problem(0)
        };
        record
            .check_width(columns.len())
            .map_err(|m| place(None, m))?;
        let mut partner = PartnerRow::new(rows.line as u32 + 1);
        let mut at = start;
        for (i, bytes) in rows.record.iter().enumerate() {
            if !bytes.is_empty() {
                let text = cell_text(src, at, bytes).map_err(|m| place(Some(i), m))?;
                partner
                    .set(&columns[i], Cell::Text(text))
                    .map_err(|m| place(Some(i), m))?;
            }
            at += bytes.len() + 1;
        }
        partner
            .declare(&mut list, "line")
            .map_err(|(at_id, m)| place(id_column.filter(|_| at_id), m))?;
        row += 1;
    }
    Ok(list)
}

/// Loads the customer records of a CSV file (columns `id` and `country`).
pub(crate) fn load_customers(src: &[u8]) -> Result<CustomerList, Problem> {
    let header = read_header(src, "a customers file")?;
    let columns = customer_columns(&header.names).map_err(|e| header.problem(e))?;
    let mut list = CustomerList::default();
    let mut rows = Rows::new(src, header.end, 0);
    let mut row = 0;
    while let Some(record) = rows.next_record() {
        let start = record.start;
        let place = |column: Option<usize>, message: String| {
            let offset = column.map_or(start, |i| cell_offset(src, start, i));
            let name = column.and_then(|i| header.names.get(i)).map(String::as_str);
            CellProblem::new(offset, Some(row), name, message).into_problem(0)
        };
        record
            .check_width(columns.len())
            .map_err(|m| place(None, m))?;
        let mut customer = CustomerRow::default();
        let mut at = start;
        for (i, bytes) in rows.record.iter().enumerate() {
            if !bytes.is_empty() {
                let text = cell_text(src, at, bytes).map_err(|m| place(Some(i), m))?;
                customer
                    .set(columns[i], Cell::Text(text))
                    .map_err(|m| place(Some(i), m))?;
            }
            at += bytes.len() + 1;
        }
        let column_of = |c| columns.iter().position(|k| *k == c);
        let (id, country) = customer.finish().map_err(|(c, m)| place(column_of(c), m))?;
        list.add(id, country, rows.line as u32 + 1, "line")
            .map_err(|m| place(column_of(CustomerColumn::Id), m))?;
        row += 1;
    }
    Ok(list)
}

/// The header row: column names, where each starts, where the rows begin.
struct Header {
    names: Vec<String>,
    offsets: Vec<usize>,
    start: usize,
    end: usize,
}

impl Header {
    /// A problem with column `at` (`None`: the header as a whole).
    fn problem(&self, (at, message): (Option<usize>, String)) -> Problem {
        let offset = at
            .and_then(|i| self.offsets.get(i))
            .copied()
            .unwrap_or(self.start);
        let path = at
            .and_then(|i| self.names.get(i))
            .map(|name| format!("header, column `{}`", crate::value::shorten(name)))
            .unwrap_or_else(|| "header".to_owned());
        Problem::new(offset, path, message)
    }
}

fn read_header(src: &[u8], what: &str) -> Result<Header, Problem> {
    let mut rows = Rows::new(src, bom_len(src), 0);
    let Some(record) = rows.next_record() else {
        return Err(Problem::new(
            0,
            String::new(),
            format!("the file is empty; expected {what} with a header row naming its columns"),
        ));
    };
    let mut names = Vec::with_capacity(record.width);
    let mut offsets = Vec::with_capacity(record.width);
    for (i, bytes) in rows.record.iter().enumerate() {
        let at = cell_offset(src, record.start, i);
        let text =
            cell_text(src, at, bytes).map_err(|m| Problem::new(at, "header".to_owned(), m))?;
        names.push(text.trim().to_owned());
        offsets.push(at);
    }
    Ok(Header {
        names,
        offsets,
        start: record.start,
        end: record.end,
    })
}

/// Bytes of a UTF-8 byte order mark at the start of `src`.
fn bom_len(src: &[u8]) -> usize {
    if src.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

/// Where to cut the rows from `body` on into chunks: after a line break with
/// an even number of quotes before it.
fn cuts(src: &[u8], body: usize) -> Vec<usize> {
    let chunks = batch::threads_for(src.len() - body.min(src.len()));
    let mut bounds = vec![body];
    let mut quotes = 0usize;
    let mut counted = body;
    for k in 1..chunks {
        let target = body + (src.len() - body) / chunks * k;
        let last = *bounds.last().unwrap_or(&body);
        if target <= last || counted > target {
            continue;
        }
        quotes += src[counted..target].iter().filter(|&&b| b == b'"').count();
        let mut odd = quotes % 2 == 1;
        let cut = src[target..].iter().position(|&b| {
            if b == b'"' {
                odd = !odd;
            }
            b == b'\n' && !odd
        });
        match cut {
            Some(i) if target + i + 1 < src.len() => {
                let cut = target + i + 1;
                quotes += src[target..cut].iter().filter(|&&b| b == b'"').count();
                counted = cut;
                bounds.push(cut);
            }
            _ => break,
        }
    }
    bounds.push(src.len());
    bounds
}

/// A chunk of rows to read: lines count from `count_from`, rows start at
/// `from`, and the chunk's rows start before `to`.
struct Job {
    count_from: usize,
    from: usize,
    to: usize,
    /// Whether the chunk ends the file.
    last: bool,
}

enum ChunkError {
    Cell(CellProblem),
    /// A row runs past the chunk's end: the cut was inside a quoted cell.
    Misaligned,
}

impl From<batch::ThreadFailed> for Result<Chunk, ChunkError> {
    fn from(_: batch::ThreadFailed) -> Self {
        Err(ChunkError::Cell(CellProblem::new(
            0,
            None,
            None,
            "internal error: a loader thread failed".to_owned(),
        )))
    }
}

fn read_events(src: &[u8], job: &Job, columns: &[Field]) -> Result<Chunk, ChunkError> {
    // About 40 bytes a row at the least (pages of unused room are never
    // touched).
    let mut events = EventRows::new((job.to - job.from) / 40);
    let mut rows = Rows::new(src, job.from, job.count_from);
    // Checked at once (fast); cells are then cut from it. A chunk that is
    // not UTF-8 is checked cell by cell, to find the bad one.
    let text = Text {
        from: job.from,
        text: std::str::from_utf8(&src[job.from..job.to]).ok(),
    };
    while let Some(record) = rows.next_record() {
        if record.start >= job.to {
            break;
        }
        if record.end > job.to && !job.last {
            return Err(ChunkError::Misaligned);
        }
        let row = events.len();
        let start = record.start;
        let place = |column: Option<usize>, message: String| {
            let offset = column.map_or(start, |i| cell_offset(src, start, i));
            let name = column.and_then(|i| columns.get(i)).map(|f| f.name());
            ChunkError::Cell(CellProblem::new(offset, Some(row), name, message))
        };
        record
            .check_width(columns.len())
            .map_err(|m| place(None, m))?;
        let mut raw = RawEvent::default();
        // Where the next cell is written, while it is known.
        let mut at = Some(start);
        for (i, bytes) in rows.record.iter().enumerate() {
            let written = at.and_then(|a| text.cell(a, bytes));
            at = written.map(|(_, next)| next);
            if !bytes.is_empty() {
                let cell = match written {
                    Some((cell, _)) => Cow::Borrowed(cell),
                    None => Cow::Owned(utf8(bytes).map_err(|m| place(Some(i), m))?.to_owned()),
                };
                raw.set_cell(columns[i], Cell::Text(cell))
                    .map_err(|m| place(Some(i), m))?;
            }
        }
        events
            .push(raw, rows.line, (record.start, record.end))
            .map_err(|r| {
                let (column, message) = rejected_column(r, columns);
                place(column, message)
            })?;
    }
    // Line breaks up to the last row read, then to the chunk's end.
    let newlines = if rows.cursor <= job.to {
        rows.line + count_newlines(&src[rows.cursor..job.to])
    } else {
        count_newlines(&src[job.count_from..job.to])
    };
    Ok(events.finish(newlines))
}

/// Reads rows from a byte position on, keeping count of lines.
struct Rows<'s> {
    src: &'s [u8],
    reader: csv::Reader<&'s [u8]>,
    /// Where the reader's input starts in the file.
    base: usize,
    /// The cells of the current row.
    record: csv::ByteRecord,
    /// Line breaks between where lines are counted from and the current row.
    line: usize,
    /// Where line breaks were counted up to.
    cursor: usize,
}

/// Where a row is: its first byte, the byte after it, and its cell count.
#[derive(Debug, Clone, Copy)]
struct Record {
    start: usize,
    end: usize,
    width: usize,
}

impl Record {
    fn check_width(&self, columns: usize) -> Result<(), String> {
        if self.width == columns {
            return Ok(());
        }
        Err(format!(
            "this row has {} cell{} but the header names {columns} column{}",
            self.width,
            if self.width == 1 { "" } else { "s" },
            if columns == 1 { "" } else { "s" },
        ))
    }
}

impl<'s> Rows<'s> {
    /// Rows from byte `from` on, lines counted from byte `count_from`.
    fn new(src: &'s [u8], from: usize, count_from: usize) -> Rows<'s> {
        let from = from.min(src.len());
        Rows {
            src,
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(READ_BUFFER)
                .from_reader(&src[from..]),
            base: from,
            record: csv::ByteRecord::new(),
            line: count_newlines(&src[count_from.min(from)..from]),
            cursor: from,
        }
    }

    /// The next row, its cells in `self.record`.
    fn next_record(&mut self) -> Option<Record> {
        // Reading from memory cannot fail, and byte records are not checked
        // for UTF-8 (cells are, one by one).
        if !self
            .reader
            .read_byte_record(&mut self.record)
            .unwrap_or(false)
        {
            return None;
        }
        let at = self.base + self.record.position().map_or(0, |p| p.byte() as usize);
        // The reader skips empty lines before a row.
        let start = at
            + self.src[at.min(self.src.len())..]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        let start = start.min(self.src.len());
        self.line += count_newlines(&self.src[self.cursor.min(start)..start]);
        self.cursor = start;
        Some(Record {
            start,
            end: self.base + self.reader.position().byte() as usize,
            width: self.record.len(),
        })
    }
}

/// A chunk of the file known to be UTF-8, if it is.
struct Text<'a> {
    from: usize,
    text: Option<&'a str>,
}

impl<'a> Text<'a> {
    /// The cell whose unquoted bytes are `bytes`, written at byte `at` of
    /// the file as is or between quotes (with no quote inside), and where
    /// the next cell of the row starts; `None` for a cell with a quote
    /// inside or outside a UTF-8 chunk.
    fn cell(&self, at: usize, bytes: &[u8]) -> Option<(&'a str, usize)> {
        let text = self.text?;
        let start = at.checked_sub(self.from)?;
        let quoted = text.as_bytes().get(start) == Some(&b'"');
        let (from, after) = if quoted {
            (start + 1, start + bytes.len() + 2)
        } else {
            (start, start + bytes.len())
        };
        let cell = text.get(from..from + bytes.len())?;
        let closed = !quoted || text.as_bytes().get(after - 1) == Some(&b'"');
        (closed && cell.as_bytes() == bytes).then_some((cell, self.from + after + 1))
    }
}

/// The text of a cell whose unquoted bytes are `bytes`: borrowed from the
/// file when it is written there as is (at `at`, where it starts when no
/// cell before it in the row is quoted), else copied.
fn cell_text<'a>(src: &'a [u8], at: usize, bytes: &[u8]) -> Result<Cow<'a, str>, String> {
    match src.get(at..at + bytes.len()) {
        Some(written) if written == bytes => utf8(written).map(Cow::Borrowed),
        _ => utf8(bytes).map(|text| Cow::Owned(text.to_owned())),
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

/// Where cell `column` of the row starting at `start` starts in the file
/// (its opening quote, if quoted); only for placing errors.
#[cold]
fn cell_offset(src: &[u8], start: usize, column: usize) -> usize {
    let mut reader = csv_core::Reader::new();
    let mut out = [0u8; 256];
    let mut at = start;
    let mut field = 0;
    while field < column {
        let input = src.get(at..).unwrap_or_default();
        let (result, read, _) = reader.read_field(input, &mut out);
        at += read;
        match result {
            csv_core::ReadFieldResult::Field { record_end: false } => field += 1,
            csv_core::ReadFieldResult::OutputFull => {}
            csv_core::ReadFieldResult::Field { record_end: true }
            | csv_core::ReadFieldResult::InputEmpty
            | csv_core::ReadFieldResult::End => break,
        }
    }
    at
}

/// A second declaration of an invoice, placed at its `id` cell.
#[cold]
fn duplicate_invoice(src: &[u8], columns: &[Field], dup: DuplicateInvoice) -> Problem {
    let column = columns.iter().position(|&f| f == Field::Id);
    let offset = column.map_or(dup.decl.start, |i| cell_offset(src, dup.decl.start, i));
    let first = dup
        .first
        .map(|e| format!("line {} (row {})", e.line, e.index + 1))
        .unwrap_or_default();
    CellProblem::new(
        offset,
        Some(dup.decl.event as usize),
        Some("id"),
        format!(
            "duplicate invoice id {}, first declared at {first}",
            quoted(dup.name)
        ),
    )
    .into_problem(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "date,type,partner,customer\n\
                       2025-03-05,referral,p,a\"b\n\
                       2025-03-06,referral,p,\"c\n,d\"\n\
                       2025-03-07,referral,p,e\n";

    fn job(from: usize, to: usize, last: bool) -> Job {
        Job {
            count_from: from,
            from,
            to,
            last,
        }
    }

    #[test]
    fn a_cut_inside_a_quoted_cell_is_noticed() {
        let src = CSV.as_bytes();
        let header = read_header(src, "events").unwrap();
        let columns = event_columns(&header.names).unwrap();
        // The line break inside `"c\n,d"` follows an even number of quotes
        // (the stray one in `a"b` counts): a quote count would cut there.
        let inside = CSV.find("c\n").unwrap() + 2;
        let first = read_events(src, &job(header.end, inside, false), &columns);
        assert!(matches!(first, Err(ChunkError::Misaligned)));
        // A cut between rows is fine.
        let between = CSV.find("2025-03-07").unwrap();
        let first = read_events(src, &job(header.end, between, false), &columns);
        assert_eq!(first.ok().map(|c| c.events.len()), Some(2));
        let rest = read_events(src, &job(between, src.len(), true), &columns);
        assert_eq!(rest.ok().map(|c| c.events.len()), Some(1));
    }

    #[test]
    fn cuts_follow_line_breaks_outside_quotes() {
        let mut src = String::from("date,type,customer\n");
        while src.len() < 3 << 20 {
            src.push_str("2025-03-05,vendor_contact,\"x\ny\"\n");
        }
        let bounds = cuts(src.as_bytes(), 19);
        for &cut in &bounds[1..bounds.len() - 1] {
            assert!(src[..cut].ends_with("\"\n"), "cut at {cut}");
        }
        assert_eq!(bounds.last(), Some(&src.len()));
    }
}
