//! Loading many events fast: the events are cut into contiguous chunks, each
//! parsed on its own thread; partners are interned per chunk (there are
//! few), other names only collected; then all occurrences of customers,
//! invoices and other names are interned at once (see `resolve`, one thread
//! per table), and the chunks are joined in order, their ids fixed up.
//!
//! Inside a chunk, event indexes and lines are relative to the chunk, and
//! ids other than partners' index the chunk's lists of occurrences; the
//! merge turns them into final values. Errors carry absolute byte offsets,
//! so they need no fixing. The first error in file order wins.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::error::{
    count_newlines, find_newline, locate, offset_in, parse_json, utf8, Problem, Step,
};
use crate::event::{EventTables, InvoiceDecl, RawEvent, Rejection};
use crate::model::{CustomerId, Event, EventKind, InvoiceId, PartnerId, Symbol};
use crate::names::Interner;
use crate::resolve::{resolve, Resolved};
use crate::value::quoted;

/// Inputs smaller than this are loaded on the calling thread.
const PARALLEL_BYTES: usize = 1 << 20;

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
    /// Index of the declaring event per invoice id.
    pub invoice_events: Vec<Option<u32>>,
}

/// The events of one chunk, with chunk-relative indexes and lines.
pub(crate) struct Chunk<'a> {
    pub events: Vec<Event>,
    pub tables: EventTables<'a>,
    /// `\n` bytes from where the chunk counts lines to where the next begins
    /// (rows, for a file without lines).
    pub newlines: usize,
}

/// Loads the NDJSON events in `src`. `seed` holds the declared partners.
pub(crate) fn load_lines(src: &[u8], seed: &Interner) -> Result<Loaded, Problem> {
    let chunks = threads_for(src.len());
    let mut bounds = vec![0];
    for k in 1..chunks {
        let target = src.len() / chunks * k;
        let cut = find_newline(&src[target..]).map_or(src.len(), |i| target + i + 1);
        if cut > *bounds.last().unwrap_or(&0) && cut < src.len() {
            bounds.push(cut);
        }
    }
    bounds.push(src.len());
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let results = run_parallel(&ranges, |&(start, end)| {
        // The first chunk's events become the scenario's: room for all of
        // them up front saves copying them when the others are appended
        // (pages of unused capacity are never touched).
        let capacity = if start == 0 {
            src.len() / MIN_LINE
        } else {
            (end - start) / MIN_LINE
        };
        lines_chunk(src, (start, end), capacity, seed)
    });
    merge(src, seed, results, &|dup| {
        duplicate_json_invoice(src, Layout::Lines, dup)
    })
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
        array_chunk(src, part, items.len(), first, from, end, seed)
    });
    merge(src, seed, results, &|dup| {
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

fn lines_chunk<'a>(
    src: &'a [u8],
    (start, end): (usize, usize),
    capacity: usize,
    seed: &Interner,
) -> Result<Chunk<'a>, Problem> {
    let text = utf8(src, &src[start..end])?;
    let bytes = text.as_bytes();
    let mut chunk = ChunkBuilder::new(src, seed, capacity);
    let mut pos = 0;
    let mut line = 0usize;
    while pos < bytes.len() {
        let line_end = find_newline(&bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        // Both ends sit next to a newline or at the chunk's ends, so on
        // character boundaries.
        let event = text.get(pos..line_end).unwrap_or_default();
        if !event.bytes().all(|b| b.is_ascii_whitespace()) {
            chunk.push(event, Layout::Lines, 0, line)?;
        }
        line += 1;
        pos = line_end + 1;
    }
    chunk.finish(line)
}

fn array_chunk<'a>(
    src: &'a [u8],
    items: &[&'a RawValue],
    total: usize,
    first_index: usize,
    count_from: usize,
    end: usize,
    seed: &Interner,
) -> Result<Chunk<'a>, Problem> {
    let room = if first_index == 0 { total } else { items.len() };
    let mut chunk = ChunkBuilder::new(src, seed, room);
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
    chunk.finish(newlines)
}

