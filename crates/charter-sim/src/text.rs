//! Writing explanation text without the formatting machinery: a line sink
//! that is either plain text or the body of a JSON string, and dates and
//! decimals written straight as bytes. A report of half a million payouts
//! writes a few million explanation lines; this is their hot path.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Where explanation lines go, piece by piece.
pub(crate) trait Lines {
    /// Starts a line.
    fn start(&mut self);
    /// Text this crate writes: needs no escaping in any output (no `"`,
    /// `\\` or control characters).
    fn lit(&mut self, s: &str);
    /// Any text: names and locations from the policy or the scenario.
    fn text(&mut self, s: &str);
    /// Ends the line.
    fn end(&mut self);

    /// ASCII this crate writes (digits, `-`, `.`).
    fn ascii(&mut self, b: &[u8]) {
        self.lit(std::str::from_utf8(b).unwrap_or_default());
    }

    fn date(&mut self, d: NaiveDate) {
        match date_bytes(d) {
            Some(b) => self.ascii(&b),
            None => self.text(&d.to_string()),
        }
    }

    fn dec(&mut self, d: Decimal) {
        let mut buf = DecimalBuf::default();
        match buf.format(d) {
            Some(b) => self.ascii(b),
            None => self.text(&d.to_string()),
        }
    }

    /// A whole line of any text.
    fn line(&mut self, text: &str) {
        self.start();
        self.text(text);
        self.end();
    }

    /// Rare lines: formatted, then written as any text.
    fn fmt(&mut self, args: std::fmt::Arguments) {
        let mut s = String::new();
        let _ = s.write_fmt(args);
        self.text(&s);
    }
}

/// Lines as strings.
pub(crate) struct StringLines<'o> {
    pub line: String,
    pub out: &'o mut Vec<String>,
}

impl Lines for StringLines<'_> {
    fn start(&mut self) {
        self.line.clear();
    }
    fn lit(&mut self, s: &str) {
        self.line.push_str(s);
    }
    fn text(&mut self, s: &str) {
        self.line.push_str(s);
    }
    fn end(&mut self) {
        self.out.push(std::mem::take(&mut self.line));
    }
}

/// `YYYY-MM-DD`, as chrono's `Display` writes the years 0 to 9999; `None` outside them.
pub(crate) fn date_bytes(d: NaiveDate) -> Option<[u8; 10]> {
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return None;
    }
    let (m, day) = (d.month(), d.day());
    Some([
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (day / 10) as u8,
        b'0' + (day % 10) as u8,
    ])
}

/// Appends a date as chrono's `Display` writes it.
pub(crate) fn push_date(buf: &mut Vec<u8>, d: NaiveDate) {
    match date_bytes(d) {
        Some(b) => buf.extend_from_slice(&b),
        None => {
            let _ = std::io::Write::write_fmt(buf, format_args!("{d}"));
        }
    }
}

/// Appends a decimal as `rust_decimal`'s `Display` writes it.
pub(crate) fn push_decimal(buf: &mut Vec<u8>, d: Decimal) {
    let mut text = DecimalBuf::default();
    match text.format(d) {
        Some(b) => buf.extend_from_slice(b),
        None => {
            let _ = std::io::Write::write_fmt(buf, format_args!("{d}"));
        }
    }
}

/// Room for a decimal whose mantissa fits in 64 bits: a sign, twenty
/// digits, a point and up to 28 leading zeros.
pub(crate) struct DecimalBuf([u8; 52]);

impl Default for DecimalBuf {
    fn default() -> Self {
        DecimalBuf([0; 52])
    }
}

impl DecimalBuf {
    /// The decimal as `Display` writes it (every digit of its scale, no
    /// exponent), in ASCII; `None` for a mantissa beyond 64 bits or a
    /// negative zero, which the caller formats the slow way.
    pub fn format(&mut self, d: Decimal) -> Option<&[u8]> {
        let mantissa = d.mantissa();
        if mantissa == 0 && d.is_sign_negative() {
            return None;
        }
        let magnitude = u64::try_from(mantissa.unsigned_abs()).ok()?;
        let scale = d.scale() as usize;
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(magnitude).as_bytes();
        let out = &mut self.0;
        let mut n = 0;
        if mantissa < 0 {
            out[n] = b'-';
            n += 1;
        }
        if scale == 0 {
            out[n..n + digits.len()].copy_from_slice(digits);
            n += digits.len();
        } else if digits.len() > scale {
            let whole = digits.len() - scale;
            out[n..n + whole].copy_from_slice(&digits[..whole]);
            n += whole;
            out[n] = b'.';
            n += 1;
            out[n..n + scale].copy_from_slice(&digits[whole..]);
            n += scale;
        } else {
            out[n] = b'0';
            out[n + 1] = b'.';
            n += 2;
            let zeros = scale - digits.len();
            out[n..n + zeros].fill(b'0');
            n += zeros;
            out[n..n + digits.len()].copy_from_slice(digits);
            n += digits.len();
        }
        Some(&out[..n])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn fast(d: Decimal) -> String {
        let mut b = Vec::new();
        push_decimal(&mut b, d);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn decimals_read_as_display_writes_them() {
        for s in [
            "0",
            "0.00",
            "1",
            "-1",
            "100.00",
            "0.05",
            "-0.05",
            "0.000001",
            "12.5",
            "20",
            "-1234567.891",
            "18446744073709551615",
            "1844674407370955161.6",
        ] {
            let d: Decimal = s.parse().unwrap();
            assert_eq!(fast(d), d.to_string(), "{s}");
        }
        // Beyond 64 bits and negative zero take the slow way, to the same text.
        let big = Decimal::MAX;
        assert_eq!(fast(big), big.to_string());
        let neg_zero = Decimal::new(-0, 2) * Decimal::NEGATIVE_ONE;
        assert_eq!(fast(neg_zero), neg_zero.to_string());
    }

    #[test]
    fn dates_read_as_chrono_writes_them() {
        for d in [
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            NaiveDate::from_ymd_opt(1, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(-5, 3, 1).unwrap(),
        ] {
            let mut b = Vec::new();
            push_date(&mut b, d);
            assert_eq!(String::from_utf8(b).unwrap(), d.to_string());
        }
    }

    proptest! {
        #[test]
        fn any_decimal_reads_as_display_writes_it(m in any::<i64>(), scale in 0u32..=28) {
            let d = Decimal::new(m, scale);
            prop_assert_eq!(fast(d), d.to_string());
        }

        #[test]
        fn wide_decimals_read_as_display_writes_them(hi in any::<u32>(), lo in any::<u64>(), neg in any::<bool>(), scale in 0u32..=28) {
            let d = Decimal::from_i128_with_scale(((hi as i128) << 64 | lo as i128) * if neg { -1 } else { 1 }, scale);
            prop_assert_eq!(fast(d), d.to_string());
        }
    }
}
