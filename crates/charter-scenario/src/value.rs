//! Scalar values of the scenario format and their validation.
//!
//! Every check that concerns one JSON value alone (a date, an amount, a
//! currency code, a count, a non-empty name) lives in the `Deserialize` impl of
//! a small newtype here, so a bad value fails while serde knows its path. The
//! loader then points the error at the value's first character.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Most significant digits (and decimal places) an amount may have; the
/// exact range of `rust_decimal::Decimal`.
pub(crate) const MAX_AMOUNT_DIGITS: u32 = 28;

/// The largest magnitude of an amount: 10^17, as for the numbers of a policy
/// (`charter_ir::units::MAX_NUMBER`). Every sum the simulator forms over up
/// to 2^32 such amounts, times a rate of up to 100%, fits an exact decimal.
pub(crate) const MAX_AMOUNT: i64 = 100_000_000_000_000_000;

/// A non-empty JSON string, borrowed from the source when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text<'de>(pub Cow<'de, str>);

impl<'de> Text<'de> {
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-empty string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                non_empty(v)?;
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                non_empty(v)?;
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                non_empty(&v)?;
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

fn non_empty<E: de::Error>(v: &str) -> Result<(), E> {
    if v.is_empty() {
        Err(E::invalid_value(Unexpected::Str(v), &"a non-empty string"))
    } else {
        Ok(())
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateValue(pub NaiveDate);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = DateValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like \"2025-03-05\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                parse_date(v).map(DateValue).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(DateVisitor)
    }
}

/// Parses a strict `YYYY-MM-DD` date from 0001-01-01 to 9999-12-31,
/// explaining what is wrong otherwise. Every date a user writes (scenario
/// files, `--as-of`) goes through it.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(format!(
            "expected a date like \"2025-03-05\", found {}",
            quoted(text)
        ));
    }
    let number = |range: std::ops::Range<usize>| {
        b[range]
            .iter()
            .fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0'))
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if year == 0 {
        return Err(format!(
            "{} is before the first date Charter knows: dates run from 0001-01-01 to 9999-12-31",
            quoted(text)
        ));
    }
    // The shape check bounds `year` to four digits, so it fits an i32.
    let year = year as i32;
    if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
        return Ok(date);
    }
    let reason = match NaiveDate::from_ymd_opt(year, month, 1) {
        None => format!("there is no month {month}"),
        Some(first) => format!(
            "{} {year} has {} days",
            MONTH_NAMES[first.month0() as usize],
            days_in_month(first)
        ),
    };
    Err(format!("{} is not a valid date: {reason}", quoted(text)))
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn days_in_month(first: NaiveDate) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| first.with_day(d).is_some())
        .unwrap_or(28)
}

/// A money amount that must not be negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Amount(pub Decimal);

/// A money amount that may be negative (expected totals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SignedAmount(pub Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        parse_amount(raw.get(), Sign::NonNegative)
            .map(Amount)
            .map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for SignedAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        parse_amount(raw.get(), Sign::Any)
            .map(SignedAmount)
            .map_err(de::Error::custom)
    }
}

/// Whether an amount may be negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    NonNegative,
    Any,
}

/// Reads an amount exactly from its JSON source text: a string such as
/// `"100.00"` or a number such as `100.00` or `1.5e3`. Never goes through a
/// float.
pub(crate) fn parse_amount(json: &str, sign: Sign) -> Result<Decimal, String> {
    let json = json.trim();
    let (digits, is_string): (Cow<str>, bool) = match json.as_bytes().first() {
        Some(b'"') if json.contains('\\') => match serde_json::from_str::<String>(json) {
            Ok(s) => (Cow::Owned(s), true),
            Err(_) => return Err(malformed(json)),
        },
        Some(b'"') if json.len() >= 2 && json.ends_with('"') => {
            (Cow::Borrowed(&json[1..json.len() - 1]), true)
        }
        Some(b'-' | b'0'..=b'9') => (Cow::Borrowed(json), false),
        _ => return Err(malformed(json)),
    };
    match parse_decimal(&digits, !is_string) {
        Ok(value) => checked_amount(value, sign, || json.to_owned()),
        Err(DecimalError::Malformed) => Err(malformed(json)),
        Err(DecimalError::TooPrecise) => Err(too_precise(json)),
    }
}

