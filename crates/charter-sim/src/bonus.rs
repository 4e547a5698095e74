//! Bonuses (LANGUAGE.md §4, Bonuses): like a commission, a bonus needs the
//! partner in its scope and the program's requirements and its track's or
//! module's met; it is paid once, or once per calendar year.

use crate::explain::Why;
use crate::findings::{Finding, FindingCode};
use crate::payouts::{PartnerRun, RuleRef};
use crate::plan::BonusId;
use charter_ir::{BonusFrequency, Settlement};
use chrono::{Datelike, NaiveDate};

impl PartnerRun<'_, '_> {
    /// The bonuses the partner earns after a payment of one of its customers.
    pub(crate) fn bonuses(&mut self, date: NaiveDate) {
        let plan = self.plan;
        for (b, bonus) in plan.program.bonuses.iter().enumerate() {
            let id = BonusId(b as u16);
            let bp = &plan.bonuses[b];
            if !self.in_scope(bp.scope, date) {
                continue;
            }
            // A dated version of a bonus is earned only while it is in force.
            if let Some((from, to)) = bonus.in_force {
                if date < from || to.is_some_and(|to| date > to) {
                    continue;
                }
            }
            if plan.program.in_force.is_some_and(|p| !p.covers(date)) {
                continue;
            }
            let already = self.st.bonuses_paid.iter().any(|(x, y)| {
                *x == id.0
                    && match bonus.frequency {
                        BonusFrequency::Once => true,
                        BonusFrequency::OncePerYear => *y == date.year(),
                    }
            });
            if already || !self.condition_holds(&bonus.condition, date) {
                continue;
            }
            if let Some(why) = self.unmet_requirements(&bp.requirements, date) {
                // Keyed apart from the commissions' S0302 (whose third part is 0).
                if !self.seen(FindingCode::RequirementNotMet, b as u32, 1) {
                    let name = self.name();
                    let location = self.location();
                    self.push_finding(
                        Finding::new(
                            FindingCode::RequirementNotMet,
                            format!(
                                "`{name}` earns nothing from bonus `{}` on {date}: {why}",
                                bonus.name.name
                            ),
                        )
                        .partner(name)
                        .rule(bonus.span)
                        .event(location),
                    );
                }
                continue;
            }
            self.st.bonuses_paid.push((id.0, date.year()));
            let schedule = bp.schedule.map(|s| plan.schedules[s]);
            let (due, due_why) = self.due(schedule, bp.schedule, date, date);
            let value = plan.rounding.round_decimal(bonus.amount.amount);
            let why = self.explain.then(|| {
                Box::new(Why::Bonus {
                    bonus: id,
                    due: due_why,
                })
            });
            self.pay(
                None,
                None,
                RuleRef::Bonus(id),
                bonus.amount.amount,
                None,
                value,
                date,
                due,
                Settlement::Transfer,
                why,
            );
        }
    }
}
