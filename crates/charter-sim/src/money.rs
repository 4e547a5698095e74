//! Exact money and cumulative rounding (LANGUAGE.md §4, "Money: exact, rounded
//! cumulatively").
//!
//! Commissions are fractions of payments and clawbacks fractions of
//! commissions, so [`Exact`] keeps every amount as a fraction and nothing is
//! rounded until a payout is made. An [`Account`] holds what one commission
//! has earned one partner on one invoice: its exact running total and what has
//! been paid on it. Each payout or clawback is the rounded running total less
//! what was already paid, so any split of payments or refunds pays exactly
//! what the unsplit one pays, and a full refund takes back everything.

use charter_ir::RoundingMode;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::{BigRational, Ratio};
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// Numerators and denominators of the fast representation stay below this
/// bound, so that its checked operations never meet `i128::MIN` and report
/// every overflow.
const SMALL_BOUND: i128 = 1 << 120;

/// An exact rational amount: an `i128` fraction while it fits, a big one after.
#[derive(Clone, Debug)]
pub(crate) enum Exact {
    Small(Ratio<i128>),
    Big(BigRational),
}

impl Default for Exact {
    fn default() -> Self {
        Exact::zero()
    }
}

impl Exact {
    pub fn zero() -> Self {
        Exact::Small(Ratio::from_integer(0))
    }

    pub fn from_int(value: i64) -> Self {
        Exact::Small(Ratio::from_integer(i128::from(value)))
    }

    /// The exact value of a decimal (`mantissa / 10^scale`).
    pub fn from_decimal(value: Decimal) -> Self {
        let denominator = 10i128.checked_pow(value.scale());
        match denominator {
            Some(d) => Exact::small_or_big(Ratio::new(value.mantissa(), d)),
            None => Exact::Big(BigRational::new(
                BigInt::from(value.mantissa()),
                BigInt::from(10).pow(value.scale()),
            )),
        }
    }

    /// A percentage as a fraction of a whole: 12.5 → 1/8.
    pub fn percent(value: Decimal) -> Self {
        Exact::from_decimal(value).div_int(100)
    }

    fn small_or_big(r: Ratio<i128>) -> Self {
        if fits(r.numer()) && fits(r.denom()) {
            Exact::Small(r)
        } else {
            Exact::Big(BigRational::new_raw(
                BigInt::from(*r.numer()),
                BigInt::from(*r.denom()),
            ))
        }
    }

    fn from_big(r: BigRational) -> Self {
        match (r.numer().to_i128(), r.denom().to_i128()) {
            (Some(n), Some(d)) if fits(&n) && fits(&d) => Exact::Small(Ratio::new_raw(n, d)),
            _ => Exact::Big(r),
        }
    }

    fn big(&self) -> BigRational {
        match self {
            Exact::Small(r) => {
                BigRational::new_raw(BigInt::from(*r.numer()), BigInt::from(*r.denom()))
            }
            Exact::Big(r) => r.clone(),
        }
    }

    fn combine(
        &self,
        other: &Exact,
        small: impl Fn(&Ratio<i128>, &Ratio<i128>) -> Option<Ratio<i128>>,
        big: impl Fn(&BigRational, &BigRational) -> BigRational,
    ) -> Exact {
        if let (Exact::Small(a), Exact::Small(b)) = (self, other) {
            if let Some(r) = small(a, b) {
                if fits(r.numer()) && fits(r.denom()) {
                    return Exact::Small(r);
                }
            }
        }
        Exact::from_big(big(&self.big(), &other.big()))
    }

    pub fn add(&self, other: &Exact) -> Exact {
        self.combine(other, |a, b| a.checked_add(b), |a, b| a + b)
    }

    pub fn sub(&self, other: &Exact) -> Exact {
        self.combine(other, |a, b| a.checked_sub(b), |a, b| a - b)
    }

    pub fn mul(&self, other: &Exact) -> Exact {
        self.combine(other, |a, b| a.checked_mul(b), |a, b| a * b)
    }

    /// `self / other`, or `None` when `other` is zero.
    pub fn div(&self, other: &Exact) -> Option<Exact> {
        if other.is_zero() {
            return None;
        }
        Some(self.combine(other, |a, b| a.checked_div(b), |a, b| a / b))
    }

    fn div_int(&self, divisor: i64) -> Exact {
        self.div(&Exact::from_int(divisor))
            .unwrap_or_else(Exact::zero)
    }

    pub fn mul_decimal(&self, other: Decimal) -> Exact {
        self.mul(&Exact::from_decimal(other))
    }

