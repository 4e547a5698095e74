//! Issue 15, shape 2: a commission `AMOUNT per new customer` is printed as
//! written (`per`, not `of`), with its filters, window and block, and the
//! output is a fixed point of the formatter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_fmt::format;

const HEAD: &str = "program \"P\" {\n  currency USD\n}\n\n";

#[test]
fn a_fixed_amount_per_new_customer_keeps_per() {
    let policy = format!(
        "{HEAD}commission pro_bounty: 300 USD per new customer for products Pro within 12 months from referral {{\n  clawback on refund within 60 days\n}}\n"
    );
    let formatted = format(&policy).unwrap();
    assert!(
        formatted.contains("300 USD per new customer for products Pro"),
        "{formatted}"
    );
    assert_eq!(format(&formatted).unwrap(), formatted);
}

#[test]
fn the_block_form_of_a_fixed_amount_formats() {
    let policy = format!(
        "{HEAD}commission bounty {{\n  rate 200 USD\n  per   new\n  customer on new invoices\n}}\n"
    );
    let formatted = format(&policy).unwrap();
    assert!(
        formatted.contains("  per new customer on new invoices\n"),
        "{formatted}"
    );
    assert_eq!(format(&formatted).unwrap(), formatted);
}

#[test]
fn fixed_amounts_per_trial_and_per_qualified_lead_keep_their_event() {
    let policy = format!(
        "{HEAD}commission t: 20 USD per   trial within 30 days from referral\ncommission l {{\n  rate 50 USD\n  per qualified\n  lead by registration\n}}\n"
    );
    let formatted = format(&policy).unwrap();
    assert!(
        formatted.contains("commission t: 20 USD per trial, within 30 days from referral"),
        "{formatted}"
    );
    assert!(
        formatted.contains("  per qualified lead by registration\n"),
        "{formatted}"
    );
    assert_eq!(format(&formatted).unwrap(), formatted);
}

#[test]
fn caps_per_period_keep_their_limit_and_period() {
    let policy = format!(
        "{HEAD}commission t: 20 USD per trial {{\n  at   most 50\n  per month\n  at most 5000   USD per quarter\n}}\n"
    );
    let formatted = format(&policy).unwrap();
    assert!(
        formatted.contains("  at most 50 per month\n  at most 5000 USD per quarter\n"),
        "{formatted}"
    );
    assert_eq!(format(&formatted).unwrap(), formatted);
}
