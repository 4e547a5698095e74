//! Commissions cut back unless a tier is reached: C1008 cut-back-not-lower,
//! C1009 cut-back-netted.
//!
//! `cut back to R unless tier T within D from joined` lowers the commission
//! to R from the deadline on and takes back what it paid above R before. R
//! must be below every rate the commission can be written to pay, and the
//! commission must be paid by the vendor: a netted one is kept by the
//! partner out of what it collected, with no payout to take back from.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::Settlement;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in &cx.program.commissions {
        let Some(cut) = &c.cut_back else {
            continue;
        };
        if cx.has_error_within(c.span) {
            continue;
        }
        let rates = c.rate.rates(c.rate_span);
        if let Some((rate, span)) = rates.iter().find(|(r, _)| r.0 <= cut.rate.0) {
            out.push(
                Diagnostic::new(
                    Code::CutBackNotLower,
                    format!(
                        "commission `{}` is cut back to {}, but it pays {rate}",
                        c.name.name, cut.rate
                    ),
                    cut.rate_span,
                )
                .with_primary_label("not below the commission's rate")
                .with_label(*span, "the rate it is cut back from")
                .with_help("cut back to a rate below every rate the commission pays"),
            );
        }
        if c.settlement == Settlement::Netted {
            let mut d = Diagnostic::new(
                Code::CutBackNetted,
                format!(
                    "commission `{}` is cut back unless tier `{}` is reached, but the partner keeps it out of the money it collected",
                    c.name.name, cut.tier.name
                ),
                cut.span,
            )
            .with_primary_label("takes back what was paid above the lower rate")
            .with_help("settle it by transfer, or drop `cut back`");
            if let Some(netted) = c.settlement_span {
                d = d.with_label(netted, "kept by the partner on the day");
            }
            out.push(d);
        }
    }
}
