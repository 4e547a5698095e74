//! §4 **Tier standing.**
//!
//! > Tier standing on a day is the tier granted in the roster or scenario, if
//! > any; else the highest tier whose requirements, and all lower tiers', are
//! > met — stopping below an `invite only` tier without an invitation — and at
//! > least any tier the partner was invited to. `require agreement` counts as
//! > met when the partner has a signed contract. Counted events are counted in
//! > the period (`per year`: the calendar year of the day; `in last 12 months`:
//! > the rolling year; `per contract year`: the contract year holding the day,
//! > from the partner's `joined` date or its latest anniversary — the calendar
//! > year when it has none — and a requirement per contract year is also met
//! > when the whole contract year before met it); `revenue` is the value
//! > invoiced to the partner's customers.
//!
//! Also here: whether one requirement is met (§3 `require`), used by tiers
//! and by commissions. "On a day" is read as "at this point of the history":
//! the events up to `now`. A trailing period `in last D` is `(day − D, day]`.
//! `count orders within D after referral` counts the distinct customers the
//! partner referred that ordered after the referral, on or before its date +
//! D. The value invoiced to the partner's customers counts each invoice (in the
//! program's currency) whose customer was the partner's when it was issued.

use charter_ir::{
    Comparator, CountPeriod, EventKind as RuleEvent, Requirement, RequirementKind, RevenueThreshold,
};
use charter_scenario::EventKind;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::facts::{self, Facts};
use crate::world::World;
use crate::{assumptions, attribution, composite, contest, mrr, Unsupported};

pub fn compare<T: PartialOrd>(value: T, comparator: Comparator, threshold: T) -> bool {
    match comparator {
        Comparator::Ge => value >= threshold,
        Comparator::Gt => value > threshold,
        Comparator::Le => value <= threshold,
        Comparator::Lt => value < threshold,
        Comparator::Eq => value == threshold,
    }
}

/// Which stretch of a period a requirement reads on a day: the period that
/// holds the day, or (only `per contract year`) the whole contract year before.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stretch {
    Current,
    Previous,
}

/// Whether `date` lies in `period` (the `stretch` of it) as seen on `day`.
pub fn in_period(
    world: &World,
    facts: &Facts,
    period: Option<CountPeriod>,
    stretch: Stretch,
    date: NaiveDate,
    day: NaiveDate,
) -> bool {
    if date > day {
        return false;
    }
    if let Some(CountPeriod::PerContractYear) = period {
        let (this, before) = charter_ir::units::contract_year(facts.joined, day);
        return match stretch {
            Stretch::Current => date >= this,
            Stretch::Previous => date >= before && date < this,
        };
    }
    if stretch == Stretch::Previous {
        return false;
    }
    match period {
        None => true,
        Some(CountPeriod::PerContractYear) => true,
        Some(CountPeriod::PerYear) => date.year() == day.year(),
        Some(CountPeriod::PerQuarter) => {
            date.year() == day.year() && date.month0() / 3 == day.month0() / 3
        }
        Some(CountPeriod::PerMonth) => date.year() == day.year() && date.month() == day.month(),
        Some(CountPeriod::Trailing(d)) => date > d.before(day, world.holidays()),
    }
}

/// Which days a measure reads: a requirement's period (the `stretch` of
/// it), or (an alternative of `any of`) the days `from..=to`.
#[derive(Clone, Copy)]
pub enum Window {
    Period(Option<CountPeriod>, Stretch),
    Days(NaiveDate, NaiveDate),
}

/// Whether `date` lies in `window` as seen on `day`.
pub fn in_window(
    world: &World,
    facts: &Facts,
    window: Window,
    date: NaiveDate,
    day: NaiveDate,
) -> bool {
    match window {
        Window::Period(period, stretch) => in_period(world, facts, period, stretch, date, day),
        Window::Days(from, to) => date >= from && date <= to && date <= day,
    }
}

/// Whether the requirement applies to the partner (`for MEMBER, …`).
fn applies(world: &World, now: usize, facts: &Facts, requirement: &Requirement) -> bool {
    if requirement.scope.is_empty() {
        return true;
    }
    let track = attribution::track(world, now, facts);
    requirement
        .scope
        .iter()
        .any(|m| track.as_deref() == Some(m.name.as_str()) || facts.modules.contains(&m.name))
}

