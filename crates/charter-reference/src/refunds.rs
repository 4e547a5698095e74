//! §4 **Refunds.**
//!
//! > Refunds take back the same share of every commission on the invoice: a
//! > refund of R when P is paid on the invoice (all payments, whoever collected
//! > them, less earlier refunds) takes back R / P of each (commission, partner)
//! > exact running total on that invoice, as a negative payout on the refund
//! > date — whichever part of the invoice the commission was earned on.
//! > […] A refund larger than P counts as P (S0111). With `clawback on refund
//! > within D`, a refund later than D after the invoice's last payment takes
//! > nothing back from that commission, and the share it would have taken is
//! > kept for good (later refunds take their share of the rest). Refunds also
//! > lower the partner's sales.
//!
//! Read plainly: the running total of a (commission, partner) on the invoice
//! is the exact sum of everything it earned there so far, less its earlier
//! clawbacks. Without a `clawback` clause refunds still claw back. The
//! clawback is earned on the refund's date and falls due by the commission's
//! payout schedule from that date. (Refunds lowering sales: see `rates`.)
//!
//! A refund outside the window keeps, for good, the share it would have
//! taken of the rest (the running total less what earlier such refunds
//! kept); a later refund takes its share of the rest only, so a full refund
//! leaves exactly what was kept.

use charter_scenario::{EventKind, InvoiceId};

use crate::commissions::Earning;
use crate::exact::{from_decimal, zero, Fraction};
use crate::world::World;
use crate::{due_dates, Unsupported};

/// What the refund at `position` on `invoice` counts as: its amount, at most
/// what is paid on the invoice less earlier refunds (never below zero).
pub fn counted(world: &World, position: usize, invoice: InvoiceId) -> Fraction {
    let Some(EventKind::Refund { amount, .. }) = world.events.get(position).map(|e| &e.kind) else {
        return zero();
    };
    let paid = world
        .payments_on(position, invoice)
        .iter()
        .fold(zero(), |sum, p| sum + from_decimal(p.amount));
    let refunded_before = world
        .refunds_on(position, invoice)
        .iter()
        .filter(|r| r.position < position)
        .fold(zero(), |sum, r| sum + counted(world, r.position, invoice));
    let left = paid - refunded_before;
    let refund = from_decimal(*amount);
    if left <= zero() {
        zero()
    } else if refund > left {
        left
    } else {
        refund
    }
}

/// What refunds outside a clawback window kept for good of one (partner,
/// commission) on one invoice.
#[derive(Clone, Debug)]
pub struct Kept {
    pub partner: charter_scenario::PartnerId,
    pub rule: String,
    pub invoice: String,
    pub exact: Fraction,
    /// How many earnings were listed before it (its place among them).
    pub at: usize,
    /// The share of the rest it kept (refund / paid).
    pub share: Fraction,
}

/// What `kept` holds for the (partner, rule, invoice).
fn kept_of(
    kept: &[Kept],
    partner: charter_scenario::PartnerId,
    rule: &str,
    invoice: &str,
) -> Fraction {
    kept.iter()
        .filter(|k| k.partner == partner && k.rule == rule && k.invoice == invoice)
        .fold(zero(), |sum, k| sum + k.exact.clone())
}

/// The clawbacks of the refund at `now`, given everything earned before it
/// and what earlier refunds outside a window kept (to which it adds its own).
pub fn on_refund(
    world: &World,
    now: usize,
    earned: &[Earning],
    kept: &mut Vec<Kept>,
) -> Result<Vec<Earning>, Unsupported> {
    let Some(event) = world.events.get(now) else {
        return Ok(Vec::new());
    };
    let EventKind::Refund {
        invoice: id,
        amount: _,
    } = &event.kind
    else {
        return Ok(Vec::new());
    };
    let Some(invoice) = world.invoice(now, *id) else {
        return Ok(Vec::new());
    };
    let invoice_name = world.scenario.names.invoice(*id).to_string();
    let payments = world.payments_on(now, *id);
    let paid = payments
        .iter()
        .fold(zero(), |sum, p| sum + from_decimal(p.amount));
    // Earlier refunds and this one count as what they take back (at most what is paid).
    let refunded_before = world
        .refunds_on(now, *id)
        .iter()
        .filter(|r| r.position < now)
        .fold(zero(), |sum, r| sum + counted(world, r.position, *id));
    let paid = paid - refunded_before;
    let refund = counted(world, now, *id);
    if paid <= zero() || refund <= zero() {
        return Ok(Vec::new());
    }
    let last_payment = payments.last().map(|p| p.date);
    // Each (partner, rule) that earned on the invoice, in the order first earned.
    let mut groups: Vec<(charter_scenario::PartnerId, String)> = Vec::new();
    for e in earned {
        if e.invoice.as_deref() == Some(invoice_name.as_str())
            && !groups.iter().any(|(p, r)| *p == e.partner && *r == e.rule)
        {
            groups.push((e.partner, e.rule.clone()));
        }
    }
    let mut out = Vec::new();
    for (partner, rule_name) in groups {
        let Some(rule) = world
            .program
            .commissions
            .iter()
            .find(|r| r.name.name == rule_name)
        else {
            continue;
        };
        let outside = match (&rule.clawback, last_payment) {
            (Some(clawback), Some(last)) => clawback
                .within
                .is_some_and(|within| event.date > within.after(last, world.holidays())),
            (Some(_), None) | (None, _) => false,
        };
        let total = earned
            .iter()
            .filter(|e| {
                e.partner == partner
                    && e.rule == rule_name
                    && e.invoice.as_deref() == Some(invoice_name.as_str())
            })
            .fold(zero(), |sum, e| sum + e.exact.clone());
        // The rest: the running total less what earlier refunds kept.
        let rest = total - kept_of(kept, partner, &rule_name, &invoice_name);
        // Nothing left to take (all of it taken back or kept): no clawback,
        // not even one of 0.00 (§4 Money: a clawback of 0.00 is not listed).
        if rest == zero() {
            continue;
        }
        let share: Fraction = rest * refund.clone() / paid.clone();
        if outside {
            kept.push(Kept {
                partner,
                rule: rule_name,
                invoice: invoice_name.clone(),
                exact: share,
                at: earned.len(),
                share: refund.clone() / paid.clone(),
            });
            continue;
        }
        let back: Fraction = -share;
        // The path of the commission's latest earning on the invoice.
        let path = earned
            .iter()
            .rev()
            .find(|e| {
                e.partner == partner
                    && e.rule == rule_name
                    && e.invoice.as_deref() == Some(invoice_name.as_str())
            })
            .and_then(|e| e.path);
        out.push(Earning {
            partner,
            customer: Some(world.scenario.names.customer(invoice.customer).to_string()),
            invoice: Some(invoice_name.clone()),
            rule: rule_name,
            exact: back,
            rate: None,
            earned: event.date,
            due: due_dates::due(
                world,
                &rule.scope,
                rule.payout.as_ref(),
                event.date,
                Some(invoice.date),
            ),
            path,
        });
    }
    Ok(out)
}
