//! §4 **Rates.**
//!
//! > By tier: the tier held that day. Brackets, `whole amount`: the bracket the
//! > metric had reached over the trailing period *before* this payment (a new
//! > partner's first sale earns the starting rate); `retroactive`: the bracket
//! > reached *with* this payment, topping up the period's earlier payments;
//! > `marginal`: each part of the payment at its bracket's rate. Uplifts that
//! > hold are added, then the rate is capped at the upper bound (or raised to
//! > the lower one).
//!
//! Also the metrics (§3 `rate`: "`sales` (payments on the partner's customers
//! less refunds; money), `orders` (its customers' orders; a plain count) or
//! `customers` (customers it won; a plain count), over the trailing period D")
//! and the conditions shared by uplifts and bonuses. Read plainly:
//! - "over trailing D" on a day is `(day − D, day]`;
//! - a payment, refund or order counts for the partner whose customer it was
//!   at that event (the owner then, see `contest`), in the program's currency;
//!   a refund counts as what it takes back of the payments (§4 Refunds: "A
//!   refund larger than P counts as P");
//! - "before this payment" is the events taken before it (same-day ones
//!   included, §4 Order); an uplift's condition is seen at the same moment;
//! - `staff Q >= N` as a condition (not a requirement) counts a partner
//!   without staff data as having none.
//!
//! `marginal` and `retroactive` brackets are not covered by the reference.

use charter_ir::{BracketMode, CommissionRule, Condition, Metric, MetricKind, RateSpec};
use charter_scenario::EventKind;
use num_bigint::BigInt;

use crate::exact::{from_decimal, from_percent, zero, Fraction};
use crate::facts::{self, Facts};
use crate::standing::{compare, tier};
use crate::world::World;
use crate::{contest, refunds, Unsupported};

/// Which events a metric or condition sees.
#[derive(Clone, Copy, Debug)]
pub enum Seen {
    /// Those taken before the event at `now` ("before this payment").
    Before(usize),
    /// Those up to and including the event at `now` ("after each payment").
    With(usize),
}

impl Seen {
    fn end(self) -> usize {
        match self {
            Seen::Before(now) => now,
            Seen::With(now) => now + 1,
        }
    }

    fn now(self) -> usize {
        match self {
            Seen::Before(now) | Seen::With(now) => now,
        }
    }
}

/// The metric's value over the events `seen`, on the day of the event at `now`.
pub fn metric(
    world: &World,
    seen: Seen,
    facts: &Facts,
    metric: &Metric,
) -> Result<Fraction, Unsupported> {
    let end = seen.end();
    let history = world.events.get(..end).unwrap_or(&world.events[..]);
    let day = world.date(seen.now())?;
    let from = metric.trailing.before(day, world.holidays());
    let in_window = |date| date > from && date <= day;
    let mut value = zero();
    let mut won = Vec::new();
    for (position, e) in history.iter().enumerate() {
        if !in_window(e.date) {
            continue;
        }
        match (&e.kind, metric.kind) {
            (
                EventKind::Payment {
                    invoice, amount, ..
                },
                MetricKind::Sales,
            )
            | (EventKind::Refund { invoice, amount }, MetricKind::Sales) => {
                let Some(declared) = world.invoice(position, *invoice) else {
                    continue;
                };
                if !declared.in_currency {
                    continue;
                }
                let owner = contest::owner(world, position, declared.customer)?;
                if owner.is_some_and(|c| c.partner == facts.id) {
                    if matches!(e.kind, EventKind::Refund { .. }) {
                        value -= refunds::counted(world, position, *invoice);
                    } else {
                        value += from_decimal(*amount);
                    }
                }
            }
            (EventKind::Order { customer, .. }, MetricKind::Orders) => {
                let owned = contest::owner(world, position, *customer)?
                    .is_some_and(|c| c.partner == facts.id);
                value += Fraction::from_integer(BigInt::from(u8::from(owned)));
            }
            _ => {}
        }
    }
    if metric.kind == MetricKind::Customers {
        // Customers whose claim by the partner, dated in the window, owns them now.
        let last = end.saturating_sub(1);
        for e in history {
            let customer = match &e.kind {
                EventKind::Referral { customer, .. }
                | EventKind::Registration { customer, .. }
                | EventKind::Attachment { customer, .. }
                | EventKind::Order { customer, .. } => *customer,
                _ => continue,
            };
            if won.contains(&customer) || end == 0 {
                continue;
            }
            if let Some(owner) = contest::owner(world, last, customer)? {
                if owner.partner == facts.id && in_window(owner.date) {
                    won.push(customer);
                }
            }
        }
        value = Fraction::from_integer(BigInt::from(won.len()));
    }
    Ok(value)
}

/// Whether an uplift's or bonus's condition holds over the events `seen`.
pub fn holds(
    world: &World,
    seen: Seen,
    facts: &Facts,
    condition: &Condition,
) -> Result<bool, Unsupported> {
    Ok(match condition {
        Condition::Staff {
            qualification,
            comparator,
            count,
        } => {
            let have = facts::staff(world, seen.now(), facts, &qualification.name).unwrap_or(0);
            compare(have, *comparator, *count)
        }
        Condition::Metric {
            metric: m,
            comparator,
            threshold,
        } => compare(
            metric(world, seen, facts, m)?,
            *comparator,
            from_decimal(*threshold),
        ),
        Condition::Elected { benefit } => facts.elected.contains(&benefit.name),
    })
}

/// The rate (a fraction of one) `rule` pays the partner for the payment or
/// invoice at `now`; `None` when the partner has no rate (no tier in the table).
pub fn rate(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    facts: &Facts,
) -> Result<Option<Fraction>, Unsupported> {
    let written = match &rule.rate {
        RateSpec::Flat { rate } => from_percent(*rate),
        // Not a rate: a fixed amount (`new_customers`).
        RateSpec::Fixed { .. } => return Ok(None),
        RateSpec::ByTier { rates } => {
            let held = tier(world, now, facts)?;
            match rates
                .iter()
                .find(|r| held.as_deref() == Some(r.tier.name.as_str()))
            {
                Some(r) => from_percent(r.rate),
                None => return Ok(None),
            }
        }
        RateSpec::Brackets { table } => {
            match table.mode {
                Some(BracketMode::WholeAmount) => {}
                Some(BracketMode::Marginal) => {
                    return Err(Unsupported::Feature("marginal brackets"))
                }
                Some(BracketMode::Retroactive) => {
                    return Err(Unsupported::Feature("retroactive brackets"))
                }
                None => return Err(Unsupported::Feature("brackets without a mode")),
            }
            let reached = metric(world, Seen::Before(now), facts, &table.metric)?;
            let row = table.brackets.iter().find(|b| {
                b.low.is_none_or(|low| reached >= from_decimal(low))
                    && b.high.is_none_or(|high| reached < from_decimal(high))
            });
            match row {
                Some(b) => from_percent(b.rate),
                None => return Ok(None),
            }
        }
    };
    let mut rate = written;
    for uplift in &rule.uplifts {
        if holds(world, Seen::Before(now), facts, &uplift.condition)? {
            rate += from_percent(uplift.amount);
        }
    }
    if let Some((low, high, _)) = &rule.bounds {
        let (low, high) = (from_percent(*low), from_percent(*high));
        if rate > high {
            rate = high;
        }
        if rate < low {
            rate = low;
        }
    }
    Ok(Some(rate))
}
