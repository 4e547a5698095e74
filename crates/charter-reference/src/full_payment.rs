//! §4 **Full payment.**
//!
//! > Under `after full payment` the commission waits for the invoice to be
//! > paid in full, then is computed on what was received.
//!
//! The invoice is paid in full at the payment that brings the sum of its
//! payments to its amount or more; that payment earns on every payment
//! received on the invoice so far (those the commission's filters accept).
//! Payments before it earn nothing yet; a payment after it (an overpayment)
//! earns on its own amount.

use charter_ir::{Collector, CommissionRule, PayoutTiming};
use charter_scenario::CollectedBy;
use charter_scenario::EventKind;

use crate::exact::{from_decimal, zero, Fraction};
use crate::world::{Invoice, World};
use crate::{due_dates, Unsupported};

/// Whether the commission's payout waits for full payment.
pub fn waits(world: &World, rule: &CommissionRule) -> bool {
    due_dates::schedule(world, &rule.scope, rule.payout.as_ref())
        .is_some_and(|s| matches!(s.timing, PayoutTiming::Within { full: true, .. }))
}

/// The base the payment at `now` earns on under `rule`, or `None` while the
/// commission waits for full payment.
pub fn base(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    invoice: &Invoice,
) -> Result<Option<Fraction>, Unsupported> {
    let Some(EventKind::Payment { amount, .. }) = world.events.get(now).map(|e| &e.kind) else {
        return Err(Unsupported::Internal(
            "a base asked for an event that is not a payment",
        ));
    };
    let this = from_decimal(*amount);
    if !waits(world, rule) {
        return Ok(Some(this));
    }
    let payments = world.payments_on(now, invoice.id);
    let total = |upto_exclusive: usize| -> Fraction {
        payments
            .iter()
            .filter(|p| p.position < upto_exclusive)
            .fold(zero(), |sum, p| sum + from_decimal(p.amount))
    };
    let amount = from_decimal(invoice.amount);
    let before = total(now);
    let after = total(now + 1);
    if after < amount {
        return Ok(None);
    }
    if before >= amount {
        return Ok(Some(this));
    }
    // The completing payment: everything received that the filters accept.
    let received = payments
        .iter()
        .filter(|p| {
            matches!(
                (rule.base.collected_by, p.collected_by),
                (None, _)
                    | (Some(Collector::Vendor), Some(CollectedBy::Vendor))
                    | (Some(Collector::Partner), Some(CollectedBy::Partner))
            )
        })
        .fold(zero(), |sum, p| sum + from_decimal(p.amount));
    Ok(Some(received))
}
