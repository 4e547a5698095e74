//! Charter's simulator: runs a scenario (partners and dated events) against a
//! checked policy and explains every payout it owes, when, and why.
//!
//! [`simulate`] accepts only a [`CheckedProgram`]: a policy with errors cannot
//! be simulated. The engine walks the events in date order (same-day events in
//! input order), keeping per customer its claims and invoices and per partner
//! its contract, staff, activities and sales, and turns each payment, invoice
//! and refund into payouts through the commission rules that apply. Amounts are
//! exact decimals, rounded once per payout by the policy's rounding rule.

// Every match over an enum of the IR, the scenario or the engine names its
// variants: a variant added later must be handled where it is matched, not
// fall into a `_` arm unnoticed.
#![deny(clippy::wildcard_enum_match_arm)]

mod active;
mod attribution;
mod balances;
mod bonus;
mod bounty;
mod caps;
mod clawback;
mod commission;
mod composite;
pub mod coverage;
mod cutback;
pub mod diff;
mod eligibility;
mod engine;
mod exchange;
pub mod expect;
mod explain;
pub mod findings;
mod full_payment;
mod money;
mod moves;
mod mrr;
mod obligations;
pub mod overrides;
mod partner;
mod payouts;
pub mod phases;
mod plan;
mod policy_index;
mod prefetch;
mod rates;
mod regions;
mod renewal;
pub mod report;
mod run;
mod standing;
mod tax;
mod text;
mod timing;
pub mod timings;

use charter_check::CheckedProgram;
use charter_diagnostics::{Severity, SourceDb};
use charter_scenario::Scenario;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use findings::{Finding, FindingCode};
pub use run::Simulation;

/// What a requirement no scenario measures counts as (LANGUAGE.md §4,
/// "Assumptions"): a text requirement, `set individually` without a revenue
/// target, `staff` for a partner with no staff data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Assume {
    /// Met (the default): the standing lists it under `assumed`.
    #[default]
    Met,
    /// Not met: every unmeasurable requirement fails.
    Unmet,
}

/// How to run a simulation.
#[derive(Clone, Copy, Default)]
pub struct SimOptions<'a> {
    /// The date standings are computed at and after which events are ignored;
    /// default: the scenario's `as_of`, else its last event's date.
    pub as_of: Option<NaiveDate>,
    /// The policy's sources, to name rule locations (`file:line:col`) in
    /// explanations and findings.
    pub sources: Option<&'a SourceDb>,
    /// Called as the run goes with (events done, events in all), for progress bars.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// Leave explanations out (a CSV report never shows them).
    pub no_explanations: bool,
    /// What requirements no scenario measures count as (`--assume`).
    pub assume: Assume,
}

impl SimOptions<'_> {
    pub(crate) fn explain(&self) -> bool {
        !self.no_explanations
    }
}

/// One amount owed to (or, negative, clawed back from) a partner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Payout {
    pub id: String,
    pub partner: String,
    pub customer: Option<String>,
    pub invoice: Option<String>,
    /// The commission or bonus rule that produced it.
    pub rule: String,
    /// The amount the rate applies to.
    pub base: Decimal,
    /// The rate in percent (`20` is 20%); `None` for fixed bonuses.
    pub rate: Option<Decimal>,
    pub amount: Decimal,
    pub currency: String,
    /// Under `tax on top of commission`, for a partner with a tax rate: the
    /// tax paid on top of `amount` (which stays the commission).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax: Option<Decimal>,
    /// `amount` + `tax`, when there is a tax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gross: Option<Decimal>,
    /// Under `paid in partner currency at rate of event date`, for a partner
    /// paid in another currency: the payout in that currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted: Option<Converted>,
    /// The date of the event that earned it.
    pub earned: NaiveDate,
    /// The latest date the policy allows for paying it.
    pub due: NaiveDate,
    pub settlement: &'static str,
    pub explain: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Total {
    pub partner: String,
    pub currency: String,
    /// The commission: the sum of the partner's payouts' amounts.
    pub amount: Decimal,
    /// The tax paid on top of them, for a partner paid tax on top.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax: Option<Decimal>,
    /// `amount` + `tax`, when there is a tax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gross: Option<Decimal>,
    /// For a partner paid in another currency, when every one of its payouts
    /// was converted: the sums of the converted amounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted: Option<ConvertedTotal>,
}

/// A payout in the partner's currency (LANGUAGE.md §4, Currency conversion).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Converted {
    pub currency: String,
    /// Units of `currency` per unit of the program's currency.
    pub rate: Decimal,
    /// The date of the exchange rate used: the latest on or before `earned`.
    pub rate_date: NaiveDate,
    pub amount: Decimal,
    /// The tax on top, worked out on `amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax: Option<Decimal>,
    /// `amount` + `tax`, when there is a tax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gross: Option<Decimal>,
}

/// A partner's total in its own currency.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConvertedTotal {
    pub currency: String,
    pub amount: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gross: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standing {
    pub partner: String,
    /// The tier as of the simulation date; `None` when no tier is reached.
    pub tier: Option<String>,
    /// The requirements of that tier and the ones below it that were taken
    /// as met because no scenario data measures them (`--assume met`), each
    /// as `TIER: requirement`; empty when none (and always under `--assume unmet`).
    pub assumed: Vec<String>,
}

/// Everything a simulation produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimResult {
    pub as_of: NaiveDate,
    pub payouts: Vec<Payout>,
    pub totals: Vec<Total>,
    pub standings: Vec<Standing>,
    pub findings: Vec<Finding>,
}

impl SimResult {
    /// Whether the scenario contradicts the policy (an error finding).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn total_of(&self, partner: &str) -> Decimal {
        self.totals
            .iter()
            .filter(|t| t.partner == partner)
            .map(|t| t.amount)
            .sum()
    }

    pub fn standing_of(&self, partner: &str) -> Option<&str> {
        self.standings
            .iter()
            .find(|s| s.partner == partner)
            .and_then(|s| s.tier.as_deref())
    }
}

/// The date a simulation runs up to: `as_of` (`--as-of`), else the
/// scenario's `as_of`, else its last event's date. `None` for a scenario with
/// no events and no `as_of`: there is nothing to simulate, and `charter
/// simulate` says so instead of inventing a date. [`simulate`] then runs as
/// of the first date Charter knows, 0001-01-01, where nothing has happened.
pub fn simulation_date(scenario: &Scenario, as_of: Option<NaiveDate>) -> Option<NaiveDate> {
    as_of
        .or(scenario.as_of)
        .or_else(|| scenario.events.iter().map(|e| e.date).max())
}

/// Runs `scenario` against `program`: everything by name.
pub fn simulate(program: &CheckedProgram, scenario: &Scenario, options: &SimOptions) -> SimResult {
    run(program, scenario, options).into_result()
}

/// Runs `scenario` against `program`, keeping the outcome by id for
/// reports streamed from it ([`Simulation::write_json`], [`Simulation::write_csv`]).
pub fn run<'a>(
    program: &'a CheckedProgram,
    scenario: &'a Scenario,
    options: &SimOptions,
) -> Simulation<'a> {
    let (mut outcome, plan) = engine::run(program.program(), scenario, options);
    if let Some(finding) = findings::too_precise_amounts(program.program(), scenario, outcome.as_of)
    {
        outcome.findings.push(finding);
    }
    if let Some(db) = options.sources {
        for finding in &mut outcome.findings {
            finding.locate(db);
        }
    }
    Simulation::new(outcome, plan, scenario)
}
