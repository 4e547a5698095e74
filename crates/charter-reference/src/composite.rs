//! §4 **Tier standing**, composite tier metrics (LANGUAGE.md §7 "Composite
//! tier metrics").
//!
//! > `revenue from new customers` counts only invoices of customers whose
//! > first invoice (in the program's currency) lies in the same period.
//! > `points` is the sum, over its sources, of weight × what the source
//! > measures in the period: `new customer` the customers first invoiced
//! > while the partner owned them, `AMOUNT of revenue` the revenue
//! > (invoiced value) divided by AMOUNT, an event word what `count` counts;
//! > exactly, before it is compared. `any of { A or B } each D from joined`
//! > cuts the partner's time into consecutive periods `[joined + k·D,
//! > joined + (k+1)·D)`; a period is met when some alternative is met over
//! > its days. The first period asks nothing. Once a whole period passed
//! > unmet the requirement fails from the next period's first day on — for
//! > good, or with `until met again` until an alternative is met in the
//! > period under way (then the next period looks back at that one). A
//! > partner without a `joined` date is assumed to meet it (S0401).
//!
//! Read plainly: every question is answered again from the event history;
//! points are summed as fractions (`BigRational`), so no division rounds.

use charter_ir::{AnyOf, Lapse, Points, PointsSource, RequirementKind, RevenueThreshold};
use charter_scenario::CustomerId;
use chrono::NaiveDate;
use num_rational::BigRational;
use rust_decimal::Decimal;

use crate::exact;
use crate::facts::Facts;
use crate::standing::{compare, count, in_window, revenue, Window};
use crate::world::World;
use crate::{contest, Unsupported};

/// The date of the customer's first invoice in the program's currency among
/// `events[..=now]`.
pub fn first_invoice(world: &World, now: usize, customer: CustomerId) -> Option<NaiveDate> {
    world
        .invoices_of(now, customer)
        .iter()
        .filter(|i| i.in_currency)
        .map(|i| i.date)
        .min()
}

/// The customers first invoiced in `window` while the partner owned them.
fn new_customers(
    world: &World,
    now: usize,
    facts: &Facts,
    window: Window,
) -> Result<u32, Unsupported> {
    let day = world.date(now)?;
    let mut won: Vec<CustomerId> = Vec::new();
    for declared in world.invoices_in_currency(now) {
        let customer = declared.customer;
        if won.contains(&customer)
            || first_invoice(world, now, customer) != Some(declared.date)
            || !in_window(world, facts, window, declared.date, day)
        {
            continue;
        }
        if contest::owner(world, declared.position, customer)?
            .is_some_and(|c| c.partner == facts.id)
        {
            won.push(customer);
        }
    }
    Ok(won.len() as u32)
}

/// The points of `p` over `window` at `now`, as an exact fraction.
fn points_fraction(
    world: &World,
    now: usize,
    facts: &Facts,
    p: &Points,
    window: Window,
) -> Result<BigRational, Unsupported> {
    let mut total = exact::zero();
    for term in &p.terms {
        let measured = match &term.source {
            PointsSource::NewCustomer => {
                exact::from_decimal(Decimal::from(new_customers(world, now, facts, window)?))
            }
            PointsSource::Revenue { per } => {
                exact::from_decimal(revenue(world, now, facts, false, window)?)
                    / exact::from_decimal(per.amount)
            }
            PointsSource::Count {
                event,
                activity,
                within_after,
            } => exact::from_decimal(Decimal::from(count(
                world,
                now,
                facts,
                *event,
                activity.as_ref().map(|a| a.name.as_str()),
                *within_after,
                window,
            )?)),
        };
        total += exact::from_decimal(term.weight) * measured;
    }
    Ok(total)
}

/// Whether the points of `p` over `window` reach its threshold.
pub fn points_met(
    world: &World,
    now: usize,
    facts: &Facts,
    p: &Points,
    window: Window,
) -> Result<bool, Unsupported> {
    Ok(compare(
        points_fraction(world, now, facts, p, window)?,
        p.comparator,
        exact::from_decimal(p.threshold),
    ))
}

/// Whether one alternative of `any of` is met over `window`.
fn alternative_met(
    world: &World,
    now: usize,
    facts: &Facts,
    kind: &RequirementKind,
    window: Window,
) -> Result<bool, Unsupported> {
    Ok(match kind {
        RequirementKind::Count {
            event,
            activity,
            within_after,
            comparator,
            count: n,
            ..
        } => compare(
            count(
                world,
                now,
                facts,
                *event,
                activity.as_ref().map(|a| a.name.as_str()),
                *within_after,
                window,
            )?,
            *comparator,
            *n,
        ),
        RequirementKind::Revenue {
            new_customers,
            threshold,
            ..
        } => {
            let (comparator, target) = match threshold {
                RevenueThreshold::Amount { comparator, amount } => (*comparator, amount.amount),
                RevenueThreshold::SetIndividually => match facts.revenue_target {
                    Some(t) => (charter_ir::Comparator::Ge, t),
                    None => return Ok(!world.assume_unmet),
                },
            };
            compare(
                revenue(world, now, facts, *new_customers, window)?,
                comparator,
                target,
            )
        }
        RequirementKind::Points(p) => points_met(world, now, facts, p, window)?,
        RequirementKind::Mrr(m) => crate::mrr::met(world, now, facts, m, window)?,
        RequirementKind::Contract
        | RequirementKind::Agreement { .. }
        | RequirementKind::Staff { .. }
        | RequirementKind::AnyOf(_)
        | RequirementKind::Text { .. } => false,
    })
}

/// Whether some alternative is met over the days `start..=last`.
fn period_met(
    world: &World,
    now: usize,
    facts: &Facts,
    a: &AnyOf,
    start: NaiveDate,
    last: NaiveDate,
) -> Result<bool, Unsupported> {
    for (kind, _) in &a.alternatives {
        if alternative_met(world, now, facts, kind, Window::Days(start, last))? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the partner meets `any of … each D from joined` at `now`.
pub fn any_of_met(
    world: &World,
    now: usize,
    facts: &Facts,
    a: &AnyOf,
    joined: NaiveDate,
) -> Result<bool, Unsupported> {
    let day = world.date(now)?;
    let holidays = world.holidays();
    // Which period holds the day: the first `k` whose end lies after it.
    let mut k = 0u32;
    loop {
        let (start, end) = charter_ir::units::any_of_period(joined, a.every, k, holidays);
        if end > day || end <= start {
            break;
        }
        k += 1;
    }
    let whole = |i: u32| -> Result<bool, Unsupported> {
        let (start, end) = charter_ir::units::any_of_period(joined, a.every, i, holidays);
        period_met(world, now, facts, a, start, end.pred_opt().unwrap_or(end))
    };
    match a.lapse {
        Lapse::ForGood => {
            for i in 0..k {
                if !whole(i)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Lapse::UntilMetAgain => {
            if k == 0 || whole(k - 1)? {
                return Ok(true);
            }
            let (start, _) = charter_ir::units::any_of_period(joined, a.every, k, holidays);
            period_met(world, now, facts, a, start, day)
        }
    }
}
