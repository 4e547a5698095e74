//! Loading many events fast and lean.
//!
//! Events are read in chunks, each parsed on its own thread into events and
//! the names the chunk uses (see `event::EventTables`); the chunks are then
//! appended in input order to one [`Builder`], which looks the chunk's names
//! up in the scenario's tables (new names numbered in order of first
//! appearance) and fixes the chunk's ids, indexes and lines. So the result
//! is the same, byte for byte, whatever the number of threads or the size
//! of the chunks.
//!
//! An NDJSON events file is read piece by piece ([`load_lines`]): pieces of
//! about [`PIECE`] bytes cut after a line break, a few in flight at once
//! (read, parsed on the rayon pool, appended in order, their buffers used
//! again), so memory holds the events and names, never the file. The
//! builder starts when the first piece is appended, with the declared
//! partners, which may load meanwhile (`files::load_streamed`). A
//! scenario document, a CSV or a Parquet file is in memory already; its
//! chunks go through the same [`Builder`].
//!
//! Inside a chunk, event indexes and lines are relative to the chunk and ids
//! index the chunk's tables. A chunk's errors are placed while its text is
//! at hand. The first parse error in file order wins; a second declaration
//! of an invoice is reported only when the whole file parsed.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use serde_json::value::RawValue;

use crate::error::{count_newlines, explain, find_newline, locate, offset_in, utf8, Problem, Step};
use crate::event::{EventTables, InvoiceDecl, RawEvent, Rejection};
use crate::event_scan::ScanMemo;
use crate::model::{CustomerId, Event, EventKind, InvoiceId, PartnerId, SubscriptionId, Symbol};
use crate::names::{Interner, NameSeq};
use crate::value::quoted;

/// Inputs smaller than this are loaded on the calling thread.
const PARALLEL_BYTES: usize = 1 << 20;

/// Names a chunk must hold for its tables to be interned on two threads.
const PARALLEL_NAMES: usize = 4096;

/// Bytes of NDJSON parsed as one piece (more when a line is longer).
pub(crate) const PIECE: usize = 1 << 20;

/// Shortest event line expected when sizing buffers.
const MIN_LINE: usize = 64;

/// Most threads to use.
const MAX_THREADS: usize = 8;

/// How events are laid out in their file, which decides their JSON paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Items of the `events` array of a scenario document.
    Array,
    /// One event object per line.
    Lines,
}

impl Layout {
    fn prefix(self, index: usize) -> String {
        match self {
            Layout::Array => format!("$.events[{index}]"),
            Layout::Lines => "$".to_owned(),
        }
    }
}

/// Events of one scenario and the tables their names are interned in.
pub(crate) struct Loaded {
    pub events: Vec<Event>,
    pub partners: Interner,
    pub customers: Interner,
    pub invoices: Interner,
    pub symbols: Interner,
    /// Index of the declaring event per invoice id, `u32::MAX` for none.
    pub invoice_events: Vec<u32>,
}

/// The events of one chunk, with chunk-relative indexes, lines and ids.
pub(crate) struct Chunk {
    pub events: Vec<Event>,
    pub tables: EventTables,
    /// `\n` bytes from where the chunk counts lines to where the next begins
    /// (rows, for a file without lines).
    pub newlines: usize,
}

/// Why reading events failed.
pub(crate) enum Failure {
    /// The events are not valid (placed in the file, or at an offset).
    Problem(Problem),
    /// The file could not be read.
    Read(charter_fs::ReadError),
    /// The partners the events are loaded with did not load (the caller
    /// has their error).
    Partners,
}

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Failure {
        Failure::Problem(problem)
    }
}

/// Where NDJSON events come from: text in memory, or a file read piece by
/// piece.
pub(crate) enum LineSource<'s> {
    Memory { src: &'s [u8], at: usize },
    File(FilePieces),
}