/// The number of counted events for `require count …` at `now`.
pub fn count(
    world: &World,
    now: usize,
    facts: &Facts,
    event: RuleEvent,
    activity: Option<&str>,
    within_after: Option<(charter_ir::Duration, RuleEvent)>,
    window: Window,
) -> Result<u32, Unsupported> {
    let day = world.date(now)?;
    let history = world.upto(now);
    if let Some((within, after)) = within_after {
        if event != RuleEvent::Order || after != RuleEvent::Referral {
            return Err(Unsupported::Feature(
                "`count … within … after` other than orders after referrals",
            ));
        }
        let mut customers = Vec::new();
        for (r, referral) in history.iter().enumerate() {
            let EventKind::Referral { partner, customer } = referral.kind else {
                continue;
            };
            if partner != facts.id || customers.contains(&customer) {
                continue;
            }
            let ordered = history.iter().enumerate().any(|(o, order)| {
                matches!(order.kind, EventKind::Order { customer: c, .. } if c == customer)
                    && o > r
                    && order.date <= within.after(referral.date, world.holidays())
                    && in_window(world, facts, window, order.date, day)
            });
            if ordered {
                customers.push(customer);
            }
        }
        return Ok(customers.len() as u32);
    }
    // A customer-side event counts for the partner that owned the customer
    // when it happened (LANGUAGE.md §3 `require`, What `count` counts).
    let owned = |position: usize, customer: charter_scenario::CustomerId| {
        contest::owner(world, position, customer).map(|c| c.is_some_and(|c| c.partner == facts.id))
    };
    // The customer of an invoice in the program's currency declared by then.
    let billed = |position: usize, invoice: charter_scenario::InvoiceId| {
        world
            .invoice(position, invoice)
            .filter(|i| i.in_currency)
            .map(|i| i.customer)
    };
    let mut n = 0;
    for (position, e) in history.iter().enumerate() {
        let counted = match (&e.kind, event) {
            (EventKind::Activity { partner, kind }, RuleEvent::Activity) => {
                *partner == facts.id
                    && activity.is_none_or(|a| world.scenario.names.symbol(*kind) == a)
            }
            (EventKind::Referral { partner, .. }, RuleEvent::Referral)
            | (EventKind::Registration { partner, .. }, RuleEvent::Registration)
            | (EventKind::Attachment { partner, .. }, RuleEvent::Attachment)
            | (EventKind::Notice { partner }, RuleEvent::Notice)
            | (EventKind::Invitation { partner, .. }, RuleEvent::Invitation) => {
                *partner == facts.id
            }
            // The partner's own sale, or an order of a customer it owns.
            (
                EventKind::Order {
                    partner, customer, ..
                },
                RuleEvent::Order,
            ) => match partner {
                Some(p) => *p == facts.id,
                None => owned(position, *customer)?,
            },
            (EventKind::VendorContact { customer }, RuleEvent::VendorContact) => {
                owned(position, *customer)?
            }
            (
                EventKind::Invoice {
                    invoice, customer, ..
                },
                RuleEvent::Invoice,
            ) => {
                world
                    .invoice(position, *invoice)
                    .is_some_and(|i| i.position == position && i.in_currency)
                    && owned(position, *customer)?
            }
            (EventKind::Payment { invoice, .. }, RuleEvent::Payment)
            | (EventKind::Refund { invoice, .. }, RuleEvent::Refund) => {
                match billed(position, *invoice) {
                    Some(customer) => owned(position, customer)?,
                    None => false,
                }
            }
            _ => false,
        };
        if counted && in_window(world, facts, window, e.date, day) {
            n += 1;
        }
    }
    Ok(n)
}

/// The value invoiced to the partner's customers in `window`, at `now`
/// (`from new customers`: to customers first invoiced in the window).
pub fn revenue(
    world: &World,
    now: usize,
    facts: &Facts,
    new_customers: bool,
    window: Window,
) -> Result<Decimal, Unsupported> {
    let day = world.date(now)?;
    let mut total = Decimal::ZERO;
    for declared in world.invoices_in_currency(now) {
        if !in_window(world, facts, window, declared.date, day) {
            continue;
        }
        if new_customers
            && !composite::first_invoice(world, now, declared.customer)
                .is_some_and(|first| in_window(world, facts, window, first, day))
        {
            continue;
        }
        if contest::owner(world, declared.position, declared.customer)?
            .is_some_and(|c| c.partner == facts.id)
        {
            total += declared.amount;
        }
    }
    Ok(total)
}

