//! Money in the partner's currency: C1301 partner-currency-netted.
//!
//! `paid in partner currency at rate of event date` converts each payout to
//! the partner's currency at the exchange rate of the day it was earned. A
//! netted commission (`settle netted`, or paid `netted at source`) is never
//! paid: the partner keeps it out of the customer's payment, in that
//! payment's currency, on the day. There is nothing to convert.

use super::Context;
use charter_diagnostics::{Code, Diagnostic};
use charter_ir::Settlement;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(clause) = cx.program.partner_currency else {
        return;
    };
    for c in &cx.program.commissions {
        if cx.program.settlement_of(c) != Settlement::Netted || cx.has_error_within(c.span) {
            continue;
        }
        let netted = c
            .settlement_span
            .or_else(|| cx.program.schedule_of(c).map(|s| s.span))
            .unwrap_or(c.span);
        out.push(
            Diagnostic::new(
                Code::PartnerCurrencyNetted,
                format!(
                    "commission `{}` is kept by the partner out of the customer's payment, so it cannot be paid in the partner's currency",
                    c.name.name
                ),
                netted,
            )
            .with_primary_label("kept out of the payment, in its currency")
            .with_label(clause, "payouts converted to the partner's currency")
            .with_help("settle it by transfer, or drop `paid in partner currency`"),
        );
    }
}