/// Reads an amount exactly from a table cell's text (CSV, a Parquet
/// string): `100.00`, `-2.5` or `1.5e3`, without quotes or spaces.
pub(crate) fn parse_amount_text(text: &str, sign: Sign) -> Result<Decimal, String> {
    let shown = || quoted(text);
    match parse_decimal(text, true) {
        Ok(value) => checked_amount(value, sign, shown),
        Err(DecimalError::Malformed) => Err(malformed(&shown())),
        Err(DecimalError::TooPrecise) => Err(too_precise(&shown())),
    }
}

/// The exact amount `unscaled × 10^-scale` (a Parquet decimal or integer).
/// Trailing zeros beyond what a `Decimal` holds are dropped; nothing else.
pub(crate) fn amount_from_unscaled(
    unscaled: i128,
    scale: i32,
    sign: Sign,
) -> Result<Decimal, String> {
    let shown = || {
        let digits = unscaled.unsigned_abs().to_string();
        let minus = if unscaled < 0 { "-" } else { "" };
        match scale {
            0 => format!("{minus}{digits}"),
            s if s < 0 => format!("{minus}{digits}e{}", -s),
            s => {
                let s = s as usize;
                let padded = format!("{digits:0>width$}", width = s + 1);
                let (int, frac) = padded.split_at(padded.len() - s);
                format!("{minus}{int}.{frac}")
            }
        }
    };
    let (mut mantissa, mut scale) = (unscaled, scale);
    // A negative scale multiplies; a scale beyond 28 must shed zeros.
    while scale < 0 {
        mantissa = mantissa
            .checked_mul(10)
            .ok_or_else(|| too_large(&shown()))?;
        scale += 1;
    }
    let limit = MAX_AMOUNT_DIGITS as i32;
    while scale > 0 && mantissa % 10 == 0 && (scale > limit || mantissa.unsigned_abs() >= 1 << 96) {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > limit {
        return Err(too_precise(&shown()));
    }
    // `scale` is at most 28 here, and 10^28 fits an i128.
    if mantissa.unsigned_abs() / 10u128.pow(scale as u32) > MAX_AMOUNT as u128 {
        return Err(too_large(&shown()));
    }
    let value = Decimal::try_from_i128_with_scale(mantissa, scale as u32)
        .map_err(|_| too_precise(&shown()))?;
    checked_amount(value, sign, shown)
}

/// `value` if its sign and size are allowed; `shown` says how the input
/// wrote it (only called for a message).
fn checked_amount(
    value: Decimal,
    sign: Sign,
    shown: impl Fn() -> String,
) -> Result<Decimal, String> {
    if sign == Sign::NonNegative && value.is_sign_negative() && !value.is_zero() {
        return Err(format!(
            "amount must not be negative, found {}",
            shorten(&shown())
        ));
    }
    // A mantissa within the bound bounds the value (a scale only divides);
    // comparing decimals is the slow path.
    if value.mantissa().unsigned_abs() > MAX_AMOUNT as u128
        && value.abs() > Decimal::from(MAX_AMOUNT)
    {
        return Err(too_large(&shown()));
    }
    Ok(value)
}

fn too_large(shown: &str) -> String {
    format!(
        "amount {} is larger than the largest amount accepted ({MAX_AMOUNT})",
        shorten(shown)
    )
}

fn too_precise(shown: &str) -> String {
    format!(
        "amount {} is too precise: at most {MAX_AMOUNT_DIGITS} significant digits \
         and {MAX_AMOUNT_DIGITS} decimal places are allowed",
        shorten(shown)
    )
}

fn malformed(json: &str) -> String {
    format!(
        "expected a decimal amount like \"100.00\", found {}",
        shorten(json)
    )
}

enum DecimalError {
    Malformed,
    TooPrecise,
}

/// Parses `-?digits(.digits)?` and, when `exponent` is allowed, a trailing
/// `e[+-]digits`, into an exact decimal.
fn parse_decimal(text: &str, exponent: bool) -> Result<Decimal, DecimalError> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if negative {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = &b[int_start..i];
    if int_digits.is_empty() {
        return Err(DecimalError::Malformed);
    }
    let mut frac_digits: &[u8] = &[];
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        i = frac_start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = &b[frac_start..i];
        if frac_digits.is_empty() {
            return Err(DecimalError::Malformed);
        }
    }
    let mut exp: i64 = 0;
    if exponent && i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let exp_negative = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            // Saturate: anything this large is rejected as too precise below.
            exp = (exp * 10 + i64::from(b[i] - b'0')).min(1_000_000);
            i += 1;
        }
        if i == exp_start {
            return Err(DecimalError::Malformed);
        }
        if exp_negative {
            exp = -exp;
        }
    }
    if i != b.len() {
        return Err(DecimalError::Malformed);
    }

    // The digits without leading zeros form the mantissa; `scale` decimal
    // places follow the point.
    let digits = || {
        int_digits
            .iter()
            .chain(frac_digits)
            .skip_while(|&&d| d == b'0')
    };
    let significant = digits().count();
    let trailing_zeros = (int_digits.iter().chain(frac_digits).rev())
        .take_while(|&&d| d == b'0')
        .count()
        .min(significant);
    let mut scale = frac_digits.len() as i64 - exp;
    // Trailing zeros after the point may go when the digits do not fit.
    let limit = i64::from(MAX_AMOUNT_DIGITS);
    let mut kept = significant as i64;
    let mut droppable = trailing_zeros as i64;
    while (scale > limit || kept > limit) && scale > 0 && droppable > 0 {
        scale -= 1;
        kept -= 1;
        droppable -= 1;
    }
    let padding = if scale < 0 { -scale } else { 0 };
    if kept + padding > limit || scale > limit {
        return Err(DecimalError::TooPrecise);
    }
    let mut mantissa: i128 = 0;
    for &d in digits().take(kept as usize) {
        mantissa = mantissa * 10 + i128::from(d - b'0');
    }
    for _ in 0..padding {
        mantissa *= 10;
    }
    if negative {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale.max(0) as u32)
        .map_err(|_| DecimalError::TooPrecise)
}

