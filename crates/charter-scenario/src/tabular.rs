//! Scenarios as tables (CSV and Parquet files): which column fills which
//! field, one cell's value checked into the field, rows turned into events
//! and partners, and where a bad cell is.
//!
//! A table speaks the vocabulary of the JSON format, not a second one: an
//! events table has one `type` column and a column per event field it uses,
//! named as the field (the union of the fields of its types); every row goes
//! through the same field table and validation (`event::RawEvent`) as a JSON
//! event object. An empty cell (or a Parquet null) is an absent field.
//! A partners table has a column per partner field; `modules` and `elected`
//! hold `;`-separated names (or a Parquet list of strings) and the staff
//! head count per qualification is a column `staff.<qualification>`.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::batch::Chunk;
use crate::event::{edit_distance, EventTables, Field, InvoiceDecl, RawEvent, Rejection};
use crate::model::{
    CollectedBy, Currency, Entity, Event, EventKind, EventType, Partner, PartnerId,
};
use crate::partner::PartnerList;
use crate::value::{
    amount_from_unscaled, parse_amount_text, parse_date, parse_tax_rate, quoted, Region, Sign,
};

/// One non-empty cell, as its file typed it.
#[derive(Debug, Clone)]
pub(crate) enum Cell<'a> {
    /// A CSV cell or a Parquet string.
    Text(Cow<'a, str>),
    Date(NaiveDate),
    Bool(bool),
    Integer(i128),
    /// A Parquet decimal: `unscaled × 10^-scale`.
    Decimal {
        unscaled: i128,
        scale: i32,
    },
    /// A Parquet list of strings.
    List(Vec<Cow<'a, str>>),
}

impl<'a> Cell<'a> {
    /// What the cell holds, for messages.
    fn describe(&self) -> String {
        match self {
            Cell::Text(text) => quoted(text),
            Cell::Date(date) => format!("the date {date}"),
            Cell::Bool(b) => b.to_string(),
            Cell::Integer(i) => i.to_string(),
            Cell::Decimal { .. } => "a decimal number".to_owned(),
            Cell::List(_) => "a list".to_owned(),
        }
    }

    fn expected(&self, what: &str) -> String {
        format!("expected {what}, found {}", self.describe())
    }

    /// A name (an id, a product, a tier…): text, or an integer written in
    /// decimal (warehouse ids are often numbers).
    pub(crate) fn name(self) -> Result<Cow<'a, str>, String> {
        match self {
            Cell::Text(text) => Ok(text),
            other => match other.whole_number() {
                Some(i) => Ok(Cow::Owned(i.to_string())),
                None => Err(other.expected("a name")),
            },
        }
    }

    /// An integer, or a decimal with nothing after the point (warehouses
    /// export `NUMBER(38, 0)` columns as decimals).
    fn whole_number(&self) -> Option<i128> {
        match *self {
            Cell::Integer(i) => Some(i),
            Cell::Decimal { unscaled, scale } if scale <= 0 => 10i128
                .checked_pow(scale.unsigned_abs())?
                .checked_mul(unscaled),
            Cell::Decimal { unscaled, scale } => {
                let unit = 10i128.checked_pow(scale.unsigned_abs())?;
                (unscaled % unit == 0).then_some(unscaled / unit)
            }
            _ => None,
        }
    }

    pub(crate) fn date(self) -> Result<NaiveDate, String> {
        match self {
            Cell::Date(date) => Ok(date),
            Cell::Text(text) => parse_date(&text),
            other => Err(other.expected("a date like \"2025-03-05\"")),
        }
    }

    /// `true` or `false`, in any case.
    pub(crate) fn boolean(self) -> Result<bool, String> {
        match self {
            Cell::Bool(b) => Ok(b),
            Cell::Text(text) if text.eq_ignore_ascii_case("true") => Ok(true),
            Cell::Text(text) if text.eq_ignore_ascii_case("false") => Ok(false),
            other => Err(other.expected("true or false")),
        }
    }

    /// An exact, non-negative amount.
    pub(crate) fn amount(self) -> Result<Decimal, String> {
        match self {
            Cell::Text(text) => parse_amount_text(&text, Sign::NonNegative),
            Cell::Integer(i) => amount_from_unscaled(i, 0, Sign::NonNegative),
            Cell::Decimal { unscaled, scale } => {
                amount_from_unscaled(unscaled, scale, Sign::NonNegative)
            }
            other => Err(other.expected("a decimal amount like \"100.00\"")),
        }
    }

    /// A non-negative whole number that fits 32 bits.
    pub(crate) fn count(self) -> Result<u32, String> {
        let value = match &self {
            Cell::Text(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                // Too many digits for an i128 is too large for a u32 too.
                Some(text.parse::<i128>().unwrap_or(i128::MAX))
            }
            other => other.whole_number(),
        };
        match value {
            Some(v) if v >= 0 => u32::try_from(v).map_err(|_| {
                format!(
                    "expected a whole number of at most {}, found {}",
                    u32::MAX,
                    self.describe()
                )
            }),
            _ => Err(self.expected("a non-negative whole number")),
        }
    }

    /// A billing period in months, 1 to 1200.
    pub(crate) fn months(self) -> Result<u16, String> {
        crate::value::months(self.count()?)
    }

    pub(crate) fn event_type(self) -> Result<EventType, String> {
        let text = self.text("an event type")?;
        EventType::from_name(&text).ok_or_else(|| crate::event::unknown_event_type(&text))
    }

    pub(crate) fn currency(self) -> Result<Currency, String> {
        let text = self.text("a currency code")?;
        Currency::parse(&text).ok_or_else(|| {
            format!(
                "expected a three-letter currency code like \"EUR\", found {}",
                quoted(&text)
            )
        })
    }

    pub(crate) fn collected_by(self) -> Result<CollectedBy, String> {
        let text = self.text("`vendor` or `partner`")?;
        CollectedBy::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| format!("expected `vendor` or `partner`, found {}", quoted(&text)))
    }

    fn entity(self) -> Result<Entity, String> {
        let text = self.text("an entity type")?;
        Entity::ALL
            .into_iter()
            .find(|e| e.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "expected one of `company`, `sole_proprietor`, `self_employed`, \
                     `individual`, found {}",
                    quoted(&text)
                )
            })
    }

    fn region(self) -> Result<Region, String> {
        let text = self.text("a region code")?;
        Region::parse(&text).ok_or_else(|| {
            format!(
                "expected a two-letter region code like \"PL\" (ISO 3166-1 alpha-2), found {}",
                quoted(&text)
            )
        })
    }

    /// Names: a Parquet list, or text with `;` between names (spaces
    /// around a name are dropped).
    fn names(self) -> Result<Vec<String>, String> {
        let items: Vec<String> = match self {
            Cell::List(items) => items.into_iter().map(Cow::into_owned).collect(),
            Cell::Text(text) => text.split(';').map(|n| n.trim().to_owned()).collect(),
            other => return Err(other.expected("names separated by `;`")),
        };
        if items.iter().any(String::is_empty) {
            return Err("empty name in a list; separate names with a single `;`".to_owned());
        }
        Ok(items)
    }

    fn text(self, what: &str) -> Result<Cow<'a, str>, String> {
        match self {
            Cell::Text(text) => Ok(text),
            other => Err(other.expected(what)),
        }
    }
}

