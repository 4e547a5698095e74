//! What-if comparison of two simulations of one scenario (`charter diff`).

use crate::report::table;
use crate::SimResult;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerDelta {
    pub partner: String,
    pub currency: String,
    pub before: Decimal,
    pub after: Decimal,
    pub delta: Decimal,
    /// `None` when the partner earned nothing before.
    pub percent: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StandingChange {
    pub partner: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub partners: Vec<PartnerDelta>,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub total_delta: Decimal,
    pub total_percent: Option<Decimal>,
    pub standings: Vec<StandingChange>,
}

fn percent(before: Decimal, after: Decimal) -> Option<Decimal> {
    if before.is_zero() {
        None
    } else {
        Some(((after - before) / before.abs() * Decimal::ONE_HUNDRED).round_dp(2))
    }
}

/// Compares totals and standings partner by partner: the partners of the
/// first run in its order, then those only the second run has. Each run's
/// totals and standings are indexed by partner once, so the comparison is
/// linear in the number of partners.
pub fn diff(before: &SimResult, after: &SimResult) -> Diff {
    let before_totals = totals_by_partner(before);
    let after_totals = totals_by_partner(after);
    let mut names: Vec<&str> = Vec::with_capacity(before_totals.len());
    let mut seen: HashSet<&str> = HashSet::with_capacity(before_totals.len());
    for t in before.totals.iter().chain(&after.totals) {
        if seen.insert(t.partner.as_str()) {
            names.push(&t.partner);
        }
    }
    let mut partners = Vec::with_capacity(names.len());
    for name in names {
        let (b, before_currency) = before_totals.get(name).copied().unwrap_or_default();
        let (a, after_currency) = after_totals.get(name).copied().unwrap_or_default();
        let currency = before_currency.or(after_currency).unwrap_or_default();
        partners.push(PartnerDelta {
            partner: name.to_string(),
            currency: currency.to_string(),
            before: b,
            after: a,
            delta: a - b,
            percent: percent(b, a),
        });
    }
    let total_before: Decimal = partners.iter().map(|p| p.before).sum();
    let total_after: Decimal = partners.iter().map(|p| p.after).sum();
    // The second run's standing of each partner (the first listed wins).
    let mut after_standings: HashMap<&str, Option<&String>> =
        HashMap::with_capacity(after.standings.len());
    for s in &after.standings {
        after_standings
            .entry(s.partner.as_str())
            .or_insert(s.tier.as_ref());
    }
    let standings = before
        .standings
        .iter()
        .filter_map(|s| {
            let after_tier = after_standings
                .get(s.partner.as_str())
                .copied()
                .flatten()
                .cloned();
            (after_tier != s.tier).then(|| StandingChange {
                partner: s.partner.clone(),
                before: s.tier.clone(),
                after: after_tier,
            })
        })
        .collect();
    Diff {
        partners,
        total_before,
        total_after,
        total_delta: total_after - total_before,
        total_percent: percent(total_before, total_after),
        standings,
    }
}

/// Each partner's total in one run (the sum of its totals) and the currency
/// of its first total.
fn totals_by_partner(run: &SimResult) -> HashMap<&str, (Decimal, Option<&str>)> {
    let mut out: HashMap<&str, (Decimal, Option<&str>)> = HashMap::with_capacity(run.totals.len());
    for t in &run.totals {
        let entry = out
            .entry(t.partner.as_str())
            .or_insert((Decimal::ZERO, Some(t.currency.as_str())));
        entry.0 += t.amount;
    }
    out
}

fn pct(p: Option<Decimal>) -> String {
    match p {
        Some(p) if p > Decimal::ZERO => format!("+{p}%"),
        Some(p) => format!("{p}%"),
        None => "new".to_string(),
    }
}

pub fn to_table(d: &Diff) -> String {
    let mut rows: Vec<Vec<String>> = d
        .partners
        .iter()
        .map(|p| {
            vec![
                p.partner.clone(),
                p.before.to_string(),
                p.after.to_string(),
                signed(p.delta),
                if p.delta.is_zero() {
                    "0%".into()
                } else {
                    pct(p.percent)
                },
            ]
        })
        .collect();
    rows.push(vec![
        "(all)".into(),
        d.total_before.to_string(),
        d.total_after.to_string(),
        signed(d.total_delta),
        if d.total_delta.is_zero() {
            "0%".into()
        } else {
            pct(d.total_percent)
        },
    ]);
    let mut out = table(
        &["partner", "before", "after", "delta", "percent"],
        &rows,
        &[1, 2, 3, 4],
    );
    if !d.standings.is_empty() {
        out.push('\n');
        let rows: Vec<Vec<String>> = d
            .standings
            .iter()
            .map(|s| {
                vec![
                    s.partner.clone(),
                    s.before.clone().unwrap_or_else(|| "—".into()),
                    s.after.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        out.push_str(&table(
            &["partner", "standing before", "standing after"],
            &rows,
            &[],
        ));
    }
    out
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

pub fn to_json(d: &Diff) -> String {
    serde_json::to_string_pretty(d).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Standing, Total};

    fn run(totals: &[(&str, &str)], standings: &[(&str, Option<&str>)]) -> SimResult {
        SimResult {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            payouts: Vec::new(),
            totals: totals
                .iter()
                .map(|(p, a)| Total {
                    partner: p.to_string(),
                    currency: "EUR".into(),
                    amount: a.parse().unwrap(),
                })
                .collect(),
            standings: standings
                .iter()
                .map(|(p, t)| Standing {
                    partner: p.to_string(),
                    tier: t.map(str::to_string),
                })
                .collect(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn partners_pair_by_name_whatever_their_order() {
        let before = run(
            &[("a", "10"), ("b", "20"), ("a", "5")],
            &[("a", Some("Gold")), ("b", None), ("c", Some("Silver"))],
        );
        let after = run(
            &[("c", "7"), ("b", "30"), ("a", "15")],
            &[("c", Some("Silver")), ("b", Some("Silver")), ("a", None)],
        );
        let d = diff(&before, &after);
        let rows: Vec<(&str, String, String)> = d
            .partners
            .iter()
            .map(|p| {
                (
                    p.partner.as_str(),
                    p.before.to_string(),
                    p.after.to_string(),
                )
            })
            .collect();
        // Totals of one partner add up; partners new in the second run come last.
        assert_eq!(
            rows,
            [
                ("a", "15".into(), "15".into()),
                ("b", "20".into(), "30".into()),
                ("c", "0".into(), "7".into()),
            ]
        );
        assert_eq!(d.partners[2].percent, None);
        assert_eq!(d.total_before.to_string(), "35");
        assert_eq!(d.total_after.to_string(), "52");
        let changes: Vec<(&str, Option<&str>, Option<&str>)> = d
            .standings
            .iter()
            .map(|s| (s.partner.as_str(), s.before.as_deref(), s.after.as_deref()))
            .collect();
        assert_eq!(
            changes,
            [("a", Some("Gold"), None), ("b", None, Some("Silver"))]
        );
    }
}
