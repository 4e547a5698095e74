//! Issue 15, shape 3: statements per period (`statement per quarter, paid
//! within 10 business days`) print as written and are a fixed point of the
//! formatter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_fmt::format;

const HEAD: &str = "program \"P\" {\n  currency EUR\n}\n\n";

#[test]
fn every_statement_period_formats() {
    for timing in [
        "statement twice per month, paid within 5 days",
        "statement per month, paid within 30 days, after collection",
        "statement per quarter, paid within 10 business days, hold 14 days",
        "statement per year, paid within 2 weeks",
    ] {
        let policy = format!("{HEAD}payout {timing}\n");
        let formatted = format(&policy).unwrap();
        assert_eq!(formatted, policy);
        let spaced = format!(
            "{HEAD}payout statement   {}\n",
            &timing["statement ".len()..]
        );
        assert_eq!(format(&spaced).unwrap(), policy);
    }
}
