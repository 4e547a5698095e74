//! Payouts held for active partners: C1007 active-only-netted.
//!
//! `paid only if active for D` holds a commission's payouts until the
//! partner has been active D since it joined and forfeits them if it leaves
//! before. A netted commission is kept by the partner out of the money it
//! collected, on the day: it cannot be held or forfeited.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::Settlement;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in &cx.program.commissions {
        let Some((length, span)) = &c.active_for else {
            continue;
        };
        if c.settlement != Settlement::Netted || cx.has_error_within(c.span) {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::ActiveOnlyNetted,
            format!(
                "commission `{}` is paid only if the partner is active for {length}, but the partner keeps it out of the money it collected",
                c.name.name
            ),
            *span,
        )
        .with_primary_label("held and forfeited if the partner leaves early")
        .with_help("settle it by transfer, or drop `paid only if active`");
        if let Some(netted) = c.settlement_span {
            d = d.with_label(netted, "kept by the partner on the day");
        }
        out.push(d);
    }
}
