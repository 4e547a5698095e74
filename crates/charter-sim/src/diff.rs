//! What-if comparison of two simulations of one scenario (`charter diff`):
//! by partner, by rule and by payout, with currency; winners and losers.

use crate::report::{table, write_csv_rows};
use crate::SimResult;
use charter_diagnostics::render::JSON_VERSION;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One partner's (or rule's) amount before and after.
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

/// One rule's payouts before and after, summed over every partner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleDelta {
    pub rule: String,
    pub currency: String,
    pub before: Decimal,
    pub after: Decimal,
    pub delta: Decimal,
    pub percent: Option<Decimal>,
}

/// A payout whose amount changed, appeared or disappeared. Payouts pair by
/// what earned them: partner, rule, customer, invoice and date (ids like
/// `P3` are positions, not names, and differ between runs); payouts alike
/// in all five are summed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PayoutDelta {
    pub partner: String,
    pub rule: String,
    pub customer: Option<String>,
    pub invoice: Option<String>,
    pub earned: chrono::NaiveDate,
    pub currency: String,
    pub before: Decimal,
    pub after: Decimal,
    pub delta: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StandingChange {
    pub partner: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Who gains and who loses by the change.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Partners paid more after the change, and by how much in all.
    pub winners: usize,
    pub gained: Decimal,
    /// Partners paid less, and by how much in all (negative).
    pub losers: usize,
    pub lost: Decimal,
    pub unchanged: usize,
    /// The partner who gains most and the one who loses most.
    pub top_winner: Option<String>,
    pub top_loser: Option<String>,
}

/// `charter diff --format json` (schemas/diff.schema.json).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub version: u32,
    pub currency: String,
    pub partners: Vec<PartnerDelta>,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub total_delta: Decimal,
    pub total_percent: Option<Decimal>,
    pub summary: Summary,
    pub rules: Vec<RuleDelta>,
    pub payouts: Vec<PayoutDelta>,
    pub standings: Vec<StandingChange>,
}

/// What the table and CSV of a diff list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffBy {
    Partner,
    Rule,
    Payout,
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
/// linear in the number of partners. Rules are listed in the order they
/// first pay, payouts in the order of the first run, then the second's new ones.
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
    let currency = before
        .payouts
        .iter()
        .chain(&after.payouts)
        .map(|p| p.currency.as_str())
        .chain(partners.iter().map(|p| p.currency.as_str()))
        .next()
        .unwrap_or_default()
        .to_string();
    Diff {
        version: JSON_VERSION,
        currency,
        summary: summarize(&partners),
        partners,
        total_before,
        total_after,
        total_delta: total_after - total_before,
        total_percent: percent(total_before, total_after),
        rules: rules(before, after),
        payouts: payouts(before, after),
        standings,
    }
}

fn summarize(partners: &[PartnerDelta]) -> Summary {
    let mut s = Summary::default();
    let (mut best, mut worst): (Option<&PartnerDelta>, Option<&PartnerDelta>) = (None, None);
    for p in partners {
        if p.delta > Decimal::ZERO {
            s.winners += 1;
            s.gained += p.delta;
            if best.is_none_or(|b| p.delta > b.delta) {
                best = Some(p);
            }
        } else if p.delta < Decimal::ZERO {
            s.losers += 1;
            s.lost += p.delta;
            if worst.is_none_or(|w| p.delta < w.delta) {
                worst = Some(p);
            }
        } else {
            s.unchanged += 1;
        }
    }
    s.top_winner = best.map(|p| p.partner.clone());
    s.top_loser = worst.map(|p| p.partner.clone());
    s
}

/// Each key's payout sum before and after, keys in the order first seen
/// (the runs' own order).
fn sums_by<'r, K: Ord + Copy>(
    before: &'r SimResult,
    after: &'r SimResult,
    key: impl Fn(&'r crate::Payout) -> K,
) -> Vec<(K, Decimal, Decimal)> {
    let mut order: Vec<K> = Vec::new();
    let mut sums: BTreeMap<K, (Decimal, Decimal)> = BTreeMap::new();
    for (run, side) in [(before, 0), (after, 1)] {
        for p in &run.payouts {
            let k = key(p);
            let entry = sums.entry(k).or_insert_with(|| {
                order.push(k);
                (Decimal::ZERO, Decimal::ZERO)
            });
            if side == 0 {
                entry.0 += p.amount;
            } else {
                entry.1 += p.amount;
            }
        }
    }
    order
        .into_iter()
        .map(|k| {
            let (b, a) = sums.get(&k).copied().unwrap_or_default();
            (k, b, a)
        })
        .collect()
}

fn rules(before: &SimResult, after: &SimResult) -> Vec<RuleDelta> {
    sums_by(before, after, |p| (p.rule.as_str(), p.currency.as_str()))
        .into_iter()
        .map(|(key, b, a)| RuleDelta {
            rule: key.0.to_string(),
            currency: key.1.to_string(),
            before: b,
            after: a,
            delta: a - b,
            percent: percent(b, a),
        })
        .collect()
}

type PayoutKey<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    chrono::NaiveDate,
    &'a str,
);