/// A problem in a table, before the file it is in is known: the byte where
/// it is (CSV; 0 in Parquet), the row (0-based among the rows of the part of
/// the file being read, `None` for the header or the file as a whole) and
/// the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellProblem {
    pub offset: usize,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl CellProblem {
    pub(crate) fn new(
        offset: usize,
        row: Option<usize>,
        column: Option<&str>,
        message: String,
    ) -> Self {
        CellProblem {
            offset,
            row,
            column: column.map(str::to_owned),
            message,
        }
    }

    /// Where the problem is, in words: `row 3, column `amount``; rows count
    /// from 1 after the header, `first_row` being the 0-based number of the
    /// part's first row in the file.
    pub(crate) fn place(&self, first_row: usize) -> String {
        let column = self
            .column
            .as_deref()
            .map(|c| format!("column `{}`", crate::value::shorten(c)));
        match (self.row, column) {
            (Some(row), Some(column)) => format!("row {}, {column}", first_row + row + 1),
            (Some(row), None) => format!("row {}", first_row + row + 1),
            (None, Some(column)) => column,
            (None, None) => String::new(),
        }
    }

    pub(crate) fn into_problem(self, first_row: usize) -> crate::error::Problem {
        let path = self.place(first_row);
        crate::error::Problem::new(self.offset, path, self.message)
    }
}