/// A file read in pieces that end after a line break.
pub(crate) struct FilePieces {
    reader: charter_fs::BoundedReader,
    /// What the last read brought beyond the last line break.
    carry: Vec<u8>,
    /// Where the next piece starts in the file.
    at: usize,
    done: bool,
}

impl FilePieces {
    pub(crate) fn new(reader: charter_fs::BoundedReader) -> FilePieces {
        FilePieces {
            reader,
            carry: Vec::new(),
            at: 0,
            done: false,
        }
    }
}

/// A piece of NDJSON: whole lines, starting at byte `start` of the file.
struct Piece<'s> {
    text: PieceText<'s>,
    start: usize,
}

enum PieceText<'s> {
    Borrowed(&'s [u8]),
    Owned(Vec<u8>),
}

impl Piece<'_> {
    fn bytes(&self) -> &[u8] {
        match &self.text {
            PieceText::Borrowed(bytes) => bytes,
            PieceText::Owned(bytes) => bytes,
        }
    }

    fn into_buffer(self) -> Option<Vec<u8>> {
        match self.text {
            PieceText::Borrowed(_) => None,
            PieceText::Owned(buffer) => Some(buffer),
        }
    }
}

impl<'s> LineSource<'s> {
    /// Bytes to read, as far as known.
    fn len(&self) -> usize {
        match self {
            LineSource::Memory { src, .. } => src.len(),
            LineSource::File(file) => {
                usize::try_from(file.reader.len_when_opened()).unwrap_or(usize::MAX)
            }
        }
    }

    /// The next piece, filling `spare` if given; `None` at the end.
    fn next_piece(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Piece<'s>>, Failure> {
        match self {
            LineSource::Memory { src, at } => {
                let src: &'s [u8] = src;
                let start = *at;
                if start >= src.len() {
                    return Ok(None);
                }
                let target = (start + PIECE).min(src.len());
                let end = find_newline(&src[target..]).map_or(src.len(), |i| target + i + 1);
                *at = end;
                Ok(Some(Piece {
                    text: PieceText::Borrowed(&src[start..end]),
                    start,
                }))
            }
            LineSource::File(file) => {
                if file.done {
                    return Ok(None);
                }
                let mut buffer = spare.unwrap_or_default();
                buffer.clear();
                buffer.reserve(PIECE);
                buffer.append(&mut file.carry);
                let start = file.at;
                // The carried bytes follow the last line break: none in them.
                let mut scanned = buffer.len();
                loop {
                    // A line longer than a piece makes the piece longer, at
                    // a growing pace.
                    let want = PIECE
                        .saturating_sub(buffer.len())
                        .max(buffer.len() / 2)
                        .max(PIECE / 8);
                    let got = file
                        .reader
                        .read_into(&mut buffer, want)
                        .map_err(Failure::Read)?;
                    if got == 0 {
                        file.done = true;
                        break;
                    }
                    if buffer.len() >= PIECE {
                        // Cut after the last line break, looked for in the
                        // bytes not looked at yet.
                        if let Some(i) = buffer[scanned..].iter().rposition(|&b| b == b'\n') {
                            let cut = scanned + i + 1;
                            file.carry.extend_from_slice(&buffer[cut..]);
                            buffer.truncate(cut);
                            break;
                        }
                        scanned = buffer.len();
                    }
                }
                if buffer.is_empty() {
                    return Ok(None);
                }
                file.at += buffer.len();
                Ok(Some(Piece {
                    text: PieceText::Owned(buffer),
                    start,
                }))
            }
        }
    }
}

/// Pieces parsed or waiting to be, at most, per thread.
const IN_FLIGHT_PER_THREAD: usize = 2;

/// The declared partners events are loaded with, asked for when the first
/// piece is appended (so that they may load meanwhile); `None` if they did
/// not load.
pub(crate) type Seed<'s> = dyn FnMut() -> Option<Interner> + 's;

