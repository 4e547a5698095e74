//! One renderer per output format of `charter simulate`: table, JSON and CSV.

use crate::SimResult;
use charter_diagnostics::text::escape_control;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;

/// The JSON report: `{ as_of, payouts, totals, standings, findings }`, fields in that order.
pub fn to_json(result: &SimResult) -> String {
    serde_json::to_string_pretty(result).unwrap_or_default() + "\n"
}

/// Streams the JSON report to `out` (large runs never hold it in memory).
pub fn write_json(result: &SimResult, out: &mut impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, result)?;
    out.write_all(b"\n")
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One CSV row per payout (RFC 4180 quoting).
pub fn to_csv(result: &SimResult) -> String {
    let mut out = String::from(
        "id,partner,customer,invoice,rule,base,rate,amount,currency,earned,due,settlement\n",
    );
    for p in &result.payouts {
        let fields = [
            p.id.clone(),
            p.partner.clone(),
            p.customer.clone().unwrap_or_default(),
            p.invoice.clone().unwrap_or_default(),
            p.rule.clone(),
            p.base.to_string(),
            p.rate.map(|r| r.to_string()).unwrap_or_default(),
            p.amount.to_string(),
            p.currency.clone(),
            p.earned.to_string(),
            p.due.to_string(),
            p.settlement.to_string(),
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// Aligned text columns; numbers right-aligned. Cells hold scenario text
/// (ids, names): their control characters are shown escaped (`\u{1b}`), so a
/// scenario cannot drive the terminal.
pub fn table<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>], right: &[usize]) -> String {
    // Each cell escaped and measured once; lines written straight into the
    // output (a table of 100,000 payouts has over a million cells).
    let rows: Vec<Vec<(Cow<str>, usize)>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| measure(escape_control(cell.as_ref())))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, (_, count)) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(*count);
            }
        }
    }
    let line_bytes: usize = widths.iter().map(|w| w + 2).sum();
    let mut out = String::with_capacity((rows.len() + 2) * line_bytes);
    let line = |cells: &[(Cow<str>, usize)], out: &mut String| {
        let start = out.len();
        for (i, (cell, count)) in cells.iter().enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let pad = widths.get(i).map_or(0, |w| w.saturating_sub(*count));
            if right.contains(&i) {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    line(
        &headers
            .iter()
            .map(|h| measure(Cow::Borrowed(*h)))
            .collect::<Vec<_>>(),
        &mut out,
    );
    line(
        &widths
            .iter()
            .map(|w| (Cow::Owned("─".repeat(*w)), *w))
            .collect::<Vec<_>>(),
        &mut out,
    );
    for row in &rows {
        line(row, &mut out);
    }
    out
}

/// A cell and its width in characters.
fn measure(cell: Cow<'_, str>) -> (Cow<'_, str>, usize) {
    let count = cell.chars().count();
    (cell, count)
}

/// The human report: payouts, totals, standings and findings.
pub fn to_table(result: &SimResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "as of {}\n", result.as_of);
    if result.payouts.is_empty() {
        out.push_str("no payouts\n");
    } else {
        // Text fields borrowed, only numbers and dates written out.
        let rows: Vec<Vec<Cow<str>>> = result
            .payouts
            .iter()
            .map(|p| {
                vec![
                    Cow::Borrowed(p.id.as_str()),
                    Cow::Borrowed(p.partner.as_str()),
                    Cow::Borrowed(p.customer.as_deref().unwrap_or_default()),
                    Cow::Borrowed(p.invoice.as_deref().unwrap_or_default()),
                    Cow::Borrowed(p.rule.as_str()),
                    Cow::Owned(p.base.to_string()),
                    Cow::Owned(p.rate.map(|r| format!("{r}%")).unwrap_or_default()),
                    Cow::Owned(format!("{} {}", p.amount, p.currency)),
                    Cow::Owned(p.earned.to_string()),
                    Cow::Owned(p.due.to_string()),
                    Cow::Borrowed(p.settlement),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "id",
                "partner",
                "customer",
                "invoice",
                "rule",
                "base",
                "rate",
                "amount",
                "earned",
                "due",
                "settlement",
            ],
            &rows,
            &[5, 6, 7],
        ));
    }
    out.push('\n');
    // Each partner's standing by name (the first wins), so that pairing it
    // with its total is a lookup, not a search of every standing.
    let mut standings: HashMap<&str, Option<&str>> = HashMap::with_capacity(result.standings.len());
    for s in &result.standings {
        standings
            .entry(s.partner.as_str())
            .or_insert(s.tier.as_deref());
    }
    let rows: Vec<Vec<Cow<str>>> = result
        .totals
        .iter()
        .map(|t| {
            let tier = standings
                .get(t.partner.as_str())
                .copied()
                .flatten()
                .unwrap_or("—");
            vec![
                Cow::Borrowed(t.partner.as_str()),
                Cow::Owned(format!("{} {}", t.amount, t.currency)),
                Cow::Borrowed(tier),
            ]
        })
        .collect();
    out.push_str(&table(&["partner", "total", "standing"], &rows, &[1]));
    if !result.findings.is_empty() {
        out.push('\n');
        for f in &result.findings {
            let _ = write!(
                out,
                "{}[{}]: {}",
                f.severity.as_str(),
                f.code.id(),
                escape_control(&f.message)
            );
            if let Some(e) = &f.event {
                let _ = write!(out, " (at {})", escape_control(e));
            }
            if let Some(r) = &f.rule_location {
                let _ = write!(out, " (rule at {})", escape_control(r));
            }
            out.push('\n');
        }
    }
    out
}

/// The explanation of one payout, for `--explain ID`.
pub fn explain(result: &SimResult, id: &str) -> Option<String> {
    let p = result
        .payouts
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(id))?;
    let mut out = format!(
        "{} — {} {} to `{}` by `{}` (earned {}, due {}, {})\n",
        escape_control(&p.id),
        p.amount,
        p.currency,
        escape_control(&p.partner),
        p.rule,
        p.earned,
        p.due,
        p.settlement
    );
    for line in &p.explain {
        let _ = writeln!(out, "  {}", escape_control(line));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Standing, Total};

    #[test]
    fn scenario_text_cannot_drive_the_terminal() {
        let result = SimResult {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            payouts: Vec::new(),
            totals: vec![Total {
                partner: "acme\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}".into(),
                currency: "EUR".into(),
                amount: rust_decimal::Decimal::ONE,
            }],
            standings: Vec::new(),
            findings: Vec::new(),
        };
        let text = to_table(&result);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(
            text.contains("acme\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{202e}"),
            "{text}"
        );
    }

    #[test]
    fn each_total_shows_its_own_partners_standing() {
        let result = SimResult {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            payouts: Vec::new(),
            totals: ["b", "a", "c"]
                .iter()
                .map(|p| Total {
                    partner: p.to_string(),
                    currency: "EUR".into(),
                    amount: rust_decimal::Decimal::ONE,
                })
                .collect(),
            standings: vec![
                Standing {
                    partner: "a".into(),
                    tier: Some("Gold".into()),
                },
                Standing {
                    partner: "b".into(),
                    tier: Some("Silver".into()),
                },
                Standing {
                    partner: "a".into(),
                    tier: Some("Bronze".into()),
                },
            ],
            findings: Vec::new(),
        };
        let text = to_table(&result);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip_while(|l| !l.starts_with("partner"))
            .skip(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec!["b", "1", "EUR", "Silver"],
                vec!["a", "1", "EUR", "Gold"],
                vec!["c", "1", "EUR", "—"],
            ]
        );
    }
}
