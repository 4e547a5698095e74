//! §4 **Due dates.**
//!
//! > Earning date, plus `hold`, plus the delay (for `after invoice`, from the
//! > invoice date if later); a statement is due at the end of week N of the
//! > next month; netted at source, at once. A month after January 31 is the
//! > end of February.
//!
//! And §3 (`payout`): "A commission is paid on its own `payout` clause, else
//! its tier's, track's or module's, else the top-level one […] Without any,
//! money is due when earned." The reference reads "its tier's, track's or
//! module's" as the payout of the commission's (or bonus's) scope.
//!
//! A statement per period (`statement per quarter, paid within 30 days`) is
//! due D after the last day of the period holding the held date (§4 Due
//! dates; periods: the 1st–15th and 16th–last of a month, a month, a calendar
//! quarter, a calendar year).
//!
//! The end of week N of a month is its day 7 × N, or its last day if the month
//! is shorter. A hold is added before any timing, netting at source included.
//! A clawback's due date is reckoned the same way from the refund's date.
//!
//! Calendar arithmetic is `charter_ir::Duration::after`, whose definition
//! (months clamp to the month's last day; business days skip Saturdays,
//! Sundays and the program's holidays) is LANGUAGE.md §2's.

use charter_ir::{PayoutAnchor, PayoutSchedule, PayoutTiming, Scope};
use chrono::{Datelike, Months, NaiveDate};

use crate::world::World;

/// The payout schedule of a rule: its own, else its scope's, else the program's.
pub fn schedule<'a>(
    world: &World<'a>,
    scope: &Scope,
    own: Option<&'a PayoutSchedule>,
) -> Option<&'a PayoutSchedule> {
    own.or_else(|| world.program.payouts.iter().find(|p| p.scope == *scope))
        .or_else(|| {
            world
                .program
                .payouts
                .iter()
                .find(|p| p.scope == Scope::Program)
        })
}

/// The last day of week `week` of the month after `date`'s.
pub(crate) fn statement_day(date: NaiveDate, week: u32) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let after = next.checked_add_months(Months::new(1)).unwrap_or(next);
    let last = after.pred_opt().unwrap_or(next);
    next.with_day(7 * week)
        .filter(|d| *d <= last)
        .unwrap_or(last)
}

/// When money earned on `earned` under a rule of `scope` (with its own
/// schedule `own`) falls due; `invoice_date` for `after invoice`.
pub fn due(
    world: &World,
    scope: &Scope,
    own: Option<&PayoutSchedule>,
    earned: NaiveDate,
    invoice_date: Option<NaiveDate>,
) -> NaiveDate {
    let Some(schedule) = schedule(world, scope, own) else {
        return earned;
    };
    let holidays = world.holidays();
    let held = match schedule.hold {
        Some(h) => h.after(earned, holidays),
        None => earned,
    };
    match &schedule.timing {
        PayoutTiming::Within { delay, anchor, .. } => {
            let start = match (anchor, invoice_date) {
                (PayoutAnchor::Invoice, Some(invoice)) => held.max(invoice),
                _ => held,
            };
            delay.after(start, holidays)
        }
        PayoutTiming::MonthlyStatement { week, .. } => statement_day(held, *week),
        PayoutTiming::Statement { period, delay, .. } => delay.after(period.end_of(held), holidays),
        PayoutTiming::NettedAtSource => held,
    }
}
