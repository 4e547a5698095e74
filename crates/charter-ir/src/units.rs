//! Units: percentages, money, durations and the calendar arithmetic on them.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::Serialize;

/// A percentage as written: `Percent(20)` is 20%.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Percent(pub Decimal);

impl Percent {
    /// The fraction this percentage is of a whole (20% -> 0.2).
    pub fn fraction(self) -> Decimal {
        self.0 / Decimal::ONE_HUNDRED
    }
}

impl std::fmt::Display for Percent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}%", self.0.normalize())
    }
}

/// An amount in a currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: String,
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount.normalize(), self.currency)
    }
}

/// The largest magnitude of a number a policy may write (amounts, thresholds,
/// bracket bounds): 10^17. With scenario amounts bounded the same way, every
/// sum the simulator forms over up to 2^32 events, times a rate of up to
/// 100%, fits an exact decimal.
pub const MAX_NUMBER: i64 = 100_000_000_000_000_000;

/// The longest duration a policy may write: 100 years (1200 months, 5217
/// weeks, 36525 days or business days). Longer windows are `for lifetime`;
/// the bound keeps the business-day walks short.
pub const MAX_DURATION_YEARS: u32 = 100;

/// The first date Charter knows: a policy or scenario date before it (year
/// `0000`) is an error. The last is 9999-12-31, the largest `YYYY-MM-DD`.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// Why a literal cannot be a [`Decimal`] exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inexact {
    /// More than 28 digits before the point, or not a number at all.
    TooLarge,
    /// More significant digits or decimal places than a decimal holds: it
    /// would have to be rounded.
    TooPrecise,
}

/// Reads `digits` (`123`, `0.05`) as a decimal without ever rounding:
/// trailing zeros after the point that do not fit are dropped, any other
/// digit that does not fit is an error.
pub fn exact_decimal(digits: &str) -> Result<Decimal, Inexact> {
    if let Ok(value) = Decimal::from_str_exact(digits) {
        return Ok(value);
    }
    let trimmed = match digits.split_once('.') {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_string()
            } else {
                format!("{whole}.{fraction}")
            }
        }
        None => digits.to_string(),
    };
    let whole_digits = trimmed
        .split('.')
        .next()
        .unwrap_or("")
        .trim_start_matches(['-', '0'])
        .len();
    match Decimal::from_str_exact(&trimmed) {
        Ok(value) => Ok(value),
        Err(_) if whole_digits > 28 || !trimmed.bytes().any(|b| b.is_ascii_digit()) => {
            Err(Inexact::TooLarge)
        }
        Err(_) => Err(Inexact::TooPrecise),
    }
}

/// The number of digits after the decimal point of a currency's minor unit (ISO 4217).
pub fn minor_units(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// The `k`-th period (from 0) of `every` from `joined` (`any of … each D
/// from joined`): `[start, end)`.
/// Each end is computed from `joined`, never from the period before, so
/// months do not drift (joined 2025-01-31, 1 month: ends 02-28, 03-31, …).
pub fn any_of_period(
    joined: NaiveDate,
    every: Duration,
    k: u32,
    holidays: &[NaiveDate],
) -> (NaiveDate, NaiveDate) {
    let at = |n: u32| {
        Duration {
            amount: every.amount.saturating_mul(n),
            unit: every.unit,
        }
        .after(joined, holidays)
    };
    (at(k), at(k + 1))
}

/// The contract year holding `day` for a partner that joined on `joined`
/// (`per contract year`, LANGUAGE.md §3 `require`): its first day, the latest
/// anniversary of `joined` on or before `day` (anniversaries before joining
/// count backwards; a 29 February start renews on 28 February in other
/// years), and the first day of the contract year before it. Without a
/// joined date the contract year is the calendar year.
pub fn contract_year(joined: Option<NaiveDate>, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let Some(joined) = joined else {
        let jan1 = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
        return (jan1(day.year()), jan1(day.year() - 1));
    };
    // The anniversary `k` years from joining (k may be negative).
    let anniversary = |k: i64| {
        let months =
            Months::new(u32::try_from(k.unsigned_abs().saturating_mul(12)).unwrap_or(u32::MAX));
        if k >= 0 {
            joined.checked_add_months(months).unwrap_or(NaiveDate::MAX)
        } else {
            joined.checked_sub_months(months).unwrap_or(NaiveDate::MIN)
        }
    };
    let mut k = i64::from(day.year()) - i64::from(joined.year());
    if anniversary(k) > day {
        k -= 1;
    }
    (anniversary(k), anniversary(k - 1))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    Days,
    BusinessDays,
    Weeks,
    Months,
    Years,
}

/// A length of time with its unit: calendar or business days, weeks, months, years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Duration {
    pub amount: u32,
    pub unit: DurationUnit,
}

