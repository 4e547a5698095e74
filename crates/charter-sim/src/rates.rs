//! Rates: flat, by tier, by brackets (whole amount, retroactive, marginal),
//! uplifts and bounds; the metrics brackets and conditions read; and the
//! retroactive top-ups a bracket change triggers.

use crate::caps::CapLets;
use crate::commission::{account, settled_why};
use crate::explain::{find_bracket, marginal, BoundWhy, RateWhy, Shown, Why};
use crate::money::Exact;
use crate::payouts::{PartnerRun, PayoutRec, RuleRef};
use crate::plan::RuleId;
use crate::standing::compare;
use charter_ir::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A rate and how it was reached.
pub(crate) struct Rated {
    /// In percent, exact.
    pub rate: Exact,
    pub why: RateWhy,
    pub uplifts: u64,
    pub bound: BoundWhy,
    /// A retroactive bracket: the trailing period's start and the new rate.
    pub retroactive: Option<(NaiveDate, Decimal)>,
}

impl PartnerRun<'_, '_> {
    /// The rate of rule `r` for the partner on a date, or why there is none:
    /// on `base`, earned by a sale of `amount` (the payment's own amount,
    /// what the partner's sales grew by: less than the base for a payment
    /// that pays its invoice in full, `after full payment`).
    pub(crate) fn rate(
        &mut self,
        r: RuleId,
        date: NaiveDate,
        base: Decimal,
        amount: Decimal,
    ) -> Result<Rated, String> {
        let plan = self.plan;
        let rule = &plan.program.commissions[r.0 as usize];
        let mut retroactive = None;
        let (mut rate, why) = match &rule.rate {
            RateSpec::Flat { rate } => (Exact::from_decimal(rate.0), RateWhy::Flat),
            // Not a percentage: the commission pays the amount itself.
            RateSpec::Fixed { .. } => (Exact::from_decimal(Decimal::ZERO), RateWhy::Fixed),
            RateSpec::ByTier { .. } => {
                let Some(tier) = self.standing_at(date) else {
                    return Err(format!(
                        "the partner has reached no tier{}, and the rate is set by tier",
                        self.lowest_tier_unmet(date)
                            .map(|why| format!(" ({why})"))
                            .unwrap_or_default()
                    ));
                };
                match plan.rules[r.0 as usize].tier_rates.get(tier.0 as usize) {
                    Some(Some(rate)) => (Exact::from_decimal(rate.0), RateWhy::Tier { tier, date }),
                    _ => {
                        return Err(format!(
                            "the rate table names no rate for tier `{}`",
                            plan.program.tiers[tier.0 as usize].name.name
                        ))
                    }
                }
            }
            RateSpec::Brackets { table } => {
                let from = table.metric.trailing.before(date, plan.holidays);
                let after = self.metric_value(&table.metric, date);
                let before = match table.metric.kind {
                    MetricKind::Sales => after - amount,
                    MetricKind::Orders | MetricKind::Customers => after,
                };
                match table.mode.unwrap_or(BracketMode::WholeAmount) {
                    BracketMode::WholeAmount => {
                        // The volume reached before this payment sets its rate:
                        // a new partner's first sale earns the starting rate.
                        let rate = find_bracket(&table.brackets, before)
                            .map_or(Decimal::ZERO, |b| b.rate.0);
                        (
                            Exact::from_decimal(rate),
                            RateWhy::Whole { before, from, date },
                        )
                    }
                    BracketMode::Retroactive => {
                        let rate = find_bracket(&table.brackets, after)
                            .map_or(Decimal::ZERO, |b| b.rate.0);
                        retroactive = Some((from, rate));
                        (
                            Exact::from_decimal(rate),
                            RateWhy::Retroactive { after, from, date },
                        )
                    }
                    BracketMode::Marginal => {
                        let (rate, _) = marginal(&table.brackets, before, after, base);
                        (
                            rate,
                            RateWhy::Marginal {
                                before,
                                after,
                                from,
                                date,
                            },
                        )
                    }
                }
            }
        };
        let mut uplifts = 0u64;
        for (i, u) in rule.uplifts.iter().enumerate() {
            if self.condition_holds(&u.condition, date) {
                rate = rate.add(&Exact::from_decimal(u.amount.0));
                if i < 64 {
                    uplifts |= 1 << i;
                }
            }
        }
        let mut bound = BoundWhy::None;
        if let Some((low, high, _)) = rule.bounds {
            if rate > Exact::from_decimal(high.0) {
                rate = Exact::from_decimal(high.0);
                bound = BoundWhy::Capped;
            } else if rate < Exact::from_decimal(low.0) {
                rate = Exact::from_decimal(low.0);
                bound = BoundWhy::Raised;
            }
        }
        Ok(Rated {
            rate,
            why,
            uplifts,
            bound,
            retroactive,
        })
    }