/// Loads the NDJSON events of `source`. `seed` gives the declared partners.
/// Problems come placed (line and column).
pub(crate) fn load_lines(
    mut source: LineSource<'_>,
    seed: &mut Seed<'_>,
) -> Result<Loaded, Failure> {
    let mut builder = None;
    let threads = threads_for(source.len());
    // A thread of the pool must not wait for the pool's work.
    if threads == 1 || rayon::current_thread_index().is_some() {
        let mut spare = None;
        while let Some(piece) = source.next_piece(spare.take())? {
            let chunk = lines_chunk(piece.bytes());
            append_piece(started(&mut builder, seed)?, &piece, chunk)?;
            spare = piece.into_buffer();
        }
        return finish_lines(builder);
    }
    let (sender, receiver) = mpsc::channel();
    let in_flight = threads * IN_FLIGHT_PER_THREAD;
    let result = rayon::in_place_scope(|scope| -> Result<(), Failure> {
        let mut spares: Vec<Vec<u8>> = Vec::new();
        let mut waiting = BTreeMap::new();
        let (mut sent, mut appended) = (0usize, 0usize);
        let mut done = false;
        loop {
            while !done && sent - appended < in_flight {
                match source.next_piece(spares.pop())? {
                    None => done = true,
                    Some(piece) => {
                        let sender = sender.clone();
                        let k = sent;
                        scope.spawn(move |_| {
                            // Every piece sends a result, or the loop below
                            // would wait for it forever.
                            let chunk = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                lines_chunk(piece.bytes())
                            }))
                            .unwrap_or_else(|_| Err(thread_failed()));
                            // The receiver outlives the scope.
                            let _ = sender.send((k, piece, chunk));
                        });
                        sent += 1;
                    }
                }
            }
            if appended == sent {
                return Ok(());
            }
            let Ok((k, piece, chunk)) = receiver.recv() else {
                return Err(thread_failed().into());
            };
            waiting.insert(k, (piece, chunk));
            while let Some((piece, chunk)) = waiting.remove(&appended) {
                append_piece(started(&mut builder, seed)?, &piece, chunk)?;
                spares.extend(piece.into_buffer());
                appended += 1;
            }
        }
    });
    result?;
    finish_lines(builder)
}

/// The builder, started with the declared partners on first use.
fn started<'b>(
    builder: &'b mut Option<Builder>,
    seed: &mut Seed<'_>,
) -> Result<&'b mut Builder, Failure> {
    if builder.is_none() {
        *builder = Some(Builder::starting_with(seed().ok_or(Failure::Partners)?));
    }
    builder.as_mut().ok_or(Failure::Partners)
}

/// Appends a parsed piece, placing its problems while its text is at hand.
fn append_piece(
    builder: &mut Builder,
    piece: &Piece<'_>,
    chunk: Result<Chunk, Problem>,
) -> Result<(), Problem> {
    let text = piece.bytes();
    let lines = builder.lines;
    let place = |problem: Problem| problem.place_in_piece(text, piece.start, lines);
    let chunk = chunk.map_err(place)?;
    builder
        .append(chunk, &|dup| {
            place(duplicate_json_invoice(text, Layout::Lines, dup))
        })
        .map_err(place)
}

fn finish_lines(builder: Option<Builder>) -> Result<Loaded, Failure> {
    let Some(builder) = builder.filter(|b| !b.events.is_empty() || b.duplicate.is_some()) else {
        // Every line was blank.
        let mut problem = Problem::new(
            0,
            String::new(),
            "the file is empty; expected one event object per line".to_owned(),
        );
        problem.placed = Some((1, 1));
        return Err(problem.into());
    };
    Ok(builder.finish()?)
}

