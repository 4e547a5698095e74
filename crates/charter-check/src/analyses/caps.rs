//! Caps per period: C0905 zero-cap, C0906 count-cap-on-percentage.
//!
//! `at most N per PERIOD` counts the events a fixed amount is paid for;
//! `at most AMOUNT per PERIOD` the money any commission pays. A cap of 0
//! lets nothing through, and a percentage has no event to count.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::{CapLimit, RateSpec};

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in &cx.program.commissions {
        if c.caps.is_empty() || cx.has_error_within(c.span) {
            continue;
        }
        let fixed = match &c.rate {
            RateSpec::Fixed { .. } => true,
            RateSpec::Flat { .. } | RateSpec::ByTier { .. } | RateSpec::Brackets { .. } => false,
        };
        for cap in &c.caps {
            let zero = match &cap.limit {
                CapLimit::Count { count } => *count == 0,
                CapLimit::Money { amount } => amount.amount.is_zero(),
            };
            if zero {
                out.push(
                    Diagnostic::new(
                        Code::ZeroCap,
                        format!(
                            "commission `{}` is capped at nothing: it never pays",
                            c.name.name
                        ),
                        cap.span,
                    )
                    .with_primary_label("lets nothing through")
                    .with_help("raise the cap, or remove the commission"),
                );
            }
            if let (CapLimit::Count { count }, false) = (&cap.limit, fixed) {
                out.push(
                    Diagnostic::new(
                        Code::CountCapOnPercentage,
                        format!(
                            "commission `{}` pays a percentage, so it has no events for `at most {count}` to count",
                            c.name.name
                        ),
                        cap.span,
                    )
                    .with_primary_label("a count of events paid")
                    .with_label(c.rate_span, "a percentage, not an amount per event")
                    .with_help(format!(
                        "cap the money it pays instead: `at most AMOUNT {} per {}`",
                        cx.program.currency,
                        cap.period.as_str()
                    )),
                );
            }
        }
    }
}
