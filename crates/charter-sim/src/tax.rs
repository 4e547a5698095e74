//! Tax on top of commission (LANGUAGE.md §4, "Money: tax and currency"):
//! under `tax on top of commission` a partner whose record gives a tax rate
//! (`"tax_rate": "20%"`: it is VAT-registered and self-billed) is paid each
//! payout plus tax at that rate; the payout's amount, and so every total,
//! stays the commission. A partner without a rate (not registered, or
//! reverse charge) gets no tax.
//!
//! The tax is computed on the rounded payout — its amount × rate, rounded
//! once in the program's `rounding` mode to its step (default: the
//! currency's minor unit, half-even) — so a clawback's tax takes back
//! exactly the tax on what it takes back. Nothing here changes an earning:
//! the tax is worked out from each finished payout when it is reported.

use crate::findings::{Finding, FindingCode};
use crate::money::{Exact, Rounding};
use crate::text::Lines;
use charter_ir::Program;
use charter_scenario::{PartnerId, Scenario};
use rust_decimal::Decimal;

/// Each partner's tax rate in percent, by partner id; empty when the policy
/// adds no tax.
#[derive(Debug, Default)]
pub(crate) struct TaxRates {
    rates: Vec<Option<Decimal>>,
}

impl TaxRates {
    /// The rates the scenario's partner records give, when `program` adds
    /// tax on top.
    pub fn new(program: &Program, scenario: &Scenario) -> TaxRates {
        if program.tax_on_top.is_none() {
            return TaxRates::default();
        }
        let mut rates = vec![None; scenario.names.partner_count()];
        for p in &scenario.partners {
            if let Some(slot) = rates.get_mut(p.id.0 as usize) {
                *slot = p.tax_rate;
            }
        }
        TaxRates { rates }
    }

    /// Whether any partner is paid tax on top.
    pub fn any(&self) -> bool {
        self.rates.iter().any(Option::is_some)
    }

    /// The partner's rate, when it is paid tax on top.
    pub fn rate(&self, partner: PartnerId) -> Option<Decimal> {
        self.rates.get(partner.0 as usize).copied().flatten()
    }

    /// The tax on top of a payout of `amount` to `partner`.
    pub fn tax(&self, partner: PartnerId, amount: Decimal, rounding: Rounding) -> Option<Decimal> {
        let rate = self.rate(partner)?;
        Some(rounding.round(&Exact::from_decimal(amount).mul(&Exact::percent(rate))))
    }
}

/// A payout's tax, for its explanation.
pub(crate) struct TaxLine<'t> {
    pub rate: Decimal,
    pub amount: Decimal,
    pub tax: Decimal,
    pub currency: &'t str,
    /// How the program rounds (`rounded half-even to 2 decimals`).
    pub rounding: &'t str,
}

/// The explanation line of a payout's tax: `tax on top: 2.50 × 5% (the
/// partner's tax rate) = 0.125 → 0.12 EUR (rounded half-even to 2
/// decimals); 2.62 EUR paid in all`.
pub(crate) fn write_tax<S: Lines + ?Sized>(t: &TaxLine, s: &mut S) {
    s.start();
    s.lit("tax on top: ");
    s.dec(t.amount);
    s.lit(" × ");
    s.dec(t.rate.normalize());
    s.lit("% (the partner's tax rate) = ");
    // Two decimals times a rate: the product terminates.
    let exact = t
        .amount
        .checked_mul(t.rate)
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED));
    if let Some(exact) = exact.filter(|x| x.normalize() != t.tax.normalize()) {
        s.dec(exact.normalize());
        s.lit(" → ");
    }
    s.dec(t.tax);
    s.lit(" ");
    s.text(t.currency);
    s.lit(" (");
    s.text(t.rounding);
    s.lit("); ");
    s.dec(t.amount + t.tax);
    s.lit(" ");
    s.text(t.currency);
    s.lit(" paid in all");
    s.end();
}

/// A partner record giving a tax rate the policy never adds (no `tax on top
/// of commission`): most likely a policy that forgot the clause.
pub(crate) fn unused_rates(program: &Program, scenario: &Scenario) -> Vec<Finding> {
    if program.tax_on_top.is_some() {
        return Vec::new();
    }
    scenario
        .partners
        .iter()
        .filter_map(|p| {
            let rate = p.tax_rate?;
            let name = scenario.names.partner(p.id);
            Some(
                Finding::new(
                    FindingCode::TaxRateUnused,
                    format!(
                        "partner `{name}` has a tax rate of {}%, but the policy adds no tax on top of commission: it is paid the commission alone",
                        rate.normalize()
                    ),
                )
                .partner(name),
            )
        })
        .collect()
}
