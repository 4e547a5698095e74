//! What-if comparison of two simulations of one scenario (`charter diff`).

use crate::report::table;
use crate::SimResult;
use rust_decimal::Decimal;
use serde::Serialize;

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

/// Compares totals and standings partner by partner.
pub fn diff(before: &SimResult, after: &SimResult) -> Diff {
    let mut partners = Vec::new();
    let mut names: Vec<&str> = before.totals.iter().map(|t| t.partner.as_str()).collect();
    for t in &after.totals {
        if !names.contains(&t.partner.as_str()) {
            names.push(&t.partner);
        }
    }
    for name in names {
        let b = before.total_of(name);
        let a = after.total_of(name);
        let currency = before
            .totals
            .iter()
            .chain(&after.totals)
            .find(|t| t.partner == name)
            .map(|t| t.currency.clone())
            .unwrap_or_default();
        partners.push(PartnerDelta {
            partner: name.to_string(),
            currency,
            before: b,
            after: a,
            delta: a - b,
            percent: percent(b, a),
        });
    }
    let total_before: Decimal = partners.iter().map(|p| p.before).sum();
    let total_after: Decimal = partners.iter().map(|p| p.after).sum();
    let standings = before
        .standings
        .iter()
        .filter_map(|s| {
            let after_tier = after
                .standings
                .iter()
                .find(|x| x.partner == s.partner)
                .and_then(|x| x.tier.clone());
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