/// Loads the items of a scenario's `events` array. `seed` holds the declared
/// partners.
pub(crate) fn load_array(
    src: &[u8],
    items: &[&RawValue],
    seed: &Interner,
) -> Result<Loaded, Problem> {
    let span = items.first().zip(items.last()).map_or(0, |(first, last)| {
        offset_in(src, last.get().as_bytes()) - offset_in(src, first.get().as_bytes())
    });
    let chunks = threads_for(span).min(items.len().max(1));
    let per_chunk = items.len().div_ceil(chunks).max(1);
    let parts: Vec<(usize, &[&RawValue])> = items
        .chunks(per_chunk)
        .enumerate()
        .map(|(k, part)| (k * per_chunk, part))
        .collect();
    // Each chunk counts lines from its first item up to the next chunk's
    // first item; the first chunk counts from the start of the file.
    let starts: Vec<usize> = parts
        .iter()
        .enumerate()
        .map(|(k, (_, part))| match (k, part.first()) {
            (0, _) | (_, None) => 0,
            (_, Some(item)) => offset_in(src, item.get().as_bytes()),
        })
        .collect();
    let jobs: Vec<(usize, &[&RawValue], usize, usize)> = parts
        .iter()
        .enumerate()
        .map(|(k, &(first, part))| {
            let end = starts.get(k + 1).copied().unwrap_or(src.len());
            (first, part, starts[k], end)
        })
        .collect();
    let results = run_parallel(&jobs, |&(first, part, from, end)| {
        array_chunk(src, part, first, from, end)
    });
    merge(seed, results, &|dup| {
        duplicate_json_invoice(src, Layout::Array, dup)
    })
}

/// How many threads to load `bytes` of input on.
pub(crate) fn threads_for(bytes: usize) -> usize {
    if bytes < PARALLEL_BYTES {
        return 1;
    }
    threads()
}

/// How many threads to load a large input on.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
}

/// Runs `work` on every job, the first on this thread and the others on
/// their own, and returns the results in job order.
pub(crate) fn run_parallel<J: Sync, R: Send + From<ThreadFailed>>(
    jobs: &[J],
    work: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let Some((first, rest)) = jobs.split_first() else {
        return Vec::new();
    };
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = rest
            .iter()
            .map(|job| scope.spawn(move || work(job)))
            .collect();
        let mut results = vec![work(first)];
        for handle in handles {
            results.push(handle.join().unwrap_or_else(|_| R::from(ThreadFailed)));
        }
        results
    })
}

/// A loader thread that panicked (a bug).
pub(crate) struct ThreadFailed;

impl<T> From<ThreadFailed> for Result<T, Problem> {
    fn from(_: ThreadFailed) -> Self {
        Err(Problem::new(
            0,
            String::new(),
            "internal error: a loader thread failed".to_owned(),
        ))
    }
}

/// Parses a piece of NDJSON (whole lines); offsets are relative to it.
fn lines_chunk(src: &[u8]) -> Result<Chunk, Problem> {
    let text = utf8(src, src)?;
    let bytes = text.as_bytes();
    let mut chunk = ChunkBuilder::new(src, src.len() / MIN_LINE);
    let mut pos = 0;
    let mut line = 0usize;
    while pos < bytes.len() {
        let line_end = find_newline(&bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        // Both ends sit next to a newline or at the piece's ends, so on
        // character boundaries.
        let event = text.get(pos..line_end).unwrap_or_default();
        if !event.bytes().all(|b| b.is_ascii_whitespace()) {
            chunk.push(event, Layout::Lines, 0, line)?;
        }
        line += 1;
        pos = line_end + 1;
    }
    Ok(chunk.finish(line))
}

fn array_chunk(
    src: &[u8],
    items: &[&RawValue],
    first_index: usize,
    count_from: usize,
    end: usize,
) -> Result<Chunk, Problem> {
    let mut chunk = ChunkBuilder::new(src, items.len());
    let mut cursor = count_from;
    let mut newlines = 0;
    for (k, item) in items.iter().enumerate() {
        let text = item.get();
        let start = offset_in(src, text.as_bytes());
        newlines += count_newlines(&src[cursor.min(start)..start]);
        cursor = start;
        // Paths name the index in the whole array.
        chunk.push(text, Layout::Array, first_index + k, newlines)?;
    }
    newlines += count_newlines(&src[cursor.min(end)..end]);
    Ok(chunk.finish(newlines))
}

/// A chunk being filled.
struct ChunkBuilder<'a> {
    src: &'a [u8],
    tables: EventTables,
    events: Vec<Event>,
    /// The event being read, filled in place.
    raw: RawEvent<'a>,
    memo: ScanMemo,
}

