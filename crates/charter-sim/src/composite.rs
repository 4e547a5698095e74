//! Composite tier metrics (LANGUAGE.md §7 "Composite tier metrics"):
//! revenue from new customers, points as a weighted sum of measured sources,
//! and `any of` — one alternative met in each consecutive period from the
//! partner's `joined` date, lapsing for good (or until met again) after a
//! period with none. Also the text explanations show of why a partner is in
//! its tier when its tiers measure these.

use crate::partner::PartnerState;
use crate::payouts::PartnerRun;
use crate::plan::TierId;
use crate::standing::{compare, period_text, period_windows};
use crate::Assume;
use charter_ir::*;
use charter_scenario::CustomerId;
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl PartnerState {
    /// Records a customer won by the partner: an invoice credited to it on the
    /// day of the customer's first invoice (once per customer).
    pub fn note_new_customer(&mut self, customer: CustomerId, date: NaiveDate, first: NaiveDate) {
        if first != date {
            return;
        }
        let same_day = self.won.iter().rev().take_while(|(d, _)| *d == date);
        if same_day.clone().any(|(_, c)| *c == customer) {
            return;
        }
        self.won.push((date, customer));
    }

    /// Customers won in the window `(from, to]`.
    pub fn won_between(&self, (from, to): (NaiveDate, NaiveDate)) -> usize {
        let end = self.won.partition_point(|(d, _)| *d <= to);
        let start = self.won.partition_point(|(d, _)| *d <= from);
        end - start
    }

    /// The value invoiced in the window `(from, to]`, to every customer or
    /// (`from new customers`) to customers first invoiced in that window.
    pub fn revenue_between(
        &self,
        new_customers: bool,
        (from, to): (NaiveDate, NaiveDate),
    ) -> Decimal {
        if !new_customers {
            return self.invoiced_between(from, to);
        }
        let end = self.invoiced.partition_point(|(d, _)| *d <= to);
        let start = self.invoiced.partition_point(|(d, _)| *d <= from);
        (start..end)
            .filter(|&i| self.invoiced_first[i] > from && self.invoiced_first[i] <= to)
            .map(|i| self.invoiced[i].1)
            .sum()
    }
}

/// A points sum measured over one window: the total and its parts
/// (`3 × 2 new customer`).
pub(crate) struct PointsSum {
    pub total: Decimal,
    pub parts: Vec<String>,
}

impl PartnerRun<'_, '_> {
    /// The points of `p` in the window `(from, to]`, exactly.
    pub(crate) fn points_between(&self, p: &Points, window: (NaiveDate, NaiveDate)) -> PointsSum {
        let currency = self.plan.currency;
        let mut total = Decimal::ZERO;
        let mut parts = Vec::with_capacity(p.terms.len());
        for term in &p.terms {
            let (measured, shown) = match &term.source {
                PointsSource::NewCustomer => {
                    let n = Decimal::from(self.st.won_between(window));
                    (n, format!("{n} new customer"))
                }
                PointsSource::Revenue { per } => {
                    let revenue = self.st.revenue_between(false, window);
                    (
                        revenue / per.amount,
                        format!("{revenue} {currency} revenue / {} {currency}", per.amount),
                    )
                }
                PointsSource::Count {
                    event,
                    activity,
                    within_after,
                } => {
                    let n = self.count_between(*event, activity.as_ref(), *within_after, window);
                    (Decimal::from(n), format!("{n} {}", term.source.text()))
                }
            };
            total += term.weight * measured;
            parts.push(format!("{} × {shown}", term.weight.normalize()));
        }
        PointsSum {
            total: total.normalize(),
            parts,
        }
    }

    /// Why the partner fails a `points` requirement on `date`, if it does:
    /// the period so far, or for `per contract year` also the whole contract
    /// year before, must reach the threshold.
    pub(crate) fn points_fail(&self, p: &Points, date: NaiveDate) -> Option<String> {
        let (now, before) = period_windows(
            p.period.as_ref(),
            date,
            self.plan.holidays,
            self.stat.joined,
        );
        let sum = self.points_between(p, now);
        let met = compare(sum.total, p.comparator, p.threshold)
            || before.is_some_and(|w| {
                compare(self.points_between(p, w).total, p.comparator, p.threshold)
            });
        (!met).then(|| {
            format!(
                "its points{} are {} = {}, and the requirement is {} {}",
                period_text(p.period.as_ref()),
                sum.parts.join(" + "),
                sum.total,
                p.comparator.as_str(),
                p.threshold.normalize()
            )
        })
    }