/// Whether the partner meets `requirement` at `now` (assumptions included).
pub fn met(
    world: &World,
    now: usize,
    facts: &Facts,
    requirement: &Requirement,
) -> Result<bool, Unsupported> {
    if !applies(world, now, facts, requirement) {
        return Ok(true);
    }
    // §3 `in force`: a dated requirement applies only on its dates; on any
    // other day it asks nothing.
    let today = world.date(now)?;
    if requirement
        .in_force
        .is_some_and(|(from, to)| today < from || to.is_some_and(|to| today > to))
    {
        return Ok(true);
    }
    let has_staff = match &requirement.kind {
        RequirementKind::Staff { qualification, .. } => {
            facts::staff(world, now, facts, &qualification.name).is_some()
        }
        _ => true,
    };
    if assumptions::assumed_met(
        &requirement.kind,
        has_staff,
        facts.revenue_target.is_some(),
        facts.joined.is_some(),
    ) {
        return Ok(!world.assume_unmet);
    }
    Ok(match &requirement.kind {
        RequirementKind::Contract | RequirementKind::Agreement { .. } => facts.contract,
        RequirementKind::Staff {
            qualification,
            comparator,
            count,
        } => {
            let have = facts::staff(world, now, facts, &qualification.name).unwrap_or(0);
            compare(have, *comparator, *count)
        }
        RequirementKind::Count {
            event,
            activity,
            within_after,
            period,
            comparator,
            count: n,
        } => {
            let have = |stretch| {
                count(
                    world,
                    now,
                    facts,
                    *event,
                    activity.as_ref().map(|a| a.name.as_str()),
                    *within_after,
                    Window::Period(*period, stretch),
                )
            };
            compare(have(Stretch::Current)?, *comparator, *n)
                || (*period == Some(CountPeriod::PerContractYear)
                    && compare(have(Stretch::Previous)?, *comparator, *n))
        }
        RequirementKind::Revenue {
            new_customers,
            period,
            threshold,
        } => {
            let (comparator, target) = match threshold {
                RevenueThreshold::SetIndividually => match facts.revenue_target {
                    Some(target) => (Comparator::Ge, target),
                    None => return Ok(true),
                },
                RevenueThreshold::Amount { comparator, amount } => (*comparator, amount.amount),
            };
            compare(
                revenue(
                    world,
                    now,
                    facts,
                    *new_customers,
                    Window::Period(*period, Stretch::Current),
                )?,
                comparator,
                target,
            ) || (*period == Some(CountPeriod::PerContractYear)
                && compare(
                    revenue(
                        world,
                        now,
                        facts,
                        *new_customers,
                        Window::Period(*period, Stretch::Previous),
                    )?,
                    comparator,
                    target,
                ))
        }
        RequirementKind::Points(p) => {
            let met = |stretch| {
                composite::points_met(world, now, facts, p, Window::Period(p.period, stretch))
            };
            met(Stretch::Current)?
                || (p.period == Some(CountPeriod::PerContractYear) && met(Stretch::Previous)?)
        }
        RequirementKind::Mrr(m) => {
            let met = |stretch| mrr::met(world, now, facts, m, Window::Period(m.period, stretch));
            met(Stretch::Current)?
                || (m.period == Some(CountPeriod::PerContractYear) && met(Stretch::Previous)?)
        }
        RequirementKind::AnyOf(a) => match facts.joined {
            Some(joined) => composite::any_of_met(world, now, facts, a, joined)?,
            // Assumed met above (no `joined` date: no period starts).
            None => true,
        },
        RequirementKind::Text { .. } => true,
    })
}

/// Whether every requirement in `requirements` is met.
pub fn all_met(
    world: &World,
    now: usize,
    facts: &Facts,
    requirements: &[Requirement],
) -> Result<bool, Unsupported> {
    for r in requirements {
        if !met(world, now, facts, r)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The partner's tier at `now`.
pub fn tier(world: &World, now: usize, facts: &Facts) -> Result<Option<String>, Unsupported> {
    let tiers = &world.program.tiers;
    if let Some(granted) = &facts.granted_tier {
        if tiers.iter().any(|t| t.name.name == *granted) {
            return Ok(Some(granted.clone()));
        }
    }
    let invited = facts::invitations(world, now, facts);
    let mut reached: Option<usize> = None;
    for (rank, tier) in tiers.iter().enumerate() {
        if tier.invite_only.is_some() && !invited.contains(&tier.name.name) {
            break;
        }
        if !all_met(world, now, facts, &tier.requirements)? {
            break;
        }
        reached = Some(rank);
    }
    let highest_invitation = tiers
        .iter()
        .enumerate()
        .filter(|(_, t)| invited.contains(&t.name.name))
        .map(|(rank, _)| rank)
        .max();
    let rank = match (reached, highest_invitation) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    Ok(rank.and_then(|r| tiers.get(r)).map(|t| t.name.name.clone()))
}
