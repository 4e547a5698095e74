//! Payout balances (LANGUAGE.md §4, Balances): a statement whose balance is
//! below the schedule's `minimum` pays nothing and carries the balance to
//! the next statement; `withheld until KIND` holds statements until the
//! partner's paperwork (an `activity` of that kind) is in, and forfeits an
//! amount still withheld `forfeited after D` its first statement; the first
//! statement closing on or after the partner's contract end pays a balance
//! below the minimum (or forfeits it: `balance forfeited on leaving`).
//!
//! Partner-local and run once at the end of the partner's replay, over the
//! payouts it made: a balance is per (schedule, attribution path under
//! `per path`). A carried amount keeps its payout, due on the statement
//! that pays it; a forfeited one is taken back by a negative payout of the
//! same rule and invoice on the day it is forfeited.

use crate::explain::{statement_due, Why};
use crate::payouts::{PartnerRun, PayoutRec, RuleRef};
use crate::text::Lines;
use charter_ir::{AttributionMethod, LeavingBalance, PayoutSchedule, PayoutTiming};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// What the statements of its balance did with one payout.
#[derive(Clone, Debug)]
pub(crate) struct BalanceWhy {
    pub schedule: u16,
    /// The path of the balance under `per path` (`None`: a bonus's).
    pub path: Option<Option<AttributionMethod>>,
    pub steps: Vec<BalanceStep>,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum BalanceStep {
    /// A statement the payout was on, its balance and what became of it.
    Statement {
        close: NaiveDate,
        pay: NaiveDate,
        balance: Decimal,
        outcome: StepOutcome,
    },
    /// The paperwork was not in by the deadline: forfeited on that day.
    PaperworkMissing {
        first: NaiveDate,
        deadline: NaiveDate,
    },
    /// Still carried or withheld on the "as of" date.
    Open {
        as_of: NaiveDate,
        close: NaiveDate,
        pay: NaiveDate,
    },
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum StepOutcome {
    /// At least the minimum (or no minimum), paperwork in: paid.
    Paid,
    /// Below the minimum: carried forward.
    BelowMinimum,
    /// The paperwork is not in: carried forward.
    Withheld,
    /// The first statement after the partner left: paid whatever its size.
    PaidOnLeaving(NaiveDate),
    /// The first statement after the partner left: forfeited.
    ForfeitedOnLeaving(NaiveDate),
}

/// Why an amount was forfeited (the negative payout's explanation).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Forfeit {
    Leaving {
        left: NaiveDate,
        close: NaiveDate,
        balance: Decimal,
    },
    Paperwork {
        first: NaiveDate,
        deadline: NaiveDate,
    },
}

/// The statements of one schedule: when each closes and is paid.
struct Statements<'a> {
    schedule: &'a PayoutSchedule,
    holidays: &'a [NaiveDate],
}

impl Statements<'_> {
    /// The last day of the period of the statement holding `held`.
    fn close(&self, held: NaiveDate) -> Option<NaiveDate> {
        match &self.schedule.timing {
            PayoutTiming::Statement { period, .. } => Some(period.end_of(held)),
            PayoutTiming::MonthlyStatement { .. } => {
                let first = held.with_day(1)?;
                let next = first.checked_add_months(chrono::Months::new(1))?;
                next.pred_opt()
            }
            PayoutTiming::Within { .. } | PayoutTiming::NettedAtSource => None,
        }
    }

    /// The day the statement closing on `close` is paid.
    fn pay(&self, close: NaiveDate) -> NaiveDate {
        match &self.schedule.timing {
            PayoutTiming::Statement { delay, .. } => delay.after(close, self.holidays),
            PayoutTiming::MonthlyStatement { week, .. } => statement_due(close, *week),
            PayoutTiming::Within { .. } | PayoutTiming::NettedAtSource => close,
        }
    }

    fn next(&self, close: NaiveDate) -> Option<NaiveDate> {
        self.close(close.succ_opt()?)
    }
}

/// One payout in a balance.
struct Item {
    rec: usize,
    close: NaiveDate,
    /// The day its first statement is paid (paperwork deadlines count from it).
    first: NaiveDate,
    deadline: Option<NaiveDate>,
    steps: Vec<BalanceStep>,
}

impl PartnerRun<'_, '_> {
    /// Applies minimums, withholding and forfeiture to the partner's payouts.
    pub(crate) fn settle_balances(&mut self, as_of: NaiveDate) {
        let plan = self.plan;
        for (index, schedule) in plan.schedules.iter().enumerate() {
            if schedule.minimum.is_none() && schedule.withheld.is_none() {
                continue;
            }
            let per_path = schedule.minimum.as_ref().is_some_and(|m| m.per_path);
            let mut paths: Vec<Option<AttributionMethod>> = Vec::new();
            for p in &self.out.payouts {
                if self.schedule_index(p) == Some(index) {
                    let path = if per_path { p.path } else { None };
                    if !paths.contains(&path) {
                        paths.push(path);
                    }
                }
            }
            for path in paths {
                self.settle_balance(index, schedule, per_path.then_some(path), as_of);
            }
        }
    }

