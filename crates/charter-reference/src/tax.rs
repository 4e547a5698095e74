//! §4 **Tax on top.**
//!
//! > Under `tax on top of commission` a partner whose record gives a
//! > `tax_rate` (`"20%"`: it is VAT-registered and self-billed) is paid tax on
//! > top of each of its payouts — commissions, bonuses, clawbacks and
//! > forfeitures alike (a negative payout's tax is negative): the payout's
//! > amount × the rate, rounded once as a payout is (the program's `rounding`
//! > mode to its step; by default half-even to the currency's minor unit).
//! > The payout's amount stays the commission, and so does the partner's
//! > total; the report shows the tax and the gross amount (amount + tax)
//! > beside them. A partner without a rate (not registered, or reverse
//! > charge) is paid no tax.
//!
//! Read plainly: every finished payout is looked at once more, after
//! Balances and Held for active partners, and its tax written beside it.

use crate::exact::{from_decimal, round, scale_of};
use crate::world::World;
use crate::{Payout, Unsupported};
use num_bigint::BigInt;

/// Writes each payout's tax.
pub fn apply(world: &World, payouts: &mut [Payout]) -> Result<(), Unsupported> {
    if world.program.tax_on_top.is_none() {
        return Ok(());
    }
    let rounding = &world.program.rounding;
    let scale = scale_of(rounding, &world.program.currency);
    for p in payouts.iter_mut() {
        let rate = world
            .scenario
            .partners
            .iter()
            .find(|record| world.scenario.names.partner(record.id) == p.partner)
            .and_then(|record| record.tax_rate);
        p.tax = match rate {
            None => None,
            Some(rate) => {
                let exact = from_decimal(p.amount) * from_decimal(rate)
                    / crate::exact::Fraction::from_integer(BigInt::from(100));
                Some(round(&exact, rounding.mode, scale).ok_or(Unsupported::Overflow)?)
            }
        };
    }
    Ok(())
}
