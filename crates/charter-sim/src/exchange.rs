//! Currency conversion (LANGUAGE.md §4, "Currency conversion"): under `paid
//! in partner currency at rate of event date` a partner whose record gives a
//! `currency` other than the program's is paid in it. Each payout is
//! converted at the rate in force on the day of the event that earned it
//! (its `earned` date): the latest `exchange_rate` event from the program's
//! currency to the partner's dated on or before that day (of two the same
//! day, the later in the file), up to the "as of" date. The converted amount
//! is the payout × the rate, rounded in the program's `rounding` mode to the
//! partner currency's minor unit; a tax on top is worked out again on the
//! converted amount, as the partner's invoice in its currency shows it.
//!
//! With no rate in force that day the payout stays in the program's currency
//! and S0602 points at the event that earned it. Like the tax, nothing here
//! changes an earning: the program-currency amounts, and every total of
//! them, stay what they are.

use crate::findings::{event_location, Finding, FindingCode};
use crate::money::{Exact, Rounding};
use crate::payouts::PayoutRec;
use crate::text::Lines;
use charter_ir::units::minor_units;
use charter_ir::Program;
use charter_scenario::{Currency, EventKind, PartnerId, Scenario};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A payout in the partner's currency.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Conversion {
    pub currency: Currency,
    /// Units of `currency` per unit of the program's currency.
    pub rate: Decimal,
    /// The date of the `exchange_rate` event that set the rate.
    pub rate_date: NaiveDate,
    pub amount: Decimal,
    /// The tax on top in `currency`, when the partner is paid one.
    pub tax: Option<Decimal>,
}

/// What converting one payout gave.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum PaidIn {
    /// The partner is paid in the program's currency.
    Program,
    Partner(Conversion),
    /// No rate to the partner's currency was in force on the day.
    NoRate(Currency),
}

/// Each partner's currency and the rates from the program's currency.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    /// By partner id: its currency, when it is paid in another than the
    /// program's (empty when the policy converts nothing).
    currencies: Vec<Option<Currency>>,
    /// By target currency: `(date, rate)` in date order, file order within
    /// a day.
    rates: BTreeMap<Currency, Vec<(NaiveDate, Decimal)>>,
    mode: charter_ir::RoundingMode,
    program: String,
}

impl Exchange {
    /// The partners' currencies and the scenario's rates up to `as_of`, when
    /// `program` pays in partner currency.
    pub fn new(program: &Program, scenario: &Scenario, as_of: NaiveDate) -> Exchange {
        let Some(from) =
            Currency::parse(&program.currency).filter(|_| program.partner_currency.is_some())
        else {
            return Exchange::default();
        };
        let mut currencies = vec![None; scenario.names.partner_count()];
        for p in &scenario.partners {
            if let (Some(slot), Some(c)) = (currencies.get_mut(p.id.0 as usize), p.currency) {
                *slot = (c != from).then_some(c);
            }
        }
        let mut rates: BTreeMap<Currency, Vec<(NaiveDate, u32, Decimal)>> = BTreeMap::new();
        for e in &scenario.events {
            if let EventKind::ExchangeRate { from: f, to, rate } = e.kind {
                if f == from && e.date <= as_of {
                    rates.entry(to).or_default().push((e.date, e.index, rate));
                }
            }
        }
        let rates = rates
            .into_iter()
            .map(|(to, mut list)| {
                list.sort_by_key(|(date, index, _)| (*date, *index));
                (to, list.into_iter().map(|(d, _, r)| (d, r)).collect())
            })
            .collect();
        Exchange {
            currencies,
            rates,
            mode: program.rounding.mode,
            program: program.currency.clone(),
        }
    }

    /// Whether any partner is paid in another currency.
    pub fn any(&self) -> bool {
        self.currencies.iter().any(Option::is_some)
    }

    /// The partner's currency, when it is paid in another than the program's.
    pub fn currency(&self, partner: PartnerId) -> Option<Currency> {
        self.currencies.get(partner.0 as usize).copied().flatten()
    }

    /// The rate to `to` in force on `day`, with the date it was set.
    fn rate_on(&self, to: Currency, day: NaiveDate) -> Option<(NaiveDate, Decimal)> {
        let list = self.rates.get(&to)?;
        let after = list.partition_point(|(date, _)| *date <= day);
        after.checked_sub(1).map(|i| list[i])
    }

