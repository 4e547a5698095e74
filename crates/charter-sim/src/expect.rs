//! `charter test`: compares a simulation with the `expect` block of its scenario.

use crate::{FindingCode, SimResult};
use charter_scenario::Expectations;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// One difference between what a scenario expects and what the simulation gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub what: String,
    /// The explanation of the payouts involved, to see why.
    pub explain: Vec<String>,
}

/// Every mismatch between the expectations and the result.
pub fn compare(expect: &Expectations, result: &SimResult) -> Vec<Mismatch> {
    let mut out = Vec::new();
    // The result indexed by partner once: each expectation is then a lookup.
    let mut payouts_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in result.payouts.iter().enumerate() {
        payouts_of.entry(p.partner.as_str()).or_default().push(i);
    }
    let mut totals: HashMap<&str, Decimal> = HashMap::with_capacity(result.totals.len());
    for t in &result.totals {
        *totals.entry(t.partner.as_str()).or_default() += t.amount;
    }
    let mut standings: HashMap<&str, Option<&str>> = HashMap::with_capacity(result.standings.len());
    for s in &result.standings {
        standings
            .entry(s.partner.as_str())
            .or_insert(s.tier.as_deref());
    }
    let none: &[usize] = &[];
    let explain_partner = |partner: &str| -> Vec<String> {
        payouts_of
            .get(partner)
            .map_or(none, Vec::as_slice)
            .iter()
            .map(|&i| &result.payouts[i])
            .flat_map(|p| {
                std::iter::once(format!(
                    "{} {} {} by `{}` on invoice {} (earned {}, due {})",
                    p.id,
                    p.amount,
                    p.currency,
                    p.rule,
                    p.invoice.as_deref().unwrap_or("—"),
                    p.earned,
                    p.due
                ))
                .chain(p.explain.iter().map(|l| format!("    {l}")))
            })
            .collect()
    };
    for (partner, expected) in &expect.totals {
        let actual = totals.get(partner.as_str()).copied().unwrap_or_default();
        if actual != *expected {
            out.push(Mismatch {
                what: format!("total of `{partner}`: expected {expected}, got {actual}"),
                explain: explain_partner(partner),
            });
        }
    }
    for (partner, expected) in &expect.standings {
        let actual = standings.get(partner.as_str()).copied().flatten();
        if actual != expected.as_deref() {
            out.push(Mismatch {
                what: format!(
                    "standing of `{partner}`: expected {}, got {}",
                    expected.as_deref().unwrap_or("none"),
                    actual.unwrap_or("none")
                ),
                explain: Vec::new(),
            });
        }
    }
    for code in &expect.findings {
        let found = result.findings.iter().any(|f| {
            f.code.id().eq_ignore_ascii_case(code)
                || f.code.name().eq_ignore_ascii_case(code)
                || FindingCode::lookup(code).is_some_and(|c| c == f.code)
        });
        if !found {
            let present: Vec<String> = result
                .findings
                .iter()
                .map(|f| format!("{} ({}): {}", f.code.id(), f.code.name(), f.message))
                .collect();
            out.push(Mismatch {
                what: format!("expected a finding `{code}`, none was reported"),
                explain: present,
            });
        }
    }
    if let Some(payouts) = &expect.payouts {
        let mut used = vec![false; result.payouts.len()];
        for e in payouts {
            let candidates = payouts_of
                .get(e.partner.as_str())
                .map_or(none, Vec::as_slice);
            let hit = candidates.iter().copied().find(|&i| {
                let p = &result.payouts[i];
                !used[i]
                    && e.invoice
                        .as_ref()
                        .is_none_or(|inv| p.invoice.as_ref() == Some(inv))
                    && e.rule.as_ref().is_none_or(|r| &p.rule == r)
                    && p.amount == e.amount
                    && e.due.is_none_or(|d| p.due == d)
                    && e.tax.is_none_or(|t| p.tax == Some(t))
                    && e.converted
                        .is_none_or(|c| p.converted.as_ref().map(|x| x.amount) == Some(c))
            });
            match hit {
                Some(i) => used[i] = true,
                None => out.push(Mismatch {
                    what: format!(
                        "expected a payout of {} to `{}`{}{}{}{}{}: none matches",
                        e.amount,
                        e.partner,
                        e.invoice
                            .as_ref()
                            .map(|i| format!(" on invoice `{i}`"))
                            .unwrap_or_default(),
                        e.rule
                            .as_ref()
                            .map(|r| format!(" by `{r}`"))
                            .unwrap_or_default(),
                        e.due.map(|d| format!(" due {d}")).unwrap_or_default(),
                        e.tax.map(|t| format!(" with tax {t}")).unwrap_or_default(),
                        e.converted
                            .map(|c| format!(" converted to {c}"))
                            .unwrap_or_default(),
                    ),
                    explain: explain_partner(&e.partner),
                }),
            }
        }
    }
    out
}
