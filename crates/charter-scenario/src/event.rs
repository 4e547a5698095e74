//! Events as read from JSON: which fields each event `type` takes, the flat
//! record every event object is first read into, and its validation into an
//! [`EventKind`].
//!
//! Events are not read through a serde internally tagged enum, which would
//! buffer every object; a hand-written visitor fills [`RawEvent`], a record of
//! optional fields plus a bit set of the fields present, and the field table
//! of the event's type then decides what is missing or not allowed.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::event_scan::{Scalar, ScanMemo};
use crate::model::{
    CollectedBy, CustomerId, Event, EventKind, EventType, InvoiceId, PartnerId, SubscriptionId,
    Symbol,
};
use crate::names::{Interner, NameList};
use crate::tabular::Cell;
use crate::value::{Amount, Count, Currency, DateValue, Months, Sign, Text};

/// A field of an event object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Date,
    Type,
    Id,
    Customer,
    Partner,
    Opportunity,
    Approved,
    Decided,
    RequestedByCustomer,
    Product,
    Invoice,
    Amount,
    Currency,
    Renewal,
    CollectedBy,
    Kind,
    Tier,
    Qualification,
    Count,
    Subscription,
    Months,
    From,
    To,
    Rate,
}

/// What a field holds; the schema test checks the schema says the same,
/// and table columns (CSV, Parquet) are typed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    Date,
    EventType,
    Name,
    Bool,
    Amount,
    Currency,
    CollectedBy,
    Count,
    /// A billing period in months, 1 to 1200.
    Months,
}

impl Field {
    pub(crate) const ALL: [Field; 24] = [
        Field::Date,
        Field::Type,
        Field::Id,
        Field::Customer,
        Field::Partner,
        Field::Opportunity,
        Field::Approved,
        Field::Decided,
        Field::RequestedByCustomer,
        Field::Product,
        Field::Invoice,
        Field::Amount,
        Field::Currency,
        Field::Renewal,
        Field::CollectedBy,
        Field::Kind,
        Field::Tier,
        Field::Qualification,
        Field::Count,
        Field::Subscription,
        Field::Months,
        Field::From,
        Field::To,
        Field::Rate,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Type => "type",
            Field::Id => "id",
            Field::Customer => "customer",
            Field::Partner => "partner",
            Field::Opportunity => "opportunity",
            Field::Approved => "approved",
            Field::Decided => "decided",
            Field::RequestedByCustomer => "requested_by_customer",
            Field::Product => "product",
            Field::Invoice => "invoice",
            Field::Amount => "amount",
            Field::Currency => "currency",
            Field::Renewal => "renewal",
            Field::CollectedBy => "collected_by",
            Field::Kind => "kind",
            Field::Tier => "tier",
            Field::Qualification => "qualification",
            Field::Count => "count",
            Field::Subscription => "subscription",
            Field::Months => "months",
            Field::From => "from",
            Field::To => "to",
            Field::Rate => "rate",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Field> {
        Some(match name {
            "date" => Field::Date,
            "type" => Field::Type,
            "id" => Field::Id,
            "customer" => Field::Customer,
            "partner" => Field::Partner,
            "opportunity" => Field::Opportunity,
            "approved" => Field::Approved,
            "decided" => Field::Decided,
            "requested_by_customer" => Field::RequestedByCustomer,
            "product" => Field::Product,
            "invoice" => Field::Invoice,
            "amount" => Field::Amount,
            "currency" => Field::Currency,
            "renewal" => Field::Renewal,
            "collected_by" => Field::CollectedBy,
            "kind" => Field::Kind,
            "tier" => Field::Tier,
            "qualification" => Field::Qualification,
            "count" => Field::Count,
            "subscription" => Field::Subscription,
            "months" => Field::Months,
            "from" => Field::From,
            "to" => Field::To,
            "rate" => Field::Rate,
            _ => return None,
        })
    }

    pub(crate) fn value_kind(self) -> ValueKind {
        match self {
            Field::Date | Field::Decided => ValueKind::Date,
            Field::Type => ValueKind::EventType,
            Field::Id
            | Field::Customer
            | Field::Partner
            | Field::Opportunity
            | Field::Product
            | Field::Invoice
            | Field::Kind
            | Field::Tier
            | Field::Qualification
            | Field::Subscription => ValueKind::Name,
            Field::Approved | Field::RequestedByCustomer | Field::Renewal => ValueKind::Bool,
            Field::Amount | Field::Rate => ValueKind::Amount,
            Field::Currency | Field::From | Field::To => ValueKind::Currency,
            Field::CollectedBy => ValueKind::CollectedBy,
            Field::Count => ValueKind::Count,
            Field::Months => ValueKind::Months,
        }
    }

    fn bit(self) -> u32 {
        1 << self as u32
    }
}

impl EventType {
    /// Fields an event of this type must have, `date` and `type` included.
    pub(crate) fn required_fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            EventType::VendorContact
            | EventType::Signup
            | EventType::Trial
            | EventType::Lead
            | EventType::DirectRequest => &[Date, Type, Customer],
            EventType::Referral => &[Date, Type, Partner, Customer],
            EventType::Registration => &[Date, Type, Partner, Customer],
            EventType::Attachment => &[Date, Type, Partner, Customer],
            EventType::Order => &[Date, Type, Customer],
            EventType::Invoice => &[Date, Type, Id, Customer, Amount],
            EventType::Payment => &[Date, Type, Invoice, Amount],
            EventType::Refund => &[Date, Type, Invoice, Amount],
            EventType::Activity => &[Date, Type, Partner, Kind],
            EventType::Notice => &[Date, Type, Partner],
            EventType::Invitation => &[Date, Type, Partner, Tier],
            EventType::Staff => &[Date, Type, Partner, Qualification, Count],
            EventType::ExchangeRate => &[Date, Type, From, To, Rate],
        }
    }

    /// Fields an event of this type may have besides the required ones.
    pub(crate) fn optional_fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            EventType::Registration => &[Id, Opportunity, Approved, Decided],
            EventType::Attachment => &[Id, RequestedByCustomer],
            EventType::Order => &[Id, Product, Opportunity, Partner],
            EventType::Invoice => &[Currency, Product, Renewal, Subscription, Months],
            EventType::Payment => &[Id, CollectedBy],
            EventType::VendorContact
            | EventType::Signup
            | EventType::Trial
            | EventType::Lead
            | EventType::DirectRequest
            | EventType::Referral
            | EventType::Refund
            | EventType::Activity
            | EventType::Notice
            | EventType::Invitation
            | EventType::Staff
            | EventType::ExchangeRate => &[Id],
        }
    }

    /// "a `referral`", "an `invoice`".
    fn with_article(self) -> String {
        let vowel = self.as_str().starts_with(['a', 'e', 'i', 'o', 'u']);
        format!("{} `{self}`", if vowel { "an" } else { "a" })
    }

    fn allowed_bits(self) -> u32 {
        self.required_fields()
            .iter()
            .chain(self.optional_fields())
            .fold(0, |bits, f| bits | f.bit())
    }

    fn allowed_list(self) -> String {
        let names: Vec<String> = self
            .required_fields()
            .iter()
            .chain(self.optional_fields())
            .map(|f| format!("`{}`", f.name()))
            .collect();
        names.join(", ")
    }
}