/// A tax rate in percent, written `"20%"` (0% to 100%, exact): the rate a
/// VAT-registered partner adds on top of its commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TaxRate(pub Decimal);

/// Reads `"20%"` or `"5.5%"` exactly.
pub(crate) fn parse_tax_rate(text: &str) -> Result<Decimal, String> {
    let wrong = || {
        format!(
            "expected a tax rate like \"20%\" (0% to 100%), found {}",
            quoted(text)
        )
    };
    let digits = text.strip_suffix('%').ok_or_else(wrong)?;
    match parse_decimal(digits, false) {
        Ok(rate) if !rate.is_sign_negative() && rate <= Decimal::ONE_HUNDRED => Ok(rate),
        _ => Err(wrong()),
    }
}

impl<'de> Deserialize<'de> for TaxRate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(deserializer)?;
        parse_tax_rate(&text.0)
            .map(TaxRate)
            .map_err(de::Error::custom)
    }
}

/// A three-letter currency code such as `EUR`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses three uppercase ASCII letters.
    pub fn parse(text: &str) -> Option<Currency> {
        let b: [u8; 3] = text.as_bytes().try_into().ok()?;
        b.iter().all(u8::is_ascii_uppercase).then_some(Currency(b))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({:?})", self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(deserializer)?;
        Currency::parse(&text.0).ok_or_else(|| {
            de::Error::custom(format!(
                "expected a three-letter currency code like \"EUR\", found {}",
                quoted(&text.0)
            ))
        })
    }
}