impl<'a> ChunkBuilder<'a> {
    /// `events` is the room to make for events.
    fn new(src: &'a [u8], events: usize) -> ChunkBuilder<'a> {
        ChunkBuilder {
            src,
            tables: EventTables::default(),
            events: Vec::with_capacity(events),
            raw: RawEvent::default(),
            memo: ScanMemo::default(),
        }
    }

    /// Reads the event object `text`; `path_index` is its index for error
    /// paths and `line` its chunk-relative line.
    fn push(
        &mut self,
        text: &'a str,
        layout: Layout,
        path_index: usize,
        line: usize,
    ) -> Result<(), Problem> {
        let src = self.src;
        let raw = &mut self.raw;
        // An event in the plain shape is scanned; any other (and every
        // error) is read by serde.
        let parsed = match crate::event_scan::scan(raw, text, &mut self.memo) {
            true => Ok(()),
            false => raw.parse_into(text),
        };
        if let Err(fast) = parsed {
            let mut problem = explain::<RawEvent>(src, text, &layout.prefix(path_index), fast);
            if layout == Layout::Lines && problem.message.starts_with("unexpected end of input") {
                problem
                    .message
                    .push_str("; in NDJSON each event must be on a single line");
            }
            return Err(problem);
        }
        // Indexes and lines fit in a u32: the builder rejects more events,
        // and a file with more lines than that is far beyond memory.
        let index = self.events.len() as u32;
        let text = text.as_bytes();
        let event = raw
            .take_event(&mut self.tables, index, line as u32)
            .map_err(|r| rejection_problem(src, text, &layout.prefix(path_index), r))?;
        if let EventKind::Invoice { invoice, .. } = event.kind {
            let start = offset_in(src, text);
            self.tables.invoice_decls.push(InvoiceDecl {
                invoice,
                event: index,
                start,
                end: start + text.len(),
            });
        }
        self.events.push(event);
        Ok(())
    }

    fn finish(self, newlines: usize) -> Chunk {
        Chunk {
            events: self.events,
            tables: self.tables,
            newlines,
        }
    }
}

/// Places a rejected event's problem at the field (key or value) at fault.
#[cold]
fn rejection_problem(src: &[u8], text: &[u8], prefix: &str, rejection: Rejection) -> Problem {
    let event_start =
        offset_in(src, text) + text.iter().take_while(|b| b.is_ascii_whitespace()).count();
    match rejection.field {
        None => Problem::new(event_start, prefix.to_owned(), rejection.message),
        Some(field) => {
            let steps = [Step::Key(field)];
            let offset = locate(text, &steps).map_or(event_start, |spot| match spot.key {
                Some(key) if rejection.at_key => offset_in(src, key),
                _ => offset_in(src, spot.value),
            });
            Problem::new(
                offset,
                crate::error::join_path(prefix, &steps),
                rejection.message,
            )
        }
    }
}

/// A second `invoice` event declaring an invoice id.
pub(crate) struct DuplicateInvoice<'e> {
    /// The second declaration; its event index is final, its offsets those
    /// of its chunk.
    pub decl: InvoiceDecl,
    /// The event that declared it first.
    pub first: Option<&'e Event>,
    pub name: &'e str,
}

/// Joins the chunks of a file held in memory in order; `duplicate` places a
/// second declaration of an invoice. The first failed chunk's problem wins.
pub(crate) fn merge(
    seed: &Interner,
    results: Vec<Result<Chunk, Problem>>,
    duplicate: &dyn Fn(DuplicateInvoice) -> Problem,
) -> Result<Loaded, Problem> {
    let mut chunks = Vec::with_capacity(results.len());
    for result in results {
        chunks.push(result?);
    }
    let mut builder = Builder::new(seed);
    builder
        .events
        .reserve_exact(chunks.iter().map(|c| c.events.len()).sum());
    for chunk in chunks {
        builder.append(chunk, duplicate)?;
    }
    builder.finish()
}

