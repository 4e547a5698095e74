//! Payout timing: when an amount earned is due (LANGUAGE.md §4, Due dates).

use crate::explain::{statement_due, DueFrom, DueWhy};
use crate::payouts::PartnerRun;
use charter_ir::{PayoutAnchor, PayoutSchedule, PayoutTiming};
use chrono::NaiveDate;

impl PartnerRun<'_, '_> {
    /// The due date of an amount earned on `earned` (on an invoice issued on
    /// `invoice_date`) under `schedule` (the plan's schedule number `index`).
    pub(crate) fn due(
        &self,
        schedule: Option<&PayoutSchedule>,
        index: Option<usize>,
        earned: NaiveDate,
        invoice_date: NaiveDate,
    ) -> (NaiveDate, DueWhy) {
        let holidays = self.plan.holidays;
        let (Some(schedule), Some(index)) = (schedule, index) else {
            return (earned, DueWhy::Unscheduled);
        };
        let index = u16::try_from(index).unwrap_or(u16::MAX);
        let held = match schedule.hold {
            Some(h) => h.after(earned, holidays),
            None => earned,
        };
        match &schedule.timing {
            PayoutTiming::Within {
                delay,
                full,
                anchor,
            } => {
                let (from, what) = match anchor {
                    PayoutAnchor::Invoice => (invoice_date.max(held), DueFrom::Invoice),
                    PayoutAnchor::Payment | PayoutAnchor::Collection if *full => {
                        (held, DueFrom::FullPayment)
                    }
                    PayoutAnchor::Payment | PayoutAnchor::Collection => (held, DueFrom::Payment),
                };
                (
                    delay.after(from, holidays),
                    DueWhy::Within {
                        schedule: index,
                        from,
                        what,
                    },
                )
            }
            PayoutTiming::MonthlyStatement { week, .. } => (
                statement_due(held, *week),
                DueWhy::Statement {
                    schedule: index,
                    held,
                },
            ),
            PayoutTiming::Statement { period, delay, .. } => (
                delay.after(period.end_of(held), holidays),
                DueWhy::Statement {
                    schedule: index,
                    held,
                },
            ),
            PayoutTiming::NettedAtSource => (earned, DueWhy::Netted),
        }
    }
}
