//! Caps per period (LANGUAGE.md §4, Caps per period): `at most 50 per
//! month` pays a commission for at most 50 events of the partner in each
//! calendar month, `at most 5000 USD per month` at most that much money.
//! Partner-local: each earning of a capped commission asks what its caps
//! still let through in the period of its date; an earning past a count cap
//! or a spent money cap earns nothing (S0305), one that would go past a
//! money cap is cut to what is left. What a cap counts is what was paid:
//! clawbacks do not give room back.

use crate::findings::{Finding, FindingCode};
use crate::money::Exact;
use crate::payouts::PartnerRun;
use crate::plan::RuleId;
use charter_ir::{CapLimit, CommissionCap};
use charter_scenario::CustomerId;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What one cap had used in the earning's period before it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CapUse {
    /// Its place among the rule's caps.
    pub cap: u8,
    /// The first day of its period.
    pub start: NaiveDate,
    /// Events paid (a count cap) or money paid (a money cap) before.
    pub used: Decimal,
}

/// What a commission's caps did to an earning.
#[derive(Clone, Debug, Default)]
pub(crate) struct CapWhy {
    pub uses: Vec<CapUse>,
    /// The earning cut to what a money cap had left.
    pub cut: Option<crate::explain::Shown>,
}

/// Events and money a capped rule paid the partner in one period.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CapUsed {
    pub count: u32,
    pub paid: Decimal,
}

/// What the caps let through of an earning.
pub(crate) enum CapLets {
    /// The whole earning (its caps' use, for the explanation).
    All(CapWhy),
    /// Part of it: the exact amount left under a money cap.
    Cut(Exact, CapWhy),
    /// Nothing: the cap reached, and its period.
    Nothing(u8, NaiveDate),
}

impl PartnerRun<'_, '_> {
    fn cap_used(&self, r: RuleId, k: usize, start: NaiveDate) -> CapUsed {
        self.st
            .caps_used
            .get(&(r.0, k as u8, start))
            .copied()
            .unwrap_or_default()
    }

    /// What rule `r`'s caps let through of `raw` earned on `date`: the
    /// amount earned and how the caps read (none when the rule has no
    /// cap), or the cap reached and its period's start.
    pub(crate) fn through_caps(
        &self,
        r: RuleId,
        date: NaiveDate,
        raw: &Exact,
    ) -> Result<(Exact, Option<CapWhy>), (u8, NaiveDate)> {
        if self.plan.program.commissions[r.0 as usize].caps.is_empty() {
            return Ok((raw.clone(), None));
        }
        match self.capped(r, date, raw) {
            CapLets::All(why) => Ok((raw.clone(), Some(why))),
            CapLets::Cut(cut, why) => Ok((cut, Some(why))),
            CapLets::Nothing(cap, start) => Err((cap, start)),
        }
    }

    /// What rule `r`'s caps let through of `raw` earned on `date`.
    pub(crate) fn capped(&self, r: RuleId, date: NaiveDate, raw: &Exact) -> CapLets {
        let caps = &self.plan.program.commissions[r.0 as usize].caps;
        let mut why = CapWhy::default();
        let mut left: Option<Decimal> = None;
        for (k, cap) in caps.iter().enumerate() {
            let start = cap.period.start_of(date);
            let used = self.cap_used(r, k, start);
            let (limit, used_now) = match &cap.limit {
                CapLimit::Count { count } => (Decimal::from(*count), Decimal::from(used.count)),
                CapLimit::Money { amount } => (amount.amount, used.paid),
            };
            if used_now >= limit {
                return CapLets::Nothing(k as u8, start);
            }
            if let CapLimit::Money { .. } = cap.limit {
                let rest = limit - used_now;
                left = Some(left.map_or(rest, |l| l.min(rest)));
            }
            why.uses.push(CapUse {
                cap: k as u8,
                start,
                used: used_now,
            });
        }
        match left {
            Some(left) if *raw > Exact::from_decimal(left) => {
                let cut = Exact::from_decimal(left);
                why.cut = Some(crate::explain::Shown::of(&cut));
                CapLets::Cut(cut, why)
            }
            Some(_) | None => CapLets::All(why),
        }
    }

    /// Counts a payout of `paid` by rule `r` earned on `date` against its caps.
    pub(crate) fn cap_paid(&mut self, r: RuleId, date: NaiveDate, paid: Decimal) {
        let caps = &self.plan.program.commissions[r.0 as usize].caps;
        for (k, cap) in caps.iter().enumerate() {
            let used = self
                .st
                .caps_used
                .entry((r.0, k as u8, cap.period.start_of(date)))
                .or_default();
            used.count += 1;
            used.paid += paid;
        }
    }

    /// S0305 for the first earning of rule `r` cap `cap` refused in a period.
    pub(crate) fn cap_reached(
        &mut self,
        r: RuleId,
        cap: u8,
        start: NaiveDate,
        customer: Option<CustomerId>,
        what: &str,
    ) {
        let days = u32::try_from(chrono::Datelike::num_days_from_ce(&start)).unwrap_or(0);
        // Once per rule, cap and period (a month's and a year's period may
        // start on one day).
        let key = (u32::from(r.0) << 8) | u32::from(cap);
        if self.seen(FindingCode::CapReached, key, days) {
            return;
        }
        let rule = &self.plan.program.commissions[r.0 as usize];
        let Some(c) = rule.caps.get(cap as usize) else {
            return;
        };
        let name = self.name();
        let location = self.location();
        let mut finding = Finding::new(
            FindingCode::CapReached,
            format!(
                "`{name}` earns nothing from `{}` on {what}: its cap `{c}` was reached in {} (later earnings that {} earn nothing either)",
                rule.name.name,
                c.period.label(start),
                c.period.as_str()
            ),
        )
        .partner(name)
        .rule(c.span)
        .event(location);
        if let Some(customer) = customer {
            finding = finding.customer(self.scenario.names.customer(customer));
        }
        self.push_finding(finding);
    }
}

/// The explanation's line of a capped commission (`cap: …`).
pub(crate) fn write_caps<S: crate::text::Lines + ?Sized>(
    caps: &[CommissionCap],
    why: &CapWhy,
    currency: &str,
    s: &mut S,
) {
    for u in &why.uses {
        let Some(cap) = caps.get(u.cap as usize) else {
            continue;
        };
        s.start();
        s.fmt(format_args!("cap: {cap}; "));
        if u.used.is_zero() {
            s.lit("nothing");
        } else {
            match &cap.limit {
                CapLimit::Count { .. } => s.dec(u.used),
                CapLimit::Money { .. } => {
                    s.dec(u.used);
                    s.lit(" ");
                    s.text(currency);
                }
            }
        }
        s.lit(" paid before in ");
        s.text(&cap.period.label(u.start));
        s.end();
    }
}
