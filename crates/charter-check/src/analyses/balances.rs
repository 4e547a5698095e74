//! Payout balances: C1005 balance-without-statement, C1004 minimum-unreachable.
//!
//! `minimum M` and `withheld until KIND` act on statements (LANGUAGE.md §4,
//! Balances): a payout `within D after …` or `netted at source` has none, so
//! the clause is an error there (C1005). A minimum no balance can reach —
//! everything paid on the schedule is bounded: no commission, only `once`
//! bonuses summing below M — is a warning (C1004): that money is paid (or
//! forfeited) only when the partner leaves.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::{BonusFrequency, PayoutSchedule, PayoutTiming, Scope};
use rust_decimal::Decimal;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for s in cx.payout_schedules() {
        if cx.has_error_within(s.span) {
            continue;
        }
        if let Some(d) = without_statement(s) {
            out.push(d);
        } else if let Some(d) = unreachable_minimum(cx, s) {
            out.push(d);
        }
    }
}

fn without_statement(s: &PayoutSchedule) -> Option<Diagnostic> {
    let what = match s.timing {
        PayoutTiming::Within { .. } => "each amount is paid on its own",
        PayoutTiming::NettedAtSource => "the partner keeps each amount at once",
        PayoutTiming::MonthlyStatement { .. } | PayoutTiming::Statement { .. } => return None,
    };
    let (clause, span) = match (&s.minimum, &s.withheld) {
        (Some(m), _) => ("a minimum", m.span),
        (None, Some(w)) => ("withholding", w.span),
        (None, None) => return None,
    };
    Some(
        Diagnostic::new(
            Code::BalanceWithoutStatement,
            format!("{clause} needs statements, but this payout has none: {what}"),
            span,
        )
        .with_label(s.span, "no statement to carry a balance to")
        .with_help("pay on statements: `payout statement per month, paid within 30 days, …`"),
    )
}

fn unreachable_minimum(cx: &Context<'_>, s: &PayoutSchedule) -> Option<Diagnostic> {
    let m = s.minimum.as_ref()?;
    let program = cx.program;
    let on_this = |x: Option<&PayoutSchedule>| x.is_some_and(|x| std::ptr::eq(x, s));
    if program
        .commissions
        .iter()
        .any(|c| on_this(program.schedule_of(c)))
    {
        return None;
    }
    let mut bonuses = program.bonuses.iter().filter(|b| {
        on_this(
            program
                .payouts
                .iter()
                .find(|p| p.scope == b.scope)
                .or_else(|| program.payouts.iter().find(|p| p.scope == Scope::Program)),
        )
    });
    let mut most = Decimal::ZERO;
    let mut any = false;
    for b in bonuses.by_ref() {
        if b.frequency != BonusFrequency::Once {
            return None;
        }
        any = true;
        most += b.amount.amount;
    }
    if !any || most >= m.amount.amount {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::MinimumUnreachable,
            format!(
                "no balance can reach the minimum of {}: this schedule pays at most {} {}, in bonuses paid once",
                m.amount,
                most.normalize(),
                m.amount.currency
            ),
            m.span,
        )
        .with_label(s.span, "no commission is paid on this schedule")
        .with_help("lower the minimum, or pay these bonuses on another schedule"),
    )
}
