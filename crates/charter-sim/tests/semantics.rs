//! Engine semantics on minimal policies: business days and holidays, bracket
//! modes, clawback windows, holds, split claims, invoices as the base, exact
//! money and cumulative rounding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, CheckedProgram, FsReader};
use charter_diagnostics::SourceDb;
use charter_sim::{simulate, SimOptions, SimResult};
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

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const SOLD: &str = r#"{ "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" },
    { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "1000.00" }"#;

#[test]
fn business_day_payouts_skip_weekends_and_holidays() {
    let policy = r#"program "P" {
  currency EUR
  holidays 2026-01-06
}
attribute customer by partner_sale
commission c: 10% of payments
payout within 3 business days after payment
"#;
    // Friday 2026-01-02 + 3 business days: Mon 5, (Tue 6 holiday), Wed 7, Thu 8.
    let scenario = format!(
        r#"{{ "partners": [{{"id": "p"}}], "events": [ {SOLD},
        {{ "date": "2026-01-02", "type": "payment", "invoice": "i1", "amount": "1000.00" }} ] }}"#
    );
    let r = run(policy, &scenario);
    assert_eq!(r.payouts.len(), 1);
    assert_eq!(r.payouts[0].amount, d("100.00"));
    assert_eq!(r.payouts[0].due.to_string(), "2026-01-08");
}

#[test]
fn hold_delays_the_due_date() {
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c: 10% of payments { clawback on refund within 60 days }
payout within 30 days after payment, hold 60 days
"#;
    let scenario = format!(
        r#"{{ "partners": [{{"id": "p"}}], "events": [ {SOLD},
        {{ "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "1000.00" }} ] }}"#
    );
    let r = run(policy, &scenario);
    // 2026-01-10 + 60 days = 2026-03-11, + 30 days = 2026-04-10.
    assert_eq!(r.payouts[0].due.to_string(), "2026-04-10");
}

#[test]
fn clawback_window_limits_refunds() {
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c: 10% of payments { clawback on refund within 30 days }
"#;
    let scenario = format!(
        r#"{{ "partners": [{{"id": "p"}}], "events": [ {SOLD},
        {{ "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "1000.00" }},
        {{ "date": "2026-01-20", "type": "refund", "invoice": "i1", "amount": "250.00" }},
        {{ "date": "2026-03-20", "type": "refund", "invoice": "i1", "amount": "250.00" }} ] }}"#
    );
    let r = run(policy, &scenario);
    // 100.00 earned, 25.00 clawed back within the window, the later refund is not.
    assert_eq!(r.total_of("p"), d("75.00"));
    assert_eq!(
        r.payouts
            .iter()
            .filter(|p| p.amount < Decimal::ZERO)
            .count(),
        1
    );
}

fn bracket_policy(mode: &str) -> String {
    format!(
        r#"program "P" {{ currency EUR }}
attribute customer by partner_sale
commission c {{
  rate by sales over trailing 12 months, {mode} {{
    below 1000 EUR: 10%
    from 1000 EUR: 20%
  }}
  of payments
}}
"#
    )
}

const TWO_PAYMENTS: &str = r#"{ "partners": [{"id": "p"}], "events": [
    { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" },
    { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "2000.00" },
    { "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "800.00" },
    { "date": "2026-02-10", "type": "payment", "invoice": "i1", "amount": "800.00" } ] }"#;

#[test]
fn whole_amount_brackets_use_the_volume_reached_before_the_payment() {
    let r = run(&bracket_policy("whole amount"), TWO_PAYMENTS);
    // 800 at 10% (0 before), 800 at 10% (800 before, below 1000).
    assert_eq!(r.total_of("p"), d("160.00"));
}

#[test]
fn marginal_brackets_split_a_payment_across_brackets() {
    let r = run(&bracket_policy("marginal"), TWO_PAYMENTS);
    // 800 at 10% = 80; then 200 at 10% + 600 at 20% = 20 + 120.
    assert_eq!(r.total_of("p"), d("220.00"));
}

#[test]
fn retroactive_brackets_re_rate_the_trailing_period() {
    let r = run(&bracket_policy("retroactive"), TWO_PAYMENTS);
    // 800 at 10% = 80; with the second payment 1600 reaches 20%: 800 at 20% = 160,
    // and the first payment is topped up by 800 × 10% = 80.
    assert_eq!(r.total_of("p"), d("320.00"));
    assert_eq!(r.payouts.len(), 3);
}

#[test]
fn invoices_as_the_base_earn_when_issued() {
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c: 5% of invoices
"#;
    let scenario = format!(r#"{{ "partners": [{{"id": "p"}}], "events": [ {SOLD} ] }}"#);
    let r = run(policy, &scenario);
    assert_eq!(r.payouts.len(), 1);
    assert_eq!(r.payouts[0].amount, d("50.00"));
    assert_eq!(r.payouts[0].earned.to_string(), "2026-01-02");
}

#[test]
fn split_claims_share_the_commission_by_track() {
    let policy = r#"program "P" {
  currency EUR
  claims split { Referral 30%, Affiliate 70% }
}
track Referral {
  attribute customer by referral
  commission r: 10% of payments
}
track Affiliate {
  attribute customer by partner_sale
  commission a: 10% of payments
}
"#;
    let scenario = r#"{ "partners": [{"id": "ref", "track": "Referral"}, {"id": "aff", "track": "Affiliate"}],
      "events": [
        { "date": "2026-01-01", "type": "referral", "partner": "ref", "customer": "c" },
        { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "aff" },
        { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "1000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "1000.00" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(r.total_of("ref"), d("30.00"));
    assert_eq!(r.total_of("aff"), d("70.00"));
    assert!(r.findings.iter().any(|f| f.code.id() == "S0201"));
}

#[test]
fn rounding_is_declared_by_the_policy_and_applied_once() {
    let policy = r#"program "P" {
  currency EUR
  rounding half_up
}
attribute customer by partner_sale
commission c: 2.5% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" },
        { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "100.00" },
        { "date": "2026-01-03", "type": "payment", "invoice": "i1", "amount": "0.50" },
        { "date": "2026-01-04", "type": "payment", "invoice": "i1", "amount": "0.70" } ] }"#;
    let r = run(policy, scenario);
    // 0.0125 → 0.01 (half up); the running total 0.0125 + 0.0175 = 0.03 → 0.03,
    // less the 0.01 paid: 0.02.
    let amounts: Vec<String> = r.payouts.iter().map(|p| p.amount.to_string()).collect();
    assert_eq!(amounts, ["0.01", "0.02"]);
}

