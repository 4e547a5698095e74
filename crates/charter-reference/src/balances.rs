//! §4 **Balances.**
//!
//! > On a schedule with `minimum M`, what a statement pays is its balance:
//! > the amounts falling due on it plus what earlier statements carried.
//! > A balance below M is not paid: every amount in it is carried to the
//! > next statement (even a period with no new earning has a statement).
//! > With `per path` a partner has one balance per attribution path of the
//! > claim each commission was earned through (a clawback takes its
//! > commission's path; bonuses make a balance of their own). The first
//! > statement closing on or after the partner's contract end pays a
//! > balance below M whatever its size, and every later one too — or, with
//! > `balance forfeited on leaving`, forfeits it on its payment day.
//! > `withheld until KIND` pays a statement only when the partner's first
//! > `activity` of kind KIND is dated on or before the statement's payment
//! > day; until then the balance is carried. With `forfeited after D`, an
//! > amount whose paperwork is not in by D after the payment day of its
//! > first statement is forfeited on that deadline (when the deadline is not
//! > after the "as of" date), and leaves the balance of the statements paid
//! > after the deadline. A forfeited amount is taken back by a negative
//! > payout of the same rule and invoice, due the day it is forfeited; the
//! > amount's own payout is due that day too. Statements are followed up to
//! > the later of the "as of" date and the contract end, and past them as
//! > long as amounts fall due; an amount still carried then is due on the
//! > next statement, at the earliest.
//!
//! A plain reading: for each partner and each balance, every statement from
//! the first amount's on is visited in date order and asked what it pays.

use charter_ir::{AttributionMethod, LeavingBalance, PayoutSchedule, PayoutTiming};
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use crate::world::World;
use crate::{contract_end, due_dates, facts, Payout};

/// The schedule `payout` is paid on.
fn schedule_of<'a>(world: &World<'a>, payout: &Payout) -> Option<&'a PayoutSchedule> {
    if let Some(rule) = world
        .program
        .commissions
        .iter()
        .find(|r| r.name.name == payout.rule)
    {
        return due_dates::schedule(world, &rule.scope, rule.payout.as_ref());
    }
    let bonus = world
        .program
        .bonuses
        .iter()
        .find(|b| b.name.name == payout.rule)?;
    due_dates::schedule(world, &bonus.scope, None)
}

/// The last day of the statement period holding `day`.
fn period_end(schedule: &PayoutSchedule, day: NaiveDate) -> Option<NaiveDate> {
    match &schedule.timing {
        PayoutTiming::Statement { period, .. } => Some(period.end_of(day)),
        PayoutTiming::MonthlyStatement { .. } => day
            .with_day(1)?
            .checked_add_months(Months::new(1))?
            .pred_opt(),
        PayoutTiming::Within { .. } | PayoutTiming::NettedAtSource => None,
    }
}

/// The day the statement of the period ending `end` is paid.
fn payment_day(world: &World, schedule: &PayoutSchedule, end: NaiveDate) -> NaiveDate {
    match &schedule.timing {
        PayoutTiming::Statement { delay, .. } => delay.after(end, world.holidays()),
        PayoutTiming::MonthlyStatement { week, .. } => due_dates::statement_day(end, *week),
        PayoutTiming::Within { .. } | PayoutTiming::NettedAtSource => end,
    }
}