/// The scenario's events and name tables, built chunk by chunk in input
/// order.
pub(crate) struct Builder {
    partners: Interner,
    customers: Interner,
    invoices: Interner,
    symbols: Interner,
    events: Vec<Event>,
    invoice_events: Vec<u32>,
    /// Lines (rows) before the next chunk.
    lines: usize,
    /// The first second declaration of an invoice, reported once every
    /// chunk parsed.
    duplicate: Option<Problem>,
    /// Per table of a chunk, the scenario's id of each of its ids.
    maps: [Vec<u32>; 4],
}

impl Builder {
    /// A builder whose partner table starts with the declared ones.
    pub(crate) fn new(seed: &Interner) -> Builder {
        Builder::starting_with(seed.clone())
    }

    /// A builder whose partner table is `partners`, the declared ones.
    pub(crate) fn starting_with(partners: Interner) -> Builder {
        Builder {
            partners,
            customers: Interner::default(),
            invoices: Interner::default(),
            symbols: Interner::default(),
            events: Vec::new(),
            invoice_events: Vec::new(),
            lines: 0,
            duplicate: None,
            maps: Default::default(),
        }
    }

    /// Appends the next chunk; `duplicate` places a second declaration of an
    /// invoice in it (kept until every chunk parsed). The only error is too
    /// many events, placed at the end of the chunk.
    pub(crate) fn append(
        &mut self,
        chunk: Chunk,
        duplicate: &dyn Fn(DuplicateInvoice) -> Problem,
    ) -> Result<(), Problem> {
        let base_index = self.events.len();
        if u32::try_from(base_index + chunk.events.len()).is_err() {
            return Err(Problem::new(
                usize::MAX,
                String::new(),
                format!("too many events: at most {} are supported", u32::MAX),
            ));
        }
        let tables = &chunk.tables;
        let [partners, customers, invoices, symbols] = &mut self.maps;
        // Each table on its own: the largest two on two threads when the
        // chunk names many.
        let (partner_table, customer_table) = (&mut self.partners, &mut self.customers);
        let (invoice_table, symbol_table) = (&mut self.invoices, &mut self.symbols);
        let mut others = || {
            customer_table.intern_all(&tables.customers, customers);
            partner_table.intern_all(&tables.partners, partners);
            symbol_table.intern_all(&tables.symbols, symbols);
        };
        let mut invoice_ids = || invoice_table.intern_all(&tables.invoices, invoices);
        if tables.customers.len() + tables.invoices.len() >= PARALLEL_NAMES {
            rayon::join(others, invoice_ids);
        } else {
            others();
            invoice_ids();
        }
        let ids = IdMaps {
            partners,
            customers,
            invoices,
            symbols,
        };
        // Lines and indexes fit a u32, checked above.
        let (base_index, base_line) = (base_index as u32, self.lines as u32 + 1);
        self.events
            .extend(chunk.events.into_iter().map(|mut event| {
                event.index += base_index;
                event.line += base_line;
                ids.apply(&mut event.kind);
                event
            }));
        self.invoice_events.resize(self.invoices.len(), u32::MAX);
        for decl in &tables.invoice_decls {
            let invoice = ids.invoices[decl.invoice.0 as usize];
            let event = decl.event + base_index;
            let slot = &mut self.invoice_events[invoice as usize];
            if *slot == u32::MAX {
                *slot = event;
            } else if self.duplicate.is_none() {
                let first = *slot;
                self.duplicate = Some(duplicate(DuplicateInvoice {
                    decl: InvoiceDecl {
                        invoice: InvoiceId(invoice),
                        event,
                        ..*decl
                    },
                    first: self.events.get(first as usize),
                    name: self.invoices.name(invoice),
                }));
            }
        }
        self.lines += chunk.newlines;
        Ok(())
    }

