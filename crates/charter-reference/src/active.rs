//! §4 **Held for active partners.**
//!
//! > A commission `paid only if active for D` holds each of its payouts until
//! > the partner has been active D: it is due on the later of its own due
//! > date (after Balances) and the partner's `joined` date + D. When the
//! > partner's contract ends (see Contract end) before that day, and on or
//! > before the "as of" date, every payout of the commission is forfeited:
//! > taken back by a negative payout of the same rule and invoice, dated and
//! > due the day the contract ended, and the payout itself is due that day
//! > too. A partner without a `joined` date has no start to count from: its
//! > payouts are not held.
//!
//! Read plainly: every payout is looked at once more after Balances, with
//! the contract's end as the whole history says.

use crate::{contract_end, facts, world::World, Payout};

/// Holds and forfeits the payouts of `paid only if active` commissions.
pub fn apply(world: &World, payouts: &mut Vec<Payout>) {
    let after_all = world.events.len();
    let mut forfeits = Vec::new();
    for p in payouts.iter_mut() {
        let Some(rule) = world
            .program
            .commissions
            .iter()
            .find(|c| c.name.name == p.rule)
        else {
            continue;
        };
        let Some((length, _)) = rule.active_for else {
            continue;
        };
        let Some(partner) = world.scenario.names.find_partner(&p.partner) else {
            continue;
        };
        let facts = facts::facts(world, partner);
        let Some(joined) = facts.joined else {
            continue;
        };
        let until = length.after(joined, world.holidays());
        let left = contract_end::end(world, after_all, &facts)
            .filter(|end| *end < until && *end <= world.as_of);
        match left {
            Some(end) => {
                p.due = end;
                if !p.amount.is_zero() {
                    forfeits.push(Payout {
                        amount: -p.amount,
                        earned: end,
                        due: end,
                        ..p.clone()
                    });
                }
            }
            None => p.due = p.due.max(until),
        }
    }
    payouts.extend(forfeits);
}
