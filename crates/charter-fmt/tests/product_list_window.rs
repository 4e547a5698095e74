//! Issue 15: a commission whose product list is followed by a window was laid
//! out as `for products Pro, Enterprise, while customer pays`, which the
//! parser reads with `while` as one more product name, so `charter fmt`
//! refused a valid policy. The window now follows a product list without a
//! comma.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_fmt::format;

const HEAD: &str = "program \"P\" {\n  currency EUR\n}\n\nattribute customer by partner_sale\n\n";

#[test]
fn a_product_list_followed_by_while_customer_pays_formats() {
    let policy = format!(
        "{HEAD}commission c: 10% of payments for products Pro, Enterprise while customer pays\n"
    );
    let formatted = format(&policy).unwrap();
    assert_eq!(formatted, policy);
    let with_comma = format!(
        "{HEAD}commission c: 10% of payments for products Pro, Enterprise, while customer pays\n"
    );
    // `while` is reserved, so with a comma it is still the window (never one
    // more product), and the formatter writes the canonical layout.
    assert_eq!(format(&with_comma).unwrap(), policy);
}

#[test]
fn every_window_after_a_product_list_survives_formatting() {
    for window in [
        "while customer pays",
        "while contract active",
        "for lifetime",
        "within 12 months from first_invoice",
        "within 6 months after attribution",
    ] {
        for sep in [" ", ", "] {
            // Every window parses after a list with or without a comma
            // (`while`, `within` and `for` are reserved words).
            let policy = format!(
                "{HEAD}commission c: 10%  of payments for products Pro, Enterprise{sep}{window}\n"
            );
            let formatted =
                format(&policy).unwrap_or_else(|e| panic!("`{window}` after a list: {e}"));
            assert_eq!(format(&formatted).unwrap(), formatted, "{formatted}");
            assert!(
                formatted.contains(&format!("Pro, Enterprise {window}\n")),
                "{formatted}"
            );
        }
    }
}

#[test]
fn a_window_after_other_filters_keeps_its_comma() {
    let policy =
        format!("{HEAD}commission c: 10% of payments on new invoices while customer pays\n");
    assert_eq!(
        format(&policy).unwrap(),
        format!("{HEAD}commission c: 10% of payments on new invoices, while customer pays\n")
    );
}