    pub fn is_zero(&self) -> bool {
        match self {
            Exact::Small(r) => r.is_zero(),
            Exact::Big(r) => r.is_zero(),
        }
    }

    /// The nearest decimal with up to 28 places, for explanations and
    /// reported rates only; money is never computed from it.
    pub fn to_decimal(&self) -> Decimal {
        if let Some(d) = self.small_decimal() {
            return d;
        }
        let r = self.big();
        // The exact value at the first scale that holds it; else as many
        // places as a decimal holds (not 28 for every magnitude: 17.7… has
        // room for 27).
        let mut closest = None;
        for scale in 0..=28u32 {
            let scaled = r.numer() * BigInt::from(10).pow(scale);
            let (q, rem) = scaled.div_mod_floor(r.denom());
            match q
                .to_i128()
                .and_then(|q| Decimal::try_from_i128_with_scale(q, scale).ok())
            {
                Some(d) if rem.is_zero() => return d,
                Some(d) => closest = Some(d),
                None => break,
            }
        }
        closest.unwrap_or(if r.is_negative() {
            Decimal::MIN
        } else {
            Decimal::MAX
        })
    }

    /// The value as a decimal, when it is a small fraction that is one.
    fn small_decimal(&self) -> Option<Decimal> {
        let Exact::Small(r) = self else {
            return None;
        };
        let mut scaled = *r.numer();
        for scale in 0..=28u32 {
            if scaled % *r.denom() == 0 {
                return Decimal::try_from_i128_with_scale(scaled / *r.denom(), scale).ok();
            }
            scaled = scaled.checked_mul(10)?;
        }
        None
    }

    /// Whether the value is a decimal with at most 28 places.
    fn terminates(&self) -> bool {
        if self.small_decimal().is_some() {
            return true;
        }
        let r = self.big();
        let mut d = r.denom().clone();
        let (two, five) = (BigInt::from(2), BigInt::from(5));
        let mut places = 0;
        while d.is_even() {
            d /= &two;
            places += 1;
        }
        let mut fives = 0;
        while (&d % &five).is_zero() {
            d /= &five;
            fives += 1;
        }
        d.is_one() && places.max(fives) <= 28
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Exact::Small(a), Exact::Small(b)) => {
                // Cross products of values below 2^120 may overflow: compare big then.
                match (
                    a.numer().checked_mul(b.denom()),
                    b.numer().checked_mul(a.denom()),
                ) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => self.big().cmp(&other.big()),
                }
            }
            _ => self.big().cmp(&other.big()),
        }
    }
}

impl Exact {
    /// The value as an explanation shows it, and whether that is an
    /// approximation: exact decimals as written, other fractions to 12 places.
    pub fn shown(&self) -> (Decimal, bool) {
        if let Some(d) = self.small_decimal() {
            (d.normalize(), false)
        } else if self.terminates() {
            (self.to_decimal().normalize(), false)
        } else {
            (self.to_decimal().round_dp(12).normalize(), true)
        }
    }
}

impl Exact {
    /// The exact value as `numerator/denominator` (lowest terms), for what
    /// crosses between the phases by name.
    pub fn fraction(&self) -> String {
        let r = self.big();
        format!("{}/{}", r.numer(), r.denom())
    }

    /// The value [`Exact::fraction`] wrote, or `None` for other text.
    pub fn parse_fraction(text: &str) -> Option<Exact> {
        let (n, d) = text.split_once('/')?;
        let (n, d) = (n.parse::<BigInt>().ok()?, d.parse::<BigInt>().ok()?);
        (!d.is_zero()).then(|| Exact::from_big(BigRational::new(n, d)))
    }
}

/// Exact decimals as written; other fractions as `≈` and 12 places.
impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shown() {
            (d, false) => write!(f, "{d}"),
            (d, true) => write!(f, "≈{d}"),
        }
    }
}

fn fits(value: &i128) -> bool {
    value.unsigned_abs() < SMALL_BOUND.unsigned_abs()
}

/// How payouts are rounded: the program's `rounding` mode, to `scale` places.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rounding {
    pub scale: u32,
    pub mode: RoundingMode,
}

