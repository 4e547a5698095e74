//! A scenario in two files, as warehouses export one: the events (NDJSON,
//! CSV or Parquet) and, if any, the partners (a JSON array, NDJSON, CSV or
//! Parquet), each file in its own format. Every format yields the same
//! `Scenario` for the same events: names interned in the same order,
//! `events[i]` the `i`-th event of the file, the same validation.

use chrono::NaiveDate;

use crate::error::{Problem, ScenarioError};
use crate::model::{Scenario, Source, SourceFormat};
use crate::partner::PartnerList;
use crate::{batch, csv_file, ndjson, parquet_file, Input, SourceText};

/// Loads `events` (a `Json` events file is read as NDJSON) with the
/// partners declared in `partners`.
pub(crate) fn parse(
    events: SourceText<'_>,
    events_format: SourceFormat,
    partners: Option<(SourceText<'_>, SourceFormat)>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    parse_inputs(
        Input::File(events, events_format),
        partners.map(|(file, format)| Input::File(file, format)),
        as_of,
    )
}

/// Events and partners, each a file's bytes or an Arrow table.
pub(crate) fn parse_inputs(
    events: Input<'_>,
    partners: Option<Input<'_>>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    let list = match partners {
        Some(input) => load_partner_input(input)?,
        None => PartnerList::default(),
    };
    let (loaded, format) = match events {
        Input::File(file, format) => {
            let format = match format {
                SourceFormat::Json | SourceFormat::Ndjson => SourceFormat::Ndjson,
                other => other,
            };
            let loaded = match format {
                SourceFormat::Json | SourceFormat::Ndjson => {
                    ndjson::load_events(file.text, &list.ids)
                }
                SourceFormat::Csv => csv_file::load_events(file.text, &list.ids),
                SourceFormat::Parquet => parquet_file::load_events(file.text, &list.ids),
            }
            .map_err(|p| place(p, &file, format))?;
            (loaded, format)
        }
        Input::Arrow(table) => {
            let loaded = parquet_file::load_event_batches(table.columns, table.batches, &list.ids)
                .map_err(|p| p.into_unplaced_error(table.name))?;
            (loaded, SourceFormat::Parquet)
        }
    };
    Ok(crate::assemble(
        as_of,
        list,
        loaded,
        None,
        Source {
            format,
            events_file: events.name().to_owned(),
            partners_file: partners.map(|p| p.name().to_owned()),
        },
    ))
}

/// The partners of a file or an Arrow table, errors placed.
pub(crate) fn load_partner_input(input: Input<'_>) -> Result<PartnerList, ScenarioError> {
    match input {
        Input::File(file, format) => {
            load_partners(file.text, format).map_err(|p| place(p, &file, format))
        }
        Input::Arrow(table) => parquet_file::load_partner_batches(table.columns, table.batches)
            .map_err(|p| p.into_unplaced_error(table.name)),
    }
}

/// Loads NDJSON events read from `events` piece by piece (never held whole
/// in memory), with the partners declared in `partners`. The partners load
/// on a thread of their own while the first pieces are read and parsed;
/// their error, if any, comes first, as if they had loaded first.
pub(crate) fn load_streamed(
    events: charter_fs::BoundedReader,
    events_name: &str,
    partners: Option<(SourceText<'_>, SourceFormat)>,
    as_of: Option<NaiveDate>,
) -> Result<Scenario, ScenarioError> {
    let source = batch::LineSource::File(batch::FilePieces::new(events));
    let partners_name = partners.as_ref().map_or("", |(file, _)| file.name);
    let (list, loaded) = std::thread::scope(|scope| {
        let mut loading = partners.as_ref().map(|(file, format)| {
            scope.spawn(move || {
                load_partners(file.text, *format).map_err(|p| place(p, file, *format))
            })
        });
        let mut list = None;
        let loaded = batch::load_lines(source, &mut || {
            let result = partner_list(loading.take(), partners_name);
            let seed = result.as_ref().ok().map(|list| list.ids.clone());
            list = Some(result);
            seed
        });
        // Partners still loading when the events failed are waited for.
        let list = list.unwrap_or_else(|| partner_list(loading.take(), partners_name));
        (list, loaded)
    });
    let list = list?;
    let loaded = loaded.map_err(|failure| match failure {
        // Problems in a file read in pieces come placed.
        batch::Failure::Problem(problem) => problem.into_error(events_name, &[]),
        batch::Failure::Read(e) => {
            ScenarioError::whole_file(events_name, format!("cannot read the file: {e}"))
        }
        // The partners loaded, or their error was returned above.
        batch::Failure::Partners => ScenarioError::whole_file(
            events_name,
            "internal error: the partners were lost".to_owned(),
        ),
    })?;
    Ok(crate::assemble(
        as_of,
        list,
        loaded,
        None,
        Source {
            format: SourceFormat::Ndjson,
            events_file: events_name.to_owned(),
            partners_file: partners.map(|(file, _)| file.name.to_owned()),
        },
    ))
}

/// The partners a loading thread read from `name`; none without a
/// partners file.
fn partner_list(
    loading: Option<std::thread::ScopedJoinHandle<'_, Result<PartnerList, ScenarioError>>>,
    name: &str,
) -> Result<PartnerList, ScenarioError> {
    match loading {
        None => Ok(PartnerList::default()),
        Some(handle) => handle.join().unwrap_or_else(|_| {
            Err(ScenarioError::whole_file(
                name,
                "internal error: the partners' loader failed".to_owned(),
            ))
        }),
    }
}

fn load_partners(src: &[u8], format: SourceFormat) -> Result<PartnerList, Problem> {
    match format {
        SourceFormat::Json | SourceFormat::Ndjson => ndjson::load_partners(src),
        SourceFormat::Csv => csv_file::load_partners(src),
        SourceFormat::Parquet => parquet_file::load_partners(src),
    }
}

/// The error of `problem` in `file`: at a line and column in a text file,
/// by its row and column alone in a Parquet file.
fn place(problem: Problem, file: &SourceText<'_>, format: SourceFormat) -> ScenarioError {
    match format {
        SourceFormat::Parquet => problem.into_unplaced_error(file.name),
        SourceFormat::Json | SourceFormat::Ndjson | SourceFormat::Csv => {
            problem.into_error(file.name, file.text)
        }
    }
}