#[test]
fn unknown_partner_and_invoice_are_error_findings() {
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c: 10% of payments
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "ghost" },
        { "date": "2026-01-03", "type": "payment", "invoice": "nope", "amount": "1.00" } ] }"#;
    let r = run(policy, scenario);
    assert!(r.has_errors());
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code.id()).collect();
    assert!(
        codes.contains(&"S0106") && codes.contains(&"S0107"),
        "{codes:?}"
    );
}

/// A scenario of one invoice of `amount` sold by `p`, then `events` (JSON
/// objects on invoice `i1`), one a day from 2026-01-03.
fn one_invoice(amount: &str, events: &[(&str, &str)]) -> String {
    let mut out = vec![
        r#"{ "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" }"#.to_string(),
        format!(
            r#"{{ "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "{amount}" }}"#
        ),
    ];
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 3).unwrap();
    for (n, (kind, value)) in events.iter().enumerate() {
        let date = start + chrono::Days::new(n as u64);
        out.push(format!(
            r#"{{ "date": "{date}", "type": "{kind}", "invoice": "i1", "amount": "{value}" }}"#
        ));
    }
    format!(
        r#"{{ "as_of": "2040-01-01", "partners": [{{"id": "p"}}], "events": [{}] }}"#,
        out.join(",\n")
    )
}

#[test]
fn many_small_payments_round_cumulatively() {
    // Issue 8 §6: 100 payments of 0.05 at 10%, half-up: each earns 0.005, which
    // rounded alone is 0.01 (1.00 in all); the exact total is 0.50.
    let policy = r#"program "P" {
  currency EUR
  rounding half_up
}
attribute customer by partner_sale
commission c: 10% of payments
"#;
    let payments = vec![("payment", "0.05"); 100];
    let r = run(policy, &one_invoice("5.00", &payments));
    assert_eq!(r.total_of("p"), d("0.50"));
    assert_eq!(r.payouts.len(), 100);
}

