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

/// The clawbacks of the refund at `now`, given everything earned before it.
pub fn on_refund(
    world: &World,
    now: usize,
    earned: &[Earning],
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
        if let (Some(clawback), Some(last)) = (&rule.clawback, last_payment) {
            if let Some(within) = clawback.within {
                if event.date > within.after(last, world.holidays()) {
                    continue;
                }
            }
        }
        let commission = earned
            .iter()
            .filter(|e| {
                e.partner == partner
                    && e.rule == rule_name
                    && e.invoice.as_deref() == Some(invoice_name.as_str())
            })
            .fold(zero(), |sum, e| sum + e.exact.clone());
        let back: Fraction = -(commission * refund.clone() / paid.clone());
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
