//! §4 **Cut back unless a tier is reached.**
//!
//! > A commission `cut back to R unless tier T within D from joined` has a
//! > deadline: the partner's `joined` date + D. If the partner stood in T, or
//! > a higher tier, on some day from `joined` up to the day before the
//! > deadline (its standing on that day, every event of the day counted),
//! > the condition is lifted for good, even if the tier lapses later.
//! > Otherwise, on the deadline (when it is not after the "as of" date), each
//! > invoice's running total of the commission is set to what the commission
//! > would have earned there at the lower of its rate and R — each earning
//! > recomputed at that rate, each refund before taking the same share of it
//! > — by a negative payout of the same rule and invoice, dated the deadline
//! > and due by the commission's timing from it. From the deadline on (a
//! > payment or invoice dated the deadline included) the commission earns at
//! > the lower of its rate and R. A partner without a `joined` date has no
//! > deadline: never cut back (S0306).
//!
//! Read plainly: the tier on a day is the tier of a simulation as of that
//! day; the cut back is made before the first event on or after the
//! deadline (or after the last event, when none comes before the "as of"
//! date), from the earnings listed so far. A refund outside a clawback
//! window took nothing but kept its share of the rest for good: at the lower
//! rate it keeps the same share of the rest at that rate, and from the cut
//! on that is what it keeps (`refunds::Kept`).

use charter_ir::CommissionRule;
use charter_scenario::PartnerId;
use chrono::NaiveDate;

use crate::commissions::Earning;
use crate::exact::{from_percent, zero, Fraction};
use crate::facts::{self, Facts};
use crate::refunds::Kept;
use crate::world::World;
use crate::{due_dates, order, standing, Unsupported};

/// The deadline of `rule` for the partner: `None` without a clause or a
/// `joined` date.
pub fn deadline(world: &World, rule: &CommissionRule, facts: &Facts) -> Option<NaiveDate> {
    let cut = rule.cut_back.as_ref()?;
    let joined = facts.joined?;
    Some(cut.within.after(joined, world.holidays()))
}

