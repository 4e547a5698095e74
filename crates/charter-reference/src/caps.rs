//! §4 **Caps per period.**
//!
//! > A commission with `at most N per PERIOD` pays a partner for at most N
//! > events in each calendar PERIOD (month, quarter, year) holding the
//! > earning's date; with `at most AMOUNT per PERIOD`, at most AMOUNT in
//! > all. The earnings are taken in the order they are made: one that finds
//! > N paid in its period, or AMOUNT paid, earns nothing; one worth more
//! > than what is left under a money cap earns what is left (exact, then
//! > rounded as any earning). What a cap counts is what was paid — the
//! > payouts of the commission's earnings — so a clawback does not make
//! > room again, and a refund takes back the refunded share of what was
//! > paid. Caps are per partner and per commission; several caps on one
//! > commission all apply.
//!
//! Read plainly: "what was paid in the period" is answered again from the
//! payouts listed so far — the partner's non-negative payouts of the
//! commission earned in the period (a clawback's is negative).

use charter_ir::{CapLimit, CapPeriod, CommissionRule};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::commissions::Earning;
use crate::exact::from_decimal;
use crate::world::World;
use crate::Payout;

/// Whether `date` lies in the calendar `period` holding `day`.
fn same_period(period: CapPeriod, day: NaiveDate, date: NaiveDate) -> bool {
    let quarter = |d: NaiveDate| (d.month() - 1) / 3;
    day.year() == date.year()
        && match period {
            CapPeriod::Month => day.month() == date.month(),
            CapPeriod::Quarter => quarter(day) == quarter(date),
            CapPeriod::Year => true,
        }
}

/// What is left of `e` under its commission's caps, given the payouts so
/// far; `None` when a cap lets nothing through.
pub fn capped(world: &World, payouts: &[Payout], e: Earning) -> Option<Earning> {
    let Some(rule) = world
        .program
        .commissions
        .iter()
        .find(|r| r.name.name == e.rule)
    else {
        return Some(e);
    };
    capped_by(world, rule, payouts, e)
}

fn capped_by(
    world: &World,
    rule: &CommissionRule,
    payouts: &[Payout],
    mut e: Earning,
) -> Option<Earning> {
    let partner = world.scenario.names.partner(e.partner);
    for cap in &rule.caps {
        let paid: Vec<Decimal> = payouts
            .iter()
            .filter(|p| {
                p.partner == partner
                    && p.rule == e.rule
                    && p.amount >= Decimal::ZERO
                    && same_period(cap.period, e.earned, p.earned)
            })
            .map(|p| p.amount)
            .collect();
        match &cap.limit {
            CapLimit::Count { count } => {
                if paid.len() >= *count as usize {
                    return None;
                }
            }
            CapLimit::Money { amount } => {
                let left = amount.amount - paid.iter().copied().sum::<Decimal>();
                if left <= Decimal::ZERO {
                    return None;
                }
                let left = from_decimal(left);
                if e.exact > left {
                    e.exact = left;
                }
            }
        }
    }
    Some(e)
}