/// Applies minimums, withholding and forfeiture to `payouts`, whose
/// attribution paths are `paths` (one per payout, `None` for bonuses).
pub fn apply(world: &World, payouts: &mut Vec<Payout>, paths: &[Option<AttributionMethod>]) {
    let mut forfeits: Vec<Payout> = Vec::new();
    for partner in facts::listed_partners(world) {
        let facts = facts::facts(world, partner);
        let name = facts.name.clone();
        let left = match world.events.len() {
            0 => None,
            n => contract_end::end(world, n - 1, &facts),
        };
        // Every balance of the partner: (schedule, path) with its payouts.
        let mut balances: Vec<(&PayoutSchedule, Option<AttributionMethod>, Vec<usize>)> =
            Vec::new();
        for (i, p) in payouts.iter().enumerate() {
            if p.partner != name {
                continue;
            }
            let Some(schedule) = schedule_of(world, p) else {
                continue;
            };
            if schedule.minimum.is_none() && schedule.withheld.is_none() {
                continue;
            }
            let path = match &schedule.minimum {
                Some(m) if m.per_path => paths.get(i).copied().flatten(),
                _ => None,
            };
            match balances
                .iter_mut()
                .find(|(s, q, _)| std::ptr::eq(*s, schedule) && *q == path)
            {
                Some((_, _, list)) => list.push(i),
                None => balances.push((schedule, path, vec![i])),
            }
        }
        for (schedule, _, members) in balances {
            // The partner's paperwork: its first activity of the kind.
            let received = schedule.withheld.as_ref().map(|w| {
                world
                    .events
                    .iter()
                    .filter_map(|e| match &e.kind {
                        charter_scenario::EventKind::Activity { partner: p, kind }
                            if *p == partner
                                && world.scenario.names.symbol(*kind) == w.until.name =>
                        {
                            Some(e.date)
                        }
                        _ => None,
                    })
                    .min()
            });
            let paperwork_in_by = |day: NaiveDate| match received {
                None => true,
                Some(None) => false,
                Some(Some(r)) => r <= day,
            };
            // Each member: (its period end, its deadline), and its fate.
            let mut ends = Vec::new();
            for &i in &members {
                let p = &payouts[i];
                let held = match schedule.hold {
                    Some(h) => h.after(p.earned, world.holidays()),
                    None => p.earned,
                };
                let Some(end) = period_end(schedule, held) else {
                    return;
                };
                let deadline = schedule
                    .withheld
                    .as_ref()
                    .and_then(|w| w.forfeited_after)
                    .map(|d| d.after(payment_day(world, schedule, end), world.holidays()));
                ends.push((i, end, deadline));
            }
            // None: still open; Some((day, forfeited)).
            let mut fate: Vec<Option<(NaiveDate, bool)>> = vec![None; ends.len()];
            let Some(first) = ends.iter().map(|x| x.1).min() else {
                continue;
            };
            let last = ends.iter().map(|x| x.1).max().unwrap_or(first);
            let horizon = match left {
                Some(l) => l.max(world.as_of),
                None => world.as_of,
            };
            let lapsed = |k: usize, pay: NaiveDate| {
                ends[k]
                    .2
                    .is_some_and(|f| f < pay && f <= world.as_of && !paperwork_in_by(f))
            };
            let mut end = first;
            while end <= last.max(horizon) {
                let pay = payment_day(world, schedule, end);
                let open: Vec<usize> = (0..ends.len())
                    .filter(|&k| fate[k].is_none() && ends[k].1 <= end && !lapsed(k, pay))
                    .collect();
                let balance: Decimal = open.iter().map(|&k| payouts[ends[k].0].amount).sum();
                let after_leaving = left.is_some_and(|l| end >= l);
                let outcome = if !paperwork_in_by(pay) {
                    None
                } else {
                    match &schedule.minimum {
                        None => Some(false),
                        Some(m) if balance >= m.amount.amount => Some(false),
                        Some(m) if after_leaving => Some(m.on_leaving == LeavingBalance::Forfeited),
                        Some(_) => None,
                    }
                };
                if let Some(forfeited) = outcome {
                    for k in open {
                        fate[k] = Some((pay, forfeited));
                    }
                }
                let Some(next) = end.succ_opt().and_then(|d| period_end(schedule, d)) else {
                    break;
                };
                end = next;
            }
            let still_open = payment_day(world, schedule, end);
            for k in 0..ends.len() {
                if fate[k].is_some() {
                    continue;
                }
                fate[k] = Some(match ends[k].2 {
                    Some(f) if f <= world.as_of && !paperwork_in_by(f) => (f, true),
                    _ => (still_open, false),
                });
            }
            for (k, settled) in fate.into_iter().enumerate() {
                let Some((day, forfeited)) = settled else {
                    continue;
                };
                let p = &mut payouts[ends[k].0];
                p.due = day;
                if forfeited && !p.amount.is_zero() {
                    forfeits.push(Payout {
                        amount: -p.amount,
                        earned: day,
                        due: day,
                        ..p.clone()
                    });
                }
            }
        }
    }
    payouts.extend(forfeits);
}