    /// Whether one alternative of `any of` is met over the window `(from, to]`.
    fn alternative_met(&self, kind: &RequirementKind, window: (NaiveDate, NaiveDate)) -> bool {
        match kind {
            RequirementKind::Count {
                event,
                activity,
                within_after,
                comparator,
                count,
                period: _,
            } => {
                let n = self.count_between(*event, activity.as_ref(), *within_after, window);
                compare(Decimal::from(n), *comparator, Decimal::from(*count))
            }
            RequirementKind::Revenue {
                new_customers,
                threshold,
                period: _,
            } => {
                let (comparator, target) = match threshold {
                    RevenueThreshold::Amount { comparator, amount } => (*comparator, amount.amount),
                    RevenueThreshold::SetIndividually => match self.stat.revenue_target {
                        Some(t) => (Comparator::Ge, t),
                        None => return self.plan.assume == Assume::Met,
                    },
                };
                compare(
                    self.st.revenue_between(*new_customers, window),
                    comparator,
                    target,
                )
            }
            RequirementKind::Points(p) => compare(
                self.points_between(p, window).total,
                p.comparator,
                p.threshold,
            ),
            RequirementKind::Mrr(m) => self.mrr_met_between(m, window),
            // The checker refuses these as alternatives (C0704).
            RequirementKind::Contract
            | RequirementKind::Agreement { .. }
            | RequirementKind::Staff { .. }
            | RequirementKind::AnyOf(_)
            | RequirementKind::Text { .. } => false,
        }
    }

    /// Whether some alternative is met in the period `[start, end)` as seen
    /// on `date` (the part of it up to `date`).
    fn period_met(&self, a: &AnyOf, (start, end): (NaiveDate, NaiveDate), date: NaiveDate) -> bool {
        let eve = start.pred_opt().unwrap_or(NaiveDate::MIN);
        let last = end.pred_opt().unwrap_or(end).min(date);
        a.alternatives
            .iter()
            .any(|(kind, _)| self.alternative_met(kind, (eve, last)))
    }

    /// Why the partner fails `any of … each D from joined` on `date`, if it
    /// does. Periods run `[joined + k·D, joined + (k+1)·D)`; the first (and
    /// any day before joining) asks nothing yet. Once a whole period passed
    /// with no alternative met, the requirement fails from the next period's
    /// first day on: for good, or (`until met again`) until an alternative is
    /// met in the period under way — and in the period after that, the
    /// period before it counts.
    pub(crate) fn any_of_fails(
        &self,
        a: &AnyOf,
        joined: NaiveDate,
        date: NaiveDate,
    ) -> Option<String> {
        let holidays = self.plan.holidays;
        let mut k = 0u32;
        let mut lapsed: Option<(NaiveDate, NaiveDate)> = None;
        loop {
            let (start, end) = units::any_of_period(joined, a.every, k, holidays);
            if end > date || end <= start {
                break;
            }
            // The whole period `k` has passed.
            let met = self.period_met(a, (start, end), date);
            match a.lapse {
                Lapse::ForGood => {
                    if !met {
                        lapsed = Some((start, end));
                        break;
                    }
                }
                Lapse::UntilMetAgain => lapsed = (!met).then_some((start, end)),
            }
            k += 1;
        }
        let (start, end) = lapsed?;
        if a.lapse == Lapse::UntilMetAgain {
            // The period under way (the `k`-th) may have met it again.
            let current = units::any_of_period(joined, a.every, k, holidays);
            if self.period_met(a, current, date) {
                return None;
            }
        }
        let last = end.pred_opt().unwrap_or(end);
        Some(format!(
            "no alternative of `any of` was met in the period {start} to {last} (each {} from joined {joined}), so it lapsed on {end} {}",
            a.every,
            match a.lapse {
                Lapse::ForGood => "for good",
                Lapse::UntilMetAgain => "until an alternative is met again",
            }
        ))
    }

    /// Why the partner misses the lowest tier on `date`, when a composite
    /// metric is the reason (`tier `Registered`: no alternative of `any of`
    /// was met …`): said where a rate by tier finds no tier.
    pub(crate) fn lowest_tier_unmet(&self, date: NaiveDate) -> Option<String> {
        let plan = self.plan;
        let tier = plan.program.tiers.first()?;
        plan.tier_requirements.first()?.iter().find_map(|&r| {
            match &plan.requirements[r].req.kind {
                RequirementKind::Points(_)
                | RequirementKind::Mrr(_)
                | RequirementKind::AnyOf(_) => {}
                RequirementKind::Revenue { new_customers, .. } if *new_customers => {}
                RequirementKind::Contract
                | RequirementKind::Agreement { .. }
                | RequirementKind::Staff { .. }
                | RequirementKind::Count { .. }
                | RequirementKind::Revenue { .. }
                | RequirementKind::Text { .. } => return None,
            }
            self.requirement_fails(r, date)
                .map(|why| format!("tier `{}`: {why}", tier.name.name))
        })
    }

