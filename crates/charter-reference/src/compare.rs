//! Comparing two outcomes — the reference's and the engine's, converted to an
//! [`Outcome`] — the way the differential test and the fuzz target do: every
//! payout's amount, due date, tax and amount in the partner's currency, as a multiset per (partner, invoice, rule);
//! every total; every standing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::Outcome;

type Key = (String, Option<String>, String);

/// A payout in its partner's currency: currency, amount, tax.
type Converted = Option<(String, Decimal, Option<Decimal>)>;

/// What is compared of one payout: amount, due date, tax, conversion.
type Compared = (Decimal, NaiveDate, Option<Decimal>, Converted);

fn payouts(outcome: &Outcome) -> BTreeMap<Key, Vec<Compared>> {
    let mut out: BTreeMap<Key, Vec<Compared>> = BTreeMap::new();
    for p in &outcome.payouts {
        out.entry((p.partner.clone(), p.invoice.clone(), p.rule.clone()))
            .or_default()
            .push((
                p.amount.normalize(),
                p.due,
                p.tax.map(|t| t.normalize()),
                p.converted
                    .as_ref()
                    .map(|(c, a, t)| (c.clone(), a.normalize(), t.map(|t| t.normalize()))),
            ));
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}

fn show(list: Option<&Vec<Compared>>) -> String {
    match list {
        None => "nothing".to_string(),
        Some(l) => l
            .iter()
            .map(|(a, d, t, c)| {
                let tax = t.map(|t| format!(" with tax {t}")).unwrap_or_default();
                let converted = c
                    .as_ref()
                    .map(|(c, a, t)| format!(" paid {a} {c} (tax {t:?})"))
                    .unwrap_or_default();
                format!("{a} due {d}{tax}{converted}")
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// What differs between `reference` and `engine`, one line per difference.
pub fn differences(reference: &Outcome, engine: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    let (a, b) = (payouts(reference), payouts(engine));
    let keys: std::collections::BTreeSet<&Key> = a.keys().chain(b.keys()).collect();
    for key in keys {
        if a.get(key) != b.get(key) {
            out.push(format!(
                "payouts of {} on {} by {}: reference {}; engine {}",
                key.0,
                key.1.as_deref().unwrap_or("-"),
                key.2,
                show(a.get(key)),
                show(b.get(key))
            ));
        }
    }
    let totals = |o: &Outcome| -> BTreeMap<String, Decimal> {
        o.totals
            .iter()
            .map(|(p, t)| (p.clone(), t.normalize()))
            .collect()
    };
    let (ta, tb) = (totals(reference), totals(engine));
    for partner in ta
        .keys()
        .chain(tb.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let x = ta.get(partner).copied().unwrap_or_default();
        let y = tb.get(partner).copied().unwrap_or_default();
        if x != y {
            out.push(format!("total of {partner}: reference {x}; engine {y}"));
        }
    }
    let standings =
        |o: &Outcome| -> BTreeMap<String, Option<String>> { o.standings.iter().cloned().collect() };
    let (sa, sb) = (standings(reference), standings(engine));
    for partner in sa
        .keys()
        .chain(sb.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let x = sa.get(partner).cloned().flatten();
        let y = sb.get(partner).cloned().flatten();
        if x != y {
            out.push(format!(
                "standing of {partner}: reference {x:?}; engine {y:?}"
            ));
        }
    }
    out
}
