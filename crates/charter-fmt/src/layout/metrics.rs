//! Printing the composite tier metrics of a `require` (LANGUAGE.md §7
//! "Composite tier metrics"): `points …` sums, `managed mrr` and `sold mrr`
//! snapshots, and `any of { … or … }` groups, each on one line like every
//! other requirement.

use super::{count, count_period, counted, requirement_body};
use crate::printer::Printer;
use charter_diagnostics::Span;
use charter_syntax::ast::*;

/// `managed mrr >= 10000 USD`, `sold mrr per year >= 2000 USD`.
pub(super) fn mrr(
    p: &Printer,
    measure: MrrMeasure,
    period: Option<&CountPeriod>,
    comparator: Comparator,
    amount: &Quantity,
) -> String {
    let mut text = match measure {
        MrrMeasure::Managed(_) => "managed mrr".to_string(),
        MrrMeasure::Sold(_) => "sold mrr".to_string(),
    };
    if let Some(period) = period {
        text.push(' ');
        text.push_str(&count_period(p, period));
    }
    format!("{text} {} {}", comparator.as_str(), p.src.quantity(amount))
}

/// `points 3 per new customer + 1 per activity certification per year >= 100`.
pub(super) fn points(
    p: &Printer,
    terms: &[PointsTerm],
    period: Option<&CountPeriod>,
    comparator: Comparator,
    threshold: &Count,
) -> String {
    let terms: Vec<String> = terms
        .iter()
        .map(|t| {
            let source = match &t.source {
                PointsSource::NewCustomer(_) => "new customer".to_string(),
                PointsSource::Revenue(q) => format!("{} of revenue", p.src.quantity(q)),
                PointsSource::Counted(c) => counted(p, c),
            };
            format!("{} per {source}", count(p, &t.weight))
        })
        .collect();
    let mut text = format!("points {}", terms.join(" + "));
    if let Some(period) = period {
        text.push(' ');
        text.push_str(&count_period(p, period));
    }
    format!("{text} {} {}", comparator.as_str(), count(p, threshold))
}

/// `any of { count activity webinar >= 1 or count referrals >= 1 } each 12
/// months from joined [until met again]`.
pub(super) fn any_of(
    p: &Printer,
    alternatives: &[(RequirementBody, Span)],
    every: &Quantity,
    until_met_again: bool,
) -> String {
    let alternatives: Vec<String> = alternatives
        .iter()
        .map(|(body, _)| requirement_body(p, body))
        .collect();
    format!(
        "any of {{ {} }} each {} from joined{}",
        alternatives.join(" or "),
        p.src.quantity(every),
        if until_met_again {
            " until met again"
        } else {
            ""
        }
    )
}