/// An ISO 3166-1 alpha-2 region code such as `PL` (only the shape is checked).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region([u8; 2]);

impl Region {
    /// Parses two uppercase ASCII letters.
    pub fn parse(text: &str) -> Option<Region> {
        let b: [u8; 2] = text.as_bytes().try_into().ok()?;
        b.iter().all(u8::is_ascii_uppercase).then_some(Region(b))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({:?})", self.as_str())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(deserializer)?;
        Region::parse(&text.0).ok_or_else(|| {
            de::Error::custom(format!(
                "expected a two-letter region code like \"PL\" (ISO 3166-1 alpha-2), found {}",
                quoted(&text.0)
            ))
        })
    }
}

/// The most months an invoice may bill (a hundred years).
pub(crate) const MAX_MONTHS: u16 = 1200;

/// A billing period: a whole number of months from 1 to [`MAX_MONTHS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Months(pub u16);

impl<'de> Deserialize<'de> for Months {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Count(n) = Count::deserialize(deserializer)?;
        months(n).map(Months).map_err(de::Error::custom)
    }
}

/// `n` as a billing period, or why it is none.
pub(crate) fn months(n: u32) -> Result<u16, String> {
    u16::try_from(n)
        .ok()
        .filter(|m| (1..=MAX_MONTHS).contains(m))
        .ok_or_else(|| format!("expected a number of months from 1 to {MAX_MONTHS}, found {n}"))
}

/// A non-negative whole number (a head count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Count(pub u32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl Visitor<'_> for CountVisitor {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative whole number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                u32::try_from(v)
                    .map(Count)
                    .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &"at most 4294967295"))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u64::try_from(v)
                    .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // JSON Schema counts `2.0` as an integer; accept it the same way.
                if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                    Ok(Count(v as u32))
                } else {
                    Err(E::invalid_value(Unexpected::Float(v), &self))
                }
            }
        }
        deserializer.deserialize_any(CountVisitor)
    }
}

/// What a derived struct read through [`Object`] says it expects.
pub(crate) trait Expecting {
    const EXPECTING: &'static str;
}

/// A derived struct that must be written as a JSON object: serde's derive
/// alone would also accept an array of its field values.
#[derive(Debug)]
pub(crate) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de> + Expecting> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Expecting> Visitor<'de> for ObjectVisitor<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(T::EXPECTING)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Object)
            }
        }
        deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
    }
}

/// Deserializes a present field as `Some(value)`; `null` is rejected like any
/// other wrong type. Use with `#[serde(default, deserialize_with = "some")]`.
pub(crate) fn some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// `text` as a JSON string literal, shortened when long.
pub(crate) fn quoted(text: &str) -> String {
    shorten(&serde_json::Value::from(text).to_string())
}

