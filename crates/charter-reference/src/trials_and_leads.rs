//! §4 **Fixed amounts per trial or lead.**
//!
//! > A commission `AMOUNT per trial` pays AMOUNT (× split share) once per
//! > (partner, commission, customer), on the customer's **first `trial`
//! > event**, to the partner that owns the customer that day (under the
//! > `claims` rule, after the day's claims); `AMOUNT per qualified lead` the
//! > same on its first `lead` event. A later trial or lead of the customer
//! > pays nothing, even if nobody owned the customer at the first. The rule
//! > must pass the tests a percentage passes — `by METHOD`, `in force`,
//! > scope, `eligible`, requirements, the window (the event's date in place
//! > of an invoice's issue date; an anchor not reached yet admits nothing)
//! > — and a trial or lead after the contract's end earns nothing. There is
//! > no invoice: the amount is rounded once, like a bonus, and no refund
//! > takes it back.
//!
//! Read plainly: "first" is answered again from the history — no earlier
//! event of the same type names the customer.

use charter_ir::{BaseKind, RateSpec};
use charter_scenario::{CustomerId, EventKind};

use crate::commissions::{admitted, day_in_window, in_scope, requirements_met, Earning};
use crate::exact::from_decimal;
use crate::world::World;
use crate::{contest, contract_end, due_dates, facts, Unsupported};

/// The customer and base of a trial or lead event.
fn event_of(kind: &EventKind) -> Option<(CustomerId, BaseKind)> {
    match *kind {
        EventKind::Trial { customer } => Some((customer, BaseKind::Trial)),
        EventKind::Lead { customer } => Some((customer, BaseKind::QualifiedLead)),
        _ => None,
    }
}

/// What the trial or lead at `now` earns, commission by commission.
pub fn on_event(world: &World, now: usize) -> Result<Vec<Earning>, Unsupported> {
    let Some(event) = world.events.get(now) else {
        return Ok(Vec::new());
    };
    let Some((customer, base)) = event_of(&event.kind) else {
        return Ok(Vec::new());
    };
    // Only the customer's first event of this type pays.
    let earlier = world.events[..now]
        .iter()
        .any(|e| event_of(&e.kind) == Some((customer, base)));
    if earlier {
        return Ok(Vec::new());
    }
    let Some(owner) = contest::owner(world, now, customer)? else {
        return Ok(Vec::new());
    };
    let facts = facts::facts(world, owner.partner);
    let day = event.date;
    let mut out = Vec::new();
    for rule in &world.program.commissions {
        let RateSpec::Fixed { amount } = &rule.rate else {
            continue;
        };
        if rule.base.kind != base {
            continue;
        }
        let in_force = rule
            .in_force
            .is_none_or(|(from, to)| day >= from && to.is_none_or(|to| day <= to))
            && world
                .program
                .in_force
                .is_none_or(|p| day >= p.from && p.to.is_none_or(|to| day <= to));
        let earns = in_force
            && rule.base.path.is_none_or(|(path, _)| owner.method == path)
            && in_scope(world, now, &rule.scope, &facts)?
            && admitted(world, now, rule, &facts)?
            && requirements_met(world, now, &rule.scope, &facts)?
            && day_in_window(world, now, rule, customer, day, None, &owner, &facts)?
            && contract_end::runs_on(world, now, &facts, day);
        if !earns {
            continue;
        }
        out.push(Earning {
            partner: owner.partner,
            customer: Some(world.scenario.names.customer(customer).to_string()),
            invoice: None,
            rule: rule.name.name.clone(),
            exact: from_decimal(amount.amount),
            rate: None,
            earned: day,
            due: due_dates::due(world, &rule.scope, rule.payout.as_ref(), day, None),
            path: Some(owner.method),
        });
    }
    Ok(out)
}