    /// Tops up the partner's earlier payments under rule `r` in the trailing
    /// period to `rate`; each top-up joins its invoice's running total.
    /// Returns the top-up payouts, not yet reported.
    pub(crate) fn retroactive_top_ups(
        &mut self,
        r: RuleId,
        date: NaiveDate,
        from: NaiveDate,
        rate: Decimal,
    ) -> Vec<PayoutRec> {
        let plan = self.plan;
        let rp = &plan.rules[r.0 as usize];
        let schedule = plan.schedule(r);
        let mut out = Vec::new();
        for i in 0..self.st.ledger.len() {
            let e = &self.st.ledger[i];
            if !(e.rule == r.0 && e.date > from && e.date <= date && e.rate < rate) {
                continue;
            }
            let (base, old, share, customer, invoice, paid_on, invoice_date) = (
                e.base,
                e.rate,
                e.share,
                e.customer,
                e.invoice,
                e.date,
                e.invoice_date,
            );
            let raw = Exact::percent(base)
                .mul_decimal(rate - old)
                .mul_decimal(share);
            self.st.ledger[i].rate = rate;
            // A top-up is an earning of its own day: a money cap cuts it too.
            let capped = !plan.program.commissions[r.0 as usize].caps.is_empty();
            let (earned, cut) = match capped.then(|| self.capped(r, date, &raw)) {
                None | Some(CapLets::All(_)) => (raw.clone(), None),
                Some(CapLets::Cut(cut, why)) => (cut, why.cut),
                Some(CapLets::Nothing(cap, start)) => {
                    let what = format!("{date} (a top-up of the payment of {paid_on})");
                    self.cap_reached(r, cap, start, Some(customer), &what);
                    continue;
                }
            };
            let rounding = plan.rounding;
            let settled = account(&mut self.st.books, invoice, r, Decimal::ZERO, |a| {
                a.earn(&earned, rounding)
            });
            if capped {
                self.cap_paid(r, date, settled.amount);
            }
            let (due, due_why) = self.due(schedule, rp.schedule, date, invoice_date);
            let why = self.explain.then(|| {
                Box::new(Why::TopUp {
                    rule: r,
                    rate,
                    old,
                    paid_on,
                    share,
                    raw: Shown::of(&raw),
                    cut,
                    settled: settled_why(&settled, None),
                    due: due_why,
                })
            });
            out.push(PayoutRec {
                key: (self.seq, self.sub, 0),
                partner: self.id,
                customer: Some(customer),
                invoice: Some(invoice),
                rule: RuleRef::Commission(r),
                base,
                rate: Some((rate - old).normalize()),
                amount: settled.amount,
                earned: date,
                due,
                settlement: rp.settlement,
                why,
                path: self
                    .st
                    .books
                    .get(&invoice)
                    .and_then(|b| b.commissions.iter().find(|c| c.rule == r.0))
                    .and_then(|c| c.path),
            });
        }
        out
    }

    pub(crate) fn metric_value(&self, metric: &Metric, date: NaiveDate) -> Decimal {
        let from = metric.trailing.before(date, self.plan.holidays);
        let count = |list: &[NaiveDate]| {
            let end = list.partition_point(|d| *d <= date);
            let start = list.partition_point(|d| *d <= from);
            Decimal::from(end.saturating_sub(start))
        };
        match metric.kind {
            MetricKind::Sales => self.st.sales_between(from, date),
            MetricKind::Orders => count(&self.st.orders),
            // The customers the partner holds on the day under the claims
            // rule, through a claim that took effect in the period: one it
            // lost to another partner's claim no longer counts.
            MetricKind::Customers => Decimal::from(
                self.st
                    .owned
                    .values()
                    .filter(|spans| {
                        spans.iter().any(|s| {
                            s.from <= date
                                && s.until.is_none_or(|u| date < u)
                                && s.claim > from
                                && s.claim <= date
                        })
                    })
                    .count(),
            ),
        }
    }

    pub(crate) fn condition_holds(&self, condition: &Condition, date: NaiveDate) -> bool {
        match condition {
            Condition::Staff {
                qualification,
                comparator,
                count,
            } => {
                let n = self
                    .plan
                    .qualification(&qualification.name)
                    .map_or(0, |q| self.st.staff_at(self.stat, q, date));
                compare(Decimal::from(n), *comparator, Decimal::from(*count))
            }
            Condition::Metric {
                metric,
                comparator,
                threshold,
            } => compare(self.metric_value(metric, date), *comparator, *threshold),
            Condition::Elected { benefit } => self
                .plan
                .benefit_id(&benefit.name)
                .is_some_and(|b| self.stat.elected.contains(&b)),
        }
    }
}
