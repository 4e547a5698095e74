//! `charter statements`: one statement per partner for one month — the
//! payouts earned in it with their explanations, clawbacks, the due date
//! and how each is settled — as an HTML page and a CSV file. CSV cells
//! taken from the scenario or the policy are neutralised against formula
//! injection (OWASP: a cell starting with `=`, `+`, `-`, `@`, tab or
//! carriage return gets a leading `'`).

use crate::pages;
use charter_sim::{Payout, SimResult};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// A month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn parse(text: &str) -> Result<Period, String> {
        let bad = || format!("`{text}` is not a month; write it as YYYY-MM, like 2025-03");
        let (y, m) = text.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(Period { year, month })
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        d.year() == self.year && d.month() == self.month
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// One partner's statement, rendered.
pub struct Statement {
    pub partner: String,
    /// A file name stem safe on any file system, unique among the statements.
    pub stem: String,
    pub html: String,
    pub csv: Vec<u8>,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    customer: &'a str,
    invoice: &'a str,
    rule: &'a str,
    base: Decimal,
    rate: String,
    amount: Decimal,
    earned: String,
    due: String,
    settlement: &'a str,
    explain: &'a [String],
}

#[derive(Serialize)]
struct Totals {
    earned: Decimal,
    clawed_back: Decimal,
    net: Decimal,
    transfer: Decimal,
    netted: Decimal,
}

/// OWASP's CSV-injection rule for one cell of text from the input.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// A file name stem for a partner id: letters, digits, `.`, `_` and `-`
/// kept, anything else `_`, at most 60 characters, never starting with `.`.
fn stem_of(partner: &str) -> String {
    let mut stem: String = partner
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    if stem.is_empty() || stem.starts_with('.') {
        stem.insert(0, '_');
    }
    stem
}

fn csv_of(lines: &[&Payout]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "partner",
        "customer",
        "invoice",
        "rule",
        "base",
        "rate_percent",
        "amount",
        "currency",
        "earned",
        "due",
        "settlement",
        "explanation",
    ];
    w.write_record(header).map_err(|e| e.to_string())?;
    for p in lines {
        let rate = p
            .rate
            .map(|r| r.normalize().to_string())
            .unwrap_or_default();
        let explanation = p.explain.join("; ");
        let record = [
            p.id.clone(),
            neutralise(&p.partner).into_owned(),
            neutralise(p.customer.as_deref().unwrap_or("")).into_owned(),
            neutralise(p.invoice.as_deref().unwrap_or("")).into_owned(),
            neutralise(&p.rule).into_owned(),
            p.base.to_string(),
            rate,
            p.amount.to_string(),
            p.currency.clone(),
            p.earned.to_string(),
            p.due.to_string(),
            p.settlement.to_string(),
            neutralise(&explanation).into_owned(),
        ];
        w.write_record(&record).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// One statement per partner of the result (every declared partner, in the
/// result's order), for the payouts earned in `period`.
pub fn statements(
    program_name: &str,
    currency: &str,
    result: &SimResult,
    period: Period,
) -> Result<Vec<Statement>, String> {
    let mut by_partner: BTreeMap<&str, Vec<&Payout>> = BTreeMap::new();
    for p in &result.payouts {
        if period.contains(p.earned) {
            by_partner.entry(p.partner.as_str()).or_default().push(p);
        }
    }
    let mut used = HashSet::new();
    let mut out = Vec::new();
    for total in &result.totals {
        let partner = total.partner.as_str();
        let lines: Vec<&Payout> = by_partner.get(partner).cloned().unwrap_or_default();
        let base_stem = stem_of(partner);
        let mut stem = base_stem.clone();
        let mut n = 2;
        while !used.insert(stem.to_ascii_lowercase()) {
            stem = format!("{base_stem}-{n}");
            n += 1;
        }
        let (earned, clawbacks): (Vec<&Payout>, Vec<&Payout>) =
            lines.iter().partition(|p| p.amount >= Decimal::ZERO);
        // Sums shown with the currency's decimals, `0.00` for none.
        let minor = charter_ir::units::minor_units(currency);
        let pad = |mut d: Decimal| {
            if d.scale() < minor {
                d.rescale(minor);
            }
            d
        };
        let sum = |ps: &[&Payout]| pad(ps.iter().map(|p| p.amount).sum::<Decimal>());
        let totals = Totals {
            earned: sum(&earned),
            clawed_back: sum(&clawbacks),
            net: sum(&lines),
            transfer: pad(lines
                .iter()
                .filter(|p| p.settlement != "netted")
                .map(|p| p.amount)
                .sum()),
            netted: pad(lines
                .iter()
                .filter(|p| p.settlement == "netted")
                .map(|p| p.amount)
                .sum()),
        };
        let due = lines.iter().map(|p| p.due).max();
        fn shown<'a>(ps: &[&'a Payout]) -> Vec<Line<'a>> {
            ps.iter()
                .map(|p| Line {
                    id: &p.id,
                    customer: p.customer.as_deref().unwrap_or(""),
                    invoice: p.invoice.as_deref().unwrap_or(""),
                    rule: &p.rule,
                    base: p.base,
                    rate: p
                        .rate
                        .map(|r| format!("{}%", r.normalize()))
                        .unwrap_or_default(),
                    amount: p.amount,
                    earned: p.earned.to_string(),
                    due: p.due.to_string(),
                    settlement: p.settlement,
                    explain: &p.explain,
                })
                .collect()
        }
        let html = pages::render(
            "statement.html",
            minijinja::context! {
                lang => "en",
                title => format!("{program_name} — statement {period} — {partner}"),
                program => program_name,
                partner => partner,
                tier => result.standing_of(partner),
                period => period.to_string(),
                as_of => result.as_of.to_string(),
                currency => currency,
                earned => shown(&earned),
                clawbacks => shown(&clawbacks),
                totals => totals,
                due => due.map(|d| d.to_string()),
                script => pages::SORTABLE_JS,
                footer => "Generated by charter statements from the policy and the scenario.",
            },
        )?;
        out.push(Statement {
            partner: partner.to_string(),
            stem,
            html,
            csv: csv_of(&lines)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_months() {
        assert_eq!(
            Period::parse("2025-03"),
            Ok(Period {
                year: 2025,
                month: 3
            })
        );
        for bad in ["2025-13", "2025-3", "25-03", "2025/03", "", "2025-03-01"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        let p = Period {
            year: 2025,
            month: 3,
        };
        assert!(p.contains(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or_default()));
        assert!(!p.contains(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default()));
        assert_eq!(p.to_string(), "2025-03");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        assert_eq!(neutralise("acme"), "acme");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        assert_eq!(stem_of("acme"), "acme");
        assert_eq!(stem_of("../etc/passwd"), "_.._etc_passwd");
        assert_eq!(stem_of(".hidden"), "_.hidden");
        assert_eq!(stem_of(""), "_");
        assert_eq!(stem_of("a/b c"), "a_b_c");
        assert!(stem_of(&"x".repeat(500)).len() <= 61);
    }
}