impl Duration {
    pub fn days(amount: u32) -> Duration {
        Duration {
            amount,
            unit: DurationUnit::Days,
        }
    }

    pub fn months(amount: u32) -> Duration {
        Duration {
            amount,
            unit: DurationUnit::Months,
        }
    }

    /// The date this long after `date`. Month arithmetic clamps to the month's last
    /// day (Jan 31 + 1 month = Feb 28). Business days skip weekends and `holidays`.
    pub fn after(self, date: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
        match self.unit {
            DurationUnit::Days => date.checked_add_days(Days::new(self.amount.into())),
            DurationUnit::Weeks => date.checked_add_days(Days::new(u64::from(self.amount) * 7)),
            DurationUnit::Months => date.checked_add_months(Months::new(self.amount)),
            DurationUnit::Years => {
                date.checked_add_months(Months::new(self.amount.saturating_mul(12)))
            }
            DurationUnit::BusinessDays => Some(add_business_days(date, self.amount, holidays)),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// The date this long before `date`.
    pub fn before(self, date: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
        match self.unit {
            DurationUnit::Days => date.checked_sub_days(Days::new(self.amount.into())),
            DurationUnit::Weeks => date.checked_sub_days(Days::new(u64::from(self.amount) * 7)),
            DurationUnit::Months => date.checked_sub_months(Months::new(self.amount)),
            DurationUnit::Years => {
                date.checked_sub_months(Months::new(self.amount.saturating_mul(12)))
            }
            DurationUnit::BusinessDays => Some(sub_business_days(date, self.amount, holidays)),
        }
        .unwrap_or(NaiveDate::MIN)
    }

    /// An upper estimate in calendar days, to compare durations of different units.
    pub fn approx_days(self) -> u64 {
        let n = u64::from(self.amount);
        match self.unit {
            DurationUnit::Days => n,
            // 5 business days span at most 7 calendar days, plus holidays.
            DurationUnit::BusinessDays => n * 7 / 5 + 1,
            DurationUnit::Weeks => n * 7,
            DurationUnit::Months => n * 31,
            DurationUnit::Years => n * 366,
        }
    }

    /// A lower estimate in calendar days.
    pub fn min_days(self) -> u64 {
        let n = u64::from(self.amount);
        match self.unit {
            DurationUnit::Days | DurationUnit::BusinessDays => n,
            DurationUnit::Weeks => n * 7,
            DurationUnit::Months => n * 28,
            DurationUnit::Years => n * 365,
        }
    }

    /// Whether the duration is at most [`MAX_DURATION_YEARS`].
    pub fn within_limit(self) -> bool {
        let limit = match self.unit {
            DurationUnit::Days | DurationUnit::BusinessDays => MAX_DURATION_YEARS * 36525 / 100,
            DurationUnit::Weeks => MAX_DURATION_YEARS * 36525 / 700,
            DurationUnit::Months => MAX_DURATION_YEARS * 12,
            DurationUnit::Years => MAX_DURATION_YEARS,
        };
        self.amount <= limit
    }

    pub fn is_business(self) -> bool {
        self.unit == DurationUnit::BusinessDays
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let one = self.amount == 1;
        let unit = match (self.unit, one) {
            (DurationUnit::Days, true) => "day",
            (DurationUnit::Days, false) => "days",
            (DurationUnit::BusinessDays, true) => "business day",
            (DurationUnit::BusinessDays, false) => "business days",
            (DurationUnit::Weeks, true) => "week",
            (DurationUnit::Weeks, false) => "weeks",
            (DurationUnit::Months, true) => "month",
            (DurationUnit::Months, false) => "months",
            (DurationUnit::Years, true) => "year",
            (DurationUnit::Years, false) => "years",
        };
        write!(f, "{} {}", self.amount, unit)
    }
}

/// Whether a date is a business day: not Saturday, Sunday or a holiday.
pub fn is_business_day(date: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&date)
}

fn add_business_days(mut date: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        match date.succ_opt() {
            Some(next) => date = next,
            None => return date,
        }
        if is_business_day(date, holidays) {
            left -= 1;
        }
    }
    date
}

