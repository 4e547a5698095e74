//! Obligations with deadlines (LANGUAGE.md §4, "Obligations"): each
//! `obligation NAME within D after EVENT` starts at every `activity` of kind
//! EVENT of a partner and is met by the next activity of kind NAME on or
//! after that day (the earliest open start is met first). One met after its
//! due date, or still open past it on the simulation date, is a breach
//! (S0501). Partner-local: it reads only the partner's own activities, at the
//! end of the partner's replay (phase b).

use crate::findings::{Finding, FindingCode};
use crate::payouts::PartnerRun;
use charter_ir::{Obligation, Party, Scope};
use chrono::NaiveDate;

impl PartnerRun<'_, '_> {
    /// Every breach of an obligation with a deadline by (or towards) this
    /// partner, in the policy's order of obligations, then by start date.
    pub(crate) fn obligation_breaches(&self, as_of: NaiveDate) -> Vec<Finding> {
        if !self.stat.declared {
            return Vec::new();
        }
        let mut out = Vec::new();
        for ob in &self.plan.program.obligations {
            let (Some(within), Some(after)) = (ob.within, ob.after.as_deref()) else {
                continue;
            };
            let names = &self.scenario.names;
            let (Some(start), end) = (names.find_symbol(after), names.find_symbol(&ob.name.name))
            else {
                continue;
            };
            // Starts not yet met, oldest first: (start date, due date).
            let mut open: Vec<(NaiveDate, NaiveDate)> = Vec::new();
            for (date, kind) in &self.st.activities {
                if *kind == start && self.bound_by(ob, *date) {
                    open.push((*date, within.after(*date, self.plan.holidays)));
                } else if Some(*kind) == end && !open.is_empty() {
                    let (started, due) = open.remove(0);
                    if *date > due {
                        out.push(self.breach(ob, after, started, due, &format!("met {date}")));
                    }
                }
            }
            for (started, due) in open {
                if as_of > due {
                    out.push(self.breach(ob, after, started, due, "open"));
                }
            }
        }
        out
    }

    /// Whether the obligation binds this partner on a date: its `for`
    /// members, and the tier, track, module or benefit block it is written in.
    fn bound_by(&self, ob: &Obligation, date: NaiveDate) -> bool {
        let plan = self.plan;
        let member = |name: &str| {
            plan.track_id(name)
                .is_some_and(|t| self.stat.in_track(t, self.seq))
                || plan
                    .module_id(name)
                    .is_some_and(|m| self.stat.holds_module(m))
        };
        if !ob.scope.is_empty() && !ob.scope.iter().any(|n| member(&n.name)) {
            return false;
        }
        match &ob.owner {
            Scope::Program => true,
            Scope::Track(n) | Scope::Module(n) => member(n),
            Scope::Tier(n) => plan
                .tier_id(n)
                .is_some_and(|t| self.standing_at(date) == Some(t)),
            Scope::Benefit(n) => plan
                .benefit_id(n)
                .is_some_and(|b| self.receives_benefit(b, date)),
        }
    }

    fn breach(
        &self,
        ob: &Obligation,
        after: &str,
        started: NaiveDate,
        due: NaiveDate,
        met: &str,
    ) -> Finding {
        let name = self.name();
        let who = match ob.party {
            Party::Vendor => "the vendor",
            Party::Partner => "the partner",
        };
        let within = ob.within.map(|d| d.to_string()).unwrap_or_default();
        Finding::new(
            FindingCode::ObligationBreached,
            format!(
                "`{}` ({who}, within {within} after `{after}`) for partner `{name}`: started {started}, due {due}, {met}",
                ob.name.name
            ),
        )
        .partner(name)
        .rule(ob.span)
    }
}
