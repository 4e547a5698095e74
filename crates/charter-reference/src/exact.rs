//! Exact fractions for money and rates, and the one rounding at the end.
//!
//! LANGUAGE.md §3 (`program`, `rounding`): "How each payout is rounded, once, at
//! the end: `half_even` (default), `half_up`, `half_down`, `down` or `up`, to a
//! power of ten (default: the currency's minor unit)."
//!
//! Every amount of the reference is a [`Fraction`] (a `BigRational`): a
//! scenario's decimals and a policy's percentages convert to it exactly, and
//! nothing is rounded until a payout's amount is written as a `Decimal`.

use charter_ir::{Percent, Rounding, RoundingMode};
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

/// An exact rational number.
pub type Fraction = BigRational;

/// `10^n` as a big integer.
fn ten_to(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), n as usize)
}

/// The exact value of a decimal: its mantissa over `10^scale`.
pub fn from_decimal(d: Decimal) -> Fraction {
    Fraction::new(BigInt::from(d.mantissa()), ten_to(d.scale()))
}

/// The fraction a percentage is of a whole: `20%` is `1/5`.
pub fn from_percent(p: Percent) -> Fraction {
    from_decimal(p.0) / Fraction::from_integer(BigInt::from(100))
}

pub fn zero() -> Fraction {
    Fraction::zero()
}

/// Rounds `value` to `scale` decimals by `mode`; `None` if the result does not
/// fit a `Decimal`.
pub fn round(value: &Fraction, mode: RoundingMode, scale: u32) -> Option<Decimal> {
    let scaled = value * Fraction::from_integer(ten_to(scale));
    let numer = scaled.numer();
    let denom = scaled.denom(); // always positive
    let (floor, rest) = numer.div_mod_floor(denom);
    let units = if rest.is_zero() {
        floor
    } else {
        let twice = &rest * BigInt::from(2);
        let above_half = twice > *denom;
        let exactly_half = twice == *denom;
        let up = floor.clone() + BigInt::from(1);
        let negative = value.is_negative();
        match mode {
            // Towards zero.
            RoundingMode::Down => {
                if negative {
                    up
                } else {
                    floor
                }
            }
            // Away from zero.
            RoundingMode::Up => {
                if negative {
                    floor
                } else {
                    up
                }
            }
            RoundingMode::HalfUp | RoundingMode::HalfDown | RoundingMode::HalfEven => {
                if above_half {
                    up
                } else if !exactly_half {
                    floor
                } else {
                    // A tie: half_up goes away from zero, half_down towards it,
                    // half_even to the even neighbour.
                    let away = if negative { floor.clone() } else { up.clone() };
                    let towards = if negative { up.clone() } else { floor.clone() };
                    match mode {
                        RoundingMode::HalfUp => away,
                        RoundingMode::HalfDown => towards,
                        _ => {
                            if floor.is_even() {
                                floor
                            } else {
                                up
                            }
                        }
                    }
                }
            }
        }
    };
    Decimal::try_from_i128_with_scale(units.to_i128()?, scale).ok()
}

/// The number of decimals payouts are rounded to: the policy's step, else the
/// currency's minor unit.
pub fn scale_of(rounding: &Rounding, currency: &str) -> u32 {
    rounding
        .scale
        .unwrap_or_else(|| charter_ir::units::minor_units(currency))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounds_ties_by_mode() {
        let x = from_decimal(d("41.295"));
        assert_eq!(round(&x, RoundingMode::HalfEven, 2), Some(d("41.30")));
        assert_eq!(round(&x, RoundingMode::HalfDown, 2), Some(d("41.29")));
        assert_eq!(
            round(&-x.clone(), RoundingMode::HalfEven, 2),
            Some(d("-41.30"))
        );
        assert_eq!(round(&-x, RoundingMode::HalfUp, 2), Some(d("-41.30")));
        let y = from_decimal(d("0.125"));
        assert_eq!(round(&y, RoundingMode::HalfEven, 2), Some(d("0.12")));
        assert_eq!(round(&y, RoundingMode::Up, 2), Some(d("0.13")));
        assert_eq!(round(&-y, RoundingMode::Down, 2), Some(d("-0.12")));
    }

    #[test]
    fn the_issue_example_is_exact() {
        // 125.13 × 82.59 / 250.26 = 41.295 exactly.
        let v = from_decimal(d("125.13")) * from_decimal(d("82.59")) / from_decimal(d("250.26"));
        assert_eq!(round(&v, RoundingMode::HalfEven, 2), Some(d("41.30")));
    }
}
