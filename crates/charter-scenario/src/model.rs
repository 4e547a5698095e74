//! The loaded scenario: partners, dated events and expectations, with names
//! interned into compact ids.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::names::Names;
pub use crate::value::{Currency, Region};

/// A partner, interned. Declared partners come first: `PartnerId(i)` for
/// `i < scenario.partners.len()` is `scenario.partners[i]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartnerId(pub u32);

/// A customer, interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerId(pub u32);

/// An invoice, interned (declared by an `invoice` event or only referenced by
/// a payment or refund).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvoiceId(pub u32);

/// Any other interned name: products, opportunities, activity kinds, tiers
/// and staff qualifications share one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

/// The subscription (or deal) an invoice bills: a name of the symbol table,
/// kept in four bytes with a niche so that an invoice event stays within 64
/// bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriptionId(std::num::NonZeroU32);

impl SubscriptionId {
    /// The subscription named by `symbol`.
    pub fn of(symbol: Symbol) -> SubscriptionId {
        SubscriptionId(std::num::NonZeroU32::MIN.saturating_add(symbol.0))
    }

    /// The symbol naming it (`Names::symbol`).
    pub fn symbol(self) -> Symbol {
        Symbol(self.0.get() - 1)
    }
}

/// A scenario ready for simulation.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The date the simulation runs up to, if the file or caller gave one.
    pub as_of: Option<NaiveDate>,
    /// Declared partners in input order; `partners[i].id == PartnerId(i)`.
    pub partners: Vec<Partner>,
    /// Events in input order (not sorted by date); `events[i].index == i`.
    pub events: Vec<Event>,
    /// What `charter test` should check, when the file says.
    pub expect: Option<Expectations>,
    /// The name tables behind every id.
    pub names: Names,
    /// Where the scenario was read from.
    pub source: Source,
    /// The policy the scenario names (`"policy"`), relative to the scenario file.
    pub policy: Option<String>,
    /// The country of each customer a `customers` record places, by
    /// `CustomerId` (empty when the scenario has no customer records).
    pub customer_countries: Vec<Option<Region>>,
}

impl Scenario {
    /// The declared partner behind `id`, or `None` for a partner that events
    /// name but the partner list does not declare.
    pub fn partner(&self, id: PartnerId) -> Option<&Partner> {
        self.partners.get(id.0 as usize)
    }

    /// The country a `customers` record gives the customer, if any.
    pub fn customer_country(&self, id: CustomerId) -> Option<Region> {
        self.customer_countries
            .get(id.0 as usize)
            .copied()
            .flatten()
    }

    /// The name of `event` for reports: its `id`, or an invoice's id.
    pub fn event_name<'a>(&'a self, event: &'a Event) -> Option<&'a str> {
        match event.kind {
            EventKind::Invoice { invoice, .. } => Some(self.names.invoice(invoice)),
            _ => event.id.as_deref(),
        }
    }

    /// Where `event` was written, for reports: `events.ndjson:17`,
    /// `scenario.json:14 ($.events[3])`, `events.csv:5 (row 4)` or
    /// `events.parquet (row 4)`; rows of a table count from 1 after the header.
    pub fn event_location(&self, event: &Event) -> String {
        let file = &self.source.events_file;
        match self.source.format {
            SourceFormat::Json => format!("{file}:{} ($.events[{}])", event.line, event.index),
            SourceFormat::Ndjson => format!("{file}:{}", event.line),
            SourceFormat::Csv => format!("{file}:{} (row {})", event.line, event.index + 1),
            SourceFormat::Parquet => format!("{file} (row {})", event.index + 1),
        }
    }
}

/// The files a scenario came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub format: SourceFormat,
    /// The file holding the events (the whole scenario for `Json`).
    pub events_file: String,
    /// The file holding the partners, for `Ndjson` when one was given.
    pub partners_file: Option<String>,
}

/// The accepted layouts of a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// One JSON document with `partners`, `events` and the rest; as a
    /// partners file, a JSON array of partner objects (or NDJSON).
    Json,
    /// One event (or partner) object per line, partners in a separate file.
    Ndjson,
    /// A table with a header row, one event (or partner) per row, partners
    /// in a separate file.
    Csv,
    /// A Parquet table, one event (or partner) per row, partners in a
    /// separate file.
    Parquet,
}

