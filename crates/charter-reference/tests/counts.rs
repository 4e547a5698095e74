//! `require count WORD` for every counting word (LANGUAGE.md §3 `require`,
//! What `count` counts): the reference reaches the tier with exactly the
//! required number of events and not one fewer, and agrees with the engine.
//! The same cases as the engine's `count_*` tests in
//! `crates/charter-sim/tests/semantics.rs` (issue 9).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, CheckedProgram, FsReader};
use charter_diagnostics::SourceDb;

fn program(word: &str) -> CheckedProgram {
    let policy = format!(
        r#"program "P" {{ currency EUR }}
attribute customer by partner_sale
commission c: 10% of payments
tiers Base < Gold
tier Gold {{
  require count {word} >= 2
}}
"#
    );
    let mut db = SourceDb::new();
    let root = db.add("test.charter", policy);
    match compile(db, root, &mut FsReader).into_checked() {
        Ok((p, _, _)) => p,
        Err(c) => panic!("policy has errors: {:#?}", c.diagnostics),
    }
}

/// `p`'s tier by the reference and by the engine.
fn tiers(
    word: &str,
    setup: &[&str],
    event: &dyn Fn(usize) -> String,
    n: usize,
) -> (String, String) {
    let mut events: Vec<String> = setup.iter().map(|e| e.to_string()).collect();
    events.extend((1..=n).map(event));
    let text = format!(
        r#"{{ "partners": [{{"id": "p"}}, {{"id": "q"}}], "events": [ {} ] }}"#,
        events.join(",\n")
    );
    let scenario = charter_scenario::parse_str(&text, "scenario.json").unwrap();
    let program = program(word);
    let reference = charter_reference::simulate(&program, &scenario, None)
        .unwrap_or_else(|e| panic!("`count {word}`: {e}"));
    let engine = charter_sim::simulate(&program, &scenario, &charter_sim::SimOptions::default());
    let of = |standings: Vec<(String, Option<String>)>| {
        standings
            .into_iter()
            .find(|(p, _)| p == "p")
            .and_then(|(_, t)| t)
            .unwrap_or_default()
    };
    (
        of(reference.standings),
        of(engine
            .standings
            .iter()
            .map(|s| (s.partner.clone(), s.tier.clone()))
            .collect()),
    )
}

fn assert_counts(word: &str, setup: &[&str], event: impl Fn(usize) -> String) {
    for (n, want) in [(1, "Base"), (2, "Gold")] {
        let (reference, engine) = tiers(word, setup, &event, n);
        assert_eq!(reference, want, "reference, `count {word}` with {n} events");
        assert_eq!(engine, want, "engine, `count {word}` with {n} events");
    }
}

const P_SOLD_C: &str =
    r#"{ "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" }"#;
const Q_SOLD_X: &str =
    r#"{ "date": "2026-01-02", "type": "order", "customer": "x", "partner": "q" }"#;
const C_INVOICED: &str = r#"{ "date": "2026-01-02", "type": "invoice", "id": "i0", "customer": "c", "amount": "1000.00" }"#;
const X_INVOICED: &str = r#"{ "date": "2026-01-02", "type": "invoice", "id": "x0", "customer": "x", "amount": "1000.00" }"#;
const C_PAID: &str =
    r#"{ "date": "2026-01-03", "type": "payment", "invoice": "i0", "amount": "1000.00" }"#;
const X_PAID: &str =
    r#"{ "date": "2026-01-03", "type": "payment", "invoice": "x0", "amount": "1000.00" }"#;

fn day(k: usize) -> String {
    format!("2026-02-{:02}", k + 1)
}

#[test]
fn every_counting_word_counts_what_it_names() {
    assert_counts(
        "vendor_contacts",
        &[
            P_SOLD_C,
            Q_SOLD_X,
            r#"{ "date": "2026-01-05", "type": "vendor_contact", "customer": "x" }"#,
        ],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "vendor_contact", "customer": "c" }}"#,
                day(k)
            )
        },
    );
    assert_counts(
        "referrals",
        &[r#"{ "date": "2026-01-05", "type": "referral", "partner": "q", "customer": "x" }"#],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "referral", "partner": "p", "customer": "r{k}" }}"#,
                day(k)
            )
        },
    );
    assert_counts(
        "registrations",
        &[
            r#"{ "date": "2026-01-05", "type": "registration", "partner": "q", "customer": "x", "approved": true }"#,
        ],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "registration", "partner": "p", "customer": "r{k}", "approved": true }}"#,
                day(k)
            )
        },
    );
    assert_counts(
        "attachments",
        &[r#"{ "date": "2026-01-05", "type": "attachment", "partner": "q", "customer": "x" }"#],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "attachment", "partner": "p", "customer": "a{k}" }}"#,
                day(k)
            )
        },
    );
    assert_counts("orders", &[Q_SOLD_X], |k| {
        format!(
            r#"{{ "date": "{}", "type": "order", "partner": "p", "customer": "o{k}" }}"#,
            day(k)
        )
    });
    assert_counts("invoices", &[P_SOLD_C, Q_SOLD_X, X_INVOICED], |k| {
        format!(
            r#"{{ "date": "{d}", "type": "invoice", "id": "i{k}", "customer": "c", "amount": "10.00" }},
            {{ "date": "{d}", "type": "payment", "invoice": "i{k}", "amount": "5.00" }},
            {{ "date": "{d}", "type": "payment", "invoice": "i{k}", "amount": "5.00" }}"#,
            d = day(k)
        )
    });
    assert_counts(
        "payments",
        &[
            P_SOLD_C,
            C_INVOICED,
            r#"{ "date": "2026-01-02", "type": "invoice", "id": "i9", "customer": "c", "amount": "5.00" }"#,
            Q_SOLD_X,
            X_INVOICED,
            X_PAID,
        ],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "payment", "invoice": "i0", "amount": "100.00" }}"#,
                day(k)
            )
        },
    );
    assert_counts(
        "refunds",
        &[
            P_SOLD_C,
            C_INVOICED,
            C_PAID,
            Q_SOLD_X,
            X_INVOICED,
            X_PAID,
            r#"{ "date": "2026-01-05", "type": "refund", "invoice": "x0", "amount": "10.00" }"#,
        ],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "refund", "invoice": "i0", "amount": "10.00" }}"#,
                day(k)
            )
        },
    );
    assert_counts(
        "activity",
        &[r#"{ "date": "2026-01-05", "type": "activity", "partner": "q", "kind": "webinar" }"#],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "activity", "partner": "p", "kind": "webinar" }}"#,
                day(k)
            )
        },
    );
    assert_counts(
        "notices",
        &[r#"{ "date": "2026-01-05", "type": "notice", "partner": "q" }"#],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "notice", "partner": "p" }}"#,
                day(k)
            )
        },
    );
    assert_counts(
        "invitations",
        &[r#"{ "date": "2026-01-05", "type": "invitation", "partner": "q", "tier": "Base" }"#],
        |k| {
            format!(
                r#"{{ "date": "{}", "type": "invitation", "partner": "p", "tier": "Base" }}"#,
                day(k)
            )
        },
    );
}