    /// Converts a payout of `amount` to `partner`, earned on `day`; a tax
    /// rate is applied again to the converted amount.
    pub fn convert(
        &self,
        partner: PartnerId,
        amount: Decimal,
        day: NaiveDate,
        tax_rate: Option<Decimal>,
    ) -> PaidIn {
        let Some(currency) = self.currency(partner) else {
            return PaidIn::Program;
        };
        let Some((rate_date, rate)) = self.rate_on(currency, day) else {
            return PaidIn::NoRate(currency);
        };
        let rounding = Rounding {
            scale: minor_units(currency.as_str()),
            mode: self.mode,
        };
        let amount = rounding.round(&Exact::from_decimal(amount).mul_decimal(rate));
        let tax =
            tax_rate.map(|t| rounding.round(&Exact::from_decimal(amount).mul(&Exact::percent(t))));
        PaidIn::Partner(Conversion {
            currency,
            rate,
            rate_date,
            amount,
            tax,
        })
    }

    /// One S0602 per payout left in the program's currency for want of a
    /// rate, pointing at the event that earned it (`order`: the replay order,
    /// event indexes by replay position).
    pub fn missing_rates(
        &self,
        payouts: &[PayoutRec],
        order: &[u32],
        scenario: &Scenario,
    ) -> Vec<Finding> {
        if !self.any() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (n, p) in payouts.iter().enumerate() {
            let PaidIn::NoRate(currency) = self.convert(p.partner, p.amount, p.earned, None) else {
                continue;
            };
            let name = scenario.names.partner(p.partner);
            let mut finding = Finding::new(
                FindingCode::ExchangeRateMissing,
                format!(
                    "no exchange rate from {} to {currency} is dated on or before {}, the day payout P{} to `{name}` was earned: it is paid in {}",
                    self.program,
                    p.earned,
                    n + 1,
                    self.program
                ),
            )
            .partner(name);
            if let Some(&index) = order.get(p.key.0 as usize) {
                finding = finding.event(event_location(scenario, index));
            }
            out.push(finding);
        }
        out
    }
}

/// A partner record naming a currency the policy never pays in (no `paid in
/// partner currency`): it is paid in the program's.
pub(crate) fn unused_currencies(program: &Program, scenario: &Scenario) -> Vec<Finding> {
    if program.partner_currency.is_some() {
        return Vec::new();
    }
    scenario
        .partners
        .iter()
        .filter_map(|p| {
            let currency = p.currency.filter(|c| c.as_str() != program.currency)?;
            let name = scenario.names.partner(p.id);
            Some(
                Finding::new(
                    FindingCode::PartnerCurrencyUnused,
                    format!(
                        "partner `{name}` is to be paid in {currency}, but the policy pays every partner in {}: it is paid in {}",
                        program.currency, program.currency
                    ),
                )
                .partner(name),
            )
        })
        .collect()
}

/// The explanation line of a conversion: `paid in EUR: 100.00 USD × 0.9200
/// (the rate of 2026-03-01, in force on 2026-03-05 when it was earned) =
/// 92.00 EUR (rounded half-even to 2 decimals); tax 92.00 × 19% = 17.48
/// EUR; 109.48 EUR paid in all`, or why it stayed in the program's currency.
pub(crate) fn write_conversion<S: Lines + ?Sized>(
    converted: &PaidIn,
    amount: Decimal,
    earned: NaiveDate,
    program: &str,
    tax_rate: Option<Decimal>,
    mode: charter_ir::RoundingMode,
    s: &mut S,
) {
    match converted {
        PaidIn::Program => {}
        PaidIn::NoRate(currency) => {
            s.start();
            s.lit("paid in ");
            s.text(program);
            s.lit(": no exchange rate from ");
            s.text(program);
            s.lit(" to ");
            s.text(currency.as_str());
            s.lit(" is dated on or before ");
            s.date(earned);
            s.lit(", the day it was earned (S0602)");
            s.end();
        }
        PaidIn::Partner(c) => {
            let rounding = Rounding {
                scale: minor_units(c.currency.as_str()),
                mode,
            };
            s.start();
            s.lit("paid in ");
            s.text(c.currency.as_str());
            s.lit(": ");
            s.dec(amount);
            s.lit(" ");
            s.text(program);
            s.lit(" × ");
            s.dec(c.rate);
            s.lit(" (the rate of ");
            s.date(c.rate_date);
            s.lit(", in force on ");
            s.date(earned);
            s.lit(" when it was earned) = ");
            s.dec(c.amount);
            s.lit(" ");
            s.text(c.currency.as_str());
            s.lit(" (");
            s.text(&rounding.describe());
            s.lit(")");
            if let (Some(tax), Some(rate)) = (c.tax, tax_rate) {
                s.lit("; tax ");
                s.dec(c.amount);
                s.lit(" × ");
                s.dec(rate.normalize());
                s.lit("% = ");
                s.dec(tax);
                s.lit(" ");
                s.text(c.currency.as_str());
                s.lit("; ");
                s.dec(c.amount + tax);
                s.lit(" ");
                s.text(c.currency.as_str());
                s.lit(" paid in all");
            }
            s.end();
        }
    }
}
