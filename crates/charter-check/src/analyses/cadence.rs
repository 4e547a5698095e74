//! Payout cadence: C1003 statement-paid-after-next-closes.
//!
//! A statement per period (`statement per quarter, paid within D`) is paid D
//! after the period ends. When D is at least as long as the shortest period
//! (13 days for `twice per month`, 28 for a month, 90 for a quarter, 365 for a
//! year), the next statement closes before this one is paid: the cadence the
//! policy states is not the one partners see. Business days count as calendar
//! days here, so the check only warns when it is sure.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::{PayoutSchedule, PayoutTiming, StatementPeriod};

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for s in cx.payout_schedules() {
        if let Some(d) = paid_after_next_closes(s) {
            if !cx.has_error_within(s.span) {
                out.push(d);
            }
        }
    }
}

fn paid_after_next_closes(s: &PayoutSchedule) -> Option<Diagnostic> {
    let PayoutTiming::Statement { period, delay, .. } = s.timing else {
        return None;
    };
    let shortest: u64 = match period {
        StatementPeriod::HalfMonth => 13,
        StatementPeriod::Month => 28,
        StatementPeriod::Quarter => 90,
        StatementPeriod::Year => 365,
    };
    if delay.min_days() < shortest {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::StatementPaidAfterNextCloses,
            format!(
                "a statement {} paid within {delay} is paid after the next statement closes",
                period.as_str()
            ),
            s.span,
        )
        .with_primary_label(format!("the shortest period is {shortest} days"))
        .with_help("pay each statement before the next one closes, or choose a longer period"),
    )
}
