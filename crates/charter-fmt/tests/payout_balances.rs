//! Issue 15, shape 3: payout minimums, balances on leaving and paperwork
//! withholding (`…, minimum 50 EUR per path, balance forfeited on leaving,
//! withheld until tax_form, forfeited after 90 days`) print as written and
//! are a fixed point of the formatter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_fmt::format;

const HEAD: &str = "program \"P\" {\n  currency EUR\n}\n\n";

#[test]
fn every_balance_option_formats() {
    for options in [
        "minimum 50 EUR",
        "minimum 50 EUR per path",
        "minimum 100 EUR, balance forfeited on leaving",
        "minimum 100 EUR per path, balance paid on leaving",
        "withheld until tax_form",
        "withheld until tax_form, forfeited after 90 days",
        "hold 14 days, minimum 25.50 EUR, withheld until w9, forfeited after 60 business days",
    ] {
        let policy = format!("{HEAD}payout statement per month, paid within 30 days, {options}\n");
        let formatted = format(&policy).unwrap();
        assert_eq!(formatted, policy);
        let spaced = policy.replace(", ", " ,  ");
        assert_eq!(format(&spaced).unwrap(), policy, "{spaced}");
    }
}
