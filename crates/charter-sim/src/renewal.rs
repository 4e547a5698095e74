//! Renewal after a performance review (LANGUAGE.md §4, Contract end):
//! under `contract { term T, renews after review }` the vendor's review
//! decides each renewal. A partner's terms run from its `joined` date, one
//! after another; the last review of a term decides it: an `activity` of
//! kind `review_failed` ends the contract on the term's last day (as a
//! notice would, with the termination effects), one of kind `review`
//! renews it. A term without a review renews (nothing says otherwise), and a
//! partner without `joined` has no terms to end. Partner-local: the
//! partner's activities so far, in replay order.

use crate::payouts::PartnerRun;
use charter_ir::RenewalMode;
use chrono::NaiveDate;

impl PartnerRun<'_, '_> {
    /// The day the partner's contract ends, as far as the replay has seen:
    /// its notice's end, or the last day of the first term whose last
    /// review declined the renewal, whichever comes first.
    pub(crate) fn contract_end(&self) -> Option<NaiveDate> {
        let declined = self.declined_term_end();
        match (self.st.contract_end, declined) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn declined_term_end(&self) -> Option<NaiveDate> {
        let terms = self.plan.program.contract.as_ref()?;
        if terms.renewal != Some(RenewalMode::AfterReview) {
            return None;
        }
        let term = terms.term?;
        let joined = self.stat.joined?;
        let names = &self.scenario.names;
        let failed = names.find_symbol("review_failed")?;
        let passed = names.find_symbol("review");
        // The first day of the term after the one being swept.
        let mut next = term.after(joined, self.plan.holidays);
        let mut last_failed = false;
        for &(date, kind) in &self.st.activities {
            if (kind != failed && Some(kind) != passed) || date < joined {
                continue;
            }
            while date >= next {
                if last_failed {
                    return next.pred_opt();
                }
                let after = term.after(next, self.plan.holidays);
                if after <= next {
                    return None;
                }
                next = after;
            }
            last_failed = kind == failed;
        }
        if last_failed {
            next.pred_opt()
        } else {
            None
        }
    }
}