/// A chunk being filled.
struct ChunkBuilder<'a> {
    src: &'a [u8],
    tables: EventTables<'a>,
    events: Vec<Event>,
}

impl<'a> ChunkBuilder<'a> {
    /// `events` is the room to make for events.
    fn new(src: &'a [u8], seed: &Interner, events: usize) -> ChunkBuilder<'a> {
        let mut tables = EventTables::new(seed);
        // About one customer and one invoice per event or two.
        tables.customers.reserve(events);
        tables.invoices.reserve(events / 2);
        tables.symbols.reserve(events / 2);
        ChunkBuilder {
            src,
            tables,
            events: Vec::with_capacity(events),
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
        let mut raw: RawEvent =
            parse_json(src, text, &|| layout.prefix(path_index)).map_err(|mut problem| {
                if layout == Layout::Lines && problem.message.starts_with("unexpected end of input")
                {
                    problem
                        .message
                        .push_str("; in NDJSON each event must be on a single line");
                }
                problem
            })?;
        // Indexes and lines fit in a u32: `merge` rejects more events, and a
        // file with more lines than that is far beyond memory.
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

    fn finish(self, newlines: usize) -> Result<Chunk<'a>, Problem> {
        Ok(Chunk {
            events: self.events,
            tables: self.tables,
            newlines,
        })
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
    pub decl: InvoiceDecl,
    /// The event that declared it first.
    pub first: Option<&'e Event>,
    pub name: &'e str,
}

/// Joins the chunks in order, interning their names, and checks invoice ids
/// across them; `duplicate` places a second declaration of an invoice.
pub(crate) fn merge(
    src: &[u8],
    seed: &Interner,
    results: Vec<Result<Chunk, Problem>>,
    duplicate: &dyn Fn(DuplicateInvoice) -> Problem,
) -> Result<Loaded, Problem> {
    let mut chunks = Vec::with_capacity(results.len());
    for result in results {
        chunks.push(result?);
    }
    let total: usize = chunks.iter().map(|c| c.events.len()).sum();
    if u32::try_from(total).is_err() {
        return Err(Problem::new(
            src.len(),
            String::new(),
            format!("too many events: at most {} are supported", u32::MAX),
        ));
    }
    let (customers, invoices, symbols) = resolve_all(&chunks)?;

    // The first chunk's partner table becomes the scenario's.
    let mut partners = match chunks.first_mut() {
        Some(first) => std::mem::take(&mut first.tables.partners),
        None => seed.clone(),
    };
    let mut events: Vec<Event> = Vec::new();
    let mut invoice_decls = Vec::new();
    let mut base_line = 1;
    let mut bases = [0usize; 3];
    for (k, chunk) in chunks.into_iter().enumerate() {
        let base_index = events.len() as u32;
        // Later chunks' partners are interned into it.
        let partner_ids: Vec<u32> = if k == 0 {
            Vec::new()
        } else {
            let local = &chunk.tables.partners;
            local.names().map(|name| partners.intern(name)).collect()
        };
        let ids = IdMaps {
            partners: (k > 0).then_some(partner_ids.as_slice()),
            customers: customers.ids.get(bases[0]..).unwrap_or_default(),
            invoices: invoices.ids.get(bases[1]..).unwrap_or_default(),
            symbols: symbols.ids.get(bases[2]..).unwrap_or_default(),
        };
        let fix = |event: &mut Event| {
            event.index += base_index;
            event.line += base_line as u32;
            ids.apply(&mut event.kind);
        };
        if k == 0 {
            // Its vector has room for all events: keep it.
            events = chunk.events;
            events.iter_mut().for_each(fix);
        } else {
            events.extend(chunk.events.into_iter().map(|mut event| {
                fix(&mut event);
                event
            }));
        }
        invoice_decls.extend(chunk.tables.invoice_decls.iter().map(|decl| InvoiceDecl {
            invoice: InvoiceId(ids.invoices[decl.invoice.0 as usize]),
            event: decl.event + base_index,
            ..*decl
        }));
        base_line += chunk.newlines;
        bases[0] += chunk.tables.customers.len();
        bases[1] += chunk.tables.invoices.len();
        bases[2] += chunk.tables.symbols.len();
    }
    // Give back the room reserved for a worst-case number of events.
    events.shrink_to_fit();
    let invoice_events = invoice_events(&events, &invoices.names, &invoice_decls, duplicate)?;
    Ok(Loaded {
        events,
        partners,
        customers: customers.names,
        invoices: invoices.names,
        symbols: symbols.names,
        invoice_events,
    })
}

/// Below this many name occurrences the tables are interned on the calling
/// thread (an editor reloading a small file should not spawn threads).
const PARALLEL_NAMES: usize = 50_000;

/// Interns the customers, invoices and other names of all chunks, each
/// table on its own thread when there are many.
fn resolve_all(chunks: &[Chunk]) -> Result<(Resolved, Resolved, Resolved), Problem> {
    let customers: Vec<&[Cow<str>]> = chunks.iter().map(|c| &c.tables.customers[..]).collect();
    let invoices: Vec<&[Cow<str>]> = chunks.iter().map(|c| &c.tables.invoices[..]).collect();
    let symbols: Vec<&[Cow<str>]> = chunks.iter().map(|c| &c.tables.symbols[..]).collect();
    let occurrences: usize = [&customers, &invoices, &symbols]
        .iter()
        .flat_map(|lists| lists.iter().map(|list| list.len()))
        .sum();
    if occurrences < PARALLEL_NAMES {
        return Ok((resolve(&customers), resolve(&invoices), resolve(&symbols)));
    }
    std::thread::scope(|scope| {
        let customers = scope.spawn(|| resolve(&customers));
        let invoices = scope.spawn(|| resolve(&invoices));
        let symbols = resolve(&symbols);
        let failed = |_| {
            Problem::new(
                0,
                String::new(),
                "internal error: a loader thread failed".to_owned(),
            )
        };
        Ok((
            customers.join().map_err(failed)?,
            invoices.join().map_err(failed)?,
            symbols,
        ))
    })
}

/// The declaring event of each invoice; a second declaration is an error.
fn invoice_events(
    events: &[Event],
    invoices: &Interner,
    decls: &[InvoiceDecl],
    duplicate: &dyn Fn(DuplicateInvoice) -> Problem,
) -> Result<Vec<Option<u32>>, Problem> {
    let mut declared = vec![None; invoices.len()];
    for decl in decls {
        let slot = &mut declared[decl.invoice.0 as usize];
        if let Some(first) = *slot {
            return Err(duplicate(DuplicateInvoice {
                decl: *decl,
                first: events.get(first as usize),
                name: invoices.name(decl.invoice.0),
            }));
        }
        *slot = Some(decl.event);
    }
    Ok(declared)
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

/// How one chunk's ids become final ones: partner ids through a map (none
/// for the first chunk, whose partner table becomes the final one), other
/// ids, occurrence indexes, through the resolved ids from the chunk's first
/// occurrence on.
struct IdMaps<'m> {
    partners: Option<&'m [u32]>,
    customers: &'m [u32],
    invoices: &'m [u32],
    symbols: &'m [u32],
}

impl IdMaps<'_> {
    fn apply(&self, kind: &mut EventKind) {
        let p = |id: &mut PartnerId| {
            if let Some(map) = self.partners {
                id.0 = map[id.0 as usize];
            }
        };
        let c = |id: &mut CustomerId| id.0 = self.customers[id.0 as usize];
        let i = |id: &mut InvoiceId| id.0 = self.invoices[id.0 as usize];
        let s = |id: &mut Symbol| id.0 = self.symbols[id.0 as usize];
        match kind {
            EventKind::VendorContact { customer } => c(customer),
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
                ..
            } => {
                i(invoice);
                c(customer);
                if let Some(x) = product {
                    s(x);
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
        }
    }
}