/// The fields of an events table's columns, in order, or the index of the
/// first bad column and why.
pub(crate) fn event_columns<S: AsRef<str>>(
    names: &[S],
) -> Result<Vec<Field>, (Option<usize>, String)> {
    let mut fields: Vec<Field> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let Some(field) = Field::from_name(name) else {
            return Err((
                Some(i),
                unknown_column(name, Field::ALL.iter().map(|f| f.name()), "event fields"),
            ));
        };
        if fields.contains(&field) {
            return Err((Some(i), format!("duplicate column `{name}`")));
        }
        fields.push(field);
    }
    for needed in [Field::Date, Field::Type] {
        if !fields.contains(&needed) {
            return Err((
                None,
                format!(
                    "no `{}` column: every event needs `date` and `type`",
                    needed.name()
                ),
            ));
        }
    }
    Ok(fields)
}

fn unknown_column<'n>(
    name: &str,
    known: impl Iterator<Item = &'n str> + Clone,
    what: &str,
) -> String {
    if name.is_empty() {
        return format!("a column has no name; columns are named by {what}");
    }
    let suggestion = known
        .clone()
        .filter(|candidate| edit_distance(candidate, name) <= 2)
        .min_by_key(|candidate| edit_distance(candidate, name))
        .map(|candidate| format!(" (did you mean `{candidate}`?)"))
        .unwrap_or_default();
    let list: Vec<String> = known.map(|k| format!("`{k}`")).collect();
    format!(
        "unknown column `{}`{suggestion}; columns are named by {what}: {}",
        crate::value::shorten(name),
        list.join(", ")
    )
}

/// A column of a partners table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PartnerColumn {
    Id,
    Name,
    Track,
    Modules,
    Tier,
    Entity,
    Contract,
    Region,
    Joined,
    Elected,
    RevenueTarget,
    /// The customer ids that are the partner's own accounts.
    Accounts,
    /// The tax rate a VAT-registered partner adds on top (`20%`).
    TaxRate,
    /// The currency the partner is paid in.
    Currency,
    /// `staff.<qualification>`: the head count with that qualification.
    Staff(String),
}

const PARTNER_FIELDS: [&str; 15] = [
    "id",
    "name",
    "track",
    "modules",
    "tier",
    "entity",
    "contract",
    "region",
    "joined",
    "elected",
    "revenue_target",
    "accounts",
    "tax_rate",
    "currency",
    "staff.<qualification>",
];

impl PartnerColumn {
    fn from_name(name: &str) -> Option<PartnerColumn> {
        Some(match name {
            "id" => PartnerColumn::Id,
            "name" => PartnerColumn::Name,
            "track" => PartnerColumn::Track,
            "modules" => PartnerColumn::Modules,
            "tier" => PartnerColumn::Tier,
            "entity" => PartnerColumn::Entity,
            "contract" => PartnerColumn::Contract,
            "region" => PartnerColumn::Region,
            "joined" => PartnerColumn::Joined,
            "elected" => PartnerColumn::Elected,
            "revenue_target" => PartnerColumn::RevenueTarget,
            "accounts" => PartnerColumn::Accounts,
            "tax_rate" => PartnerColumn::TaxRate,
            "currency" => PartnerColumn::Currency,
            _ => match name.strip_prefix("staff.") {
                Some(qualification) if !qualification.is_empty() => {
                    PartnerColumn::Staff(qualification.to_owned())
                }
                _ => return None,
            },
        })
    }

    /// Whether the column holds a list of names.
    pub(crate) fn is_list(&self) -> bool {
        matches!(
            self,
            PartnerColumn::Modules | PartnerColumn::Elected | PartnerColumn::Accounts
        )
    }

    /// What the column holds.
    pub(crate) fn value_kind(&self) -> PartnerValue {
        match self {
            PartnerColumn::Id
            | PartnerColumn::Name
            | PartnerColumn::Track
            | PartnerColumn::Tier => PartnerValue::Name,
            PartnerColumn::Modules | PartnerColumn::Elected | PartnerColumn::Accounts => {
                PartnerValue::Names
            }
            PartnerColumn::Entity
            | PartnerColumn::Region
            | PartnerColumn::TaxRate
            | PartnerColumn::Currency => PartnerValue::Code,
            PartnerColumn::Contract => PartnerValue::Bool,
            PartnerColumn::Joined => PartnerValue::Date,
            PartnerColumn::RevenueTarget => PartnerValue::Amount,
            PartnerColumn::Staff(_) => PartnerValue::Count,
        }
    }
}

/// What a partner column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartnerValue {
    Name,
    Names,
    Code,
    Bool,
    Date,
    Amount,
    Count,
}