    /// For explanations: how `any of` holds on `date` (`any of … each 12
    /// months from joined 2025-01-01: 1 whole period, each met; the period
    /// from 2026-01-01 is under way`).
    fn any_of_status(&self, a: &AnyOf, joined: NaiveDate, date: NaiveDate) -> String {
        let holidays = self.plan.holidays;
        let mut k = 0u32;
        loop {
            let (start, end) = units::any_of_period(joined, a.every, k, holidays);
            if end > date || end <= start {
                break;
            }
            k += 1;
        }
        let head = format!("any of … each {} from joined {joined}", a.every);
        let (current, _) = units::any_of_period(joined, a.every, k, holidays);
        if k == 0 {
            return format!("{head}: the first period, under way, asks nothing yet");
        }
        let (last_start, last_end) = units::any_of_period(joined, a.every, k - 1, holidays);
        if a.lapse == Lapse::UntilMetAgain && !self.period_met(a, (last_start, last_end), date) {
            return format!(
                "{head}: the period {last_start} to {} passed with none, and the period from {current} met it again",
                last_end.pred_opt().unwrap_or(last_end)
            );
        }
        let whole = if k == 1 {
            "1 whole period".to_string()
        } else {
            format!("{k} whole periods")
        };
        let which = match a.lapse {
            Lapse::ForGood => "each met",
            Lapse::UntilMetAgain => "the last one met",
        };
        format!("{head}: {whole}, {which}; the period from {current} is under way")
    }

    /// For explanations: what the composite metrics of `tier` and the tiers
    /// below it measure for the partner on `date`, joined by `; `
    /// (`TIER: points per year (2026-01-01..2026-06-30) = 3 × 2 new customer
    /// plus 1 × 4 activity certification = 10, required >= 10`); `None` when
    /// its tiers measure none.
    pub(crate) fn standing_reasons(&self, tier: TierId, date: NaiveDate) -> Option<String> {
        let plan = self.plan;
        let mut lines: Vec<String> = Vec::new();
        for (t, reqs) in plan
            .program
            .tiers
            .iter()
            .zip(&plan.tier_requirements)
            .take(usize::from(tier.0) + 1)
        {
            for &r in reqs {
                let req = &plan.requirements[r].req;
                let text = match &req.kind {
                    RequirementKind::Points(p) => {
                        let (now, _) = period_windows(
                            p.period.as_ref(),
                            date,
                            plan.holidays,
                            self.stat.joined,
                        );
                        let sum = self.points_between(p, now);
                        format!(
                            "points{} ({}..{}) = {} = {}, required {} {}",
                            period_text(p.period.as_ref()),
                            now.0.succ_opt().unwrap_or(now.0),
                            now.1,
                            sum.parts.join(" + "),
                            sum.total,
                            p.comparator.as_str(),
                            p.threshold.normalize()
                        )
                    }
                    RequirementKind::Revenue {
                        new_customers: true,
                        period,
                        threshold: RevenueThreshold::Amount { comparator, amount },
                    } => {
                        let (now, _) =
                            period_windows(period.as_ref(), date, plan.holidays, self.stat.joined);
                        format!(
                            "revenue from new customers{} ({}..{}) = {} {}, required {} {}",
                            period_text(period.as_ref()),
                            now.0.succ_opt().unwrap_or(now.0),
                            now.1,
                            self.st.revenue_between(true, now),
                            plan.currency,
                            comparator.as_str(),
                            amount.amount
                        )
                    }
                    RequirementKind::Mrr(m) => self.mrr_status(m, date),
                    RequirementKind::AnyOf(a) => match self.stat.joined {
                        Some(joined) => self.any_of_status(a, joined, date),
                        None => continue,
                    },
                    RequirementKind::Contract
                    | RequirementKind::Agreement { .. }
                    | RequirementKind::Staff { .. }
                    | RequirementKind::Count { .. }
                    | RequirementKind::Revenue { .. }
                    | RequirementKind::Text { .. } => continue,
                };
                lines.push(format!("{}: {text}", t.name.name));
            }
        }
        (!lines.is_empty()).then(|| lines.join("; "))
    }
}