    fn schedule_index(&self, p: &PayoutRec) -> Option<usize> {
        match p.rule {
            RuleRef::Commission(r) => self.plan.rules[r.0 as usize].schedule,
            RuleRef::Bonus(b) => self.plan.bonuses[b.0 as usize].schedule,
        }
    }

    fn settle_balance(
        &mut self,
        index: usize,
        schedule: &PayoutSchedule,
        path: Option<Option<AttributionMethod>>,
        as_of: NaiveDate,
    ) {
        let holidays = self.plan.holidays;
        let st = Statements { schedule, holidays };
        let mut items: Vec<Item> = Vec::new();
        for (rec, p) in self.out.payouts.iter().enumerate() {
            if self.schedule_index(p) != Some(index) || path.is_some_and(|path| path != p.path) {
                continue;
            }
            let held = schedule
                .hold
                .map_or(p.earned, |h| h.after(p.earned, holidays));
            let Some(close) = st.close(held) else { return };
            let first = st.pay(close);
            let deadline = schedule
                .withheld
                .as_ref()
                .and_then(|w| w.forfeited_after)
                .map(|d| d.after(first, holidays));
            items.push(Item {
                rec,
                close,
                first,
                deadline,
                steps: Vec::new(),
            });
        }
        // Statements in date order; within one, the payouts in report order.
        items.sort_by_key(|i| (i.close, self.out.payouts[i.rec].key));
        let Some(start) = items.first().map(|i| i.close) else {
            return;
        };
        let left = self.contract_end();
        let received = schedule.withheld.as_ref().map(|w| {
            let kind = self.scenario.names.find_symbol(&w.until.name);
            self.st
                .activities
                .iter()
                .filter(|(d, k)| Some(*k) == kind && *d <= as_of)
                .map(|(d, _)| *d)
                .min()
        });
        // Paperwork in by `day` (always, without `withheld`).
        let in_by = |day: NaiveDate| received.is_none_or(|r| r.is_some_and(|r| r <= day));
        let horizon = left.map_or(as_of, |l| l.max(as_of));
        let mut pending: Vec<Item> = Vec::new();
        let mut settled: Vec<(Item, NaiveDate, Option<Forfeit>)> = Vec::new();
        let mut new = items.into_iter().peekable();
        let mut close = start;
        loop {
            if new.peek().is_none() && (pending.is_empty() || close > horizon) {
                break;
            }
            if pending.is_empty() {
                if let Some(next) = new.peek() {
                    close = close.max(next.close);
                }
            }
            let pay = st.pay(close);
            // Deadlines passed before this statement forfeit what is still withheld.
            forfeit_missing(&mut pending, &mut settled, as_of, pay, &in_by);
            while let Some(item) = new.next_if(|i| i.close == close) {
                pending.push(item);
            }
            let balance: Decimal = pending.iter().map(|i| self.out.payouts[i.rec].amount).sum();
            let gone = left.filter(|l| close >= *l);
            let outcome = if !in_by(pay) {
                StepOutcome::Withheld
            } else {
                match (&schedule.minimum, gone) {
                    (None, _) => StepOutcome::Paid,
                    (Some(m), _) if balance >= m.amount.amount => StepOutcome::Paid,
                    (Some(m), Some(l)) => match m.on_leaving {
                        LeavingBalance::Paid => StepOutcome::PaidOnLeaving(l),
                        LeavingBalance::Forfeited => StepOutcome::ForfeitedOnLeaving(l),
                    },
                    (Some(_), None) => StepOutcome::BelowMinimum,
                }
            };
            for item in &mut pending {
                item.steps.push(BalanceStep::Statement {
                    close,
                    pay,
                    balance,
                    outcome,
                });
            }
            match outcome {
                StepOutcome::Paid | StepOutcome::PaidOnLeaving(_) => {
                    settled.extend(pending.drain(..).map(|i| (i, pay, None)));
                }
                StepOutcome::ForfeitedOnLeaving(l) => {
                    let why = Forfeit::Leaving {
                        left: l,
                        close,
                        balance,
                    };
                    settled.extend(pending.drain(..).map(|i| (i, pay, Some(why))));
                }
                StepOutcome::BelowMinimum | StepOutcome::Withheld => {}
            }
            let Some(next) = st.next(close) else { break };
            close = next;
        }
        forfeit_missing(&mut pending, &mut settled, as_of, NaiveDate::MAX, &in_by);
        // Still carried or withheld: due on the next statement, at the earliest.
        let pay = st.pay(close);
        for mut item in pending {
            item.steps.push(BalanceStep::Open { as_of, close, pay });
            settled.push((item, pay, None));
        }
        let schedule16 = u16::try_from(index).unwrap_or(u16::MAX);
        for (item, due, forfeit) in settled {
            let p = &mut self.out.payouts[item.rec];
            p.due = due;
            let mut back = None;
            if let Some(forfeit) = forfeit {
                if !p.amount.is_zero() {
                    back = Some(PayoutRec {
                        key: (p.key.0, p.key.1, p.key.2 | 0x8000),
                        base: p.amount,
                        rate: None,
                        amount: -p.amount,
                        earned: due,
                        due,
                        why: self.explain.then(|| {
                            Box::new(Why::Forfeited {
                                amount: p.amount,
                                earned: p.earned,
                                forfeit,
                            })
                        }),
                        ..p.clone()
                    });
                }
            }
            if let Some(inner) = p.why.take() {
                p.why = Some(Box::new(Why::Balanced {
                    inner,
                    balance: BalanceWhy {
                        schedule: schedule16,
                        path,
                        steps: item.steps,
                    },
                }));
            }
            if let Some(back) = back {
                self.out.payouts.push(back);
            }
        }
    }
}

