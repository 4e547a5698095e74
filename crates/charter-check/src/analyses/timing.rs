//! Payout timing: C1001 payout-before-collection and C1002
//! hold-shorter-than-clawback (both warnings), and C0202 for two payout
//! schedules of one scope.
//!
//! A commission is paid on the schedule it names itself (`payout` in its
//! block), else the one of its tier, track or module, else the program's.
//!
//! - C1001: a commission on *payments* whose schedule falls due a fixed time
//!   after the *invoice*: the vendor may pay before it is paid.
//! - C1002: a commission clawed back on refunds within N, whose schedule can
//!   release the money sooner: `within D after payment` can pay on the first
//!   day unless it holds at least N; a monthly statement pays at the earliest
//!   (week − 1) × 7 days after a payment at month end, or after its hold;
//!   netting at source pays at once. Durations are compared conservatively
//!   (a hold's fewest days against a clawback's most). A clawback without a
//!   window has no end to wait for and is not reported.

use super::{insert_at, Context};
use charter_diagnostics::{Code, Diagnostic, Span, TextEdit};
use charter_ir::{
    BaseKind, CommissionRule, DurationUnit, PayoutAnchor, PayoutSchedule, PayoutTiming, Scope,
};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let first = two_schedules(cx, out);
    for c in &cx.program.commissions {
        let Some(payout) = schedule(&first, c) else {
            continue;
        };
        before_collection(cx, c, payout, out);
        before_clawback_closes(cx, c, payout, out);
    }
}

/// A scope as a key: its kind and name.
type ScopeKey<'a> = (u8, &'a str);

fn scope_key(scope: &Scope) -> ScopeKey<'_> {
    match scope {
        Scope::Program => (0, ""),
        Scope::Tier(n) => (1, n),
        Scope::Track(n) => (2, n),
        Scope::Module(n) => (3, n),
        Scope::Benefit(n) => (4, n),
    }
}

/// The first payout schedule of each scope.
type FirstSchedules<'a> = HashMap<ScopeKey<'a>, &'a PayoutSchedule>;

/// The schedule a commission is paid on.
fn schedule<'a>(first: &FirstSchedules<'a>, c: &'a CommissionRule) -> Option<&'a PayoutSchedule> {
    c.payout
        .as_ref()
        .or_else(|| first.get(&scope_key(&c.scope)).copied())
        .or_else(|| first.get(&scope_key(&Scope::Program)).copied())
}

/// Reports a second schedule of one scope; returns the first of each.
fn two_schedules<'a>(cx: &Context<'a>, out: &mut Vec<Diagnostic>) -> FirstSchedules<'a> {
    let mut firsts: FirstSchedules<'a> = HashMap::new();
    for p in &cx.program.payouts {
        let first = match firsts.entry(scope_key(&p.scope)) {
            Entry::Vacant(e) => {
                e.insert(p);
                continue;
            }
            Entry::Occupied(e) => *e.get(),
        };
        let whose = match &p.scope {
            Scope::Program => "the program".to_string(),
            other => other.describe(),
        };
        out.push(
            Diagnostic::new(
                Code::DuplicateDefinition,
                format!("{whose} has two payout schedules"),
                p.span,
            )
            .with_primary_label("second schedule")
            .with_label(first.span, "first schedule")
            .with_help(
                "keep one; a commission with its own timing says so with `payout` in its block",
            ),
        );
    }
    firsts
}

fn before_collection(
    cx: &Context<'_>,
    c: &CommissionRule,
    payout: &PayoutSchedule,
    out: &mut Vec<Diagnostic>,
) {
    let PayoutTiming::Within {
        delay,
        anchor: PayoutAnchor::Invoice,
        ..
    } = payout.timing
    else {
        return;
    };
    if c.base.kind != BaseKind::Payments {
        return;
    }
    let mut d = Diagnostic::new(
        Code::PayoutBeforeCollection,
        format!(
            "commission `{}` is a share of payments, but falls due {delay} after the invoice, maybe before the customer pays",
            c.name.name
        ),
        payout.span,
    )
    .with_primary_label("due after the invoice")
    .with_label(c.base.span, "a share of what the customer pays")
    .with_help("anchor the payout on the payment: `payout within 30 days after payment`");
    // Without a hold, the schedule ends with its anchor word.
    let word = "invoice";
    let span = cx.trim(payout.span);
    if payout.hold.is_none() && cx.text(span).is_some_and(|t| t.ends_with(word)) {
        d = d.with_fix(
            "pay after the payment",
            vec![TextEdit {
                span: Span {
                    file: span.file,
                    start: span.end - word.len() as u32,
                    end: span.end,
                },
                replacement: "payment".into(),
            }],
        );
    }
    out.push(d);
}

fn before_clawback_closes(
    cx: &Context<'_>,
    c: &CommissionRule,
    payout: &PayoutSchedule,
    out: &mut Vec<Diagnostic>,
) {
    let Some((clawback, window)) = c
        .clawback
        .as_ref()
        .and_then(|cb| cb.within.map(|w| (cb, w)))
    else {
        return;
    };
    let hold_days = payout.hold.map_or(0, |h| h.min_days());
    let (earliest, released) = match payout.timing {
        PayoutTiming::Within { delay, .. } => match payout.hold {
            Some(h) => (hold_days, format!("held only {h}")),
            None => (0, format!("paid within {delay}, not held")),
        },
        PayoutTiming::MonthlyStatement { week, .. } => {
            let statement = u64::from(week.saturating_sub(1)) * 7;
            let held = payout
                .hold
                .map(|h| format!(", held only {h}"))
                .unwrap_or_default();
            (
                hold_days.max(statement),
                format!("paid in week {week} of the next month{held}"),
            )
        }
        PayoutTiming::Statement { period, delay, .. } => {
            // The statement may close the day the money is earned.
            let held = payout
                .hold
                .map(|h| format!(", held only {h}"))
                .unwrap_or_default();
            (
                hold_days.max(delay.min_days()),
                format!(
                    "paid within {delay} after the statement {} closes{held}",
                    period.as_str()
                ),
            )
        }
        PayoutTiming::NettedAtSource => (0, "kept by the partner at once".to_string()),
    };
    let needed = window.approx_days();
    if earliest >= needed {
        return;
    }
    let mut d = Diagnostic::new(
        Code::HoldShorterThanClawback,
        format!(
            "commission `{}` can be clawed back up to {window} after a payment, but its payout may be released sooner",
            c.name.name
        ),
        payout.span,
    )
    .with_primary_label(released)
    .with_label(clawback.span, format!("refunds within {window} claw it back"))
    .with_help(format!(
        "hold the payout at least as long as the clawback window: `hold {}`",
        hold_text(window, needed)
    ));
    let end = cx.trim(payout.span);
    let reads_as_payout = cx.text(end).is_some_and(|t| t.starts_with("payout"));
    if payout.hold.is_none()
        && payout.minimum.is_none()
        && payout.withheld.is_none()
        && reads_as_payout
        && !matches!(payout.timing, PayoutTiming::NettedAtSource)
    {
        d = d.with_fix(
            "hold the payout until the clawback window closes",
            vec![insert_at(
                end.file,
                end.end,
                &format!(", hold {}", hold_text(window, needed)),
            )],
        );
    }
    out.push(d);
}

/// A hold as long as a clawback window, in the units a hold accepts (days or weeks).
fn hold_text(window: charter_ir::Duration, days: u64) -> String {
    match window.unit {
        DurationUnit::Days | DurationUnit::Weeks => window.to_string(),
        _ => format!("{days} days"),
    }
}