    /// The loaded events, or the first second declaration of an invoice.
    pub(crate) fn finish(mut self) -> Result<Loaded, Problem> {
        if let Some(problem) = self.duplicate {
            return Err(problem);
        }
        // The simulator reads customers and invoices by id: their lookup
        // tables go (`Names::find_*` builds one again if asked).
        self.customers.drop_table();
        self.invoices.drop_table();
        self.events.shrink_to_fit();
        Ok(Loaded {
            events: self.events,
            partners: self.partners,
            customers: self.customers,
            invoices: self.invoices,
            symbols: self.symbols,
            invoice_events: self.invoice_events,
        })
    }
}

fn thread_failed() -> Problem {
    Problem::new(
        0,
        String::new(),
        "internal error: a loader thread failed".to_owned(),
    )
}

/// A second declaration of an invoice in JSON, placed at its `id`.
#[cold]
fn duplicate_json_invoice(src: &[u8], layout: Layout, dup: DuplicateInvoice) -> Problem {
    let first_line = dup.first.map_or(0, |e| e.line);
    let rejection = Rejection {
        field: Some("id".to_owned()),
        at_key: false,
        missing: None,
        message: format!(
            "duplicate invoice id {}, first declared at line {first_line}",
            quoted(dup.name)
        ),
    };
    rejection_problem(
        src,
        &src[dup.decl.start..dup.decl.end],
        &layout.prefix(dup.decl.event as usize),
        rejection,
    )
}

/// How one chunk's ids become the scenario's: through the map of each table.
struct IdMaps<'m> {
    partners: &'m [u32],
    customers: &'m [u32],
    invoices: &'m [u32],
    symbols: &'m [u32],
}

impl IdMaps<'_> {
    fn apply(&self, kind: &mut EventKind) {
        let p = |id: &mut PartnerId| id.0 = self.partners[id.0 as usize];
        let c = |id: &mut CustomerId| id.0 = self.customers[id.0 as usize];
        let i = |id: &mut InvoiceId| id.0 = self.invoices[id.0 as usize];
        let s = |id: &mut Symbol| id.0 = self.symbols[id.0 as usize];
        match kind {
            EventKind::VendorContact { customer }
            | EventKind::Signup { customer }
            | EventKind::Trial { customer }
            | EventKind::Lead { customer }
            | EventKind::DirectRequest { customer } => c(customer),
            EventKind::Referral { partner, customer }
            | EventKind::Attachment {
                partner, customer, ..
            } => {
                p(partner);
                c(customer);
            }
            EventKind::Registration {
                partner,
                customer,
                opportunity,
                ..
            } => {
                p(partner);
                c(customer);
                if let Some(o) = opportunity {
                    s(o);
                }
            }
            EventKind::Order {
                customer,
                product,
                opportunity,
                partner,
            } => {
                c(customer);
                if let Some(x) = product {
                    s(x);
                }
                if let Some(o) = opportunity {
                    s(o);
                }
                if let Some(x) = partner {
                    p(x);
                }
            }
            EventKind::Invoice {
                invoice,
                customer,
                product,
                subscription,
                ..
            } => {
                i(invoice);
                c(customer);
                if let Some(x) = product {
                    s(x);
                }
                if let Some(x) = subscription {
                    let mut symbol = x.symbol();
                    s(&mut symbol);
                    *x = SubscriptionId::of(symbol);
                }
            }
            EventKind::Payment { invoice, .. } | EventKind::Refund { invoice, .. } => i(invoice),
            EventKind::Activity { partner, kind } => {
                p(partner);
                s(kind);
            }
            EventKind::Notice { partner } => p(partner),
            EventKind::Invitation { partner, tier } => {
                p(partner);
                s(tier);
            }
            EventKind::Staff {
                partner,
                qualification,
                ..
            } => {
                p(partner);
                s(qualification);
            }
            EventKind::ExchangeRate { .. } => {}
        }
    }
}
