//! §4 **Bonuses.**
//!
//! > Bonuses are tested after each payment of the partner's customers. A bonus
//! > is paid, like a commission, only when the partner is in its tier, track,
//! > module or benefit and meets the program's requirements and its track's or
//! > module's. Its metric counts the payment just made.
//!
//! (The second sentence is the reference's decision, written into LANGUAGE.md
//! by issue 16.) And §3 (`bonus`): "A fixed amount paid when a condition (as
//! for `uplift`) holds: `once` (the default) pays it once ever, `once per
//! year` once per calendar year." Read plainly: after a payment whose customer
//! is the partner's at that moment, each such bonus whose condition holds is
//! paid unless it was already paid (ever, or in the payment's calendar year).
//! It is earned on the payment's date and falls due by the payout of the
//! bonus's scope. §3 (`in force`): "a dated version of a bonus is earned
//! only on payments dated while it is in force".

use charter_ir::BonusFrequency;
use charter_scenario::EventKind;
use chrono::Datelike;

use crate::commissions::{in_scope, requirements_met, Earning};
use crate::exact::from_decimal;
use crate::facts;
use crate::world::World;
use crate::{contest, due_dates, rates, Unsupported};

/// The bonuses earned after the payment at `now`, given everything earned before.
pub fn after_payment(
    world: &World,
    now: usize,
    earned: &[Earning],
) -> Result<Vec<Earning>, Unsupported> {
    let Some(event) = world.events.get(now) else {
        return Ok(Vec::new());
    };
    let EventKind::Payment { invoice, .. } = &event.kind else {
        return Ok(Vec::new());
    };
    let Some(invoice) = world.invoice(now, *invoice) else {
        return Ok(Vec::new());
    };
    let Some(owner) = contest::owner(world, now, invoice.customer)? else {
        return Ok(Vec::new());
    };
    let facts = facts::facts(world, owner.partner);
    let mut out = Vec::new();
    for bonus in &world.program.bonuses {
        let name = &bonus.name.name;
        let paid_before = earned.iter().any(|e| {
            e.partner == owner.partner
                && e.rule == *name
                && e.invoice.is_none()
                && match bonus.frequency {
                    BonusFrequency::Once => true,
                    BonusFrequency::OncePerYear => e.earned.year() == event.date.year(),
                }
        });
        let in_force = bonus
            .in_force
            .is_none_or(|(from, to)| event.date >= from && to.is_none_or(|to| event.date <= to))
            && world
                .program
                .in_force
                .is_none_or(|p| event.date >= p.from && p.to.is_none_or(|to| event.date <= to));
        if paid_before
            || !in_force
            || !in_scope(world, now, &bonus.scope, &facts)?
            || !requirements_met(world, now, &bonus.scope, &facts)?
            || !rates::holds(world, rates::Seen::With(now), &facts, &bonus.condition)?
        {
            continue;
        }
        out.push(Earning {
            partner: owner.partner,
            customer: None,
            invoice: None,
            rule: name.clone(),
            exact: from_decimal(bonus.amount.amount),
            rate: None,
            earned: event.date,
            due: due_dates::due(world, &bonus.scope, None, event.date, None),
            path: None,
        });
    }
    Ok(out)
}
