//! §4 **Tier standing**, recurring-revenue snapshots (LANGUAGE.md §7
//! "Composite tier metrics").
//!
//! > An invoice bills the months `[date, date + months)` (`months` 1 unless
//! > the scenario says); its MRR is its amount, less what is refunded of it
//! > by the day, divided by its months. A subscription's MRR on a day is that
//! > of its latest invoice (in the program's currency) whose months cover the
//! > day — none when its months ran out without a new invoice. `managed mrr`
//! > sums, on the day, the MRR of every subscription of each customer the
//! > partner holds under the claims rule. `sold mrr` sums the MRR of each
//! > subscription whose first invoice lies in the period and whose customer
//! > the partner held on that invoice, at that invoice (later refunds do not
//! > change what was sold).
//!
//! Read plainly: every question walks the events again; sums are fractions.

use charter_ir::{Mrr, MrrMeasure};
use charter_scenario::{CustomerId, EventKind};
use chrono::NaiveDate;
use num_bigint::BigInt;

use crate::exact::{self, Fraction};
use crate::facts::Facts;
use crate::standing::{compare, in_window, Window};
use crate::world::{Invoice, World};
use crate::{contest, refunds, Unsupported};

/// The first day an invoice's months no longer cover.
fn end_of(invoice: &Invoice) -> NaiveDate {
    invoice
        .date
        .checked_add_months(chrono::Months::new(u32::from(invoice.months)))
        .unwrap_or(NaiveDate::MAX)
}

/// The invoice's MRR at `now`: its amount less refunds so far, over its months.
fn monthly(world: &World, now: usize, invoice: &Invoice) -> Fraction {
    let refunded = world
        .refunds_on(now, invoice.id)
        .iter()
        .fold(exact::zero(), |sum, r| {
            sum + refunds::counted(world, r.position, invoice.id)
        });
    (exact::from_decimal(invoice.amount) - refunded)
        / Fraction::from_integer(BigInt::from(invoice.months))
}

/// The customers invoiced among `events[..=now]`, each once.
fn invoiced_customers(world: &World, now: usize) -> Vec<CustomerId> {
    let mut out: Vec<CustomerId> = Vec::new();
    for e in world.upto(now) {
        if let EventKind::Invoice { customer, .. } = &e.kind {
            if !out.contains(customer) {
                out.push(*customer);
            }
        }
    }
    out
}

/// `managed mrr` at `now`.
pub fn managed(world: &World, now: usize, facts: &Facts) -> Result<Fraction, Unsupported> {
    let day = world.date(now)?;
    let mut total = exact::zero();
    for customer in invoiced_customers(world, now) {
        if contest::owner(world, now, customer)?.is_none_or(|c| c.partner != facts.id) {
            continue;
        }
        let invoices: Vec<Invoice> = world
            .invoices_of(now, customer)
            .into_iter()
            .filter(|i| i.in_currency)
            .collect();
        let mut subscriptions: Vec<&Option<String>> = Vec::new();
        for i in &invoices {
            if !subscriptions.contains(&&i.subscription) {
                subscriptions.push(&i.subscription);
            }
        }
        for s in subscriptions {
            let latest = invoices
                .iter()
                .filter(|i| i.subscription == *s && i.date <= day && day < end_of(i))
                .max_by_key(|i| i.position);
            if let Some(i) = latest {
                total += monthly(world, now, i);
            }
        }
    }
    Ok(total)
}

/// `sold mrr` over `window` at `now`.
pub fn sold(
    world: &World,
    now: usize,
    facts: &Facts,
    window: Window,
) -> Result<Fraction, Unsupported> {
    let day = world.date(now)?;
    let mut total = exact::zero();
    for declared in world.invoices_in_currency(now) {
        let position = declared.position;
        let first = world
            .invoices_of(now, declared.customer)
            .into_iter()
            .find(|i| i.in_currency && i.subscription == declared.subscription);
        if first.is_none_or(|f| f.position != position)
            || !in_window(world, facts, window, declared.date, day)
        {
            continue;
        }
        if contest::owner(world, position, declared.customer)?
            .is_some_and(|c| c.partner == facts.id)
        {
            total += exact::from_decimal(declared.amount)
                / Fraction::from_integer(BigInt::from(declared.months));
        }
    }
    Ok(total)
}

/// Whether `m` is met at `now` over `window` (`managed`: on the day).
pub fn met(
    world: &World,
    now: usize,
    facts: &Facts,
    m: &Mrr,
    window: Window,
) -> Result<bool, Unsupported> {
    let value = match m.measure {
        MrrMeasure::Managed => managed(world, now, facts)?,
        MrrMeasure::Sold => sold(world, now, facts, window)?,
    };
    Ok(compare(
        value,
        m.comparator,
        exact::from_decimal(m.amount.amount),
    ))
}
