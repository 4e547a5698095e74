//! What every section reads: the program, the scenario, and the events in the
//! order of §4, and plain questions about the history up to a point.
//!
//! A point in the history is an index `now` into [`World::events`]: the events
//! `events[..=now]` have happened. Nothing is indexed or cached; every question
//! walks the events again.

use charter_ir::Program;
use charter_scenario::{CollectedBy, CustomerId, Event, EventKind, InvoiceId, Scenario};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::Unsupported;

pub struct World<'a> {
    pub program: &'a Program,
    pub scenario: &'a Scenario,
    /// The events up to "as of", in the order of §4.
    pub events: Vec<&'a Event>,
    pub as_of: NaiveDate,
    /// `--assume unmet`: requirements no data measures count as not met.
    pub assume_unmet: bool,
}

/// An invoice as its `invoice` event declared it.
#[derive(Clone, Debug)]
pub struct Invoice {
    pub id: InvoiceId,
    /// Position of the declaring event.
    pub position: usize,
    pub date: NaiveDate,
    pub customer: CustomerId,
    pub amount: Decimal,
    /// Whether the invoice is in the program's currency (else it earns nothing).
    pub in_currency: bool,
    pub product: Option<String>,
    pub renewal: bool,
    /// The subscription it bills, by name (`None`: the customer's unnamed one).
    pub subscription: Option<String>,
    /// The months it bills from its date (1 unless the file says).
    pub months: u16,
}

/// A payment or a refund on an invoice.
#[derive(Clone, Debug)]
pub struct Movement {
    pub position: usize,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub collected_by: Option<CollectedBy>,
}

impl<'a> World<'a> {
    /// The events that have happened at `now`: `events[..=now]`. The
    /// position `events.len()` stands for the "as of" date, after every event.
    pub fn upto(&self, now: usize) -> &[&'a Event] {
        self.events.get(..=now).unwrap_or(&self.events[..])
    }

    /// The date of the event at `now`; the "as of" date past the last event.
    pub fn date(&self, now: usize) -> Result<NaiveDate, Unsupported> {
        Ok(self.events.get(now).map_or(self.as_of, |e| e.date))
    }

    /// The invoice `id`, if an event among `events[..=now]` declared it (the first one).
    pub fn invoice(&self, now: usize, id: InvoiceId) -> Option<Invoice> {
        self.upto(now)
            .iter()
            .enumerate()
            .find_map(|(position, e)| match &e.kind {
                EventKind::Invoice {
                    invoice,
                    customer,
                    amount,
                    currency,
                    product,
                    renewal,
                    subscription,
                    months,
                } if *invoice == id => Some(Invoice {
                    id,
                    position,
                    date: e.date,
                    customer: *customer,
                    amount: *amount,
                    in_currency: currency
                        .as_ref()
                        .is_none_or(|c| c.as_str() == self.program.currency),
                    product: product.map(|p| self.scenario.names.symbol(p).to_string()),
                    renewal: *renewal,
                    subscription: subscription
                        .map(|s| self.scenario.names.symbol(s.symbol()).to_string()),
                    months: *months,
                }),
                _ => None,
            })
            .filter(|invoice| invoice.position <= now)
    }

    /// Every invoice in the program's currency declared among
    /// `events[..=now]`, once, at the event that first declared it, in order.
    pub fn invoices_in_currency(&self, now: usize) -> impl Iterator<Item = Invoice> + '_ {
        self.upto(now)
            .iter()
            .enumerate()
            .filter_map(move |(position, e)| {
                let EventKind::Invoice { invoice, .. } = &e.kind else {
                    return None;
                };
                self.invoice(now, *invoice)
                    .filter(|declared| declared.position == position && declared.in_currency)
            })
    }

    /// Every invoice of `customer` declared among `events[..=now]`, in order.
    pub fn invoices_of(&self, now: usize, customer: CustomerId) -> Vec<Invoice> {
        let mut out = Vec::new();
        for (position, e) in self.upto(now).iter().enumerate() {
            if let EventKind::Invoice {
                invoice,
                customer: c,
                ..
            } = &e.kind
            {
                if *c == customer && out.iter().all(|i: &Invoice| i.id != *invoice) {
                    if let Some(found) = self.invoice(now, *invoice) {
                        if found.position == position {
                            out.push(found);
                        }
                    }
                }
            }
        }
        out
    }

    /// Payments on `invoice` among `events[..=now]`, in order.
    pub fn payments_on(&self, now: usize, invoice: InvoiceId) -> Vec<Movement> {
        self.upto(now)
            .iter()
            .enumerate()
            .filter_map(|(position, e)| match &e.kind {
                EventKind::Payment {
                    invoice: i,
                    amount,
                    collected_by,
                } if *i == invoice => Some(Movement {
                    position,
                    date: e.date,
                    amount: *amount,
                    collected_by: Some(*collected_by),
                }),
                _ => None,
            })
            .collect()
    }

    /// Refunds on `invoice` among `events[..=now]`, in order.
    pub fn refunds_on(&self, now: usize, invoice: InvoiceId) -> Vec<Movement> {
        self.upto(now)
            .iter()
            .enumerate()
            .filter_map(|(position, e)| match &e.kind {
                EventKind::Refund { invoice: i, amount } if *i == invoice => Some(Movement {
                    position,
                    date: e.date,
                    amount: *amount,
                    collected_by: None,
                }),
                _ => None,
            })
            .collect()
    }

    /// The program's holidays, for business-day arithmetic.
    pub fn holidays(&self) -> &[NaiveDate] {
        &self.program.holidays
    }
}
