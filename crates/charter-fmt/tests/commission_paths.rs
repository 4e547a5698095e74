//! Issue 15, shape 1: a commission's attribution path (`by referral`) is a
//! base filter; the formatter prints it after the others, before the window,
//! and the output is a fixed point of the formatter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_fmt::format;

const HEAD: &str = "program \"P\" {\n  currency EUR\n}\n\n";

#[test]
fn a_path_filter_is_kept_in_the_head_and_in_a_block() {
    for (policy, expected) in [
        (
            "commission link: 20% of payments by referral, within 12 months from referral\n",
            "of payments by referral",
        ),
        (
            "commission store: 10% of payments for products Plus by partner_sale while customer pays\n",
            "for products Plus by partner_sale",
        ),
        (
            "commission deal {\n  rate 15%\n  of invoices   by registration on new invoices\n}\n",
            "of invoices by registration on new invoices",
        ),
    ] {
        let policy = format!("{HEAD}{policy}");
        let formatted = format(&policy).unwrap();
        assert!(formatted.contains(expected), "{formatted}");
        assert_eq!(format(&formatted).unwrap(), formatted);
    }
}
