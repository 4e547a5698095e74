//! Clawbacks: a refund takes back the same share of every commission the
//! partner earned on the invoice, refunded / paid (LANGUAGE.md §4,
//! "Refunds"), unless it comes after the clawback window.

use crate::commission::settled_why;
use crate::explain::{Shown, Why};
use crate::money::Exact;
use crate::payouts::{PartnerRun, RuleRef};
use crate::plan::RuleId;
use charter_scenario::{CustomerId, InvoiceId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl PartnerRun<'_, '_> {
    pub(crate) fn claw_back(
        &mut self,
        invoice: InvoiceId,
        customer: CustomerId,
        refunded: Decimal,
        paid_before: Decimal,
        last_payment: Option<NaiveDate>,
        date: NaiveDate,
    ) {
        let Some(share) = Exact::from_decimal(refunded).div(&Exact::from_decimal(paid_before))
        else {
            return;
        };
        let plan = self.plan;
        let program = plan.program;
        let count = self
            .st
            .books
            .get(&invoice)
            .map_or(0, |b| b.commissions.len());
        for k in 0..count {
            let Some(c) = self
                .st
                .books
                .get_mut(&invoice)
                .and_then(|b| b.commissions.get_mut(k))
            else {
                continue;
            };
            let r = RuleId(c.rule);
            let path = c.path;
            let before = c.account.refundable();
            if before.is_zero() {
                continue;
            }
            let rule = &program.commissions[r.0 as usize];
            let outside = match (&rule.clawback, last_payment) {
                (Some(clawback), Some(last)) => clawback
                    .within
                    .is_some_and(|within| date > within.after(last, plan.holidays)),
                (Some(_), None) | (None, _) => false,
            };
            // A commission cut back unless a tier is reached: its shadow
            // account loses the same share (`cutback.rs`).
            self.st
                .cut_backs
                .refunded(invoice, r, &share, outside, plan.rounding);
            if outside {
                // The commission on the refunded share is kept for good.
                c.account.keep(&share);
                continue;
            }
            let explain = self.explain;
            let kept = Some(c.account.kept())
                .filter(|k| explain && !k.is_zero())
                .map(Shown::of);
            let (taken, settled) = c.account.claw_back(&share, plan.rounding);
            let value = settled.amount;
            if value.is_zero() {
                continue;
            }
            let rp = &plan.rules[r.0 as usize];
            let (due, due_why) = self.due(plan.schedule(r), rp.schedule, date, date);
            // The clawback's rate on the refunded amount: the commission per unit paid.
            let rate = taken
                .mul_decimal(Decimal::ONE_HUNDRED)
                .div(&Exact::from_decimal(refunded))
                .map(|x| x.to_decimal().round_dp(4).normalize());
            let why = self.explain.then(|| {
                Box::new(Why::Clawback {
                    rule: r,
                    refunded,
                    paid_before,
                    before: Shown::of(&before),
                    kept,
                    taken: Shown::of(&taken),
                    settled: settled_why(&settled, None),
                    due: due_why,
                })
            });
            self.pay(
                Some(customer),
                Some(invoice),
                RuleRef::Commission(r),
                -refunded,
                rate,
                value,
                date,
                due,
                rp.settlement,
                why,
            );
            if let Some(p) = self.out.payouts.last_mut() {
                p.path = path;
            }
        }
    }
}
