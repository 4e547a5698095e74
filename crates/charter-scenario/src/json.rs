//! The single-file format: one JSON document with `as_of`, `partners`,
//! `events` and `expect`.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::batch;
use crate::error::{count_newlines, offset_in, parse_json, utf8, Problem, ScenarioError};
use crate::model::{Scenario, Source, SourceFormat};
use crate::partner::{PartnerList, RawExpect};
use crate::value::{some, DateValue, Expecting, Object, Region};

/// A scenario document with its partners and events left raw.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDocument<'a> {
    #[serde(default, deserialize_with = "some")]
    as_of: Option<DateValue>,
    #[serde(borrow)]
    partners: Vec<&'a RawValue>,
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
    #[serde(default, deserialize_with = "some")]
    expect: Option<Object<RawExpect>>,
    /// The policy the scenario is written for, relative to the scenario file.
    #[serde(default, deserialize_with = "some")]
    policy: Option<String>,
    /// Customer records: `{"id": "c1", "country": "DE"}`.
    #[serde(default)]
    customers: Vec<Object<RawCustomer>>,
    /// Free notes (such as the arithmetic behind `expect`); ignored.
    #[serde(default, rename = "_comment")]
    _comment: serde::de::IgnoredAny,
}

/// A customer record: where the customer is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCustomer {
    pub(crate) id: String,
    pub(crate) country: Region,
}

impl Expecting for RawCustomer {
    const EXPECTING: &'static str = "a customer object with `id` and `country`";
}

impl Expecting for RawDocument<'_> {
    const EXPECTING: &'static str = "a scenario object with `partners` and `events`";
}

/// Loads the scenario document `text`, named `file` in errors.
pub(crate) fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    load(text, file).map_err(|problem| problem.into_error(file, text.as_bytes()))
}

/// Like [`parse`], for bytes that may not be UTF-8.
pub(crate) fn parse_bytes(src: &[u8], file: &str) -> Result<Scenario, ScenarioError> {
    utf8(src, src)
        .and_then(|text| load(text, file))
        .map_err(|problem| problem.into_error(file, src))
}

fn load(text: &str, file: &str) -> Result<Scenario, Problem> {
    let src = text.as_bytes();
    if src.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::new(
            0,
            String::new(),
            "the file is empty; expected a scenario object like \
             {\"partners\": [], \"events\": []}"
                .to_owned(),
        ));
    }
    let Object(doc): Object<RawDocument> = parse_json(src, text, &|| "$".to_owned())?;
    let mut partners = PartnerList::default();
    let mut cursor = 0;
    let mut line = 1;
    for (i, item) in doc.partners.iter().enumerate() {
        let text = item.get();
        let start = offset_in(src, text.as_bytes());
        line += count_newlines(&src[cursor.min(start)..start]);
        cursor = start;
        partners.add(src, text, &|| format!("$.partners[{i}]"), line as u32)?;
    }
    let loaded = batch::load_array(src, &doc.events, &partners.ids)?;
    let policy = doc.policy;
    let mut scenario = crate::assemble(
        doc.as_of.map(|d| d.0),
        partners,
        loaded,
        doc.expect.map(|Object(expect)| expect.into()),
        Source {
            format: SourceFormat::Json,
            events_file: file.to_owned(),
            partners_file: None,
        },
    );
    scenario.policy = policy;
    let records = doc.customers.into_iter().map(|Object(c)| (c.id, c.country));
    crate::customers::place(&mut scenario, records.collect());
    Ok(scenario)
}
