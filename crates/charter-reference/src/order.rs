//! §4 **Order.**
//!
//! > Events are taken by date. Within a day, what a payment depends on comes
//! > first: vendor contacts and exchange rates, then claims (referrals, registrations, attachments)
//! > and partner facts, then orders (trials and leads with them), invoices,
//! > payments, refunds and notices;
//! > otherwise the file's order. Events after the "as of" date are ignored.
//!
//! The reference reads the list as ranks, one per group: vendor contacts and
//! exchange rates (0);
//! claims, a customer's direct request and partner facts — activities,
//! invitations, staff (1); orders, trials and leads (2);
//! invoices (3); payments (4); refunds (5); notices (6). Equal ranks keep the
//! file's order. When no "as of" date is given, it is the last event's date.

use charter_scenario::{Event, EventKind, Scenario};
use chrono::NaiveDate;

/// The rank of an event within its day.
pub fn rank(kind: &EventKind) -> u8 {
    match kind {
        EventKind::VendorContact { .. } | EventKind::ExchangeRate { .. } => 0,
        EventKind::Signup { .. }
        | EventKind::DirectRequest { .. }
        | EventKind::Referral { .. }
        | EventKind::Registration { .. }
        | EventKind::Attachment { .. }
        | EventKind::Activity { .. }
        | EventKind::Invitation { .. }
        | EventKind::Staff { .. } => 1,
        EventKind::Order { .. } | EventKind::Trial { .. } | EventKind::Lead { .. } => 2,
        EventKind::Invoice { .. } => 3,
        EventKind::Payment { .. } => 4,
        EventKind::Refund { .. } => 5,
        EventKind::Notice { .. } => 6,
    }
}

/// The "as of" date: the one given, else the scenario's, else its last event's
/// date, else 0001-01-01 (§4 The date: "the first date Charter knows, where
/// nothing has happened yet").
pub fn as_of(scenario: &Scenario, given: Option<NaiveDate>) -> NaiveDate {
    given
        .or(scenario.as_of)
        .or_else(|| scenario.events.iter().map(|e| e.date).max())
        .or_else(|| NaiveDate::from_ymd_opt(1, 1, 1))
        .unwrap_or(NaiveDate::MIN)
}

/// The events up to `as_of`, in the order they are taken.
pub fn ordered(scenario: &Scenario, as_of: NaiveDate) -> Vec<&Event> {
    let mut events: Vec<&Event> = scenario.events.iter().filter(|e| e.date <= as_of).collect();
    // A stable sort: equal keys keep the file's order.
    events.sort_by_key(|e| (e.date, rank(&e.kind)));
    events
}