impl SourceFormat {
    /// The format a file's name says: `.csv`, `.parquet`, `.ndjson` or
    /// `.jsonl` (in any case); anything else is JSON.
    pub fn of_path(path: &std::path::Path) -> SourceFormat {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        let is = |name: &str| extension.eq_ignore_ascii_case(name);
        if is("csv") {
            SourceFormat::Csv
        } else if is("parquet") {
            SourceFormat::Parquet
        } else if is("ndjson") || is("jsonl") {
            SourceFormat::Ndjson
        } else {
            SourceFormat::Json
        }
    }
}

/// A partner as declared in the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub id: PartnerId,
    /// Display name, when different from the id.
    pub name: Option<String>,
    pub track: Option<String>,
    pub modules: Vec<String>,
    /// Tier granted by contract.
    pub tier: Option<String>,
    pub entity: Entity,
    /// Whether a partner contract is signed.
    pub contract: bool,
    pub region: Option<Region>,
    pub joined: Option<NaiveDate>,
    /// Options the partner elected, such as `referral_fee`.
    pub elected: Vec<String>,
    /// Head count per staff qualification at the start.
    pub staff: BTreeMap<String, u32>,
    /// An individually agreed revenue requirement.
    pub revenue_target: Option<Decimal>,
    /// Customer ids that are the partner itself or its own company
    /// (`no self_referral` refuses its claims on them).
    pub accounts: Vec<String>,
    /// The tax rate in percent a VAT-registered partner adds on top of its
    /// commission (`"tax_rate": "20%"`); `None`: not registered.
    pub tax_rate: Option<Decimal>,
    /// The currency the partner is paid in (`"currency": "EUR"`); `None`:
    /// the program's.
    pub currency: Option<Currency>,
    /// Line of the partner's object or row in its file (its row number,
    /// counted from 1, in a Parquet file).
    pub line: u32,
}

/// The legal form of a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(
    rename_all = "snake_case",
    expecting = "one of `company`, `sole_proprietor`, `self_employed`, `individual`"
)]
pub enum Entity {
    Company,
    SoleProprietor,
    SelfEmployed,
    Individual,
}

impl Entity {
    pub const ALL: [Entity; 4] = [
        Entity::Company,
        Entity::SoleProprietor,
        Entity::SelfEmployed,
        Entity::Individual,
    ];

    /// The entity type a policy or scenario names (`sole_proprietor`); none
    /// for a name that is not one (the checker refuses it in a policy).
    pub fn from_name(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// The name used in scenario files and policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Company => "company",
            Entity::SoleProprietor => "sole_proprietor",
            Entity::SelfEmployed => "self_employed",
            Entity::Individual => "individual",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who collected a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case", expecting = "`vendor` or `partner`")]
pub enum CollectedBy {
    Vendor,
    Partner,
}

impl CollectedBy {
    pub const ALL: [CollectedBy; 2] = [CollectedBy::Vendor, CollectedBy::Partner];

    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            CollectedBy::Vendor => "vendor",
            CollectedBy::Partner => "partner",
        }
    }
}

/// One dated event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: NaiveDate,
    pub kind: EventKind,
    /// Position in the input (array index, or count of event lines before).
    pub index: u32,
    /// Line where the event starts in its file (its row number, counted
    /// from 1, in a Parquet file).
    pub line: u32,
    /// The event's `id` field, naming it in reports. For `invoice` events
    /// the id is the invoice's and lives in [`Names`] instead: use
    /// [`Scenario::event_name`] to get either.
    pub id: Option<EventName>,
}

/// An event's own `id` as written: one pointer wide, so that events, most
/// of which have none, stay small (64 bytes instead of 72). Reads as a
/// `str` (`Deref`, `Display`, `Debug`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventName(Box<Box<str>>);

impl EventName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for EventName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for EventName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.0, f)
    }
}

impl From<&str> for EventName {
    fn from(name: &str) -> EventName {
        EventName(Box::new(name.into()))
    }
}