impl Rounding {
    /// The value rounded to `scale` places in the mode, carrying that scale.
    pub fn round(self, value: &Exact) -> Decimal {
        let scale = self.scale.min(28);
        if let Exact::Small(r) = value {
            let small = 10i128
                .checked_pow(scale)
                .and_then(|p| i128::checked_mul(*r.numer(), p))
                .map(|n| round_quotient(&n, r.denom(), self.mode))
                .and_then(|q| Decimal::try_from_i128_with_scale(q, scale).ok());
            if let Some(d) = small {
                return d;
            }
        }
        let r = value.big();
        let n = r.numer() * BigInt::from(10).pow(scale);
        let q = round_quotient(&n, r.denom(), self.mode);
        q.to_i128()
            .and_then(|q| Decimal::try_from_i128_with_scale(q, scale).ok())
            .unwrap_or(if q.is_negative() {
                Decimal::MIN
            } else {
                Decimal::MAX
            })
    }

    pub fn round_decimal(self, value: Decimal) -> Decimal {
        self.round(&Exact::from_decimal(value))
    }

    pub fn describe(self) -> String {
        let mode = match self.mode {
            RoundingMode::HalfEven => "half-even",
            RoundingMode::HalfUp => "half-up",
            RoundingMode::HalfDown => "half-down",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        };
        format!("rounded {mode} to {} decimals", self.scale)
    }
}

/// `n / d` (with `d > 0`) rounded to an integer in the mode; `Down` and `Up`
/// are toward and away from zero, the `Half` modes break ties that way.
fn round_quotient<T: Integer + Signed + Clone>(n: &T, d: &T, mode: RoundingMode) -> T {
    let (q, r) = n.div_mod_floor(d);
    if r.is_zero() {
        return q;
    }
    let up = q.clone() + T::one();
    let (toward_zero, away_from_zero) = if n.is_negative() {
        (up.clone(), q.clone())
    } else {
        (q.clone(), up.clone())
    };
    let twice = r.clone() + r;
    match mode {
        RoundingMode::Down => toward_zero,
        RoundingMode::Up => away_from_zero,
        RoundingMode::HalfEven | RoundingMode::HalfUp | RoundingMode::HalfDown => {
            match twice.cmp(d) {
                Ordering::Less => q,
                Ordering::Greater => up,
                Ordering::Equal => match mode {
                    RoundingMode::HalfUp => away_from_zero,
                    RoundingMode::HalfDown => toward_zero,
                    RoundingMode::HalfEven | RoundingMode::Down | RoundingMode::Up => {
                        if q.is_even() {
                            q
                        } else {
                            up
                        }
                    }
                },
            }
        }
    }
}

/// What one commission has earned one partner on one invoice.
#[derive(Clone, Debug, Default)]
pub(crate) struct Account {
    /// Exact earnings that a refund takes its share of.
    live: Exact,
    /// Exact earnings kept for good (a refund outside the clawback window).
    kept: Exact,
    /// The sum of the payouts made on it (each rounded).
    paid: Decimal,
}

/// A payout computed on an account: the exact running total before and after,
/// the rounded total, and the amount to pay (negative for a clawback).
#[derive(Clone, Debug)]
pub(crate) struct Settlement {
    pub total: Exact,
    pub rounded: Decimal,
    pub already_paid: Decimal,
    pub amount: Decimal,
}

impl Account {
    pub fn total(&self) -> Exact {
        self.live.add(&self.kept)
    }

    /// The earnings a refund takes its share of (all but what was kept for good).
    pub fn refundable(&self) -> Exact {
        self.live.clone()
    }

    /// The earnings kept for good by refunds outside the clawback window.
    pub fn kept(&self) -> &Exact {
        &self.kept
    }

    /// Adds exact earnings and pays the rounded total less what was paid.
    pub fn earn(&mut self, amount: &Exact, rounding: Rounding) -> Settlement {
        self.live = self.live.add(amount);
        self.settle(rounding)
    }

    /// Takes back `share` (a fraction from 0 to 1) of the earnings a refund
    /// can reach; returns the exact amount taken and the settlement.
    pub fn claw_back(&mut self, share: &Exact, rounding: Rounding) -> (Exact, Settlement) {
        let taken = self.live.mul(share);
        self.live = self.live.sub(&taken);
        (taken, self.settle(rounding))
    }

    /// A refund outside the clawback window: `share` of the earnings it would
    /// have reached is kept for good, out of later refunds' reach.
    pub fn keep(&mut self, share: &Exact) {
        let kept = self.live.mul(share);
        self.live = self.live.sub(&kept);
        self.kept = self.kept.add(&kept);
    }

    /// Sets the earnings to another account's (a commission cut back to what
    /// it would have earned at a lower rate) and pays the rounded total less
    /// what was paid: negative when the total falls.
    pub fn cut_to(&mut self, at: &Account, rounding: Rounding) -> Settlement {
        self.live = at.live.clone();
        self.kept = at.kept.clone();
        self.settle(rounding)
    }