/// Why `name` is not an event type.
pub(crate) fn unknown_event_type(name: &str) -> String {
    format!(
        "unknown event type {}, expected one of {}",
        crate::value::quoted(name),
        type_list()
    )
}

/// Every event type, as a message fragment.
fn type_list() -> String {
    let names: Vec<String> = EventType::ALL
        .iter()
        .map(|t| format!("`{}`", t.as_str()))
        .collect();
    names.join(", ")
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;
        impl Visitor<'_> for TypeVisitor {
            type Value = EventType;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an event type")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                EventType::from_name(v).ok_or_else(|| E::custom(unknown_event_type(v)))
            }
        }
        deserializer.deserialize_str(TypeVisitor)
    }
}

/// An event object's fields before validation; strings are borrowed from the
/// source when they have no escapes.
#[derive(Debug, Default)]
pub(crate) struct RawEvent<'de> {
    present: u32,
    unknown: Option<String>,
    duplicate: Option<Field>,
    date: Option<NaiveDate>,
    event_type: Option<EventType>,
    id: Option<Cow<'de, str>>,
    customer: Option<Cow<'de, str>>,
    partner: Option<Cow<'de, str>>,
    opportunity: Option<Cow<'de, str>>,
    approved: Option<bool>,
    decided: Option<NaiveDate>,
    requested_by_customer: Option<bool>,
    product: Option<Cow<'de, str>>,
    invoice: Option<Cow<'de, str>>,
    amount: Option<Decimal>,
    currency: Option<Currency>,
    renewal: Option<bool>,
    collected_by: Option<CollectedBy>,
    kind: Option<Cow<'de, str>>,
    tier: Option<Cow<'de, str>>,
    qualification: Option<Cow<'de, str>>,
    count: Option<u32>,
    subscription: Option<Cow<'de, str>>,
    months: Option<u16>,
    from: Option<Currency>,
    to: Option<Currency>,
    rate: Option<Decimal>,
}

