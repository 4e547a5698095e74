//! Customer records in a file of their own (`charter simulate --customers`):
//! where each customer is, `{"id": "c1", "country": "DE"}`, as a JSON array,
//! NDJSON, CSV or Parquet (columns `id` and `country`). A customers file
//! places customers exactly as a scenario document's `customers` array does;
//! an id given twice is an error at its second record.

use crate::error::{locate, offset_in, parse_json, Problem, Step};
use crate::json::RawCustomer;
use crate::model::{Scenario, SourceFormat};
use crate::tabular::Cell;
use crate::value::{quoted, Object, Region};
use crate::{csv_file, parquet_file, ScenarioError, SourceText};

/// Customer records in file order, each with the line (or row) it was on.
#[derive(Debug, Default)]
pub(crate) struct CustomerList {
    records: Vec<(String, Region)>,
    first: std::collections::HashMap<String, u32>,
}

impl CustomerList {
    /// Adds a record on `line`; a second record of one id is refused with
    /// the message to report, naming the first (`unit`: what `line` counts).
    pub(crate) fn add(
        &mut self,
        id: String,
        country: Region,
        line: u32,
        unit: &str,
    ) -> Result<(), String> {
        if let Some(first) = self.first.get(&id) {
            return Err(format!(
                "duplicate customer id {}, first given at {unit} {first}",
                quoted(&id)
            ));
        }
        self.first.insert(id.clone(), line);
        self.records.push((id, country));
        Ok(())
    }
}

/// Reads the customers in `file` (in `format`; a `Json` or `Ndjson` file is
/// a JSON array or one record per line) and places them in `scenario`.
pub(crate) fn apply_file(
    scenario: &mut Scenario,
    file: SourceText<'_>,
    format: SourceFormat,
) -> Result<(), ScenarioError> {
    let list = match format {
        SourceFormat::Json | SourceFormat::Ndjson => {
            load_json(file.text).map_err(|p| p.into_error(file.name, file.text))
        }
        SourceFormat::Csv => {
            csv_file::load_customers(file.text).map_err(|p| p.into_error(file.name, file.text))
        }
        SourceFormat::Parquet => {
            parquet_file::load_customers(file.text).map_err(|p| p.into_unplaced_error(file.name))
        }
    }?;
    place(scenario, list.records);
    Ok(())
}

/// Gives each customer its record's country. Records of customers no event
/// names are dropped: nothing can claim them.
pub(crate) fn place(scenario: &mut Scenario, records: Vec<(String, Region)>) {
    for (id, country) in records {
        if let Some(id) = scenario.names.find_customer(&id) {
            let n = scenario.names.customer_count();
            scenario.customer_countries.resize(n, None);
            if let Some(slot) = scenario.customer_countries.get_mut(id.0 as usize) {
                *slot = Some(country);
            }
        }
    }
}

/// A JSON array of customer records, or one record object per line.
fn load_json(src: &[u8]) -> Result<CustomerList, Problem> {
    let mut list = CustomerList::default();
    let mut add = |text: &str, path: &dyn Fn() -> String, line: u32| -> Result<(), Problem> {
        let Object(raw): Object<RawCustomer> = parse_json(src, text, path)?;
        list.add(raw.id, raw.country, line, "line")
            .map_err(|message| {
                let steps = [Step::Key("id".to_owned())];
                let offset = locate(text.as_bytes(), &steps)
                    .map_or(offset_in(src, text.as_bytes()), |spot| {
                        offset_in(src, spot.value)
                    });
                Problem::new(offset, format!("{}.id", path()), message)
            })
    };
    crate::ndjson::each_record(
        src,
        "a JSON array of customer records or one customer object per line",
        &mut add,
    )?;
    Ok(list)
}

/// A column of a customers table: `id` and `country`, both required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CustomerColumn {
    Id,
    Country,
}

/// The columns of a customers table, or the index of the first bad one.
pub(crate) fn customer_columns<S: AsRef<str>>(
    names: &[S],
) -> Result<Vec<CustomerColumn>, (Option<usize>, String)> {
    let mut columns = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let column = match name.as_ref() {
            "id" => CustomerColumn::Id,
            "country" => CustomerColumn::Country,
            other => {
                return Err((
                    Some(i),
                    format!(
                        "unknown column {}; a customers file has the columns `id` and `country`",
                        quoted(other)
                    ),
                ))
            }
        };
        if columns.contains(&column) {
            return Err((Some(i), format!("duplicate column `{}`", name.as_ref())));
        }
        columns.push(column);
    }
    for (column, name, article) in [
        (CustomerColumn::Id, "id", "an"),
        (CustomerColumn::Country, "country", "a"),
    ] {
        if !columns.contains(&column) {
            return Err((
                None,
                format!("no `{name}` column: every customer record needs {article} `{name}`"),
            ));
        }
    }
    Ok(columns)
}

/// A customer row being read.
#[derive(Default)]
pub(crate) struct CustomerRow {
    id: Option<String>,
    country: Option<Region>,
}

impl CustomerRow {
    /// Fills `column` from a non-empty cell.
    pub(crate) fn set(&mut self, column: CustomerColumn, cell: Cell<'_>) -> Result<(), String> {
        match column {
            CustomerColumn::Id => self.id = Some(cell.name()?.into_owned()),
            CustomerColumn::Country => {
                let text = cell.name()?;
                self.country = Some(Region::parse(&text).ok_or_else(|| {
                    format!(
                        "expected a two-letter region code like \"PL\" (ISO 3166-1 alpha-2), found {}",
                        quoted(&text)
                    )
                })?);
            }
        }
        Ok(())
    }

    /// The record, or the empty column at fault and why.
    pub(crate) fn finish(self) -> Result<(String, Region), (CustomerColumn, String)> {
        let id = self.id.ok_or((
            CustomerColumn::Id,
            "missing field `id`, required in a customer record".to_owned(),
        ))?;
        let country = self.country.ok_or((
            CustomerColumn::Country,
            "missing field `country`, required in a customer record".to_owned(),
        ))?;
        Ok((id, country))
    }
}
