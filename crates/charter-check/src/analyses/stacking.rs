//! What one sale can cost: C0901 stacking-over-100 and C0902 split-over-100.
//!
//! - C0901: a commission and a customer discount (`discount X% on ...` in a
//!   benefit) that one partner can hold at once — their scopes, `for` lists,
//!   grants and `eligible` clauses admit a common partner, and no choose-one
//!   group makes them alternatives — whose highest rate plus the discount
//!   passes 100%. The highest rate counts uplifts, capped by the bounds; a
//!   `rate by tier` is taken tier by tier, so a high rate of one tier only
//!   stacks with discounts that tier's partners can have.
//! - C0902: `claims split { ... }` shares adding up to more than 100%.

use super::Context;
use charter_diagnostics::{Code, Diagnostic, Span};
use charter_ir::{ClaimPolicy, CommissionRule, Percent, RateSpec, Scope};
use rust_decimal::Decimal;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    stacking(cx, out);
    split(cx, out);
}

/// The rates a commission can reach, each with the tier it is limited to.
fn reachable_rates(c: &CommissionRule) -> Vec<(Percent, Span, Option<&str>)> {
    let uplift: Decimal = c.uplifts.iter().map(|u| u.amount.0).sum();
    let reach = |rate: Percent| {
        let raised = rate.0 + uplift;
        match c.bounds {
            Some((_, high, _)) if raised > high.0 => Percent(high.0.max(rate.0)),
            _ => Percent(raised),
        }
    };
    match &c.rate {
        RateSpec::ByTier { rates } => rates
            .iter()
            .map(|r| (reach(r.rate), r.span, Some(r.tier.name.as_str())))
            .collect(),
        other => other
            .rates(c.rate_span)
            .into_iter()
            .max_by_key(|(r, _)| *r)
            .map(|(r, span)| (reach(r), span, None))
            .into_iter()
            .collect(),
    }
}

fn stacking(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = &cx.membership;
    let commissions = &cx.program.commissions;
    // Every commission's rates, highest first, computed once; and the
    // commissions by their highest rate, highest first. A discount is
    // compared only with the commissions whose highest rate it can push
    // past 100% (all pairs of commissions and discounts was quadratic).
    let rates: Vec<Vec<(Percent, Span, Option<&str>)>> = commissions
        .iter()
        .map(|c| {
            let mut rates = reachable_rates(c);
            rates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.start.cmp(&b.1.start)));
            rates
        })
        .collect();
    let mut by_rate: Vec<(Decimal, usize)> = rates
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.first().map(|(rate, _, _)| (rate.0, i)))
        .collect();
    by_rate.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for benefit in &cx.program.benefits {
        let Some(discount) = benefit.discounts.iter().map(|d| d.rate.0).max() else {
            continue;
        };
        let mut candidates: Vec<usize> = by_rate
            .iter()
            .take_while(|(rate, _)| *rate + discount > Decimal::ONE_HUNDRED)
            .map(|(_, i)| *i)
            .collect();
        if candidates.is_empty() {
            continue;
        }
        candidates.sort_unstable();
        let holders = m.benefit_holders(&benefit.name.name);
        for i in candidates {
            let c = &commissions[i];
            if let Scope::Benefit(b) = &c.scope {
                if cx.shared_group(b, &benefit.name.name).is_some() {
                    continue;
                }
            }
            let mut applies = m.and(&holders, &m.scope(&c.scope));
            if let Some(e) = &c.eligibility {
                applies = m.and(&applies, &m.eligibility(e));
            }
            if applies.is_nobody() {
                continue;
            }
            let highest = rates[i].iter().copied().find(|(_, _, tier)| match tier {
                None => true,
                Some(t) => m
                    .classify(t)
                    .is_some_and(|t| !m.and(&applies, &m.holds(t)).is_nobody()),
            });
            let Some((rate, rate_span, _)) = highest else {
                continue;
            };
            for discount in &benefit.discounts {
                let total = Percent(rate.0 + discount.rate.0);
                if total.0 <= Decimal::ONE_HUNDRED {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::Stacking,
                        format!(
                            "commission `{}` (up to {rate}) and the {} discount of benefit `{}` can apply to one sale: {total} in all",
                            c.name.name, discount.rate, benefit.name.name
                        ),
                        discount.span,
                    )
                    .with_primary_label(format!("{} off for the customer", discount.rate))
                    .with_label(rate_span, format!("{rate} to the partner"))
                    .with_help("lower the commission or the discount so that together they stay within 100%, or make them alternatives with `choose one of`"),
                );
            }
        }
    }
}

fn split(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let ClaimPolicy::Split { shares } = &cx.program.claims else {
        return;
    };
    let total: Decimal = shares.iter().map(|s| s.share.0).sum();
    if total <= Decimal::ONE_HUNDRED {
        return;
    }
    let mut sum = Decimal::ZERO;
    let Some(crossing) = shares.iter().find(|s| {
        sum += s.share.0;
        sum > Decimal::ONE_HUNDRED
    }) else {
        return;
    };
    let mut d = Diagnostic::new(
        Code::SplitOver100,
        format!(
            "the split shares add up to {}, more than the whole commission",
            Percent(total)
        ),
        crossing.span,
    )
    .with_primary_label(format!("passes 100% at `{}`", crossing.track.name));
    for s in shares.iter().filter(|s| !std::ptr::eq(*s, crossing)) {
        d = d.with_label(s.span, format!("{}", s.share));
    }
    out.push(d.with_help("the shares divide one commission between the claiming tracks: make them add up to 100% at most"));
}
