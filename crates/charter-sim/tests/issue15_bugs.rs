//! Regressions for the bugs listed in issue 15 ("Bugs found on the way"):
//! the `customers` metric under `claims last`, `before installation` on
//! every attribution path, the S0202 finding for a referral of a customer
//! who had already bought, and the S0201 message's dates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, CheckedProgram, FsReader};
use charter_diagnostics::SourceDb;
use charter_sim::{simulate, FindingCode, SimOptions, SimResult};
use rust_decimal::Decimal;

fn program(policy: &str) -> CheckedProgram {
    let mut db = SourceDb::new();
    let root = db.add("test.charter", policy);
    match compile(db, root, &mut FsReader).into_checked() {
        Ok((p, _, _)) => p,
        Err(c) => panic!("policy has errors: {:#?}", c.diagnostics),
    }
}

fn run(policy: &str, scenario: &str) -> SimResult {
    let p = program(policy);
    let s = charter_scenario::parse_str(scenario, "scenario.json").unwrap();
    simulate(&p, &s, &SimOptions::default())
}

fn messages(r: &SimResult, code: FindingCode) -> Vec<&str> {
    r.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.message.as_str())
        .collect()
}

fn total(r: &SimResult, partner: &str) -> Decimal {
    r.payouts
        .iter()
        .filter(|p| p.partner == partner)
        .map(|p| p.amount)
        .sum()
}

#[test]
fn before_installation_refuses_a_referral_of_an_invoiced_customer() {
    let policy = r#"program "P" { currency EUR }
attribute customer by referral, before installation
commission c: 10% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "1000.00" },
        { "date": "2026-01-05", "type": "referral", "partner": "p", "customer": "c" },
        { "date": "2026-01-10", "type": "invoice", "id": "i2", "customer": "c", "amount": "500.00" },
        { "date": "2026-01-12", "type": "payment", "invoice": "i2", "amount": "500.00" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(total(&r, "p"), Decimal::ZERO, "{:#?}", r.payouts);
    let rejected = messages(&r, FindingCode::AttributionRejected);
    assert!(
        rejected
            .iter()
            .any(|m| m.contains("after its installation (first invoice 2026-01-02)")),
        "{rejected:?}"
    );
}

#[test]
fn before_installation_refuses_a_registration_of_an_invoiced_customer() {
    let policy = r#"program "P" { currency EUR }
attribute customer by registration, before installation
commission c: 10% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "1000.00" },
        { "date": "2026-01-05", "type": "registration", "partner": "p", "customer": "c", "approved": true },
        { "date": "2026-01-12", "type": "payment", "invoice": "i1", "amount": "1000.00" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(total(&r, "p"), Decimal::ZERO, "{:#?}", r.payouts);
    assert_eq!(messages(&r, FindingCode::AttributionRejected).len(), 1);
}

#[test]
fn before_installation_still_lets_a_claim_before_the_first_invoice() {
    let policy = r#"program "P" { currency EUR }
attribute customer by referral, before installation
commission c: 10% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-05", "type": "referral", "partner": "p", "customer": "c" },
        { "date": "2026-01-10", "type": "invoice", "id": "i2", "customer": "c", "amount": "500.00" },
        { "date": "2026-01-12", "type": "payment", "invoice": "i2", "amount": "500.00" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(total(&r, "p"), "50.00".parse::<Decimal>().unwrap());
}

#[test]
fn a_referral_of_a_customer_that_already_bought_is_rejected_without_a_later_purchase() {
    let policy = r#"program "P" { currency EUR }
attribute customer by referral { order within 3 months after referral }
commission c: 10% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "1000.00" },
        { "date": "2026-01-05", "type": "referral", "partner": "p", "customer": "c" },
        { "date": "2026-01-12", "type": "payment", "invoice": "i1", "amount": "1000.00" } ] }"#;
    let r = run(policy, scenario);
    let rejected = messages(&r, FindingCode::AttributionRejected);
    assert_eq!(
        rejected,
        vec!["`c` had already bought on 2026-01-02, before the referral on 2026-01-05: it is not a new customer"]
    );
}

#[test]
fn a_referral_rejected_as_not_new_is_reported_once_when_an_order_follows() {
    let policy = r#"program "P" { currency EUR }
attribute customer by referral { order within 3 months after referral }
commission c: 10% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "c" },
        { "date": "2026-01-05", "type": "referral", "partner": "p", "customer": "c" },
        { "date": "2026-01-08", "type": "order", "customer": "c" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(messages(&r, FindingCode::AttributionRejected).len(), 1);
}

#[test]
fn contested_message_gives_the_referral_date_and_when_the_claim_took_effect() {
    let policy = r#"program "P" {
  currency EUR
  claims first
}
attribute customer by referral { order within 3 months after referral }
attribute customer by attachment
commission c: 10% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "a"}, {"id": "b"}], "events": [
        { "date": "2026-01-05", "type": "referral", "partner": "a", "customer": "c" },
        { "date": "2026-01-20", "type": "order", "customer": "c" },
        { "date": "2026-02-01", "type": "attachment", "partner": "b", "customer": "c" } ] }"#;
    let r = run(policy, scenario);
    let contested = messages(&r, FindingCode::ContestedCustomer);
    assert_eq!(contested.len(), 1, "{contested:?}");
    assert!(
        contested[0].contains("`a` (referral on 2026-01-05, in effect from 2026-01-20)"),
        "{}",
        contested[0]
    );
    assert!(
        contested[0].contains("`b` (attachment on 2026-02-01)"),
        "{}",
        contested[0]
    );
}

/// `a` attaches `c1` and `c2`; under `claims last`, `b`'s later attachment
/// takes `c2` from it. `a` then holds one customer, so the uplift for two
/// does not hold when `c1` pays.
const LOST_TO_A_LATER_CLAIM: &str = r#"{ "partners": [{"id": "a"}, {"id": "b"}], "events": [
    { "date": "2026-01-01", "type": "attachment", "partner": "a", "customer": "c1" },
    { "date": "2026-01-02", "type": "attachment", "partner": "a", "customer": "c2" },
    { "date": "2026-01-05", "type": "attachment", "partner": "b", "customer": "c2" },
    { "date": "2026-01-10", "type": "invoice", "id": "i1", "customer": "c1", "amount": "1000.00" },
    { "date": "2026-01-12", "type": "payment", "invoice": "i1", "amount": "1000.00" } ] }"#;

fn customers_policy(rule: &str) -> String {
    format!(
        r#"program "P" {{
  currency EUR
  claims {rule}
}}
attribute customer by attachment
commission c {{
  rate 10%
  uplift 5% when customers over trailing 12 months >= 2
  of payments
}}
"#
    )
}

#[test]
fn customers_metric_leaves_out_a_customer_lost_to_a_later_claim() {
    let r = run(&customers_policy("last"), LOST_TO_A_LATER_CLAIM);
    assert_eq!(total(&r, "a"), "100.00".parse::<Decimal>().unwrap());
}

#[test]
fn customers_metric_under_claims_first_keeps_the_earlier_claimants_customer() {
    // Under `claims first`, `b`'s claim on `c2` loses: `a` still holds both.
    let r = run(&customers_policy("first"), LOST_TO_A_LATER_CLAIM);
    assert_eq!(total(&r, "a"), "150.00".parse::<Decimal>().unwrap());
}
