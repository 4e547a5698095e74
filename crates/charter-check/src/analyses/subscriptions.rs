//! Scope per subscription: C1006 window-not-per-subscription.
//!
//! `within D from ANCHOR per subscription` starts a window at each of the
//! customer's subscriptions, from that subscription's first invoice. Every
//! other anchor is a date the customer (or the partner) has once, or (the
//! first payment) one the simulation does not keep per subscription, so the
//! window would be the customer's window for every subscription: the policy
//! would say something the simulation does not do.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::{Anchor, WindowSpec};

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in &cx.program.commissions {
        let Some(per) = c.per_subscription else {
            continue;
        };
        let WindowSpec::Within { anchor, .. } = c.window else {
            continue;
        };
        let per_subscription = match anchor {
            Anchor::FirstInvoice => true,
            Anchor::FirstPayment
            | Anchor::FirstOrder
            | Anchor::Referral
            | Anchor::Registration
            | Anchor::Attachment
            | Anchor::Attribution
            | Anchor::ContractStart => false,
        };
        if per_subscription || cx.has_error_within(c.span) {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::WindowNotPerSubscription,
            format!(
                "commission `{}` opens a window per subscription from `{}`, which is the customer's",
                c.name.name,
                anchor.as_str()
            ),
            per,
        )
        .with_primary_label("one window per subscription")
        .with_help("count each subscription's window from `first_invoice`, or drop `per subscription`");
        if let Some(w) = c.window_span {
            d = d.with_label(
                w,
                format!("`{}` is the same for every subscription", anchor.as_str()),
            );
        }
        out.push(d);
    }
}
