//! Charter's reference semantics: a deliberately plain simulator written from
//! LANGUAGE.md §4 ("How scenarios are simulated"), the oracle the engine
//! (`charter-sim`) is tested against. Never used by the CLI.
//!
//! It favours obviousness over speed: the events are taken one at a time in
//! the order of §4, and every question (who owns a customer, which tier a
//! partner holds, what its trailing sales are) is answered again from the
//! history up to that event — no indexes, no caches, no state but the list of
//! what was earned so far. Money and rates are exact fractions; each payout is
//! rounded once, when it is written.
//!
//! One module per paragraph of §4, in its order, each quoting the paragraph
//! it implements: [`order`], [`attribution`], [`contest`] (contested
//! customers), [`commissions`], [`subscriptions`], [`trials_and_leads`], [`rates`],
//! [`full_payment`], [`contract_end`], [`caps`] (caps per period), [`refunds`], [`due_dates`], [`balances`],
//! [`active`] (held for active partners), [`cutback`] (cut back unless a tier
//! is reached), [`bonuses`], [`standing`] (tier standing),
//! [`assumptions`], [`tax`] (tax on top), [`exchange`] (currency conversion). Beside them: `world` (the program, the scenario and the
//! ordered events), `facts` (a partner's roster and scenario facts) and
//! `exact` (fractions and rounding).
//!
//! What it does not cover returns [`Unsupported`]: `marginal` and
//! `retroactive` brackets, `claims split`, attribute rules inside tiers or
//! benefits, `count` of customer events, `after full payment` on commissions
//! of invoices. Findings (S-codes) are not modelled: the reference says what
//! is paid, when, and which tier each partner holds.

pub mod active;
pub mod assumptions;
pub mod attribution;
pub mod balances;
pub mod bonuses;
pub mod caps;
pub mod commissions;
pub mod compare;
pub mod composite;
pub mod contest;
pub mod contract_end;
pub mod cutback;
pub mod due_dates;
pub mod exact;
pub mod exchange;
pub mod facts;
pub mod full_payment;
pub mod generate;
pub mod mrr;
pub mod new_customers;
pub mod order;
pub mod rates;
pub mod refunds;
pub mod regions;
pub mod standing;
pub mod subscriptions;
pub mod tax;
pub mod trials_and_leads;
pub mod world;

use charter_check::CheckedProgram;
use charter_ir::AttributionMethod;
use charter_scenario::{EventKind, Scenario};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::commissions::Earning;
use crate::exact::{round, scale_of, zero};
use crate::world::World;

/// Why the reference gives no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsupported {
    /// A feature of the policy or scenario the reference does not cover.
    Feature(&'static str),
    /// An amount too large for a `Decimal` once rounded.
    Overflow,
    /// A bug of the reference itself.
    Internal(&'static str),
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unsupported::Feature(what) => write!(f, "unsupported: {what}"),
            Unsupported::Overflow => write!(f, "unsupported: an amount too large"),
            Unsupported::Internal(what) => write!(f, "reference bug: {what}"),
        }
    }
}

impl std::error::Error for Unsupported {}

/// One amount owed to (or, negative, clawed back from) a partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payout {
    pub partner: String,
    pub customer: Option<String>,
    /// `None` for bonuses.
    pub invoice: Option<String>,
    /// The commission or bonus rule.
    pub rule: String,
    pub amount: Decimal,
    pub earned: NaiveDate,
    pub due: NaiveDate,
    /// The tax paid on top of it (§4 Tax on top), when there is one.
    pub tax: Option<Decimal>,
    /// Its currency, amount and tax in the partner's currency (§4 Currency
    /// conversion), when it is converted.
    pub converted: Option<(String, Decimal, Option<Decimal>)>,
}

/// What the reference says a scenario produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub as_of: NaiveDate,
    /// In the order they were earned.
    pub payouts: Vec<Payout>,
    /// Every partner's total, in the scenario's partner order.
    pub totals: Vec<(String, Decimal)>,
    /// Every partner's tier on the "as of" date.
    pub standings: Vec<(String, Option<String>)>,
}

/// Lists the earnings `new` in order: each under its commission's caps (a
/// clawback is not capped), then as a payout (a clawback of 0.00 is not
/// listed).
fn record(
    world: &World,
    new: Vec<Earning>,
    earned: &mut Vec<Earning>,
    payouts: &mut Vec<Payout>,
    paths: &mut Vec<Option<AttributionMethod>>,
) -> Result<(), Unsupported> {
    for e in new {
        let clawback = e.exact < zero();
        let e = if clawback {
            e
        } else {
            match caps::capped(world, payouts, e) {
                Some(e) => e,
                None => continue,
            }
        };
        let amount = payout_amount(world, earned, payouts, &e)?;
        earned.push(e.clone());
        if !(clawback && amount == Decimal::ZERO) {
            paths.push(e.path);
            payouts.push(Payout {
                partner: world.scenario.names.partner(e.partner).to_string(),
                customer: e.customer,
                invoice: e.invoice,
                rule: e.rule,
                amount,
                earned: e.earned,
                due: e.due,
                tax: None,
                converted: None,
            });
        }
    }
    Ok(())
}