#[test]
fn many_small_refunds_claw_back_everything() {
    // Issue 8 §6: 100.00 paid at 10% earns 10.00; 2,500 refunds of 0.04 each take
    // back 0.004 of commission, 0.00 rounded alone; together they take all 10.00.
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c: 10% of payments
"#;
    let mut events = vec![("payment", "100.00")];
    events.extend(vec![("refund", "0.04"); 2500]);
    let r = run(policy, &one_invoice("100.00", &events));
    assert_eq!(r.total_of("p"), d("0.00"));
    let clawed: Decimal = r
        .payouts
        .iter()
        .filter(|p| p.amount < Decimal::ZERO)
        .map(|p| p.amount)
        .sum();
    assert_eq!(clawed, d("-10.00"));
}

#[test]
fn a_refund_outside_the_clawback_window_keeps_its_share_for_good() {
    // 1000.00 paid earns 100.00. A refund of 500.00 after the 30-day window takes
    // nothing and keeps its half (50.00) for good; a refund of the other 500.00
    // inside a new window (after a new payment) takes back only its own share.
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c: 10% of payments { clawback on refund within 30 days }
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" },
        { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "2000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "i1", "amount": "1000.00" },
        { "date": "2026-03-20", "type": "refund", "invoice": "i1", "amount": "500.00" },
        { "date": "2026-03-21", "type": "payment", "invoice": "i1", "amount": "500.00" },
        { "date": "2026-03-25", "type": "refund", "invoice": "i1", "amount": "1000.00" } ] }"#;
    let r = run(policy, scenario);
    // Earned 100.00 + 50.00 (the second payment). After the late refund: 50.00 live,
    // 50.00 kept. The second payment: 100.00 live, 50.00 kept; 1000.00 held.
    // Refund of 1000.00 of 1000.00 held takes all 100.00 live: 50.00 remain.
    assert_eq!(r.total_of("p"), d("50.00"));
}

#[test]
fn a_marginal_rate_is_exact() {
    // Issue 16 class 4. 100.10 EUR across brackets at 10% (below 100) and 15%
    // (from 100), marginal, from 0: 100 × 10% + 0.10 × 15% = 10.015 exactly, a
    // tie: half-even gives 10.02. Through an effective rate 10.015 / 100.10 in
    // 28 digits it came to 10.01499…, rounded to 10.01.
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission c {
  rate by sales over trailing 12 months, marginal {
    below 100 EUR: 10%
    from 100 EUR: 15%
  }
  of payments
}
"#;
    let r = run(policy, &one_invoice("100.10", &[("payment", "100.10")]));
    assert_eq!(r.payouts[0].amount, d("10.02"));
}

/// Each payout as `partner invoice rule amount due`, in order.
fn payout_lines(r: &SimResult) -> Vec<String> {
    r.payouts
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} {}",
                p.partner,
                p.invoice.as_deref().unwrap_or("-"),
                p.rule,
                p.amount,
                p.due
            )
        })
        .collect()
}

#[test]
fn the_contract_runs_through_its_end_date() {
    // LANGUAGE.md §4, Contract end. Notice 2026-02-01 + 10 days: the contract
    // ends on 2026-02-11 and runs through it; `stop commissions` stops what is
    // earned from 2026-02-12 on.
    let policy = r#"program "P" { currency EUR }
attribute customer by partner_sale
commission pay: 10% of payments
commission inv: 1% of invoices, while contract active
contract {
  notice 10 days
  on termination stop commissions
}
"#;
    let scenario = r#"{ "partners": [{"id": "p"}], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" },
        { "date": "2026-01-20", "type": "invoice", "id": "i1", "customer": "c", "amount": "1000.00" },
        { "date": "2026-01-25", "type": "invoice", "id": "i2", "customer": "c", "amount": "1000.00" },
        { "date": "2026-02-01", "type": "notice", "partner": "p" },
        { "date": "2026-02-11", "type": "payment", "invoice": "i1", "amount": "1000.00" },
        { "date": "2026-02-11", "type": "invoice", "id": "i3", "customer": "c", "amount": "2000.00" },
        { "date": "2026-02-11", "type": "payment", "invoice": "i3", "amount": "500.00" },
        { "date": "2026-02-12", "type": "payment", "invoice": "i2", "amount": "1000.00" },
        { "date": "2026-02-12", "type": "payment", "invoice": "i3", "amount": "1500.00" },
        { "date": "2026-02-12", "type": "invoice", "id": "i4", "customer": "c", "amount": "3000.00" },
        { "date": "2026-02-13", "type": "payment", "invoice": "i4", "amount": "3000.00" } ] }"#;
    let r = run(policy, scenario);
    // i3, issued on the end date, earns `inv` (while contract active); the
    // payments made on the end date earn `pay`; every payment after it is
    // stopped, and i4, issued after it, earns nothing.
    assert_eq!(
        payout_lines(&r),
        [
            "p i1 inv 10.00 2026-01-20",
            "p i2 inv 10.00 2026-01-25",
            "p i3 inv 20.00 2026-02-11",
            "p i1 pay 100.00 2026-02-11",
            "p i3 pay 50.00 2026-02-11",
        ]
    );
    assert_eq!(r.total_of("p"), d("190.00"));
}

