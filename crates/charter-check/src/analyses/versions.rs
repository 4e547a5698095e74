//! Dated versions of one rule: C1201 overlapping-versions.
//!
//! A program changes a rate, a bonus or a tier requirement on a date by
//! writing the rule twice, each version `in force` on its own dates. Two
//! versions of the same rule in force on the same day would both apply: a
//! double payment, or two thresholds for one tier. Versions of the same rule
//! are rules that both carry their own `in force` and measure the same thing:
//!
//! - commissions of one scope paying on the same base (`of payments` or
//!   `of invoices`, the same invoice kind, collector and products);
//! - bonuses of one scope and frequency whose conditions measure the same
//!   thing (the same metric and period, staff qualification or election);
//! - requirements of one tier, track, module (or the program) measuring the
//!   same thing (the same counted event and period, revenue period, staff
//!   qualification, agreement, contract, or text).
//!
//! Each group is sorted by first date and swept once, so the analysis costs
//! n log n; a version is reported once, against the first earlier version
//! still in force on its first day.

use super::Context;
use charter_diagnostics::{Code, Diagnostic, Span};
use charter_ir::{Condition, Requirement, RequirementKind};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One dated version: its dates, where it is, what to call it.
struct Version {
    from: NaiveDate,
    to: Option<NaiveDate>,
    span: Span,
    what: String,
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let program = cx.program;
    let mut groups: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    let mut add = |key: String, dates: Option<(NaiveDate, Option<NaiveDate>)>, span, what| {
        if let Some((from, to)) = dates {
            groups.entry(key).or_default().push(Version {
                from,
                to,
                span,
                what,
            });
        }
    };
    for c in &program.commissions {
        let b = &c.base;
        let products: Vec<&str> = b.products.iter().map(|p| p.name.as_str()).collect();
        let key = format!(
            "commission|{:?}|{:?}|{:?}|{:?}|{products:?}|{:?}",
            c.scope,
            b.kind,
            b.invoices,
            b.collected_by,
            b.path.map(|(path, _)| path)
        );
        add(
            key,
            c.in_force,
            c.span,
            format!("commission `{}`", c.name.name),
        );
    }
    for b in &program.bonuses {
        let key = format!(
            "bonus|{:?}|{:?}|{}",
            b.scope,
            b.frequency,
            condition_measure(&b.condition)
        );
        add(key, b.in_force, b.span, format!("bonus `{}`", b.name.name));
    }
    let owners = std::iter::once(("the program".to_owned(), &program.requirements))
        .chain(
            program
                .tiers
                .iter()
                .map(|t| (format!("tier `{}`", t.name.name), &t.requirements)),
        )
        .chain(
            program
                .tracks
                .iter()
                .map(|t| (format!("track `{}`", t.name.name), &t.requirements)),
        )
        .chain(
            program
                .modules
                .iter()
                .map(|m| (format!("module `{}`", m.name.name), &m.requirements)),
        );
    for (owner, requirements) in owners {
        for r in requirements {
            let key = format!("requirement|{owner}|{}", requirement_measure(r));
            add(key, r.in_force, r.span, format!("a requirement of {owner}"));
        }
    }
    for versions in groups.values_mut() {
        if versions.len() < 2 {
            continue;
        }
        versions.sort_by_key(|v| (v.from, v.span.file, v.span.start));
        // The version in force longest among those seen so far.
        let mut longest: Option<&Version> = None;
        for v in versions.iter() {
            if let Some(earlier) = longest {
                if earlier.to.is_none_or(|to| to >= v.from) && !cx.has_error_within(v.span) {
                    out.push(overlap(earlier, v));
                }
            }
            if longest.is_none_or(|l| l.to.is_some() && v.to.is_none_or(|to| Some(to) > l.to)) {
                longest = Some(v);
            }
        }
    }
}

fn overlap(earlier: &Version, later: &Version) -> Diagnostic {
    let until = match earlier.to {
        Some(to) => format!("until {to}"),
        None => "with no end".to_owned(),
    };
    Diagnostic::new(
        Code::OverlappingVersions,
        format!(
            "{} and {} are versions of one rule in force on the same days: from {} {until}",
            later.what, earlier.what, later.from
        ),
        later.span,
    )
    .with_primary_label(format!("in force from {}", later.from))
    .with_label(earlier.span, format!("in force {until}"))
    .with_help(format!(
        "end the earlier version the day before ({}) with `in force from … to …`, or start this one later",
        later.from.pred_opt().unwrap_or(later.from)
    ))
}

/// What a condition measures, without its threshold.
fn condition_measure(c: &Condition) -> String {
    match c {
        Condition::Staff { qualification, .. } => format!("staff {}", qualification.name),
        Condition::Metric { metric, .. } => {
            format!("metric {:?} {:?}", metric.kind, metric.trailing)
        }
        Condition::Elected { benefit } => format!("elected {}", benefit.name),
    }
}

/// What a requirement measures, without its threshold.
fn requirement_measure(r: &Requirement) -> String {
    let scope: Vec<&str> = r.scope.iter().map(|s| s.name.as_str()).collect();
    let measure = match &r.kind {
        RequirementKind::Contract => "contract".to_owned(),
        RequirementKind::Agreement { agreement } => format!("agreement {}", agreement.name),
        RequirementKind::Staff { qualification, .. } => format!("staff {}", qualification.name),
        RequirementKind::Count {
            event,
            activity,
            within_after,
            period,
            ..
        } => format!(
            "count {event:?} {:?} {within_after:?} {period:?}",
            activity.as_ref().map(|a| a.name.as_str())
        ),
        RequirementKind::Revenue {
            new_customers,
            period,
            ..
        } => format!("revenue {new_customers} {period:?}"),
        RequirementKind::Points(p) => format!("points {:?} {:?}", p.terms, p.period),
        RequirementKind::Mrr(m) => format!("{} {:?}", m.measure.as_str(), m.period),
        RequirementKind::AnyOf(a) => format!("any of {a:?}"),
        RequirementKind::Text { text } => format!("text {text}"),
    };
    format!("{measure}|{scope:?}")
}