/// The columns of a partners table, or the index of the first bad one.
pub(crate) fn partner_columns<S: AsRef<str>>(
    names: &[S],
) -> Result<Vec<PartnerColumn>, (Option<usize>, String)> {
    let mut columns: Vec<PartnerColumn> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let Some(column) = PartnerColumn::from_name(name) else {
            return Err((
                Some(i),
                unknown_column(name, PARTNER_FIELDS.into_iter(), "partner fields"),
            ));
        };
        if columns.contains(&column) {
            return Err((Some(i), format!("duplicate column `{name}`")));
        }
        columns.push(column);
    }
    if !columns.contains(&PartnerColumn::Id) {
        return Err((
            None,
            "no `id` column: every partner needs an `id`".to_owned(),
        ));
    }
    Ok(columns)
}

/// A partner row being read.
pub(crate) struct PartnerRow {
    id: Option<String>,
    partner: Partner,
}

impl PartnerRow {
    /// A row on `line` (the row number in a file without lines).
    pub(crate) fn new(line: u32) -> PartnerRow {
        PartnerRow {
            id: None,
            partner: Partner {
                id: PartnerId(0),
                name: None,
                track: None,
                modules: Vec::new(),
                tier: None,
                entity: Entity::Company,
                contract: true,
                region: None,
                joined: None,
                elected: Vec::new(),
                staff: Default::default(),
                revenue_target: None,
                accounts: Vec::new(),
                tax_rate: None,
                currency: None,
                line,
            },
        }
    }

    /// Fills `column` from a non-empty cell.
    pub(crate) fn set(&mut self, column: &PartnerColumn, cell: Cell<'_>) -> Result<(), String> {
        let p = &mut self.partner;
        let name = |cell: Cell| cell.name().map(Cow::into_owned);
        match column {
            PartnerColumn::Id => self.id = Some(name(cell)?),
            PartnerColumn::Name => p.name = Some(name(cell)?),
            PartnerColumn::Track => p.track = Some(name(cell)?),
            PartnerColumn::Modules => p.modules = cell.names()?,
            PartnerColumn::Tier => p.tier = Some(name(cell)?),
            PartnerColumn::Entity => p.entity = cell.entity()?,
            PartnerColumn::Contract => p.contract = cell.boolean()?,
            PartnerColumn::Region => p.region = Some(cell.region()?),
            PartnerColumn::Joined => p.joined = Some(cell.date()?),
            PartnerColumn::Elected => p.elected = cell.names()?,
            PartnerColumn::RevenueTarget => p.revenue_target = Some(cell.amount()?),
            PartnerColumn::Accounts => p.accounts = cell.names()?,
            PartnerColumn::TaxRate => p.tax_rate = Some(parse_tax_rate(&cell.text("a tax rate")?)?),
            PartnerColumn::Currency => p.currency = Some(cell.currency()?),
            PartnerColumn::Staff(qualification) => {
                p.staff.insert(qualification.clone(), cell.count()?);
            }
        }
        Ok(())
    }

    /// Declares the partner in `list`; on failure, the column at fault
    /// (`None`: no id) and why. `unit` names what `line` counts.
    pub(crate) fn declare(self, list: &mut PartnerList, unit: &str) -> Result<(), (bool, String)> {
        let Some(id) = self.id else {
            return Err((
                false,
                "missing field `id`, required in a partner".to_owned(),
            ));
        };
        if let Some(first) = list.ids.get(&id) {
            let first_line = list.partners.get(first as usize).map_or(0, |p| p.line);
            return Err((
                true,
                format!(
                    "duplicate partner id {}, first declared at {unit} {first_line}",
                    quoted(&id)
                ),
            ));
        }
        let mut partner = self.partner;
        partner.id = PartnerId(list.ids.intern(&id));
        list.partners.push(partner);
        Ok(())
    }
}

/// A chunk of an events table being read: the rows' events and names.
pub(crate) struct EventRows {
    tables: EventTables,
    events: Vec<Event>,
}

impl EventRows {
    /// Room for `rows` events.
    pub(crate) fn new(rows: usize) -> EventRows {
        EventRows {
            tables: EventTables::default(),
            events: Vec::with_capacity(rows),
        }
    }

    /// The number of rows read so far.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Validates a row's event; `line` is chunk-relative (rows, in a file
    /// without lines) and `span` the row's bytes in the file, for placing a
    /// second declaration of an invoice.
    pub(crate) fn push(
        &mut self,
        mut raw: RawEvent<'_>,
        line: usize,
        span: (usize, usize),
    ) -> Result<(), Rejection> {
        // Rows and lines fit a u32: the merge refuses more events.
        let index = self.events.len() as u32;
        let event = raw.take_event(&mut self.tables, index, line as u32)?;
        if let EventKind::Invoice { invoice, .. } = event.kind {
            self.tables.invoice_decls.push(InvoiceDecl {
                invoice,
                event: index,
                start: span.0,
                end: span.1,
            });
        }
        self.events.push(event);
        Ok(())
    }