/// Runs `scenario` against `program` up to `as_of` (default: the scenario's
/// `as_of`, else its last event's date).
pub fn simulate(
    program: &CheckedProgram,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
) -> Result<Outcome, Unsupported> {
    simulate_assuming(program, scenario, as_of, false)
}

/// [`simulate`], with `assume_unmet` for `--assume unmet` (§4 Assumptions).
pub fn simulate_assuming(
    program: &CheckedProgram,
    scenario: &Scenario,
    as_of: Option<NaiveDate>,
    assume_unmet: bool,
) -> Result<Outcome, Unsupported> {
    let program = program.program();
    let as_of = order::as_of(scenario, as_of);
    let world = World {
        program,
        scenario,
        events: order::ordered(scenario, as_of),
        as_of,
        assume_unmet,
    };
    let mut earned: Vec<Earning> = Vec::new();
    let mut payouts: Vec<Payout> = Vec::new();
    let mut paths = Vec::new();
    // Commissions cut back unless a tier is reached: (partner, rule) past its deadline.
    let mut cut = Vec::new();
    // What refunds outside a clawback window kept for good.
    let mut kept = Vec::new();
    for now in 0..=world.events.len() {
        // Before the first event on or after a deadline (or past the last
        // event, up to "as of"): the cut backs due by then.
        // They are made first: the event sees them (a refund takes its share
        // of the running total as cut back).
        let today = world.date(now)?;
        let cut_backs = cutback::due_by(&world, today, &earned, &mut cut, &mut kept)?;
        record(&world, cut_backs, &mut earned, &mut payouts, &mut paths)?;
        let new = match world.events.get(now).map(|e| &e.kind) {
            Some(EventKind::Payment { .. }) => {
                let mut new = commissions::on_payment(&world, now)?;
                let mut all = earned.clone();
                all.extend(new.iter().cloned());
                new.extend(bonuses::after_payment(&world, now, &all)?);
                new
            }
            Some(EventKind::Invoice { .. }) => commissions::on_invoice(&world, now)?,
            Some(EventKind::Refund { .. }) => refunds::on_refund(&world, now, &earned, &mut kept)?,
            Some(EventKind::Trial { .. } | EventKind::Lead { .. }) => {
                trials_and_leads::on_event(&world, now)?
            }
            _ => Vec::new(),
        };
        record(&world, new, &mut earned, &mut payouts, &mut paths)?;
    }
    balances::apply(&world, &mut payouts, &paths);
    active::apply(&world, &mut payouts);
    tax::apply(&world, &mut payouts)?;
    exchange::apply(&world, &mut payouts)?;
    let partners = facts::listed_partners(&world);
    let totals = partners
        .iter()
        .map(|p| {
            let name = world.scenario.names.partner(*p).to_string();
            let sum = payouts
                .iter()
                .filter(|x| x.partner == name)
                .map(|x| x.amount)
                .sum();
            (name, sum)
        })
        .collect();
    // Standings on the "as of" date: the position past the last event.
    let after_all = world.events.len();
    let mut standings = Vec::new();
    for p in &partners {
        let facts = facts::facts(&world, *p);
        standings.push((
            facts.name.clone(),
            standing::tier(&world, after_all, &facts)?,
        ));
    }
    Ok(Outcome {
        as_of,
        payouts,
        totals,
        standings,
    })
}

/// The rounded amount of a new earning.
///
/// §4 **Money: exact, rounded cumulatively.**
///
/// > Rounding is cumulative per (invoice, commission, partner): the engine
/// > keeps the exact running total of what that commission has earned that
/// > partner on that invoice (earnings and retroactive top-ups, less
/// > clawbacks), and each payout or clawback is `round(exact running total) −
/// > already paid on it`, rounded in the program's `rounding` mode to the
/// > currency's minor unit. […] Every earning is listed as a payout, even one
/// > of 0.00; a clawback of 0.00 is not listed. A bonus is one payout per
/// > (partner, bonus, period), its amount rounded once.
///
/// A `rounding … to STEP` step replaces the minor unit.
fn payout_amount(
    world: &World,
    earned: &[Earning],
    payouts: &[Payout],
    e: &Earning,
) -> Result<Decimal, Unsupported> {
    let rounding = &world.program.rounding;
    let scale = scale_of(rounding, &world.program.currency);
    let Some(invoice) = &e.invoice else {
        return round(&e.exact, rounding.mode, scale).ok_or(Unsupported::Overflow);
    };
    let partner = world.scenario.names.partner(e.partner);
    let running = earned
        .iter()
        .filter(|x| {
            x.partner == e.partner && x.rule == e.rule && x.invoice.as_ref() == Some(invoice)
        })
        .fold(e.exact.clone(), |sum, x| sum + x.exact.clone());
    let paid: Decimal = payouts
        .iter()
        .filter(|p| p.partner == partner && p.rule == e.rule && p.invoice.as_ref() == Some(invoice))
        .map(|p| p.amount)
        .sum();
    let total = round(&running, rounding.mode, scale).ok_or(Unsupported::Overflow)?;
    Ok(total - paid)
}
