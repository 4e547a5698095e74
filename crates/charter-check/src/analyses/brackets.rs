//! Commission rates: bracket tables (C0601 bracket-overlap, C0602 bracket-gap,
//! C0603 bracket-mode-missing) and bounds (C0604 rate-outside-bounds).
//!
//! A bracket table maps every value of its metric, from zero up, to one rate.
//! Rows are half-open `[low, high)`; sorted by their low bound they must tile
//! `[0, ∞)`: the first starts at zero (`below X` or `0 ... to X`), each starts
//! where the one before ends, the last is open (`from Y`).
//!
//! Bounds: every flat, tier and bracket rate must lie inside `bounds lo to hi`.
//! An uplift may push a rate past the upper bound: that is what bounds are for
//! (the rate is capped), so it is fine. Without bounds an uplift is fine as long
//! as the highest rate plus every uplift stays within 100%; past that the
//! commission could exceed the payment, which is C0305 rate-out-of-range. An
//! uplift that can never raise any rate (every rate already sits at the upper
//! bound) is reported as a C0702 warning.

use super::{insert_at, Context};
use charter_diagnostics::{Code, Diagnostic, Severity, Span, TextEdit};
use charter_ir::{Bracket, BracketTable, CommissionRule, MetricKind, Percent, RateSpec};
use rust_decimal::Decimal;
use std::str::FromStr;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in &cx.program.commissions {
        if let RateSpec::Brackets { table } = &c.rate {
            if !cx.has_error_within(table.table_span) {
                check_table(cx, table, out);
            }
        }
        check_bounds(cx, c, out);
    }
}

/// How a message writes a value of the metric.
fn value(cx: &Context<'_>, table: &BracketTable, v: Decimal) -> String {
    match table.metric.kind {
        MetricKind::Sales => format!("{} {}", v.normalize(), cx.program.currency),
        MetricKind::Orders | MetricKind::Customers => v.normalize().to_string(),
    }
}

fn check_table(cx: &Context<'_>, table: &BracketTable, out: &mut Vec<Diagnostic>) {
    let fmt = |v: Decimal| value(cx, table, v);
    if table.mode.is_none() {
        let at = cx.trim(table.metric.span);
        out.push(
            Diagnostic::new(
                Code::BracketMode,
                "the bracket table does not say how its rates apply",
                table.table_span,
            )
            .with_primary_label("`whole amount`, `marginal` or `retroactive`?")
            .with_help("write the mode after the metric: `rate by sales over trailing 12 months, marginal { ... }`")
            .with_fix(
                "apply the reached bracket's rate to the whole amount",
                vec![insert_at(at.file, at.end, ", whole amount")],
            ),
        );
    }
    // Rows whose low bound is not below their high bound cover nothing.
    let mut rows: Vec<&Bracket> = Vec::new();
    for row in &table.brackets {
        match (row.low, row.high) {
            (Some(low), Some(high)) if low >= high => out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!(
                        "this bracket covers nothing: {} is not below {}",
                        fmt(low),
                        fmt(high)
                    ),
                    row.span,
                )
                .with_help("write the lower bound first: `50000 EUR to 150000 EUR`"),
            ),
            _ => rows.push(row),
        }
    }
    let low = |b: &Bracket| b.low.unwrap_or(Decimal::ZERO);
    rows.sort_by(|a, b| {
        low(a)
            .cmp(&low(b))
            .then_with(|| match (a.high, b.high) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(a.span.start.cmp(&b.span.start))
    });
    let Some(&first) = rows.first() else {
        if !table.brackets.is_empty() {
            return;
        }
        out.push(
            Diagnostic::new(
                Code::BracketGap,
                "the bracket table has no rows",
                table.table_span,
            )
            .with_help("add rows like `below 50000 EUR: 20%` and `from 50000 EUR: 25%`"),
        );
        return;
    };
    if low(first) > Decimal::ZERO {
        out.push(
            Diagnostic::new(
                Code::BracketGap,
                format!("no bracket covers values below {}", fmt(low(first))),
                first.span,
            )
            .with_primary_label("the lowest bracket starts here")
            .with_help(format!(
                "start the table at zero: `below {}: ...`",
                fmt(low(first))
            )),
        );
    }
    // The row reaching furthest so far, and how far (`None`: to infinity).
    let mut reach = first;
    let mut covered = first.high;
    for row in rows.iter().skip(1) {
        let start = low(row);
        match covered {
            None => out.push(overlap(
                row,
                reach,
                format!(
                    "brackets overlap: values from {} up fall in two brackets",
                    fmt(start)
                ),
            )),
            Some(end) if start < end => {
                let until = row.high.map_or(end, |h| h.min(end));
                out.push(overlap(
                    row,
                    reach,
                    format!(
                        "brackets overlap: values from {} to {} fall in two brackets",
                        fmt(start),
                        fmt(until)
                    ),
                ));
            }
            Some(end) if start > end => out.push(
                Diagnostic::new(
                    Code::BracketGap,
                    format!(
                        "no bracket covers values from {} to {}",
                        fmt(end),
                        fmt(start)
                    ),
                    row.span,
                )
                .with_primary_label(format!("starts at {}", fmt(start)))
                .with_label(reach.span, format!("ends at {}", fmt(end)))
                .with_help(format!(
                    "start this bracket where the one before ends, at {}",
                    fmt(end)
                )),
            ),
            Some(_) => {}
        }
        match (covered, row.high) {
            (Some(end), Some(high)) if high > end => {
                covered = Some(high);
                reach = row;
            }
            (Some(_), None) => {
                covered = None;
                reach = row;
            }
            _ => {}
        }
    }
    if let Some(end) = covered {
        out.push(
            Diagnostic::new(
                Code::BracketGap,
                format!("no bracket covers values from {} up", fmt(end)),
                reach.span,
            )
            .with_primary_label(format!("the highest bracket ends at {}", fmt(end)))
            .with_help(format!(
                "end the table with an open bracket: `from {}: ...`",
                fmt(end)
            )),
        );
    }
}