#[test]
fn a_bonus_needs_the_programs_and_its_tracks_requirements() {
    // LANGUAGE.md §4, Bonuses: like a commission.
    let policy = r#"program "P" {
  currency EUR
  agreements terms
}
require agreement terms
attribute customer by partner_sale
commission c: 10% of payments
bonus b: 100 EUR when sales over trailing 12 months >= 1000 EUR
track T {
  require staff sales >= 2
  bonus tb: 50 EUR when sales over trailing 12 months >= 1000 EUR
}
"#;
    let scenario = r#"{ "partners": [
        {"id": "ok", "track": "T", "staff": {"sales": 2}},
        {"id": "unsigned", "track": "T", "contract": false, "staff": {"sales": 2}},
        {"id": "understaffed", "track": "T", "staff": {"sales": 1}} ], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "a", "partner": "ok" },
        { "date": "2026-01-02", "type": "order", "customer": "b", "partner": "unsigned" },
        { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "understaffed" },
        { "date": "2026-01-02", "type": "invoice", "id": "a1", "customer": "a", "amount": "1000.00" },
        { "date": "2026-01-02", "type": "invoice", "id": "b1", "customer": "b", "amount": "1000.00" },
        { "date": "2026-01-02", "type": "invoice", "id": "c1", "customer": "c", "amount": "1000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "a1", "amount": "1000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "b1", "amount": "1000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "c1", "amount": "1000.00" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(
        payout_lines(&r),
        [
            "ok a1 c 100.00 2026-01-10",
            "ok - b 100.00 2026-01-10",
            "ok - tb 50.00 2026-01-10",
            "understaffed c1 c 100.00 2026-01-10",
            "understaffed - b 100.00 2026-01-10",
        ]
    );
    let refused: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.message.contains("from bonus"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
}

#[test]
fn an_entity_the_program_signs_no_contract_with_fails_require_contract() {
    // LANGUAGE.md §3, `program`: `no contract` — the program signs none with
    // it, whatever the scenario says; so `require contract` fails, for the
    // commission and the bonus alike.
    let policy = r#"program "P" {
  currency EUR
  entities company, individual (no contract)
}
attribute customer by partner_sale
track T {
  require contract
  commission c: 10% of payments
  bonus b: 100 EUR when sales over trailing 12 months >= 1000 EUR
}
"#;
    let scenario = r#"{ "partners": [
        {"id": "co", "entity": "company", "track": "T"},
        {"id": "ind", "entity": "individual", "contract": true, "track": "T"} ], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "a", "partner": "co" },
        { "date": "2026-01-02", "type": "order", "customer": "b", "partner": "ind" },
        { "date": "2026-01-02", "type": "invoice", "id": "a1", "customer": "a", "amount": "1000.00" },
        { "date": "2026-01-02", "type": "invoice", "id": "b1", "customer": "b", "amount": "1000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "a1", "amount": "1000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "b1", "amount": "1000.00" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(
        payout_lines(&r),
        ["co a1 c 100.00 2026-01-10", "co - b 100.00 2026-01-10"]
    );
    assert_eq!(r.total_of("ind"), d("0.00"));
}

