//! §4 **Fixed amounts per new customer.**
//!
//! > A commission `AMOUNT per new customer` pays AMOUNT (× split share) once
//! > per customer, on the customer's **first payment**: a payment made on the
//! > day of the customer's first payment (on any invoice in the program's
//! > currency), to the partner that owns the customer then. The payment's
//! > invoice must pass the commission's filters (`on new invoices`,
//! > `collected_by`, `for products`) and every test a percentage passes
//! > (`in force`, scope, `eligible`, requirements, window, contract end); the
//! > first such payment of that day earns it, the others earn nothing from
//! > that commission. A customer whose first payment came before the partner
//! > owned it is not a new customer. The amount joins the running total of
//! > (invoice, commission, partner) like any earning, so a refund on that
//! > invoice takes back refunded / paid of it, within the clawback window.
//!
//! Read plainly: "once per customer" is per (partner, commission, customer);
//! it is answered again from the history by asking the same question of the
//! customer's earlier payments of that day.

use charter_ir::{BaseKind, CommissionRule};
use charter_scenario::{EventKind, PartnerId};
use chrono::NaiveDate;

use crate::commissions::{earns, filters_match};
use crate::facts;
use crate::world::{Invoice, World};
use crate::{contest, Unsupported};

/// The date of the customer's first payment among `events[..=now]` on an
/// invoice in the program's currency.
fn first_payment(world: &World, now: usize, invoice: &Invoice) -> Option<NaiveDate> {
    let invoices = world.invoices_of(now, invoice.customer);
    world
        .upto(now)
        .iter()
        .find(|e| {
            matches!(&e.kind, EventKind::Payment { invoice: i, .. }
                if invoices.iter().any(|x| x.id == *i && x.in_currency))
        })
        .map(|e| e.date)
}

/// The partner `rule` (a commission per new customer) pays for the payment
/// at `now`, with the invoice it is on; `None` when it pays nobody.
pub fn paid_at(
    world: &World,
    now: usize,
    rule: &CommissionRule,
) -> Result<Option<(PartnerId, Invoice)>, Unsupported> {
    if rule.base.kind != BaseKind::NewCustomer {
        return Ok(None);
    }
    let Some(event) = world.events.get(now) else {
        return Ok(None);
    };
    let EventKind::Payment {
        invoice: id,
        collected_by,
        ..
    } = &event.kind
    else {
        return Ok(None);
    };
    let Some(invoice) = world.invoice(now, *id) else {
        return Ok(None);
    };
    if !invoice.in_currency
        || first_payment(world, now, &invoice) != Some(event.date)
        || !filters_match(rule, &invoice, Some(*collected_by))
    {
        return Ok(None);
    }
    let Some(owner) = contest::owner(world, now, invoice.customer)? else {
        return Ok(None);
    };
    let facts = facts::facts(world, owner.partner);
    if !earns(world, now, rule, &invoice, &owner, &facts, event.date)? {
        return Ok(None);
    }
    // Once per customer: an earlier payment of the day that paid it wins.
    for earlier in 0..now {
        let Some(e) = world.events.get(earlier) else {
            continue;
        };
        if e.date != event.date {
            continue;
        }
        if let Some((partner, inv)) = paid_at(world, earlier, rule)? {
            if partner == owner.partner && inv.customer == invoice.customer {
                return Ok(None);
            }
        }
    }
    Ok(Some((owner.partner, invoice)))
}