fn overlap(row: &Bracket, earlier: &Bracket, message: String) -> Diagnostic {
    Diagnostic::new(Code::BracketOverlap, message, row.span)
        .with_primary_label("this bracket")
        .with_label(earlier.span, "overlaps this one")
        .with_help("brackets are half-open: `50000 EUR to 150000 EUR` ends just below 150000 EUR, where the next one starts")
}

/// An edit rewriting the rate a span ends with (`35%`, `Gold: 35%`,
/// `below 50000 EUR: 35%`), when the source reads as expected.
fn replace_rate(cx: &Context<'_>, span: Span, rate: Percent, by: Percent) -> Option<TextEdit> {
    let span = cx.trim(span);
    let text = cx.text(span)?;
    let token = text.rsplit(char::is_whitespace).next()?;
    let digits = token.strip_suffix('%')?.replace('_', "");
    if Decimal::from_str(&digits).ok()? != rate.0 {
        return None;
    }
    Some(TextEdit {
        span: Span {
            file: span.file,
            start: span.end - u32::try_from(token.len()).ok()?,
            end: span.end,
        },
        replacement: by.to_string(),
    })
}

fn check_bounds(cx: &Context<'_>, c: &CommissionRule, out: &mut Vec<Diagnostic>) {
    let rates = c.rate.rates(c.rate_span);
    let Some(highest) = rates.iter().map(|(r, _)| *r).max() else {
        return;
    };
    let name = &c.name.name;
    match c.bounds {
        Some((low, high, bounds_span)) => {
            for (rate, span) in &rates {
                if *rate < low || *rate > high {
                    let nearest = if *rate < low { low } else { high };
                    let mut d = Diagnostic::new(
                            Code::RateOutsideBounds,
                            format!(
                                "the rate {rate} of commission `{name}` is outside its bounds {low} to {high}"
                            ),
                            *span,
                        )
                        .with_primary_label(format!("{rate}"))
                        .with_label(bounds_span, "the bounds")
                        .with_help("change the rate, or widen the bounds");
                    if let Some(edit) = replace_rate(cx, *span, *rate, nearest) {
                        d = d.with_fix(format!("use {nearest}"), vec![edit]);
                    }
                    out.push(d);
                }
            }
            let lowest = rates.iter().map(|(r, _)| *r).min().unwrap_or(highest);
            if lowest >= high {
                for u in &c.uplifts {
                    out.push(
                        Diagnostic::new(
                            Code::Unreachable,
                            format!(
                                "the uplift of commission `{name}` can never raise its rate: every rate is already at the upper bound {high}"
                            ),
                            u.span,
                        )
                        .with_severity(Severity::Warning)
                        .with_primary_label("capped to nothing")
                        .with_label(bounds_span, "the bounds")
                        .with_help("raise the upper bound, or remove the uplift"),
                    );
                }
            }
        }
        None => {
            let uplifts: Decimal = c.uplifts.iter().map(|u| u.amount.0).sum();
            let reach = Percent(highest.0 + uplifts);
            if reach.0 > Decimal::ONE_HUNDRED {
                if let Some(last) = c.uplifts.last() {
                    out.push(
                        Diagnostic::new(
                            Code::RateOutOfRange,
                            format!(
                                "with its uplifts, commission `{name}` can reach {reach}, more than the whole payment"
                            ),
                            last.span,
                        )
                        .with_primary_label(format!("raises the rate to {reach}"))
                        .with_help("cap the rate with `bounds LOW to HIGH`, or lower the uplifts"),
                    );
                }
            }
        }
    }
}