/// A key of an event object.
enum FieldKey {
    Known(Field),
    Unknown(String),
}

impl<'de> Deserialize<'de> for FieldKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = FieldKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(match Field::from_name(v) {
                    Some(field) => FieldKey::Known(field),
                    None => FieldKey::Unknown(v.to_owned()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for RawEvent<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RawEventVisitor)
    }
}

struct RawEventVisitor;

fn text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Cow<'de, str>>, A::Error> {
    map.next_value::<Text<'de>>().map(|t| Some(t.0))
}

impl<'de> Visitor<'de> for RawEventVisitor {
    type Value = RawEvent<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut ev = RawEvent::default();
        fill(&mut ev, map)?;
        Ok(ev)
    }
}

/// Fills a [`RawEvent`] where it lies (see [`RawEvent::parse_into`]).
struct InPlaceVisitor<'e, 'de>(&'e mut RawEvent<'de>);

impl<'de> Visitor<'de> for InPlaceVisitor<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        fill(self.0, map)
    }
}

impl<'de> RawEvent<'de> {
    /// Parses the event object `text` into `self`, which is cleared first:
    /// what `serde_json::from_str` does, without moving the large record
    /// around on every event. On failure, parsing `text` as a `RawEvent`
    /// (`error::explain`) tells where.
    pub(crate) fn parse_into(&mut self, text: &'de str) -> Result<(), serde_json::Error> {
        *self = RawEvent::default();
        let mut de = serde_json::Deserializer::from_str(text);
        (&mut de).deserialize_map(InPlaceVisitor(self))?;
        de.end()
    }
}

