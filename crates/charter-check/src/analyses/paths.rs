//! Commission by attribution path: C0903 path-paid-twice.
//!
//! A commission `by referral` pays for the customers a partner won through a
//! referral. Two commissions naming the same path pay every such sale twice
//! when they can meet on one sale: the same base kind (`of payments`, `of
//! invoices`, or a fixed amount `per new customer` — a bounty beside a
//! percentage is a design, not a conflict), overlapping products (none listed
//! means all), invoice kinds (`on new invoices` against `on renewal
//! invoices` never meet), collectors and `in force` dates, and scopes that
//! one partner can hold together (two tracks never; a module and a tier can).
//!
//! Rules are grouped by (path, base kind) and, within a group, indexed by
//! product, so a rule is compared only with earlier rules that share a
//! product with it (or list none). A rule is reported once, against the first
//! earlier rule it meets.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::{CommissionRule, InvoiceFilter};
use std::collections::{BTreeMap, BTreeSet};

/// The rules of one (path, base kind) seen so far.
#[derive(Default)]
struct Group<'a> {
    /// Every rule, by index.
    all: Vec<usize>,
    /// Rules listing no product (they pay for every product).
    any_product: Vec<usize>,
    /// Product → rules listing it.
    by_product: BTreeMap<&'a str, Vec<usize>>,
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let rules = &cx.program.commissions;
    let mut groups: BTreeMap<(&str, String), Group<'_>> = BTreeMap::new();
    for (i, rule) in rules.iter().enumerate() {
        let Some((path, _)) = rule.base.path else {
            continue;
        };
        if cx.has_error_within(rule.span) {
            continue;
        }
        let group = groups
            .entry((path.as_str(), format!("{:?}", rule.base.kind)))
            .or_default();
        // The earlier rules that may share a product with this one.
        let candidates: BTreeSet<usize> = if rule.base.products.is_empty() {
            group.all.iter().copied().collect()
        } else {
            rule.base
                .products
                .iter()
                .filter_map(|p| group.by_product.get(p.name.as_str()))
                .flatten()
                .chain(&group.any_product)
                .copied()
                .collect()
        };
        if let Some(&j) = candidates
            .iter()
            .find(|&&j| rules.get(j).is_some_and(|earlier| meet(cx, earlier, rule)))
        {
            if let Some(earlier) = rules.get(j) {
                out.push(paid_twice(earlier, rule, path.as_str()));
            }
        }
        group.all.push(i);
        if rule.base.products.is_empty() {
            group.any_product.push(i);
        }
        for p in &rule.base.products {
            group.by_product.entry(p.name.as_str()).or_default().push(i);
        }
    }
}

/// Whether two rules on the same path and base kind, sharing a product, can
/// both pay one sale.
fn meet(cx: &Context<'_>, a: &CommissionRule, b: &CommissionRule) -> bool {
    let invoices = !matches!(
        (a.base.invoices, b.base.invoices),
        (InvoiceFilter::New, InvoiceFilter::Renewal) | (InvoiceFilter::Renewal, InvoiceFilter::New)
    );
    let collectors = match (a.base.collected_by, b.base.collected_by) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    let dates = match (a.in_force, b.in_force) {
        (Some((af, at)), Some((bf, bt))) => {
            at.is_none_or(|at| at >= bf) && bt.is_none_or(|bt| bt >= af)
        }
        _ => true,
    };
    let m = &cx.membership;
    invoices && collectors && dates && !m.and(&m.scope(&a.scope), &m.scope(&b.scope)).is_nobody()
}

fn paid_twice(earlier: &CommissionRule, later: &CommissionRule, path: &str) -> Diagnostic {
    let span = later.base.path.map_or(later.base.span, |(_, s)| s);
    let earlier_span = earlier.base.path.map_or(earlier.base.span, |(_, s)| s);
    Diagnostic::new(
        Code::PathPaidTwice,
        format!(
            "commissions `{}` and `{}` both pay for customers won by {path}",
            later.name.name, earlier.name.name
        ),
        span,
    )
    .with_primary_label(format!("`{}` pays for {path}", later.name.name))
    .with_label(earlier_span, format!("`{}` already pays for it", earlier.name.name))
    .with_help(
        "write one commission per path, or tell them apart by products, invoices, scope or `in force` dates",
    )
}
