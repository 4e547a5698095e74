//! Payouts held for active partners (LANGUAGE.md §4, Held for active
//! partners): a commission `paid only if active for D` is due no earlier
//! than D after the partner joined; when the partner's contract ends before
//! that day (and on or before the "as of" date), each of its payouts is
//! forfeited: taken back by a negative payout of the same rule and invoice,
//! dated the day the contract ended (the payout itself is then due that day
//! too, as a forfeiture of `balances.rs` is).
//!
//! Partner-local and run once at the end of the partner's replay, over the
//! payouts it made, after `balances.rs` has set their statements' due dates.

use crate::explain::Why;
use crate::payouts::{PartnerRun, PayoutRec, RuleRef};
use crate::text::Lines;
use charter_ir::Duration;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// How long a payout waited for its partner, and whether it left first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ActiveHold {
    pub length: Duration,
    pub joined: NaiveDate,
    /// `joined` + `length`: the payout is due no earlier.
    pub until: NaiveDate,
    /// The contract's end, when it came before `until`: forfeited that day.
    pub left: Option<NaiveDate>,
}

impl PartnerRun<'_, '_> {
    /// Holds the payouts of `paid only if active` commissions, and forfeits
    /// them when the partner left before it had been active long enough. A
    /// partner without a `joined` date has no start to count from: nothing is
    /// held.
    pub(crate) fn hold_until_active(&mut self, as_of: NaiveDate) {
        let Some(joined) = self.stat.joined else {
            return;
        };
        let end = self.contract_end();
        let program = self.plan.program;
        let holidays = self.plan.holidays;
        let explain = self.explain;
        let mut forfeited = Vec::new();
        for p in &mut self.out.payouts {
            let RuleRef::Commission(r) = p.rule else {
                continue;
            };
            let Some((length, _)) = program.commissions[r.0 as usize].active_for else {
                continue;
            };
            let until = length.after(joined, holidays);
            let hold = ActiveHold {
                length,
                joined,
                until,
                left: end.filter(|e| *e < until && *e <= as_of),
            };
            p.due = hold.left.unwrap_or(p.due.max(until));
            if let Some(inner) = p.why.take() {
                p.why = Some(Box::new(Why::HeldUntilActive { inner, hold }));
            }
            if let Some(left) = hold.left {
                if !p.amount.is_zero() {
                    forfeited.push(PayoutRec {
                        key: (p.key.0, p.key.1, p.key.2 | 0x4000),
                        base: p.amount,
                        rate: None,
                        amount: -p.amount,
                        earned: left,
                        due: left,
                        why: explain.then(|| {
                            Box::new(Why::ForfeitedInactive {
                                amount: p.amount,
                                earned: p.earned,
                                hold,
                            })
                        }),
                        ..p.clone()
                    });
                }
            }
        }
        self.out.payouts.extend(forfeited);
    }
}

/// The line a held payout's explanation ends with.
pub(crate) fn write_hold<S: Lines + ?Sized>(hold: &ActiveHold, s: &mut S) {
    let ActiveHold {
        length,
        joined,
        until,
        left,
    } = *hold;
    let text = match left {
        None => format!(
            "held: paid only if active for {length}; the partner joined on {joined}, so it is due no earlier than {until}"
        ),
        Some(left) => format!(
            "held: paid only if active for {length}; the partner joined on {joined} and its contract ended on {left}, before {until}: forfeited"
        ),
    };
    s.line(&text);
}

/// A forfeiture's explanation.
pub(crate) fn write_forfeit<S: Lines + ?Sized>(
    currency: &str,
    amount: Decimal,
    earned: NaiveDate,
    hold: &ActiveHold,
    s: &mut S,
) {
    let ActiveHold {
        length,
        joined,
        until,
        left,
    } = *hold;
    let left = left.map_or_else(String::new, |l| l.to_string());
    let text = format!(
        "forfeited: the {amount} {currency} earned on {earned}, paid only if active for {length}; the partner joined on {joined} and its contract ended on {left}, before {until}"
    );
    s.line(&text);
}