fn fill<'de, A: MapAccess<'de>>(ev: &mut RawEvent<'de>, mut map: A) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<FieldKey>()? {
        let field = match key {
            FieldKey::Known(field) => field,
            FieldKey::Unknown(name) => {
                ev.unknown.get_or_insert(name);
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        if ev.present & field.bit() != 0 {
            ev.duplicate.get_or_insert(field);
        }
        ev.present |= field.bit();
        match field {
            Field::Date => ev.date = Some(map.next_value::<DateValue>()?.0),
            Field::Type => ev.event_type = Some(map.next_value()?),
            Field::Id => ev.id = text(&mut map)?,
            Field::Customer => ev.customer = text(&mut map)?,
            Field::Partner => ev.partner = text(&mut map)?,
            Field::Opportunity => ev.opportunity = text(&mut map)?,
            Field::Approved => ev.approved = Some(map.next_value()?),
            Field::Decided => ev.decided = Some(map.next_value::<DateValue>()?.0),
            Field::RequestedByCustomer => ev.requested_by_customer = Some(map.next_value()?),
            Field::Product => ev.product = text(&mut map)?,
            Field::Invoice => ev.invoice = text(&mut map)?,
            Field::Amount => ev.amount = Some(map.next_value::<Amount>()?.0),
            Field::Currency => ev.currency = Some(map.next_value()?),
            Field::Renewal => ev.renewal = Some(map.next_value()?),
            Field::CollectedBy => ev.collected_by = Some(map.next_value()?),
            Field::Kind => ev.kind = text(&mut map)?,
            Field::Tier => ev.tier = text(&mut map)?,
            Field::Qualification => ev.qualification = text(&mut map)?,
            Field::Count => ev.count = Some(map.next_value::<Count>()?.0),
            Field::Subscription => ev.subscription = text(&mut map)?,
            Field::Months => ev.months = Some(map.next_value::<Months>()?.0),
            Field::From => ev.from = Some(map.next_value()?),
            Field::To => ev.to = Some(map.next_value()?),
            Field::Rate => ev.rate = Some(map.next_value::<Amount>()?.0),
        }
    }
    Ok(())
}

impl<'a> RawEvent<'a> {
    /// Fills `field` from a non-empty table cell (CSV, Parquet), checking
    /// its value as the JSON reader does; a table has no unknown or
    /// duplicate fields (its header is checked once).
    pub(crate) fn set_cell(&mut self, field: Field, cell: Cell<'a>) -> Result<(), String> {
        self.present |= field.bit();
        match field {
            Field::Date => self.date = Some(cell.date()?),
            Field::Type => self.event_type = Some(cell.event_type()?),
            Field::Id => self.id = Some(cell.name()?),
            Field::Customer => self.customer = Some(cell.name()?),
            Field::Partner => self.partner = Some(cell.name()?),
            Field::Opportunity => self.opportunity = Some(cell.name()?),
            Field::Approved => self.approved = Some(cell.boolean()?),
            Field::Decided => self.decided = Some(cell.date()?),
            Field::RequestedByCustomer => self.requested_by_customer = Some(cell.boolean()?),
            Field::Product => self.product = Some(cell.name()?),
            Field::Invoice => self.invoice = Some(cell.name()?),
            Field::Amount => self.amount = Some(cell.amount()?),
            Field::Currency => self.currency = Some(cell.currency()?),
            Field::Renewal => self.renewal = Some(cell.boolean()?),
            Field::CollectedBy => self.collected_by = Some(cell.collected_by()?),
            Field::Kind => self.kind = Some(cell.name()?),
            Field::Tier => self.tier = Some(cell.name()?),
            Field::Qualification => self.qualification = Some(cell.name()?),
            Field::Count => self.count = Some(cell.count()?),
            Field::Subscription => self.subscription = Some(cell.name()?),
            Field::Months => self.months = Some(cell.months()?),
            Field::From => self.from = Some(cell.currency()?),
            Field::To => self.to = Some(cell.currency()?),
            Field::Rate => self.rate = Some(cell.amount()?),
        }
        Ok(())
    }
}

impl<'de> RawEvent<'de> {
    /// Fills `field` from a scalar of the plain shape (`event_scan`) as the
    /// visitor would (`fill`); `None` where the visitor would fail, leaving
    /// the event to it.
    pub(crate) fn set_scanned(
        &mut self,
        field: Field,
        value: Scalar<'de>,
        memo: &mut ScanMemo,
    ) -> Option<()> {
        let name = |value: Scalar<'de>| match value {
            Scalar::Str { text, .. } if !text.is_empty() => Some(Cow::Borrowed(text)),
            Scalar::Str { .. } | Scalar::Bool(_) | Scalar::Number(_) => None,
        };
        let string = |value: Scalar<'de>| match value {
            Scalar::Str { text, .. } => Some(text),
            Scalar::Bool(_) | Scalar::Number(_) => None,
        };
        let boolean = |value: Scalar<'de>| match value {
            Scalar::Bool(b) => Some(b),
            Scalar::Str { .. } | Scalar::Number(_) => None,
        };
        let amount = |value: Scalar<'de>| match value {
            Scalar::Str { json, .. } | Scalar::Number(json) => {
                crate::value::parse_amount(json, Sign::NonNegative).ok()
            }
            Scalar::Bool(_) => None,
        };
        let count = |value: Scalar<'de>| match value {
            Scalar::Number(number) => crate::event_scan::plain_count(number),
            Scalar::Str { .. } | Scalar::Bool(_) => None,
        };
        let mut date = |value| string(value).and_then(|s| memo.date(s));
        let currency = |value| string(value).and_then(Currency::parse);
        if self.present & field.bit() != 0 {
            self.duplicate.get_or_insert(field);
        }
        self.present |= field.bit();
        match field {
            Field::Date => self.date = Some(date(value)?),
            Field::Type => self.event_type = Some(string(value).and_then(EventType::from_name)?),
            Field::Id => self.id = Some(name(value)?),
            Field::Customer => self.customer = Some(name(value)?),
            Field::Partner => self.partner = Some(name(value)?),
            Field::Opportunity => self.opportunity = Some(name(value)?),
            Field::Approved => self.approved = Some(boolean(value)?),
            Field::Decided => self.decided = Some(date(value)?),
            Field::RequestedByCustomer => self.requested_by_customer = Some(boolean(value)?),
            Field::Product => self.product = Some(name(value)?),
            Field::Invoice => self.invoice = Some(name(value)?),
            Field::Amount => self.amount = Some(amount(value)?),
            Field::Currency => self.currency = Some(currency(value)?),
            Field::Renewal => self.renewal = Some(boolean(value)?),
            Field::CollectedBy => {
                self.collected_by = Some(match string(value)? {
                    "vendor" => CollectedBy::Vendor,
                    "partner" => CollectedBy::Partner,
                    _ => return None,
                })
            }
            Field::Kind => self.kind = Some(name(value)?),
            Field::Tier => self.tier = Some(name(value)?),
            Field::Qualification => self.qualification = Some(name(value)?),
            Field::Count => self.count = Some(count(value)?),
            Field::Subscription => self.subscription = Some(name(value)?),
            Field::Months => {
                self.months = Some(count(value).and_then(|n| crate::value::months(n).ok())?)
            }
            Field::From => self.from = Some(currency(value)?),
            Field::To => self.to = Some(currency(value)?),
            Field::Rate => self.rate = Some(amount(value)?),
        }
        Some(())
    }
}