/// Forfeits the pending items whose paperwork deadline fell before `before`
/// (and on or before `as_of`) without the paperwork in by it.
fn forfeit_missing(
    pending: &mut Vec<Item>,
    settled: &mut Vec<(Item, NaiveDate, Option<Forfeit>)>,
    as_of: NaiveDate,
    before: NaiveDate,
    in_by: &dyn Fn(NaiveDate) -> bool,
) {
    let mut k = 0;
    while k < pending.len() {
        match pending[k].deadline {
            Some(deadline) if deadline < before && deadline <= as_of && !in_by(deadline) => {
                let mut item = pending.remove(k);
                item.steps.push(BalanceStep::PaperworkMissing {
                    first: item.first,
                    deadline,
                });
                let why = Forfeit::Paperwork {
                    first: item.first,
                    deadline,
                };
                settled.push((item, deadline, Some(why)));
            }
            _ => k += 1,
        }
    }
}

/// Writes what the statements did with a payout, one line per step.
pub(crate) fn write_balance<S: Lines + ?Sized>(
    plan: &crate::plan::Plan,
    b: &BalanceWhy,
    s: &mut S,
) {
    let schedule = plan.schedules[b.schedule as usize];
    let currency = plan.currency;
    let label = match b.path {
        Some(Some(m)) => format!("balance ({} path)", m.as_str()),
        Some(None) => "balance (no path)".to_string(),
        None => "balance".to_string(),
    };
    let minimum = schedule
        .minimum
        .as_ref()
        .map(|m| format!("the minimum {} {currency}", m.amount.amount));
    let paperwork = schedule
        .withheld
        .as_ref()
        .map_or(String::new(), |w| w.until.name.clone());
    for step in &b.steps {
        let text = match *step {
            BalanceStep::Statement {
                close,
                pay,
                balance,
                outcome,
            } => {
                let head = format!("{label}: {balance} {currency} on the statement closing {close}");
                match outcome {
                    StepOutcome::Paid => match &minimum {
                        Some(m) => format!("{head}, at least {m}: paid by {pay}"),
                        None => format!("{head}, paperwork `{paperwork}` in: paid by {pay}"),
                    },
                    StepOutcome::BelowMinimum => format!(
                        "{head}, below {}: carried forward",
                        minimum.as_deref().unwrap_or("the minimum")
                    ),
                    StepOutcome::Withheld => format!(
                        "{head}: withheld, paperwork `{paperwork}` not in by {pay}; carried forward"
                    ),
                    StepOutcome::PaidOnLeaving(left) => format!(
                        "{head}, the first after the contract ended on {left}: paid by {pay} whatever the minimum (balance paid on leaving)"
                    ),
                    StepOutcome::ForfeitedOnLeaving(left) => format!(
                        "{head}, below {} and the first after the contract ended on {left}: forfeited on {pay} (balance forfeited on leaving)",
                        minimum.as_deref().unwrap_or("the minimum")
                    ),
                }
            }
            BalanceStep::PaperworkMissing { first, deadline } => format!(
                "{label}: paperwork `{paperwork}` not in by {deadline}, the deadline counted from the statement paid {first}: forfeited on {deadline}"
            ),
            BalanceStep::Open { as_of, close, pay } => format!(
                "{label}: still carried forward on {as_of}; next statement closing {close}, paid by {pay} at the earliest"
            ),
        };
        s.line(&text);
    }
}

/// Writes a forfeiture's explanation.
pub(crate) fn write_forfeit<S: Lines + ?Sized>(
    currency: &str,
    amount: Decimal,
    earned: NaiveDate,
    forfeit: &Forfeit,
    s: &mut S,
) {
    let text = match *forfeit {
        Forfeit::Leaving {
            left,
            close,
            balance,
        } => format!(
            "forfeited: the {amount} {currency} earned on {earned}, part of a balance of {balance} {currency} below the minimum on the statement closing {close}, the first after the contract ended on {left} (balance forfeited on leaving)"
        ),
        Forfeit::Paperwork { first, deadline } => format!(
            "forfeited: the {amount} {currency} earned on {earned}, withheld since the statement paid {first}, and the paperwork was not in by {deadline}"
        ),
    };
    s.line(&text);
}