impl From<String> for EventName {
    fn from(name: String) -> EventName {
        EventName(Box::new(name.into_boxed_str()))
    }
}

impl From<std::borrow::Cow<'_, str>> for EventName {
    fn from(name: std::borrow::Cow<'_, str>) -> EventName {
        EventName(Box::new(name.into()))
    }
}

/// What happened, by event `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// The vendor was in touch with the customer on its own.
    VendorContact {
        customer: CustomerId,
    },
    /// The customer signed up (opened a free account or trial): from then
    /// on it is no longer a new user (`new users only`).
    Signup {
        customer: CustomerId,
    },
    /// The customer started a trial; a commission `per trial` pays the
    /// partner that owns the customer that day, on its first trial.
    Trial {
        customer: CustomerId,
    },
    /// The vendor qualified the customer as a lead; a commission `per
    /// qualified lead` pays the partner that owns it that day, once.
    Lead {
        customer: CustomerId,
    },
    /// The customer chose to work with the vendor directly: its attachment
    /// to a partner ends on this date.
    DirectRequest {
        customer: CustomerId,
    },
    Referral {
        partner: PartnerId,
        customer: CustomerId,
    },
    /// A deal registration and the vendor's decision on it.
    Registration {
        partner: PartnerId,
        customer: CustomerId,
        opportunity: Option<Symbol>,
        approved: bool,
        decided: Option<NaiveDate>,
    },
    /// The partner attached itself to a customer account.
    Attachment {
        partner: PartnerId,
        customer: CustomerId,
        requested_by_customer: bool,
    },
    Order {
        customer: CustomerId,
        product: Option<Symbol>,
        opportunity: Option<Symbol>,
        /// The partner that sold it, if any.
        partner: Option<PartnerId>,
    },
    Invoice {
        invoice: InvoiceId,
        customer: CustomerId,
        amount: Decimal,
        currency: Option<Currency>,
        product: Option<Symbol>,
        renewal: bool,
        /// The subscription (or deal) the invoice bills, if the file says
        /// (`of payments on first subscription`, `… per subscription`).
        subscription: Option<SubscriptionId>,
        /// The months the invoice bills, from its date (`"months": 12` for
        /// an annual invoice; 1 when the file says none): its monthly
        /// recurring revenue is `amount / months` (`managed mrr`, `sold mrr`).
        months: u16,
    },
    Payment {
        invoice: InvoiceId,
        amount: Decimal,
        collected_by: CollectedBy,
    },
    Refund {
        invoice: InvoiceId,
        amount: Decimal,
    },
    /// Partner activity such as a webinar or a training (`kind`).
    Activity {
        partner: PartnerId,
        kind: Symbol,
    },
    /// The partner gave notice.
    Notice {
        partner: PartnerId,
    },
    /// The vendor invited the partner to a tier.
    Invitation {
        partner: PartnerId,
        tier: Symbol,
    },
    /// From this date the partner has `count` staff with `qualification`.
    Staff {
        partner: PartnerId,
        qualification: Symbol,
        count: u32,
    },
    /// From this date one unit of `from` is worth `rate` units of `to`
    /// (a payout in the partner's currency is converted at it).
    ExchangeRate {
        from: Currency,
        to: Currency,
        rate: Decimal,
    },
}

impl EventKind {
    /// The event's `type`.
    pub fn event_type(&self) -> EventType {
        match self {
            EventKind::VendorContact { .. } => EventType::VendorContact,
            EventKind::DirectRequest { .. } => EventType::DirectRequest,
            EventKind::Signup { .. } => EventType::Signup,
            EventKind::Trial { .. } => EventType::Trial,
            EventKind::Lead { .. } => EventType::Lead,
            EventKind::Referral { .. } => EventType::Referral,
            EventKind::Registration { .. } => EventType::Registration,
            EventKind::Attachment { .. } => EventType::Attachment,
            EventKind::Order { .. } => EventType::Order,
            EventKind::Invoice { .. } => EventType::Invoice,
            EventKind::Payment { .. } => EventType::Payment,
            EventKind::Refund { .. } => EventType::Refund,
            EventKind::Activity { .. } => EventType::Activity,
            EventKind::Notice { .. } => EventType::Notice,
            EventKind::Invitation { .. } => EventType::Invitation,
            EventKind::Staff { .. } => EventType::Staff,
            EventKind::ExchangeRate { .. } => EventType::ExchangeRate,
        }
    }