/// Why a well-formed event object is not a valid event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    /// The field at fault, as written; `None` for the event as a whole.
    pub field: Option<String>,
    /// Whether to point at the field's key rather than its value.
    pub at_key: bool,
    /// The required field that is absent, if that is the fault (a table
    /// points at its empty cell).
    pub missing: Option<Field>,
    pub message: String,
}

impl Rejection {
    fn whole(message: String) -> Rejection {
        Rejection {
            field: None,
            at_key: false,
            missing: None,
            message,
        }
    }

    fn key(name: &str, message: String) -> Rejection {
        Rejection {
            field: Some(name.to_owned()),
            at_key: true,
            missing: None,
            message,
        }
    }

    fn missing(field: Field, t: EventType) -> Rejection {
        Rejection {
            missing: Some(field),
            ..Rejection::whole(format!(
                "missing field `{}`, required in {} event",
                field.name(),
                t.with_article()
            ))
        }
    }
}

/// The names one chunk of events refers to. Partners and other names, which
/// repeat a lot, are numbered in the chunk in order of first appearance (a
/// small table, in cache, on the chunk's own thread); customers and
/// invoices are listed as they occur. The merge then looks each up in the
/// scenario's tables (`batch::Builder`), and an id in the chunk is a number
/// in these tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventTables {
    pub partners: Interner,
    pub customers: NameList,
    pub invoices: NameList,
    pub symbols: Interner,
    /// Every `invoice` event, in order, for the duplicate check.
    pub invoice_decls: Vec<InvoiceDecl>,
}

/// An `invoice` event: which invoice, which event, and where its text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvoiceDecl {
    pub invoice: InvoiceId,
    pub event: u32,
    pub start: usize,
    pub end: usize,
}

impl EventTables {
    fn partner(&mut self, name: &str) -> PartnerId {
        PartnerId(self.partners.intern(name))
    }

    fn customer(&mut self, name: Cow<'_, str>) -> CustomerId {
        CustomerId(self.customers.push(&name))
    }

    fn invoice(&mut self, name: Cow<'_, str>) -> InvoiceId {
        InvoiceId(self.invoices.push(&name))
    }

    fn symbol(&mut self, name: Cow<'_, str>) -> Symbol {
        Symbol(self.symbols.intern(&name))
    }
}