/// Whether the partner stood in the clause's tier, or a higher one, on some
/// day from `joined` to the day before `deadline`.
fn reached(
    world: &World,
    rule: &CommissionRule,
    facts: &Facts,
    deadline: NaiveDate,
) -> Result<bool, Unsupported> {
    let (Some(cut), Some(joined)) = (&rule.cut_back, facts.joined) else {
        return Ok(true);
    };
    let tiers = &world.program.tiers;
    let rank = |name: &str| tiers.iter().position(|t| t.name.name == name);
    let Some(wanted) = rank(&cut.tier.name) else {
        return Err(Unsupported::Internal("a cut back names an unknown tier"));
    };
    let mut day = joined;
    while day < deadline {
        // The partner's tier on `day`: a simulation as of that day.
        let that_day = World {
            program: world.program,
            scenario: world.scenario,
            events: order::ordered(world.scenario, day),
            as_of: day,
            assume_unmet: world.assume_unmet,
        };
        let after_all = that_day.events.len();
        if let Some(tier) = standing::tier(&that_day, after_all, facts)? {
            if rank(&tier).is_some_and(|r| r >= wanted) {
                return Ok(true);
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    Ok(false)
}

/// The rate `rule` pays for an earning at `now`: `rate`, or the cut-back
/// rate when lower, from a missed deadline on.
pub fn rate(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    facts: &Facts,
    rate: Fraction,
) -> Result<Fraction, Unsupported> {
    let (Some(cut), Some(deadline)) = (&rule.cut_back, deadline(world, rule, facts)) else {
        return Ok(rate);
    };
    if world.date(now)? < deadline || reached(world, rule, facts, deadline)? {
        return Ok(rate);
    }
    let low = from_percent(cut.rate);
    Ok(if low < rate { low } else { rate })
}

/// The cut backs due by `through`: for each commission with the clause and
/// each partner that earned under it, once (`done`), when the deadline is
/// `through` or earlier and the tier was not reached. `earned`: everything
/// earned so far, all of it before the deadline.
pub fn due_by(
    world: &World,
    through: NaiveDate,
    earned: &[Earning],
    done: &mut Vec<(PartnerId, String)>,
    kept: &mut [Kept],
) -> Result<Vec<Earning>, Unsupported> {
    let mut out = Vec::new();
    for rule in &world.program.commissions {
        let Some(cut) = &rule.cut_back else {
            continue;
        };
        let name = &rule.name.name;
        let mut partners: Vec<PartnerId> = Vec::new();
        for e in earned.iter().filter(|e| e.rule == *name) {
            if !partners.contains(&e.partner) {
                partners.push(e.partner);
            }
        }
        for partner in partners {
            if done.iter().any(|(p, r)| *p == partner && r == name) {
                continue;
            }
            let facts = facts::facts(world, partner);
            let Some(deadline) = deadline(world, rule, &facts) else {
                continue;
            };
            if deadline > through {
                continue;
            }
            done.push((partner, name.clone()));
            if reached(world, rule, &facts, deadline)? {
                continue;
            }
            let low = from_percent(cut.rate);
            // Each invoice the partner earned on under the rule, in order.
            let mut invoices: Vec<(String, Option<String>)> = Vec::new();
            for e in earned
                .iter()
                .filter(|e| e.partner == partner && e.rule == *name)
            {
                if let Some(i) = &e.invoice {
                    if !invoices.iter().any(|(x, _)| x == i) {
                        invoices.push((i.clone(), e.customer.clone()));
                    }
                }
            }
            for (invoice, customer) in invoices {
                let mut total = zero();
                let mut at_cut = zero();
                let mut path = None;
                // What refunds outside a clawback window kept, at the rates
                // paid and at the lower rate: the same share of the rest.
                let mine =
                    |k: &Kept| k.partner == partner && k.rule == *name && k.invoice == invoice;
                let (mut kept_paid, mut kept_cut) = (zero(), zero());
                let mut kept_at_cut: Vec<Fraction> = Vec::new();
                let mut keep = |upto: usize,
                                at_cut: &Fraction,
                                kept_paid: &mut Fraction,
                                kept_cut: &mut Fraction| {
                    for k in kept
                        .iter()
                        .filter(|k| mine(k) && k.at <= upto)
                        .skip(kept_at_cut.len())
                    {
                        let cut = (at_cut.clone() - kept_cut.clone()) * k.share.clone();
                        *kept_paid += k.exact.clone();
                        *kept_cut += cut.clone();
                        kept_at_cut.push(cut);
                    }
                };
                for (j, e) in earned.iter().enumerate().filter(|(_, e)| {
                    e.partner == partner && e.rule == *name && e.invoice.as_ref() == Some(&invoice)
                }) {
                    keep(j, &at_cut, &mut kept_paid, &mut kept_cut);
                    match &e.rate {
                        // An earning at `rate`: at the lower rate instead.
                        Some(rate) if *rate > zero() => {
                            let lower = if low < *rate {
                                low.clone()
                            } else {
                                rate.clone()
                            };
                            at_cut += e.exact.clone() * lower / rate.clone();
                        }
                        Some(_) => {}
                        // A clawback: the same share of the rest at the lower rate.
                        None if total.clone() - kept_paid.clone() > zero() => {
                            at_cut += (at_cut.clone() - kept_cut.clone()) * e.exact.clone()
                                / (total.clone() - kept_paid.clone());
                        }
                        None => {}
                    }
                    total += e.exact.clone();
                    path = e.path.or(path);
                }
                keep(earned.len(), &at_cut, &mut kept_paid, &mut kept_cut);
                // From now on what was kept is what it keeps at the lower rate.
                for (k, cut) in kept.iter_mut().filter(|k| mine(k)).zip(kept_at_cut) {
                    k.exact = cut;
                }
                let back = at_cut - total;
                if back >= zero() {
                    continue;
                }
                out.push(Earning {
                    partner,
                    customer,
                    invoice: Some(invoice),
                    rule: name.clone(),
                    exact: back,
                    rate: None,
                    earned: deadline,
                    due: due_dates::due(world, &rule.scope, rule.payout.as_ref(), deadline, None),
                    path,
                });
            }
        }
    }
    Ok(out)
}
