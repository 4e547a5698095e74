//! §4 **Full payment.**
//!
//! > Under `after full payment` the commission waits for the invoice to be
//! > paid in full: at the first payment after which the payments on it, less
//! > the refunds on it, reach its amount, whoever collected them. That payment
//! > earns on what was received: the payments the commission's filters accept,
//! > each refund before it having taken R / P of them (P: paid less refunded
//! > before the refund, every collector; a refund larger than P counts as P).
//! > A payment after that earns on its own amount.
//!
//! Walked from the invoice's payments and refunds in replay order, without
//! any state kept between events.

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

/// Whether the rule's `where collected_by` accepts a payment collected by `by`.
pub fn accepts(rule: &CommissionRule, by: Option<CollectedBy>) -> bool {
    matches!(
        (rule.base.collected_by, by),
        (None, _)
            | (Some(Collector::Vendor), Some(CollectedBy::Vendor))
            | (Some(Collector::Partner), Some(CollectedBy::Partner))
    )
}

/// The base the payment at `now` earns on under `rule`, or `None` when it
/// earns nothing: while the commission waits for full payment, and for a
/// payment the collector filter refuses. The invoice's other filters are
/// the caller's.
pub fn base(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    invoice: &Invoice,
) -> Result<Option<Fraction>, Unsupported> {
    let Some(EventKind::Payment {
        amount,
        collected_by,
        ..
    }) = world.events.get(now).map(|e| &e.kind)
    else {
        return Err(Unsupported::Internal(
            "a base asked for an event that is not a payment",
        ));
    };
    let this = from_decimal(*amount);
    let this_accepted = accepts(rule, Some(*collected_by));
    if !waits(world, rule) {
        return Ok(this_accepted.then_some(this));
    }
    // The invoice's payments and refunds since it was issued, in order,
    // this payment last (refunds as negative amounts).
    let mut moves: Vec<(usize, Fraction, bool)> = world
        .payments_on(now, invoice.id)
        .into_iter()
        .map(|p| {
            (
                p.position,
                from_decimal(p.amount),
                accepts(rule, p.collected_by),
            )
        })
        .chain(
            world
                .refunds_on(now, invoice.id)
                .into_iter()
                .map(|r| (r.position, -from_decimal(r.amount), false)),
        )
        .filter(|(position, _, _)| *position > invoice.position && *position <= now)
        .collect();
    moves.sort_by_key(|(position, _, _)| *position);
    let amount = from_decimal(invoice.amount);
    let (mut paid, mut accepted) = (zero(), zero());
    for (position, value, accepted_here) in moves {
        if value < zero() {
            // A refund takes R / P of what was received, R at most P.
            let refunded = (-value).min(paid.clone());
            if paid > zero() {
                accepted = accepted.clone() * (paid.clone() - refunded.clone()) / paid.clone();
            }
            paid -= refunded;
            continue;
        }
        paid += value.clone();
        if accepted_here {
            accepted += value;
        }
        if paid >= amount {
            if position < now {
                // Paid in full before: this payment earns on its own amount.
                return Ok(this_accepted.then_some(this));
            }
            // This payment pays the invoice in full.
            return Ok((accepted > zero()).then_some(accepted));
        }
    }
    Ok(None)
}
