//! §4 **Currency conversion.**
//!
//! > Under `paid in partner currency at rate of event date` a partner whose
//! > record gives a `currency` other than the program's is paid in that
//! > currency. Exchange rates are scenario events, `{"date", "type":
//! > "exchange_rate", "from": "USD", "to": "EUR", "rate": "0.9200"}`: one
//! > unit of `from` is worth `rate` units of `to` from that date on. Each
//! > payout is converted at the rate in force on the day of the event that
//! > earned it (its `earned` date: the payment, invoice or refund — not the
//! > day it is paid): the latest `exchange_rate` from the program's currency
//! > to the partner's dated on or before that day (of two the same day, the
//! > later in the file), up to the "as of" date. The converted amount is the
//! > payout's amount × the rate, rounded in the program's `rounding` mode to
//! > the partner currency's minor unit; under Tax on top the tax in that
//! > currency is the converted amount × the tax rate, rounded the same way.
//!
//! Read plainly: after Tax on top, every payout of such a partner looks
//! through the whole event list for the rate.

use crate::exact::{from_decimal, round, Fraction};
use crate::world::World;
use crate::{Payout, Unsupported};
use charter_ir::units::minor_units;
use charter_scenario::EventKind;
use num_bigint::BigInt;
use rust_decimal::Decimal;

/// Writes each payout's amount (and tax) in its partner's currency.
pub fn apply(world: &World, payouts: &mut [Payout]) -> Result<(), Unsupported> {
    if world.program.partner_currency.is_none() {
        return Ok(());
    }
    let program = world.program.currency.as_str();
    let mode = world.program.rounding.mode;
    for p in payouts.iter_mut() {
        let Some(record) = world
            .scenario
            .partners
            .iter()
            .find(|record| world.scenario.names.partner(record.id) == p.partner)
        else {
            continue;
        };
        let Some(currency) = record.currency.filter(|c| c.as_str() != program) else {
            continue;
        };
        // The latest rate on or before the day: a later event (or a later
        // line of the same day) replaces an earlier one.
        let mut rate: Option<Decimal> = None;
        let mut rate_day = None;
        for e in &world.scenario.events {
            if let EventKind::ExchangeRate { from, to, rate: r } = e.kind {
                if from.as_str() == program
                    && to == currency
                    && e.date <= p.earned
                    && e.date <= world.as_of
                    && rate_day.is_none_or(|d| e.date >= d)
                {
                    rate = Some(r);
                    rate_day = Some(e.date);
                }
            }
        }
        let Some(rate) = rate else {
            continue;
        };
        let scale = minor_units(currency.as_str());
        let amount = round(&(from_decimal(p.amount) * from_decimal(rate)), mode, scale)
            .ok_or(Unsupported::Overflow)?;
        let tax = match record
            .tax_rate
            .filter(|_| world.program.tax_on_top.is_some())
        {
            None => None,
            Some(t) => {
                let exact = from_decimal(amount) * from_decimal(t)
                    / Fraction::from_integer(BigInt::from(100));
                Some(round(&exact, mode, scale).ok_or(Unsupported::Overflow)?)
            }
        };
        p.converted = Some((currency.to_string(), amount, tax));
    }
    Ok(())
}