    /// The partner the event is about, if any.
    pub fn partner(&self) -> Option<PartnerId> {
        match *self {
            EventKind::Referral { partner, .. }
            | EventKind::Registration { partner, .. }
            | EventKind::Attachment { partner, .. }
            | EventKind::Activity { partner, .. }
            | EventKind::Notice { partner }
            | EventKind::Invitation { partner, .. }
            | EventKind::Staff { partner, .. } => Some(partner),
            EventKind::Order { partner, .. } => partner,
            EventKind::VendorContact { .. }
            | EventKind::DirectRequest { .. }
            | EventKind::Signup { .. }
            | EventKind::Trial { .. }
            | EventKind::Lead { .. }
            | EventKind::Invoice { .. }
            | EventKind::Payment { .. }
            | EventKind::Refund { .. }
            | EventKind::ExchangeRate { .. } => None,
        }
    }
}

/// The value of an event's `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    VendorContact,
    DirectRequest,
    Signup,
    Trial,
    Lead,
    Referral,
    Registration,
    Attachment,
    Order,
    Invoice,
    Payment,
    Refund,
    Activity,
    Notice,
    Invitation,
    Staff,
    ExchangeRate,
}

impl EventType {
    pub const ALL: [EventType; 17] = [
        EventType::VendorContact,
        EventType::DirectRequest,
        EventType::Signup,
        EventType::Trial,
        EventType::Lead,
        EventType::Referral,
        EventType::Registration,
        EventType::Attachment,
        EventType::Order,
        EventType::Invoice,
        EventType::Payment,
        EventType::Refund,
        EventType::Activity,
        EventType::Notice,
        EventType::Invitation,
        EventType::Staff,
        EventType::ExchangeRate,
    ];

    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::VendorContact => "vendor_contact",
            EventType::DirectRequest => "direct_request",
            EventType::Signup => "signup",
            EventType::Trial => "trial",
            EventType::Lead => "lead",
            EventType::Referral => "referral",
            EventType::Registration => "registration",
            EventType::Attachment => "attachment",
            EventType::Order => "order",
            EventType::Invoice => "invoice",
            EventType::Payment => "payment",
            EventType::Refund => "refund",
            EventType::Activity => "activity",
            EventType::Notice => "notice",
            EventType::Invitation => "invitation",
            EventType::Staff => "staff",
            EventType::ExchangeRate => "exchange_rate",
        }
    }

    /// The type named `name` in scenario files.
    pub fn from_name(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `charter test` checks after simulating the scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expectations {
    /// Expected payout total per partner id (may be negative after clawbacks).
    pub totals: BTreeMap<String, Decimal>,
    /// Expected standing (tier) per partner id; `None` means no tier.
    pub standings: BTreeMap<String, Option<String>>,
    /// Finding codes that must appear, such as `S0101`.
    pub findings: Vec<String>,
    /// Individual payouts that must appear, when given.
    pub payouts: Option<Vec<ExpectedPayout>>,
}

/// One payout `charter test` must find.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedPayout {
    pub partner: String,
    pub invoice: Option<String>,
    pub rule: Option<String>,
    pub amount: Decimal,
    /// The latest date the payout may be paid, when the scenario checks it.
    pub due: Option<NaiveDate>,
    /// The tax paid on top of it, when the scenario checks it.
    pub tax: Option<Decimal>,
    /// Its amount in the partner's currency, when the scenario checks it.
    pub converted: Option<Decimal>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_stay_small() {
        // A million events are loaded at once: 64 bytes each, the event's
        // own id one pointer wide.
        assert!(std::mem::size_of::<Event>() <= 64);
        let named = EventName::from("first");
        assert_eq!(format!("{named} {named:?}"), "first \"first\"");
        assert_eq!(Some(named).as_deref(), Some("first"));
    }
}