fn sub_business_days(mut date: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        match date.pred_opt() {
            Some(prev) => date = prev,
            None => return date,
        }
        if is_business_day(date, holidays) {
            left -= 1;
        }
    }
    date
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        // Friday 2026-01-02 + 1 business day = Monday 2026-01-05.
        let one = Duration {
            amount: 1,
            unit: DurationUnit::BusinessDays,
        };
        assert_eq!(one.after(d("2026-01-02"), &[]), d("2026-01-05"));
        assert_eq!(
            one.after(d("2026-01-02"), &[d("2026-01-05")]),
            d("2026-01-06")
        );
        let five = Duration {
            amount: 5,
            unit: DurationUnit::BusinessDays,
        };
        assert_eq!(five.after(d("2026-03-02"), &[]), d("2026-03-09"));
    }

    #[test]
    fn literals_are_exact_or_refused() {
        let exact = |s: &str| exact_decimal(s);
        assert_eq!(exact("20"), Ok(Decimal::from(20)));
        assert_eq!(exact("0.05").map(|d| d.to_string()), Ok("0.05".into()));
        assert_eq!(
            exact("100.0000000000000000000000000000000001"),
            Err(Inexact::TooPrecise)
        );
        assert_eq!(
            exact("0.00000000000000000000000000000000001"),
            Err(Inexact::TooPrecise)
        );
        assert_eq!(
            exact("1.5000000000000000000000000000000000"),
            Ok("1.5".parse().unwrap())
        );
        assert_eq!(
            exact("1000000000000000000000000000000"),
            Err(Inexact::TooLarge)
        );
        assert_eq!(exact(&"9".repeat(10_000)), Err(Inexact::TooLarge));
        assert_eq!(FIRST_DATE, d("0001-01-01"));
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(
            Duration::months(1).after(d("2026-01-31"), &[]),
            d("2026-02-28")
        );
        assert_eq!(
            Duration::months(12).after(d("2025-03-10"), &[]),
            d("2026-03-10")
        );
    }

    #[test]
    fn contract_years_start_on_the_anniversaries_of_joining() {
        let joined = Some(d("2024-09-15"));
        assert_eq!(
            contract_year(joined, d("2025-09-14")),
            (d("2024-09-15"), d("2023-09-15"))
        );
        assert_eq!(
            contract_year(joined, d("2025-09-15")),
            (d("2025-09-15"), d("2024-09-15"))
        );
        assert_eq!(
            contract_year(joined, d("2024-01-01")),
            (d("2023-09-15"), d("2022-09-15"))
        );
        assert_eq!(
            contract_year(Some(d("2024-02-29")), d("2025-02-28")),
            (d("2025-02-28"), d("2024-02-29"))
        );
        assert_eq!(
            contract_year(None, d("2025-06-30")),
            (d("2025-01-01"), d("2024-01-01"))
        );
    }
}