    /// The chunk, `newlines` being the lines (or rows) it spans.
    pub(crate) fn finish(self, newlines: usize) -> Chunk {
        Chunk {
            events: self.events,
            tables: self.tables,
            newlines,
        }
    }
}

/// The column a rejection is about (the field it names, else the required
/// field that is missing) and its message, which says so when a required
/// field has no column at all.
pub(crate) fn rejected_column(rejection: Rejection, columns: &[Field]) -> (Option<usize>, String) {
    let field = match (&rejection.field, rejection.missing) {
        (Some(name), _) => Field::from_name(name),
        (None, missing) => missing,
    };
    let column = field.and_then(|f| columns.iter().position(|&c| c == f));
    let mut message = rejection.message;
    if let (Some(missing), None) = (rejection.missing, column) {
        message.push_str(&format!("; the file has no `{}` column", missing.name()));
    }
    (column, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_checked_like_json_values() {
        let text = |s: &'static str| Cell::Text(Cow::Borrowed(s));
        assert_eq!(text("100.50").amount().unwrap().to_string(), "100.50");
        assert_eq!(
            text("12,50").amount().unwrap_err(),
            r#"expected a decimal amount like "100.00", found "12,50""#
        );
        assert_eq!(
            Cell::Decimal {
                unscaled: 12345,
                scale: 2
            }
            .amount()
            .unwrap()
            .to_string(),
            "123.45"
        );
        assert_eq!(
            Cell::Decimal {
                unscaled: -1,
                scale: 0
            }
            .amount()
            .unwrap_err(),
            "amount must not be negative, found -1"
        );
        assert_eq!(
            Cell::Decimal {
                unscaled: 5,
                scale: -2
            }
            .amount()
            .unwrap()
            .to_string(),
            "500"
        );
        // Zeros past 28 places go; a digit there is refused, never rounded.
        let long = Cell::Decimal {
            unscaled: 10i128.pow(30),
            scale: 30,
        };
        assert_eq!(
            long.amount().unwrap().to_string(),
            "1.0000000000000000000000000000"
        );
        let precise = Cell::Decimal {
            unscaled: 10i128.pow(30) + 1,
            scale: 30,
        };
        assert!(precise.amount().unwrap_err().contains("too precise"));
        assert!(Cell::Integer(10i128.pow(20))
            .amount()
            .unwrap_err()
            .contains("larger than"));
        assert!(text("TRUE").boolean().unwrap());
        assert!(text("yes").boolean().is_err());
        assert_eq!(text("7").count().unwrap(), 7);
        assert!(text("-7").count().is_err());
        assert!(text("99999999999999999999999999999999999999999")
            .count()
            .is_err());
        assert_eq!(Cell::Integer(42).name().unwrap(), "42");
        let decimal = |unscaled, scale| Cell::Decimal { unscaled, scale };
        assert_eq!(decimal(4200, 2).name().unwrap(), "42");
        assert!(decimal(4250, 2).name().is_err());
        assert_eq!(decimal(3, 0).count().unwrap(), 3);
        assert_eq!(decimal(3, -1).count().unwrap(), 30);
        assert!(decimal(35, 1).count().is_err());
        assert_eq!(
            text("M1; M2").names().unwrap(),
            vec!["M1".to_owned(), "M2".to_owned()]
        );
        assert!(text("M1;;M2").names().is_err());
    }

    #[test]
    fn event_columns_are_field_names() {
        assert_eq!(
            event_columns(&["date", "type", "amount"]).unwrap(),
            vec![Field::Date, Field::Type, Field::Amount]
        );
        let (at, why) = event_columns(&["date", "type", "amout"]).unwrap_err();
        assert_eq!(at, Some(2));
        assert!(
            why.starts_with("unknown column `amout` (did you mean `amount`?)"),
            "{why}"
        );
        assert_eq!(
            event_columns(&["date", "date"]).unwrap_err(),
            (Some(1), "duplicate column `date`".to_owned())
        );
        assert_eq!(event_columns(&["date"]).unwrap_err().0, None);
        assert_eq!(
            partner_columns(&["id", "staff.sales"]).unwrap()[1],
            PartnerColumn::Staff("sales".to_owned())
        );
        assert!(partner_columns(&["id", "staff."]).is_err());
        assert!(partner_columns(&["name"]).is_err());
    }
}