#[test]
fn a_netted_at_source_payout_of_any_scope_settles_netted() {
    // LANGUAGE.md §3, `commission`: `payout netted at source` implies `settle
    // netted`; a commission paid on the program's `payout netted at source`
    // is netted, so a `netted only` entity may receive it.
    let policy = r#"program "P" {
  currency EUR
  entities company, individual (netted only)
}
attribute customer by partner_sale
commission c: 50% of payments where collected_by partner
payout netted at source
"#;
    let scenario = r#"{ "partners": [
        {"id": "co", "entity": "company"},
        {"id": "ind", "entity": "individual"} ], "events": [
        { "date": "2026-01-02", "type": "order", "customer": "a", "partner": "co" },
        { "date": "2026-01-02", "type": "order", "customer": "b", "partner": "ind" },
        { "date": "2026-01-02", "type": "invoice", "id": "a1", "customer": "a", "amount": "1000.00" },
        { "date": "2026-01-02", "type": "invoice", "id": "b1", "customer": "b", "amount": "1000.00" },
        { "date": "2026-01-10", "type": "payment", "invoice": "a1", "amount": "1000.00", "collected_by": "partner" },
        { "date": "2026-01-10", "type": "payment", "invoice": "b1", "amount": "1000.00", "collected_by": "partner" } ] }"#;
    let r = run(policy, scenario);
    assert_eq!(
        payout_lines(&r),
        ["co a1 c 500.00 2026-01-10", "ind b1 c 500.00 2026-01-10"]
    );
    assert!(r.payouts.iter().all(|p| p.settlement == "netted"));
}

// ------------------------------------------------ what each counting word counts
// LANGUAGE.md §3 `require`, "What `count` counts": every counting word counts
// the events it names (issue 9: several counted 0, `invoices` counted payments).

/// Partner `p`'s tier when `tier Gold` requires `count WORD >= 2`, after the
/// `setup` events and `n` events made by `event(k)`, k = 1..=n.
fn tier_with(word: &str, setup: &[&str], event: impl Fn(usize) -> String, n: usize) -> String {
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
    let mut events: Vec<String> = setup.iter().map(|e| e.to_string()).collect();
    events.extend((1..=n).map(event));
    let scenario = format!(
        r#"{{ "partners": [{{"id": "p"}}, {{"id": "q"}}], "events": [ {} ] }}"#,
        events.join(",\n")
    );
    let r = run(&policy, &scenario);
    r.standing_of("p").unwrap_or("none").to_string()
}

/// One event short of the requirement stays in Base; the requirement's number reaches Gold.
fn assert_counts(word: &str, setup: &[&str], event: impl Fn(usize) -> String) {
    assert_eq!(
        tier_with(word, setup, &event, 1),
        "Base",
        "`count {word}` with 1 event"
    );
    assert_eq!(
        tier_with(word, setup, &event, 2),
        "Gold",
        "`count {word}` with 2 events"
    );
}

/// Customer `c` sold by `p` on 2026-01-02 (a `partner_sale` claim).
const P_SOLD_C: &str =
    r#"{ "date": "2026-01-02", "type": "order", "customer": "c", "partner": "p" }"#;
/// Customer `x` sold by `q`: its events never count for `p`.
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
fn count_vendor_contacts_counts_vendor_contacts_with_the_partners_customers() {
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
}

#[test]
fn count_referrals_counts_referrals_by_the_partner() {
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
}

#[test]
fn count_registrations_counts_registrations_by_the_partner() {
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
}

#[test]
fn count_attachments_counts_attachments_by_the_partner() {
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
}

#[test]
fn count_orders_counts_the_partners_sales() {
    assert_counts("orders", &[Q_SOLD_X], |k| {
        format!(
            r#"{{ "date": "{}", "type": "order", "partner": "p", "customer": "o{k}" }}"#,
            day(k)
        )
    });
}

#[test]
fn count_invoices_counts_invoices_not_payments() {
    // Each invoice of the partner's customer is paid twice: payments are not
    // invoices (they were counted as such).
    assert_counts("invoices", &[P_SOLD_C, Q_SOLD_X, X_INVOICED], |k| {
        format!(
            r#"{{ "date": "{d}", "type": "invoice", "id": "i{k}", "customer": "c", "amount": "10.00" }},
            {{ "date": "{d}", "type": "payment", "invoice": "i{k}", "amount": "5.00" }},
            {{ "date": "{d}", "type": "payment", "invoice": "i{k}", "amount": "5.00" }}"#,
            d = day(k)
        )
    });
}

#[test]
fn count_payments_counts_payments_not_invoices() {
    // Two invoices of the partner's customer, paid k times: invoices are not payments.
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
}

