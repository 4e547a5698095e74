//! Recurring-revenue snapshots (LANGUAGE.md §7 "Composite tier metrics",
//! §4 Tier standing): `managed mrr` and `sold mrr`.
//!
//! An invoice bills `months` months from its date, `[date, date + months)`;
//! its monthly recurring revenue (MRR) is its amount, less what was refunded
//! of it, divided by its months. A subscription's MRR on a day is that of its
//! latest invoice (in the program's currency) whose months cover the day, so
//! a subscription lapses when its months run out without a new invoice.
//! `managed mrr` sums, on the day, the MRR of every subscription of the
//! customers the partner holds under the claims rule; `sold mrr` sums, over
//! the period, the MRR of each subscription first invoiced while the partner
//! held its customer, at that first invoice.
//!
//! Phase (a) tells every partner with a claim on a customer each change to
//! the MRR of the customer's invoices ([`MrrChange`]); a partner claiming
//! later is told those still running. Phase (b) keeps them per subscription
//! ([`MrrBook`]) and answers on any day. Sums are exact: fractions over the
//! months' least common multiple ([`MonthlySum`]).

use crate::payouts::PartnerRun;
use crate::standing::{compare, period_text, period_windows};
use charter_ir::{Mrr, MrrMeasure};
use charter_scenario::{CustomerId, InvoiceId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The last day before an invoice's months run out: `[date, end)` is covered.
pub(crate) fn covered_until(date: NaiveDate, months: u16) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(u32::from(months)))
        .unwrap_or(NaiveDate::MAX)
}

/// What phase (a) tells a partner of one invoice's recurring revenue: its
/// amount less refunds so far, from the credit's date on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MrrChange {
    pub customer: CustomerId,
    /// The subscription's place among the customer's (first invoice order).
    pub subscription: u32,
    pub invoice: InvoiceId,
    /// The invoice's date: its months run from it.
    pub from: NaiveDate,
    pub months: u16,
    /// The invoice's amount less what is refunded of it so far.
    pub amount: Decimal,
    /// Whether this is the subscription's first invoice and the partner
    /// holds the customer on its date (`sold mrr`).
    pub sold: bool,
}

/// One invoice of a subscription as the partner was told of it.
#[derive(Clone, Debug)]
struct Billed {
    invoice: InvoiceId,
    from: NaiveDate,
    until: NaiveDate,
    months: u16,
    /// Its amount less refunds, from each date on.
    amounts: Vec<(NaiveDate, Decimal)>,
}

/// A subscription sold: its first invoice's date, amount and months.
#[derive(Clone, Copy, Debug)]
struct Sold {
    date: NaiveDate,
    customer: CustomerId,
    amount: Decimal,
    months: u16,
}

/// The partner's view of its customers' recurring revenue.
#[derive(Default)]
pub(crate) struct MrrBook {
    billed: BTreeMap<(CustomerId, u32), Vec<Billed>>,
    sold: Vec<Sold>,
}

impl MrrBook {
    pub fn apply(&mut self, change: &MrrChange, date: NaiveDate) {
        let list = self
            .billed
            .entry((change.customer, change.subscription))
            .or_default();
        match list.iter_mut().find(|b| b.invoice == change.invoice) {
            Some(b) => b.amounts.push((date, change.amount)),
            None => list.push(Billed {
                invoice: change.invoice,
                from: change.from,
                until: covered_until(change.from, change.months),
                months: change.months,
                amounts: vec![(date, change.amount)],
            }),
        }
        if change.sold {
            self.sold.push(Sold {
                date: change.from,
                customer: change.customer,
                amount: change.amount,
                months: change.months,
            });
        }
    }

    /// The subscriptions of `customer` and the invoice whose MRR each has
    /// on `day`: the latest one covering the day.
    fn running(&self, customer: CustomerId, day: NaiveDate) -> Vec<(Decimal, u16)> {
        self.billed
            .range((customer, 0)..=(customer, u32::MAX))
            .filter_map(|(_, list)| {
                let b = list.iter().rev().find(|b| b.from <= day && day < b.until)?;
                let amount = b
                    .amounts
                    .iter()
                    .rev()
                    .find(|(d, _)| *d <= day)
                    .map_or(Decimal::ZERO, |(_, a)| *a);
                Some((amount, b.months))
            })
            .collect()
    }