    fn settle(&mut self, rounding: Rounding) -> Settlement {
        let total = self.total();
        let rounded = rounding.round(&total);
        let already_paid = self.paid;
        let amount = rounded - already_paid;
        self.paid = rounded;
        Settlement {
            total,
            rounded,
            already_paid,
            amount,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn cents(mode: RoundingMode) -> Rounding {
        Rounding { scale: 2, mode }
    }

    #[test]
    fn rounding_modes_on_ties_and_signs() {
        let cases = [
            ("0.005", RoundingMode::HalfEven, "0.00"),
            ("0.015", RoundingMode::HalfEven, "0.02"),
            ("0.005", RoundingMode::HalfUp, "0.01"),
            ("-0.005", RoundingMode::HalfUp, "-0.01"),
            ("0.005", RoundingMode::HalfDown, "0.00"),
            ("-0.015", RoundingMode::HalfDown, "-0.01"),
            ("0.019", RoundingMode::Down, "0.01"),
            ("-0.019", RoundingMode::Down, "-0.01"),
            ("0.011", RoundingMode::Up, "0.02"),
            ("-0.011", RoundingMode::Up, "-0.02"),
            ("-0.0151", RoundingMode::HalfEven, "-0.02"),
        ];
        for (value, mode, want) in cases {
            let got = cents(mode).round_decimal(d(value));
            assert_eq!(got.to_string(), want, "{value} {mode:?}");
        }
    }

    #[test]
    fn a_fraction_is_rounded_once_and_exactly() {
        // 125.13 × 82.59 / 250.26 = 41.295 exactly: half-even gives 41.30.
        let x = Exact::from_decimal(d("125.13"))
            .mul_decimal(d("82.59"))
            .div(&Exact::from_decimal(d("250.26")))
            .unwrap();
        assert_eq!(x.to_string(), "41.295");
        assert_eq!(cents(RoundingMode::HalfEven).round(&x), d("41.30"));
        let third = Exact::from_int(1).div(&Exact::from_int(3)).unwrap();
        assert_eq!(third.to_string(), "≈0.333333333333");
    }

    #[test]
    fn a_fraction_above_ten_that_does_not_terminate_is_shown_not_saturated() {
        // 160 / 900 × 100 = 17.77…: at 28 places its digits no longer fit a
        // decimal; it was shown as the largest decimal (≈79228162514264337593543950335).
        let rate = Exact::from_int(16000).div(&Exact::from_int(900)).unwrap();
        assert_eq!(rate.to_string(), "≈17.777777777778");
        let big = Exact::from_int(-2_000_000_000)
            .div(&Exact::from_int(3))
            .unwrap();
        assert_eq!(big.to_string(), "≈-666666666.666666666667");
    }

    #[test]
    fn split_earnings_and_refunds_pay_the_unsplit_total() {
        let r = cents(RoundingMode::HalfUp);
        // 100 payments of 0.05 at 10%: 0.50 in all, not 100 × 0.01.
        let mut account = Account::default();
        let mut paid = Decimal::ZERO;
        for _ in 0..100 {
            paid += account.earn(&Exact::from_decimal(d("0.005")), r).amount;
        }
        assert_eq!(paid, d("0.50"));
        // 10.00 earned, then 2,500 refunds of 0.04 on 100.00 paid take it all back.
        let mut account = Account::default();
        let mut total = account.earn(&Exact::from_decimal(d("10")), r).amount;
        let mut kept = d("100.00");
        for _ in 0..2500 {
            let share = Exact::from_decimal(d("0.04"))
                .div(&Exact::from_decimal(kept))
                .unwrap();
            total += account.claw_back(&share, r).1.amount;
            kept -= d("0.04");
        }
        assert_eq!(total, d("0.00"));
    }

    #[test]
    fn big_fractions_stay_exact() {
        // Denominators that outgrow i128 move to big integers and come back.
        let mut x = Exact::from_int(1);
        for p in [
            7i64, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73,
        ] {
            x = x.div(&Exact::from_int(p * 1_000_003)).unwrap();
        }
        assert!(matches!(x, Exact::Big(_)));
        let mut y = x.clone();
        for p in [
            7i64, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73,
        ] {
            y = y.mul(&Exact::from_int(p * 1_000_003));
        }
        assert!(matches!(y, Exact::Small(_)));
        assert_eq!(y, Exact::from_int(1));
        assert!(x < Exact::from_int(1));
    }
}