#[test]
fn count_refunds_counts_refunds_on_the_partners_customers() {
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
}

#[test]
fn count_activity_counts_the_partners_activities() {
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
}

#[test]
fn count_notices_counts_notices_the_partner_gave() {
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
}

#[test]
fn count_invitations_counts_invitations_of_the_partner() {
    // Invitations to Base: they count, and do not lift the partner to Gold themselves.
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

/// A finding names the policy rule involved (`file:line:col`) as well as the
/// scenario event: a rejected claim points at the attribution rule it
/// failed, an assumed requirement at the requirement, an invite-only tier
/// reached without an invitation at the tier.
#[test]
fn findings_point_at_the_rule_involved() {
    let policy = r#"program "P" { currency EUR }
tiers Silver < Gold
tier Silver { require "a signed code of conduct" }
tier Gold { invite only }
tracks Referral
track Referral {
  attribute customer by referral {
    no vendor_contact within 1 year before referral
  }
  commission fee: 10% of payments
}
"#;
    let scenario = r#"{
  "partners": [{ "id": "p", "track": "Referral" }],
  "events": [
    { "date": "2026-01-01", "type": "vendor_contact", "customer": "c" },
    { "date": "2026-02-01", "type": "referral", "partner": "p", "customer": "c" }
  ]
}"#;
    let mut db = SourceDb::new();
    let root = db.add("test.charter", policy);
    let checked = match compile(db, root, &mut FsReader).into_checked() {
        Ok((p, db, _)) => (p, db),
        Err(c) => panic!("policy has errors: {:#?}", c.diagnostics),
    };
    let s = charter_scenario::parse_str(scenario, "scenario.json").unwrap();
    let options = SimOptions {
        sources: Some(&checked.1),
        ..SimOptions::default()
    };
    let result = simulate(&checked.0, &s, &options);
    let at = |code: &str| {
        result
            .findings
            .iter()
            .find(|f| f.code.id() == code)
            .unwrap_or_else(|| panic!("no {code} in {:#?}", result.findings))
    };
    let rejected = at("S0202");
    assert_eq!(rejected.rule_location.as_deref(), Some("test.charter:7:3"));
    assert!(rejected
        .event
        .as_deref()
        .unwrap_or("")
        .starts_with("scenario.json:"));
    assert_eq!(
        at("S0401").rule_location.as_deref(),
        Some("test.charter:3:15")
    );
    assert_eq!(
        at("S0402").rule_location.as_deref(),
        Some("test.charter:4:13")
    );
}

/// A contested customer (S0201) points at the policy's `claims` setting, the
/// rule that decided whose it is; without one (`claims first` by default) it
/// names no rule.
#[test]
fn a_contested_customer_points_at_the_claims_setting() {
    let scenario = r#"{
  "partners": [{ "id": "a" }, { "id": "b" }],
  "events": [
    { "date": "2026-01-01", "type": "referral", "partner": "a", "customer": "c" },
    { "date": "2026-01-05", "type": "referral", "partner": "b", "customer": "c" },
    { "date": "2026-01-10", "type": "order", "customer": "c" }
  ]
}"#;
    let contested = |policy: &str| {
        let mut db = SourceDb::new();
        let root = db.add("test.charter", policy);
        let (program, db) = match compile(db, root, &mut FsReader).into_checked() {
            Ok((p, db, _)) => (p, db),
            Err(c) => panic!("policy has errors: {:#?}", c.diagnostics),
        };
        let s = charter_scenario::parse_str(scenario, "scenario.json").unwrap();
        let options = SimOptions {
            sources: Some(&db),
            ..SimOptions::default()
        };
        let result = simulate(&program, &s, &options);
        let f = result
            .findings
            .iter()
            .find(|f| f.code.id() == "S0201")
            .unwrap_or_else(|| panic!("no S0201 in {:#?}", result.findings))
            .clone();
        f
    };
    let last = contested(
        "program \"P\" {\n  currency EUR\n  claims last\n}\nattribute customer by referral\ncommission fee: 10% of payments\n",
    );
    assert_eq!(last.rule_location.as_deref(), Some("test.charter:3:3"));
    assert!(last.message.contains("claims last"), "{}", last.message);
    let default = contested(
        "program \"P\" { currency EUR }\nattribute customer by referral\ncommission fee: 10% of payments\n",
    );
    assert_eq!(default.rule_location, None);
}
