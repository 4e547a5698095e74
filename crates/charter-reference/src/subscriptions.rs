//! §4 **Subscriptions.**
//!
//! > An invoice may name the subscription (or deal) it bills
//! > (`"subscription": "S2"`); invoices that name none bill one unnamed
//! > subscription of the customer. A customer's subscriptions are ordered by
//! > their first invoice in the program's currency (in the order above); its
//! > **first subscription** is the one its first such invoice bills. `on first
//! > subscription` earns only on invoices of the first subscription. `within D
//! > from first_invoice per subscription` counts the window from the first
//! > invoice of the invoice's own subscription, so a cross-sell opens a
//! > window of its own; without `per subscription` it is the customer's.
//!
//! Read plainly: every question walks the customer's invoices again.

use charter_ir::{Anchor, CommissionRule};
use chrono::NaiveDate;

use crate::world::{Invoice, World};

/// The customer's invoices in the program's currency billing the same
/// subscription as `invoice`, among `events[..=now]`, in order.
fn same_subscription(world: &World, now: usize, invoice: &Invoice) -> Vec<Invoice> {
    world
        .invoices_of(now, invoice.customer)
        .into_iter()
        .filter(|i| i.in_currency && i.subscription == invoice.subscription)
        .collect()
}

/// Whether `invoice` passes `on first subscription` (always, for a rule
/// without it).
pub fn on_first_subscription(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    invoice: &Invoice,
) -> bool {
    if rule.base.first_subscription.is_none() {
        return true;
    }
    world
        .invoices_of(now, invoice.customer)
        .into_iter()
        .find(|i| i.in_currency)
        .is_some_and(|first| first.subscription == invoice.subscription)
}

/// The anchor of a window `per subscription`: the first invoice of the
/// invoice's subscription. `None` for the other anchors, which are the
/// customer's or the partner's (C1006 refuses them).
pub fn anchor_date(
    world: &World,
    now: usize,
    anchor: Anchor,
    invoice: &Invoice,
) -> Option<NaiveDate> {
    match anchor {
        Anchor::FirstInvoice => same_subscription(world, now, invoice)
            .first()
            .map(|i| i.date),
        Anchor::FirstPayment
        | Anchor::FirstOrder
        | Anchor::Referral
        | Anchor::Registration
        | Anchor::Attachment
        | Anchor::Attribution
        | Anchor::ContractStart => None,
    }
}