impl<'a> RawEvent<'a> {
    /// Validates the event and records its names, taking its strings.
    /// `index` and `line` are stored as given.
    pub(crate) fn take_event(
        &mut self,
        tables: &mut EventTables,
        index: u32,
        line: u32,
    ) -> Result<Event, Rejection> {
        let Some(t) = self.event_type else {
            return Err(Rejection::whole(format!(
                "missing field `type`, expected one of {}",
                type_list()
            )));
        };
        if let Some(name) = &self.unknown {
            let suggestion = t
                .required_fields()
                .iter()
                .chain(t.optional_fields())
                .map(|f| f.name())
                .filter(|candidate| edit_distance(candidate, name) <= 2)
                .min_by_key(|candidate| edit_distance(candidate, name))
                .map(|candidate| format!(" (did you mean `{candidate}`?)"))
                .unwrap_or_default();
            return Err(Rejection::key(
                name,
                format!(
                    "unknown field `{}` in {} event{suggestion}; allowed fields: {}",
                    crate::value::shorten(name),
                    t.with_article(),
                    t.allowed_list()
                ),
            ));
        }
        let extra = self.present & !t.allowed_bits();
        if let Some(field) = Field::ALL.into_iter().find(|f| extra & f.bit() != 0) {
            return Err(Rejection::key(
                field.name(),
                format!(
                    "field `{}` is not allowed in {} event; allowed fields: {}",
                    field.name(),
                    t.with_article(),
                    t.allowed_list()
                ),
            ));
        }
        if let Some(field) = self.duplicate {
            return Err(Rejection::key(
                field.name(),
                format!("duplicate field `{}`", field.name()),
            ));
        }
        let date = self
            .date
            .ok_or_else(|| Rejection::missing(Field::Date, t))?;
        let kind = match t {
            EventType::VendorContact => EventKind::VendorContact {
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
            },
            EventType::DirectRequest => EventKind::DirectRequest {
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
            },
            EventType::Signup => EventKind::Signup {
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
            },
            EventType::Trial => EventKind::Trial {
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
            },
            EventType::Lead => EventKind::Lead {
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
            },
            EventType::Referral => EventKind::Referral {
                partner: tables.partner(&required(self.partner.take(), Field::Partner, t)?),
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
            },
            EventType::Registration => EventKind::Registration {
                partner: tables.partner(&required(self.partner.take(), Field::Partner, t)?),
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
                opportunity: self.opportunity.take().map(|o| tables.symbol(o)),
                approved: self.approved.unwrap_or(true),
                decided: self.decided,
            },
            EventType::Attachment => EventKind::Attachment {
                partner: tables.partner(&required(self.partner.take(), Field::Partner, t)?),
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
                requested_by_customer: self.requested_by_customer.unwrap_or(false),
            },
            EventType::Order => EventKind::Order {
                customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
                product: self.product.take().map(|p| tables.symbol(p)),
                opportunity: self.opportunity.take().map(|o| tables.symbol(o)),
                partner: self.partner.take().map(|p| tables.partner(&p)),
            },
            EventType::Invoice => {
                // An invoice's id names its `InvoiceId`, not the event.
                let id = self
                    .id
                    .take()
                    .ok_or_else(|| Rejection::missing(Field::Id, t))?;
                let invoice = tables.invoice(id);
                EventKind::Invoice {
                    invoice,
                    customer: tables.customer(required(self.customer.take(), Field::Customer, t)?),
                    amount: required(self.amount, Field::Amount, t)?,
                    currency: self.currency,
                    product: self.product.take().map(|p| tables.symbol(p)),
                    renewal: self.renewal.unwrap_or(false),
                    subscription: self
                        .subscription
                        .take()
                        .map(|s| SubscriptionId::of(tables.symbol(s))),
                    months: self.months.unwrap_or(1),
                }
            }
            EventType::Payment => EventKind::Payment {
                invoice: tables.invoice(required(self.invoice.take(), Field::Invoice, t)?),
                amount: required(self.amount, Field::Amount, t)?,
                collected_by: self.collected_by.unwrap_or(CollectedBy::Vendor),
            },
            EventType::Refund => EventKind::Refund {
                invoice: tables.invoice(required(self.invoice.take(), Field::Invoice, t)?),
                amount: required(self.amount, Field::Amount, t)?,
            },
            EventType::Activity => EventKind::Activity {
                partner: tables.partner(&required(self.partner.take(), Field::Partner, t)?),
                kind: tables.symbol(required(self.kind.take(), Field::Kind, t)?),
            },
            EventType::Notice => EventKind::Notice {
                partner: tables.partner(&required(self.partner.take(), Field::Partner, t)?),
            },
            EventType::Invitation => EventKind::Invitation {
                partner: tables.partner(&required(self.partner.take(), Field::Partner, t)?),
                tier: tables.symbol(required(self.tier.take(), Field::Tier, t)?),
            },
            EventType::Staff => EventKind::Staff {
                partner: tables.partner(&required(self.partner.take(), Field::Partner, t)?),
                qualification: tables.symbol(required(
                    self.qualification.take(),
                    Field::Qualification,
                    t,
                )?),
                count: required(self.count, Field::Count, t)?,
            },
            EventType::ExchangeRate => {
                let rate = required(self.rate, Field::Rate, t)?;
                if rate.is_zero() {
                    return Err(Rejection {
                        field: Some(Field::Rate.name().to_owned()),
                        at_key: false,
                        missing: None,
                        message: "an exchange rate must be above 0, found 0".to_owned(),
                    });
                }
                EventKind::ExchangeRate {
                    from: required(self.from, Field::From, t)?,
                    to: required(self.to, Field::To, t)?,
                    rate,
                }
            }
        };
        Ok(Event {
            date,
            kind,
            index,
            line,
            id: self.id.take().map(Into::into),
        })
    }
}

fn required<T>(value: Option<T>, field: Field, t: EventType) -> Result<T, Rejection> {
    value.ok_or_else(|| Rejection::missing(field, t))
}

/// Levenshtein distance, for "did you mean" suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_round_trip() {
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(t.as_str()), Some(t));
            assert!(t.required_fields().starts_with(&[Field::Date, Field::Type]));
        }
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("amount", "amout"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
