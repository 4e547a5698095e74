//! The format for large exports: events as NDJSON (one event object per
//! line, blank lines ignored) and partners in a second file, either a JSON
//! array or NDJSON.

use serde_json::value::RawValue;

use crate::batch;
use crate::error::{count_newlines, offset_in, parse_json, utf8, Problem};
use crate::names::Interner;
use crate::partner::PartnerList;

/// Loads NDJSON events held in memory; `seed` holds the declared partners.
pub(crate) fn load_events(src: &[u8], seed: &Interner) -> Result<batch::Loaded, Problem> {
    let source = batch::LineSource::Memory { src, at: 0 };
    match batch::load_lines(source, &mut || Some(seed.clone())) {
        Ok(loaded) => Ok(loaded),
        Err(batch::Failure::Problem(problem)) => Err(problem),
        // Text in memory is never read from a file.
        Err(batch::Failure::Read(e)) => Err(Problem::new(0, String::new(), e.to_string())),
        // The partners are given.
        Err(batch::Failure::Partners) => Err(Problem::new(
            0,
            String::new(),
            "internal error: the partners were not given".to_owned(),
        )),
    }
}

/// Reads a partners file: a JSON array of partner objects, or one partner
/// object per line.
pub(crate) fn load_partners(src: &[u8]) -> Result<PartnerList, Problem> {
    let mut list = PartnerList::default();
    each_record(
        src,
        "a JSON array of partners or one partner object per line",
        &mut |text, path, line| list.add(src, text, path, line),
    )?;
    Ok(list)
}

/// What [`each_record`] calls for a record: its text, its JSON path, its line.
pub(crate) type AddRecord<'a> =
    dyn FnMut(&str, &dyn Fn() -> String, u32) -> Result<(), Problem> + 'a;

/// Calls `add` with each record of a records file — a JSON array of
/// objects, or one object per line — with its JSON path and line. `expected`
/// says what an empty file should have held.
pub(crate) fn each_record(
    src: &[u8],
    expected: &str,
    add: &mut AddRecord<'_>,
) -> Result<(), Problem> {
    match src.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(Problem::new(
            0,
            String::new(),
            format!("the file is empty; expected {expected}"),
        )),
        Some(b'[') => {
            let items: Vec<&RawValue> = parse_json(src, utf8(src, src)?, &|| "$".to_owned())?;
            let mut cursor = 0;
            let mut line = 1;
            for (i, item) in items.iter().enumerate() {
                let text = item.get();
                let start = offset_in(src, text.as_bytes());
                line += count_newlines(&src[cursor.min(start)..start]);
                cursor = start;
                add(text, &|| format!("$[{i}]"), line as u32)?;
            }
            Ok(())
        }
        Some(_) => {
            for (i, text) in utf8(src, src)?.split('\n').enumerate() {
                if !text.bytes().all(|b| b.is_ascii_whitespace()) {
                    add(text, &|| "$".to_owned(), i as u32 + 1)?;
                }
            }
            Ok(())
        }
    }
}