fn payout_key(p: &crate::Payout) -> PayoutKey<'_> {
    (
        p.partner.as_str(),
        p.rule.as_str(),
        p.customer.as_deref(),
        p.invoice.as_deref(),
        p.earned,
        p.currency.as_str(),
    )
}

fn payouts(before: &SimResult, after: &SimResult) -> Vec<PayoutDelta> {
    sums_by(before, after, payout_key)
        .into_iter()
        .filter(|(_, b, a)| a != b)
        .map(|(key, b, a)| PayoutDelta {
            partner: key.0.to_string(),
            rule: key.1.to_string(),
            customer: key.2.map(str::to_string),
            invoice: key.3.map(str::to_string),
            earned: key.4,
            currency: key.5.to_string(),
            before: b,
            after: a,
            delta: a - b,
        })
        .collect()
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

/// A change in percent: `+12.5%`, `-3%`, `0%`, or `new` when there was nothing before.
pub fn percent_text(delta: Decimal, p: Option<Decimal>) -> String {
    match p {
        _ if delta.is_zero() => "0%".to_string(),
        Some(p) if p > Decimal::ZERO => format!("+{p}%"),
        Some(p) => format!("{p}%"),
        None => "new".to_string(),
    }
}

/// The rows a table or CSV of `d` lists, with their header.
fn rows(d: &Diff, by: DiffBy) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let money = |p: Decimal| p.to_string();
    match by {
        DiffBy::Partner => (
            vec!["partner", "currency", "before", "after", "delta", "percent"],
            d.partners
                .iter()
                .map(|p| {
                    vec![
                        p.partner.clone(),
                        p.currency.clone(),
                        money(p.before),
                        money(p.after),
                        signed(p.delta),
                        percent_text(p.delta, p.percent),
                    ]
                })
                .collect(),
        ),
        DiffBy::Rule => (
            vec!["rule", "currency", "before", "after", "delta", "percent"],
            d.rules
                .iter()
                .map(|r| {
                    vec![
                        r.rule.clone(),
                        r.currency.clone(),
                        money(r.before),
                        money(r.after),
                        signed(r.delta),
                        percent_text(r.delta, r.percent),
                    ]
                })
                .collect(),
        ),
        DiffBy::Payout => (
            vec![
                "partner", "rule", "customer", "invoice", "earned", "currency", "before", "after",
                "delta",
            ],
            d.payouts
                .iter()
                .map(|p| {
                    vec![
                        p.partner.clone(),
                        p.rule.clone(),
                        p.customer.clone().unwrap_or_default(),
                        p.invoice.clone().unwrap_or_default(),
                        p.earned.to_string(),
                        p.currency.clone(),
                        money(p.before),
                        money(p.after),
                        signed(p.delta),
                    ]
                })
                .collect(),
        ),
    }
}

/// The human report: the rows of `by`, the total, who wins and who loses,
/// and standing changes.
pub fn to_table(d: &Diff, by: DiffBy) -> String {
    let (headers, mut rows) = rows(d, by);
    let right: Vec<usize> = match by {
        DiffBy::Payout => vec![6, 7, 8],
        DiffBy::Partner | DiffBy::Rule => vec![2, 3, 4, 5],
    };
    let mut total = vec!["(all)".to_string()];
    total.resize(headers.len() - 5, String::new());
    total.extend([
        d.currency.clone(),
        d.total_before.to_string(),
        d.total_after.to_string(),
        signed(d.total_delta),
        percent_text(d.total_delta, d.total_percent),
    ]);
    if by == DiffBy::Payout {
        if rows.is_empty() {
            rows.push(vec![String::new(); headers.len()]);
            rows[0][0] = "(no payout changes)".into();
        }
        // The payout table has no percent column.
        total.pop();
    }
    rows.push(total);
    let mut out = table(&headers, &rows, &right);
    let s = &d.summary;
    out.push_str(&format!(
        "\n{} partner{} paid more ({} {}), {} paid less ({} {}), {} unchanged",
        s.winners,
        if s.winners == 1 { "" } else { "s" },
        signed(s.gained),
        d.currency,
        s.losers,
        s.lost,
        d.currency,
        s.unchanged
    ));
    if let Some(w) = &s.top_winner {
        out.push_str(&format!(
            "; most gained: {}",
            charter_diagnostics::text::escape_control(w)
        ));
    }
    if let Some(l) = &s.top_loser {
        out.push_str(&format!(
            "; most lost: {}",
            charter_diagnostics::text::escape_control(l)
        ));
    }
    out.push('\n');
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

/// The rows of `by` as CSV (text cells spreadsheet-safe, amounts as numbers).
pub fn write_csv(d: &Diff, by: DiffBy, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let (headers, rows) = rows(d, by);
    let numbers: &[usize] = match by {
        DiffBy::Payout => &[4, 6, 7, 8],
        DiffBy::Partner | DiffBy::Rule => &[2, 3, 4, 5],
    };
    write_csv_rows(&headers, &rows, numbers, out)
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
                    tax: None,
                    gross: None,
                    converted: None,
                })
                .collect(),
            standings: standings
                .iter()
                .map(|(p, t)| Standing {
                    partner: p.to_string(),
                    tier: t.map(str::to_string),
                    assumed: Vec::new(),
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