    fn customers(&self) -> impl Iterator<Item = CustomerId> + '_ {
        let mut last = None;
        self.billed.keys().filter_map(move |(c, _)| {
            let new = last != Some(*c);
            last = Some(*c);
            new.then_some(*c)
        })
    }
}

/// An exact sum of monthly amounts `amount / months`: a fraction over the
/// least common multiple of the months (1 to 1200) added so far.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MonthlySum {
    numerator: Decimal,
    denominator: u64,
}

impl Default for MonthlySum {
    fn default() -> Self {
        MonthlySum {
            numerator: Decimal::ZERO,
            denominator: 1,
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl MonthlySum {
    pub fn add(&mut self, amount: Decimal, months: u16) {
        let m = u64::from(months.max(1));
        let lcm = self.denominator / gcd(self.denominator, m) * m;
        let scale = |n: u64| Decimal::from(n);
        let numerator = self
            .numerator
            .checked_mul(scale(lcm / self.denominator))
            .and_then(|n| n.checked_add(amount.checked_mul(scale(lcm / m))?));
        match numerator {
            Some(n) if lcm <= 1_000_000_000_000 => {
                self.numerator = n;
                self.denominator = lcm;
            }
            // Months too many and too varied to share a denominator: the
            // sum is then taken to 28 digits.
            _ => {
                self.numerator = self.value() + amount / scale(m);
                self.denominator = 1;
            }
        }
    }

    /// The sum, to 28 significant digits when it does not end.
    pub fn value(self) -> Decimal {
        (self.numerator / Decimal::from(self.denominator)).normalize()
    }

    /// Whether the sum meets `comparator threshold`, exactly.
    pub fn meets(self, comparator: charter_ir::Comparator, threshold: Decimal) -> bool {
        match threshold.checked_mul(Decimal::from(self.denominator)) {
            Some(t) => compare(self.numerator, comparator, t),
            None => compare(self.value(), comparator, threshold),
        }
    }

    /// The sum as shown: exact, or rounded to cents with `≈` when it does
    /// not end (`83.33…` is `≈ 83.33`).
    pub fn shown(self) -> String {
        let v = self.value();
        if v * Decimal::from(self.denominator) == self.numerator {
            v.to_string()
        } else {
            format!("≈ {}", v.round_dp(2))
        }
    }
}

/// One invoice's part of a sum, as explanations show it
/// (`c1 1200.00 / 12`).
fn part(
    names: &charter_scenario::Names,
    customer: CustomerId,
    amount: Decimal,
    months: u16,
) -> String {
    let customer = names.customer(customer);
    if months == 1 {
        format!("{customer} {amount}")
    } else {
        format!("{customer} {amount} / {months}")
    }
}

/// A measured MRR: its exact sum and its parts.
pub(crate) struct Measured {
    pub sum: MonthlySum,
    pub parts: Vec<String>,
}

impl PartnerRun<'_, '_> {
    /// Whether the partner holds `customer` on `day` under the claims rule.
    fn holds(&self, customer: CustomerId, day: NaiveDate) -> bool {
        self.st.owned.get(&customer).is_some_and(|spans| {
            spans
                .iter()
                .any(|s| s.from <= day && s.until.is_none_or(|u| day < u))
        })
    }

    /// `managed mrr` on `day`.
    pub(crate) fn managed_mrr(&self, day: NaiveDate) -> Measured {
        let mut sum = MonthlySum::default();
        let mut parts = Vec::new();
        let book = &self.st.mrr;
        for customer in book.customers() {
            if !self.holds(customer, day) {
                continue;
            }
            for (amount, months) in book.running(customer, day) {
                sum.add(amount, months);
                parts.push(part(&self.scenario.names, customer, amount, months));
            }
        }
        Measured { sum, parts }
    }

    /// `sold mrr` over the window `(from, to]`.
    pub(crate) fn sold_mrr(&self, (from, to): (NaiveDate, NaiveDate)) -> Measured {
        let mut sum = MonthlySum::default();
        let mut parts = Vec::new();
        for s in &self.st.mrr.sold {
            if s.date > from && s.date <= to {
                sum.add(s.amount, s.months);
                parts.push(part(&self.scenario.names, s.customer, s.amount, s.months));
            }
        }
        Measured { sum, parts }
    }

    /// What `m` measures on `date` over the window it reads: the day itself
    /// for `managed`, the period so far for `sold`.
    fn mrr_now(&self, m: &Mrr, date: NaiveDate) -> ((NaiveDate, NaiveDate), Measured) {
        let (now, _) = period_windows(
            m.period.as_ref(),
            date,
            self.plan.holidays,
            self.stat.joined,
        );
        match m.measure {
            MrrMeasure::Managed => (now, self.managed_mrr(date)),
            MrrMeasure::Sold => (now, self.sold_mrr(now)),
        }
    }

    /// Whether `m` is met over `window` (an alternative of `any of`:
    /// `sold mrr` only, the checker refuses `managed mrr` there).
    pub(crate) fn mrr_met_between(&self, m: &Mrr, window: (NaiveDate, NaiveDate)) -> bool {
        let sum = match m.measure {
            MrrMeasure::Managed => self.managed_mrr(window.1).sum,
            MrrMeasure::Sold => self.sold_mrr(window).sum,
        };
        sum.meets(m.comparator, m.amount.amount)
    }

    /// Why the partner fails `m` on `date`, if it does (`per contract
    /// year`: also met when the whole contract year before met it).
    pub(crate) fn mrr_fails(&self, m: &Mrr, date: NaiveDate) -> Option<String> {
        let (_, before) = period_windows(
            m.period.as_ref(),
            date,
            self.plan.holidays,
            self.stat.joined,
        );
        let (_, measured) = self.mrr_now(m, date);
        let met = measured.sum.meets(m.comparator, m.amount.amount)
            || (m.measure == MrrMeasure::Sold
                && before.is_some_and(|w| self.mrr_met_between(m, w)));
        (!met).then(|| {
            format!(
                "its {}{} is {} {}, and the requirement is {} {}",
                m.measure.as_str(),
                period_text(m.period.as_ref()),
                measured.sum.shown(),
                self.plan.currency,
                m.comparator.as_str(),
                m.amount.amount
            )
        })
    }

    /// For explanations: what `m` measured on `date` with its parts
    /// (`managed mrr on 2026-03-01 = c1 1200.00 / 12 + c2 50.00 = 150 USD,
    /// required >= 100`).
    pub(crate) fn mrr_status(&self, m: &Mrr, date: NaiveDate) -> String {
        let (now, measured) = self.mrr_now(m, date);
        let (when, measured) = match m.measure {
            MrrMeasure::Managed => (format!("on {date}"), measured),
            MrrMeasure::Sold => {
                // `per contract year`: when the year so far falls short and
                // the whole year before met it, that year is the reason.
                let (_, before) = period_windows(
                    m.period.as_ref(),
                    date,
                    self.plan.holidays,
                    self.stat.joined,
                );
                let (period, window, measured) = match before {
                    Some(w)
                        if !measured.sum.meets(m.comparator, m.amount.amount)
                            && self.mrr_met_between(m, w) =>
                    {
                        (
                            "the whole contract year before".to_string(),
                            w,
                            self.sold_mrr(w),
                        )
                    }
                    _ => (
                        period_text(m.period.as_ref()).trim_start().to_string(),
                        now,
                        measured,
                    ),
                };
                let sep = if period.is_empty() { "" } else { " " };
                let when = format!(
                    "{period}{sep}({}..{})",
                    window.0.succ_opt().unwrap_or(window.0),
                    window.1
                );
                (when, measured)
            }
        };
        let parts = if measured.parts.is_empty() {
            "none".to_string()
        } else {
            measured.parts.join(" + ")
        };
        format!(
            "{} {when} = {parts} = {} {}, required {} {}",
            m.measure.as_str(),
            measured.sum.shown(),
            self.plan.currency,
            m.comparator.as_str(),
            m.amount.amount
        )
    }
}