/// Cuts long user input for messages and escapes its control characters
/// (the one helper of every Charter message, [`charter_diagnostics::text::shorten`]).
pub(crate) fn shorten(text: &str) -> String {
    charter_diagnostics::text::shorten(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_are_read_exactly() {
        let a = parse_amount("0.1", Sign::NonNegative).unwrap();
        let b = parse_amount("0.2", Sign::NonNegative).unwrap();
        assert_eq!(a + b, dec("0.3"));
        assert_eq!(
            parse_amount("12345678901234567.89", Sign::NonNegative).unwrap(),
            dec("12345678901234567.89")
        );
        assert_eq!(
            parse_amount("\"12345678901234567.89\"", Sign::NonNegative).unwrap(),
            dec("12345678901234567.89")
        );
        assert_eq!(
            parse_amount("\"100.00\"", Sign::NonNegative)
                .unwrap()
                .scale(),
            2
        );
        assert_eq!(
            parse_amount("1.5e3", Sign::NonNegative).unwrap(),
            dec("1500")
        );
        assert_eq!(
            parse_amount("15E-1", Sign::NonNegative).unwrap(),
            dec("1.5")
        );
        assert_eq!(
            parse_amount("-0", Sign::NonNegative).unwrap(),
            Decimal::ZERO
        );
        assert_eq!(parse_amount("\"-2.50\"", Sign::Any).unwrap(), dec("-2.50"));
        assert_eq!(
            parse_amount("\"\\u0031.5\"", Sign::NonNegative).unwrap(),
            dec("1.5")
        );
        let max = "100000000000000000";
        assert_eq!(parse_amount(max, Sign::NonNegative).unwrap(), dec(max));
        let too_large = parse_amount("100000000000000000.01", Sign::NonNegative).unwrap_err();
        assert!(too_large.contains("larger than"), "{too_large}");
        assert_eq!(
            parse_amount("0.0000000000000000000000000001", Sign::NonNegative).unwrap(),
            dec("0.0000000000000000000000000001")
        );
        assert_eq!(
            parse_amount("1.000000000000000000000000000000000", Sign::NonNegative).unwrap(),
            dec("1")
        );
    }

    #[test]
    fn bad_amounts_are_explained() {
        let err = |s: &str| parse_amount(s, Sign::NonNegative).unwrap_err();
        assert_eq!(
            err("\"12,50\""),
            r#"expected a decimal amount like "100.00", found "12,50""#
        );
        assert_eq!(err("-5"), "amount must not be negative, found -5");
        assert!(err("99999999999999999999999999999").contains("too precise"));
        assert!(err("0.00000000000000000000000000001").contains("too precise"));
        assert!(err("1e29").contains("too precise"));
        assert!(err("1e999999999999999999").contains("too precise"));
        // Never rounded: one digit too many is an error, however small.
        assert!(err("100.0000000000000000000000000000000001").contains("too precise"));
        assert!(err("\"0.00000000000000000000000000000000001\"").contains("too precise"));
        // A huge amount is quoted cut, not whole.
        let huge = err(&"1".repeat(10_000_000));
        assert!(huge.len() < 300, "{} bytes", huge.len());
        let huge = err(&format!("0.{}1", "0".repeat(10_000_000)));
        assert!(huge.len() < 300, "{} bytes", huge.len());
        for bad in [
            "true", "null", "{}", "\"\"", "\"1.\"", "\".5\"", "\"1e3\"", "\" 1\"",
        ] {
            assert!(err(bad).starts_with("expected a decimal amount"), "{bad}");
        }
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            parse_date("2025-02-30").unwrap_err(),
            "\"2025-02-30\" is not a valid date: February 2025 has 28 days"
        );
        assert_eq!(
            parse_date("2025-13-01").unwrap_err(),
            "\"2025-13-01\" is not a valid date: there is no month 13"
        );
        assert_eq!(
            parse_date("2025/03/05").unwrap_err(),
            "expected a date like \"2025-03-05\", found \"2025/03/05\""
        );
        assert!(parse_date("2025-3-5").is_err());
        assert_eq!(
            parse_date("0000-01-01").unwrap_err(),
            "\"0000-01-01\" is before the first date Charter knows: dates run from 0001-01-01 to 9999-12-31"
        );
        assert!(parse_date("0001-01-01").is_ok());
        assert!(parse_date("２０２５-03-05").is_err());
    }

    #[test]
    fn codes_have_a_fixed_shape() {
        assert_eq!(Currency::parse("EUR").unwrap().as_str(), "EUR");
        assert!(Currency::parse("eur").is_none());
        assert!(Currency::parse("EURO").is_none());
        assert_eq!(Region::parse("PL").unwrap().as_str(), "PL");
        assert!(Region::parse("P1").is_none());
        assert!(Region::parse("É").is_none());
    }
}
