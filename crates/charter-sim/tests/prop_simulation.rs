//! Property tests of the simulator over generated scenarios for three seed
//! policies (`policies/optimetriks.charter`, `leadsender.charter`,
//! `cimpactpro.charter`):
//!
//! - the simulation is deterministic;
//! - it does not depend on the input order of same-day events that do not
//!   depend on each other (payments on different invoices, activities).
//!   Under CimpactPro's brackets on the partner's own sales, same-day
//!   payments of one partner keep their order: the engine rates a payment by
//!   the sales booked before it, same-day ones included, so their order
//!   changes the rates (a known limitation, see `build`);
//! - per partner and invoice, the payouts never exceed the highest rate the
//!   policy declares for the partner (uplifts and bounds included) times what
//!   was kept of the invoice's payments (paid − refunded), give or take one
//!   cent of rounding per payout: a refund never leaves a partner with more
//!   than it earned on what was kept;
//! - money sums are exact: a partner's total is the sum of its payouts;
//! - raising one rate (`--set RULE=X%` through `charter_sim::overrides`) never
//!   lowers any partner's earnings on any invoice and rule;
//! - money balances (issue 8 §6, LANGUAGE.md §4 "Money"): on a minimal policy
//!   with a random flat rate and rounding mode, any split of a payment and of
//!   a refund into parts, interleaved in any order, pays exactly what the
//!   unsplit payment and refund pay, to the cent: the rate times what was kept,
//!   rounded once.
//!
//! Scenarios are built as JSON text from a random plan (partners, customers
//! with their attribution, orders, invoices, installments, overpayments and
//! refunds, activities) on a coarse 10-day grid so that same-day events are
//! common, then loaded with `charter_scenario::parse_str`.
//!
//! 48 cases per property by default; `PROPTEST_CASES` raises it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::CheckedProgram;
use charter_ir::{RateSpec, Scope};
use charter_scenario::Scenario;
use charter_sim::{overrides, simulate, SimOptions, SimResult};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::Config;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

// ------------------------------------------------------------ policies

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Policy {
    Optimetriks,
    LeadSender,
    CimpactPro,
}

impl Policy {
    const ALL: [Policy; 3] = [Policy::Optimetriks, Policy::LeadSender, Policy::CimpactPro];

    fn file(self) -> &'static str {
        match self {
            Policy::Optimetriks => "optimetriks.charter",
            Policy::LeadSender => "leadsender.charter",
            Policy::CimpactPro => "cimpactpro.charter",
        }
    }

    fn checked(self) -> &'static CheckedProgram {
        static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
        let programs = PROGRAMS.get_or_init(|| {
            Policy::ALL
                .iter()
                .map(|p| {
                    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../../policies")
                        .join(p.file());
                    let compilation = charter_check::compile_path(&path).unwrap();
                    match compilation.into_checked() {
                        Ok((checked, _, _)) => checked,
                        Err(c) => panic!("{} has errors: {:?}", p.file(), c.diagnostics),
                    }
                })
                .collect()
        });
        let index = Policy::ALL.iter().position(|p| *p == self).unwrap();
        &programs[index]
    }

    /// The rules `--set` may raise, with the range of rates to try (in percent).
    fn raisable(self) -> &'static [(&'static str, u32, u32)] {
        match self {
            Policy::Optimetriks => &[("referral_share", 5, 25), ("affiliate_share", 20, 40)],
            Policy::LeadSender => &[("direct", 40, 60), ("netted", 50, 70)],
            Policy::CimpactPro => &[
                ("renewal", 20, 30),
                ("sale.bracket.1", 20, 30),
                ("sale.bracket.2", 25, 30),
                ("sale.uplift", 2, 8),
            ],
        }
    }
}

/// The highest rate (percent) any commission rule can pay a partner of
/// `track`: the largest rate of each rule in scope, plus all its uplifts,
/// capped by its upper bound.
fn max_rate(program: &CheckedProgram, track: Option<&str>) -> Decimal {
    program
        .program()
        .commissions
        .iter()
        .filter(|rule| match &rule.scope {
            Scope::Track(name) => Some(name.as_str()) == track,
            _ => true,
        })
        .map(|rule| {
            let base = match &rule.rate {
                RateSpec::Flat { rate } => rate.0,
                RateSpec::ByTier { rates } => rates.iter().map(|r| r.rate.0).max().unwrap(),
                RateSpec::Brackets { table } => {
                    table.brackets.iter().map(|b| b.rate.0).max().unwrap()
                }
                // The seed policies pay no fixed amounts.
                RateSpec::Fixed { .. } => Decimal::ZERO,
            };
            let raised = base + rule.uplifts.iter().map(|u| u.amount.0).sum::<Decimal>();
            match rule.bounds {
                Some((_, high, _)) => raised.min(high.0),
                None => raised,
            }
        })
        .max()
        .unwrap_or_default()
}

// ------------------------------------------------------------ scenario plans

#[derive(Clone, Debug)]
struct PartnerPlan {
    /// Optimetriks: Affiliate (else Referral). LeadSender: index into the entities.
    kind: u8,
    contract: bool,
    trained: u32,
    /// Days (in grid steps) when the partner gives notice (CimpactPro), if it does.
    notice: Option<u32>,
    activities: Vec<u32>,
}

#[derive(Clone, Debug)]
struct InvoicePlan {
    /// Grid steps after the order.
    after_order: u32,
    cents: u64,
    renewal: bool,
    /// Installments: grid steps after the previous one (at least 1).
    gaps: Vec<u32>,
    /// 0: pay in full, 1: pay only the first installment, 2: overpay by 10%.
    pay: u8,
    /// Grid steps after the last payment, and the percent of the invoice refunded.
    refund: Option<(u32, u32)>,
    by_partner: bool,
}

#[derive(Clone, Debug)]
struct CustomerPlan {
    partner: usize,
    /// Which attribution to use (policy-specific).
    method: u8,
    /// Grid step of the attribution event.
    start: u32,
    order_after: u32,
    product: u8,
    /// Grid steps before the attribution the vendor was in contact, if it was.
    contact: Option<u32>,
    requested: bool,
    invoices: Vec<InvoicePlan>,
}

#[derive(Clone, Debug)]
struct Plan {
    policy: Policy,
    partners: Vec<PartnerPlan>,
    customers: Vec<CustomerPlan>,
}

fn partner_plan() -> impl Strategy<Value = PartnerPlan> {
    (
        0u8..4,
        prop::bool::weighted(0.85),
        0u32..3,
        prop::option::weighted(0.15, 5u32..60),
        prop::collection::vec(0u32..60, 0..3),
    )
        .prop_map(
            |(kind, contract, trained, notice, activities)| PartnerPlan {
                kind,
                contract,
                trained,
                notice,
                activities,
            },
        )
}

fn invoice_plan() -> impl Strategy<Value = InvoicePlan> {
    (
        0u32..40,
        prop_oneof![
            1u64..100_000,
            100_000u64..2_000_000,
            2_000_000u64..30_000_000
        ],
        prop::bool::weighted(0.3),
        prop::collection::vec(1u32..4, 1..4),
        prop_oneof![6 => Just(0u8), 2 => Just(1u8), 2 => Just(2u8)],
        prop::option::weighted(0.3, (1u32..5, 1u32..=120)),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(after_order, cents, renewal, gaps, pay, refund, by_partner)| InvoicePlan {
                after_order,
                cents,
                renewal,
                gaps,
                pay,
                refund,
                by_partner,
            },
        )
}

fn customer_plan() -> impl Strategy<Value = CustomerPlan> {
    (
        0usize..8,
        0u8..4,
        0u32..30,
        0u32..12,
        0u8..3,
        prop::option::weighted(0.25, 0u32..50),
        any::<bool>(),
        prop::collection::vec(invoice_plan(), 1..4),
    )
        .prop_map(
            |(partner, method, start, order_after, product, contact, requested, invoices)| {
                CustomerPlan {
                    partner,
                    method,
                    start,
                    order_after,
                    product,
                    contact,
                    requested,
                    invoices,
                }
            },
        )
}

fn plan(policy: Policy) -> impl Strategy<Value = Plan> {
    (
        prop::collection::vec(partner_plan(), 1..5),
        prop::collection::vec(customer_plan(), 1..7),
    )
        .prop_map(move |(partners, customers)| Plan {
            policy,
            partners,
            customers,
        })
}

fn any_plan() -> impl Strategy<Value = Plan> {
    prop::sample::select(Policy::ALL.to_vec()).prop_flat_map(plan)
}

// ------------------------------------------------------------ building scenarios

/// Whether an event may move among same-day events of the same kind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Movable {
    Fixed,
    /// A payment; payments with the same `chain` keep their relative order.
    Payment {
        chain: usize,
    },
    Activity,
}

struct Built {
    /// Events as (grid day, movable, JSON object), in a valid input order.
    events: Vec<(u32, Movable, String)>,
    partners: Vec<String>,
    /// Per invoice id: paid − refunded (what was kept), in currency units.
    kept: BTreeMap<String, Decimal>,
    /// Per partner id: its track, if any.
    tracks: BTreeMap<String, Option<String>>,
}

/// The first grid day; vendor contacts may fall up to 50 steps before it.
const ORIGIN: u32 = 60;

fn date(step: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1)
        .unwrap()
        .checked_add_days(Days::new(u64::from(step) * 10))
        .unwrap()
}

fn money(cents: u64) -> Decimal {
    Decimal::new(i64::try_from(cents).unwrap(), 2)
}

fn build(plan: &Plan) -> Built {
    let policy = plan.policy;
    let (currency, products) = match policy {
        Policy::Optimetriks => ("USD", ["Starter", "Starter", "Pro"]),
        Policy::LeadSender => ("RUB", ["widget", "widget", "bundle"]),
        Policy::CimpactPro => ("EUR", ["annual", "annual", "annual"]),
    };
    let entities = ["company", "sole_proprietor", "self_employed", "individual"];
    let mut events: Vec<(u32, Movable, String)> = Vec::new();
    let mut partners = Vec::new();
    let mut tracks = BTreeMap::new();
    for (i, p) in plan.partners.iter().enumerate() {
        let id = format!("p{i}");
        let (track, entity) = match policy {
            Policy::Optimetriks => {
                let track = if p.kind % 2 == 1 {
                    "Affiliate"
                } else {
                    "Referral"
                };
                (Some(track), "company")
            }
            Policy::LeadSender => (None, entities[usize::from(p.kind) % 4]),
            Policy::CimpactPro => (None, "company"),
        };
        let track_field = track.map_or(String::new(), |t| format!(r#""track": "{t}", "#));
        partners.push(format!(
            r#"{{ "id": "{id}", {track_field}"entity": "{entity}", "contract": {}, "joined": "2022-06-01", "staff": {{ "trained": {} }} }}"#,
            p.contract, p.trained
        ));
        tracks.insert(id.clone(), track.map(str::to_string));
        for a in &p.activities {
            events.push((
                ORIGIN + a,
                Movable::Activity,
                format!(r#"{{ "date": "{}", "type": "activity", "partner": "{id}", "kind": "webinar" }}"#, date(ORIGIN + a)),
            ));
        }
        if let Some(n) = p.notice {
            if policy == Policy::CimpactPro {
                events.push((
                    ORIGIN + n,
                    Movable::Fixed,
                    format!(
                        r#"{{ "date": "{}", "type": "notice", "partner": "{id}" }}"#,
                        date(ORIGIN + n)
                    ),
                ));
            }
        }
    }
    let mut kept = BTreeMap::new();
    for (c, cp) in plan.customers.iter().enumerate() {
        let customer = format!("c{c}");
        let partner = format!("p{}", cp.partner % plan.partners.len());
        let start = ORIGIN + cp.start;
        let product = products[usize::from(cp.product) % 3];
        if let Some(before) = cp.contact {
            let day = start - before;
            events.push((
                day,
                Movable::Fixed,
                format!(
                    r#"{{ "date": "{}", "type": "vendor_contact", "customer": "{customer}" }}"#,
                    date(day)
                ),
            ));
        }
        // The attribution event, then the order (a partner's own sale is both).
        let order_day = start + cp.order_after;
        let sold_by = |p: &str| {
            format!(
                r#"{{ "date": "{}", "type": "order", "customer": "{customer}", "product": "{product}", "partner": "{p}" }}"#,
                date(start)
            )
        };
        let plain_order = format!(
            r#"{{ "date": "{}", "type": "order", "customer": "{customer}", "product": "{product}" }}"#,
            date(order_day)
        );
        // Mostly the attribution the partner's track offers (Optimetriks:
        // referrals for Referral partners, own sales for Affiliates).
        let affiliate = plan.partners[cp.partner % plan.partners.len()].kind % 2 == 1;
        let by_referral = match policy {
            Policy::Optimetriks => affiliate == (cp.method == 3),
            Policy::LeadSender => cp.method % 2 == 0,
            Policy::CimpactPro => false,
        };
        let first_order_day = if by_referral {
            {
                let kind = if policy == Policy::Optimetriks {
                    format!(
                        r#""type": "referral", "partner": "{partner}", "customer": "{customer}""#
                    )
                } else {
                    format!(
                        r#""type": "attachment", "partner": "{partner}", "customer": "{customer}", "requested_by_customer": {}"#,
                        cp.requested
                    )
                };
                events.push((
                    start,
                    Movable::Fixed,
                    format!(r#"{{ "date": "{}", {kind} }}"#, date(start)),
                ));
                events.push((order_day, Movable::Fixed, plain_order));
                order_day
            }
        } else {
            events.push((start, Movable::Fixed, sold_by(&partner)));
            start
        };
        for (n, inv) in cp.invoices.iter().enumerate() {
            let id = format!("c{c}-{n}");
            let day = first_order_day + inv.after_order;
            let amount = money(inv.cents);
            events.push((
                day,
                Movable::Fixed,
                format!(
                    r#"{{ "date": "{}", "type": "invoice", "id": "{id}", "customer": "{customer}", "amount": "{amount}", "currency": "{currency}", "product": "{product}", "renewal": {} }}"#,
                    date(day),
                    inv.renewal
                ),
            ));
            // Installments: equal parts, the last one takes the remainder.
            let parts = inv.gaps.len() as u64;
            let share = inv.cents / parts;
            let mut amounts: Vec<u64> = (0..parts).map(|_| share).collect();
            if let Some(last) = amounts.last_mut() {
                *last = inv.cents - share * (parts - 1);
            }
            match inv.pay {
                1 => amounts.truncate(1),
                2 => amounts.push(inv.cents.div_ceil(10)),
                _ => {}
            }
            amounts.retain(|a| *a > 0);
            // Under rates set by a partner's own sales (CimpactPro's brackets),
            // the rate of a payment depends on the sales booked before it,
            // same-day ones included: same-day payments of one partner do not
            // commute, so they keep their order (a known engine limitation).
            let mut pay_day = day;
            let mut paid = Decimal::ZERO;
            let collected = if inv.by_partner { "partner" } else { "vendor" };
            for (k, cents) in amounts.iter().enumerate() {
                pay_day += inv.gaps.get(k).copied().unwrap_or(1);
                let chain = match policy {
                    Policy::CimpactPro => cp.partner % plan.partners.len(),
                    _ => plan.partners.len() + events.len(),
                };
                paid += money(*cents);
                events.push((
                    pay_day,
                    Movable::Payment { chain },
                    format!(
                        r#"{{ "date": "{}", "type": "payment", "invoice": "{id}", "amount": "{}", "collected_by": "{collected}" }}"#,
                        date(pay_day),
                        money(*cents)
                    ),
                ));
            }
            let mut refunded = Decimal::ZERO;
            if let Some((gap, percent)) = inv.refund {
                let cents = inv.cents * u64::from(percent) / 100;
                if cents > 0 {
                    let refund_day = pay_day + gap;
                    refunded = money(cents).min(paid);
                    events.push((
                        refund_day,
                        Movable::Fixed,
                        format!(
                            r#"{{ "date": "{}", "type": "refund", "invoice": "{id}", "amount": "{}" }}"#,
                            date(refund_day),
                            money(cents)
                        ),
                    ));
                }
            }
            kept.insert(id, paid - refunded);
        }
    }
    // A valid input order: by day, and within a day in the order written
    // (every payment is at least a step after its invoice).
    events.sort_by_key(|(day, _, _)| *day);
    Built {
        events,
        partners,
        kept,
        tracks,
    }
}

fn scenario_text(built: &Built, events: &[(u32, Movable, String)]) -> String {
    let events: Vec<&str> = events.iter().map(|(_, _, e)| e.as_str()).collect();
    format!(
        "{{\n  \"as_of\": \"2031-12-31\",\n  \"partners\": [\n    {}\n  ],\n  \"events\": [\n    {}\n  ]\n}}\n",
        built.partners.join(",\n    "),
        events.join(",\n    ")
    )
}

fn load(text: &str) -> Scenario {
    charter_scenario::parse_str(text, "generated.json")
        .unwrap_or_else(|e| panic!("the generated scenario does not load: {e}\n{text}"))
}

fn run(program: &CheckedProgram, text: &str) -> SimResult {
    simulate(program, &load(text), &SimOptions::default())
}

/// Moves same-day payments among themselves (keeping the order within a
/// chain) and same-day activities among themselves, by a permutation drawn
/// from `seed`.
fn shuffle_same_day(events: &[(u32, Movable, String)], seed: u64) -> Vec<(u32, Movable, String)> {
    let mut out = events.to_vec();
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut start = 0;
    while start < out.len() {
        let day = out[start].0;
        let end = start + out[start..].iter().take_while(|e| e.0 == day).count();
        for payments in [true, false] {
            let slots: Vec<usize> = (start..end)
                .filter(|&i| match out[i].1 {
                    Movable::Payment { .. } => payments,
                    Movable::Activity => !payments,
                    Movable::Fixed => false,
                })
                .collect();
            // A random key per chain (per event for activities); a stable
            // sort by key keeps each chain's order.
            let mut keys: BTreeMap<usize, u64> = BTreeMap::new();
            let mut items: Vec<(u64, (u32, Movable, String))> = slots
                .iter()
                .map(|&i| {
                    let chain = match out[i].1 {
                        Movable::Payment { chain } => chain,
                        _ => usize::MAX - i,
                    };
                    let key = *keys.entry(chain).or_insert_with(&mut next);
                    (key, out[i].clone())
                })
                .collect();
            items.sort_by_key(|(key, _)| *key);
            for (slot, (_, item)) in slots.into_iter().zip(items) {
                out[slot] = item;
            }
        }
        start = end;
    }
    out
}

/// Payouts without their ids and explanations (which name input positions), sorted.
fn payout_set(result: &SimResult) -> Vec<String> {
    let mut v: Vec<String> = result
        .payouts
        .iter()
        .map(|p| {
            format!(
                "{} {:?} {:?} {} base={} rate={:?} amount={} earned={} due={} {}",
                p.partner,
                p.customer,
                p.invoice,
                p.rule,
                p.base,
                p.rate,
                p.amount,
                p.earned,
                p.due,
                p.settlement
            )
        })
        .collect();
    v.sort();
    v
}

fn finding_codes(result: &SimResult) -> Vec<String> {
    let mut v: Vec<String> = result
        .findings
        .iter()
        .map(|f| format!("{:?}", f.code))
        .collect();
    v.sort();
    v
}

/// Net earnings per (partner, invoice, rule), commissions only.
fn earnings(result: &SimResult) -> BTreeMap<(String, String, String), Decimal> {
    let mut out = BTreeMap::new();
    for p in &result.payouts {
        if let Some(invoice) = &p.invoice {
            *out.entry((p.partner.clone(), invoice.clone(), p.rule.clone()))
                .or_insert(Decimal::ZERO) += p.amount;
        }
    }
    out
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    Config {
        cases,
        // Failures are printed with their input; no regression files.
        failure_persistence: None,
        ..Config::default()
    }
}

// ------------------------------------------------------------ split payments and refunds

const ROUNDING_MODES: [(&str, RoundingStrategy); 5] = [
    ("half_even", RoundingStrategy::MidpointNearestEven),
    ("half_up", RoundingStrategy::MidpointAwayFromZero),
    ("half_down", RoundingStrategy::MidpointTowardZero),
    ("down", RoundingStrategy::ToZero),
    ("up", RoundingStrategy::AwayFromZero),
];

/// A one-rule policy: `rate` (in hundredths of a percent) of payments, rounded in `mode`.
fn flat_policy(rate: u32, mode: &str) -> CheckedProgram {
    let text = format!(
        "program \"P\" {{\n  currency EUR\n  rounding {mode}\n}}\nattribute customer by partner_sale\ncommission c: {}% of payments\n",
        Decimal::new(i64::from(rate), 2)
    );
    let mut db = charter_diagnostics::SourceDb::new();
    let root = db.add("split.charter", text);
    match charter_check::compile(db, root, &mut charter_check::FsReader).into_checked() {
        Ok((checked, _, _)) => checked,
        Err(c) => panic!("the split policy has errors: {:?}", c.diagnostics),
    }
}

/// Splits `total` cents into `cuts.len() + 1` positive parts at the cut points
/// (each cut a fraction in 1/1000 of the total; repeated or empty cuts merge).
fn split(total: u64, cuts: &[u16]) -> Vec<u64> {
    let mut points: Vec<u64> = cuts
        .iter()
        .map(|c| total * u64::from(*c) / 1000)
        .filter(|p| *p > 0 && *p < total)
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut parts = Vec::new();
    let mut last = 0;
    for p in points.into_iter().chain([total]) {
        parts.push(p - last);
        last = p;
    }
    parts
}

/// A scenario paying `payments` and refunding `refunds` (cents) on one
/// 2026 invoice, one event a day, in the order given by `refund_first`
/// (a refund goes as soon as what was kept covers it).
fn split_scenario(amount: u64, payments: &[u64], refunds: &[u64], refund_first: &[bool]) -> String {
    let mut events = vec![
        r#"{ "date": "2026-01-01", "type": "order", "customer": "c", "partner": "p" }"#.to_string(),
        format!(
            r#"{{ "date": "2026-01-01", "type": "invoice", "id": "i", "customer": "c", "amount": "{}" }}"#,
            money(amount)
        ),
    ];
    let day = |n: usize| {
        NaiveDate::from_ymd_opt(2026, 1, 2)
            .unwrap()
            .checked_add_days(Days::new(n as u64))
            .unwrap()
    };
    let (mut p, mut r, mut kept) = (0, 0, 0u64);
    let mut step = 0;
    while p < payments.len() || r < refunds.len() {
        let refund_now = r < refunds.len()
            && refunds[r] <= kept
            && (p == payments.len() || refund_first.get(step).copied().unwrap_or(false));
        if refund_now {
            kept -= refunds[r];
            events.push(format!(
                r#"{{ "date": "{}", "type": "refund", "invoice": "i", "amount": "{}" }}"#,
                day(step),
                money(refunds[r])
            ));
            r += 1;
        } else {
            kept += payments[p];
            events.push(format!(
                r#"{{ "date": "{}", "type": "payment", "invoice": "i", "amount": "{}" }}"#,
                day(step),
                money(payments[p])
            ));
            p += 1;
        }
        step += 1;
    }
    format!(
        "{{ \"as_of\": \"2030-01-01\", \"partners\": [{{ \"id\": \"p\" }}], \"events\": [\n{}\n] }}",
        events.join(",\n")
    )
}

fn split_plan() -> impl Strategy<Value = (u64, u64, Vec<u16>, Vec<u16>, Vec<bool>)> {
    (
        prop_oneof![1u64..1_000, 1_000u64..10_000_000],
        // Percent of the amount refunded: often all of it.
        prop_oneof![2 => Just(100u64), 1 => Just(0u64), 5 => 1u64..100],
        prop::collection::vec(1u16..1000, 0..12),
        prop::collection::vec(1u16..1000, 0..12),
        prop::collection::vec(any::<bool>(), 0..30),
    )
        .prop_map(|(amount, percent, pay_cuts, refund_cuts, order)| {
            (amount, amount * percent / 100, pay_cuts, refund_cuts, order)
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn split_payments_and_refunds_pay_the_unsplit_total(
        (amount, refund, pay_cuts, refund_cuts, order) in split_plan(),
        rate in prop_oneof![1u32..10_000, Just(1000u32), Just(250u32)],
        mode in 0usize..5,
    ) {
        let (mode_name, strategy) = ROUNDING_MODES[mode];
        let program = flat_policy(rate, mode_name);
        let refunds = if refund == 0 { Vec::new() } else { vec![refund] };
        let whole = split_scenario(amount, &[amount], &refunds, &[]);
        let refund_parts = if refund == 0 { Vec::new() } else { split(refund, &refund_cuts) };
        let parts = split_scenario(amount, &split(amount, &pay_cuts), &refund_parts, &order);
        let unsplit = run(&program, &whole).total_of("p");
        let total = run(&program, &parts).total_of("p");
        // The rate times what was kept, rounded once.
        let expected = (money(amount - refund) * Decimal::new(i64::from(rate), 2) / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(2, strategy);
        prop_assert_eq!(unsplit, expected, "unsplit, {}% rounded {}\n{}", Decimal::new(i64::from(rate), 2), mode_name, whole);
        prop_assert_eq!(total, expected, "split, {}% rounded {}\n{}", Decimal::new(i64::from(rate), 2), mode_name, parts);
    }

    #[test]
    fn simulation_is_deterministic(plan in any_plan()) {
        let built = build(&plan);
        let text = scenario_text(&built, &built.events);
        let program = plan.policy.checked();
        let first = run(program, &text);
        let second = run(program, &text);
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(
            charter_sim::report::to_json(&first),
            charter_sim::report::to_json(&second)
        );
    }

    #[test]
    fn same_day_independent_events_commute(plan in any_plan(), seed in any::<u64>()) {
        let built = build(&plan);
        let text = scenario_text(&built, &built.events);
        let shuffled = scenario_text(&built, &shuffle_same_day(&built.events, seed));
        let program = plan.policy.checked();
        let a = run(program, &text);
        let b = run(program, &shuffled);
        prop_assert_eq!(payout_set(&a), payout_set(&b), "policy {:?}\n--- input\n{}\n--- shuffled\n{}", plan.policy, text, shuffled);
        prop_assert_eq!(&a.totals, &b.totals);
        prop_assert_eq!(&a.standings, &b.standings);
        prop_assert_eq!(finding_codes(&a), finding_codes(&b));
    }

    #[test]
    fn payouts_stay_within_the_highest_rate_of_what_was_kept(plan in any_plan()) {
        let built = build(&plan);
        let text = scenario_text(&built, &built.events);
        let program = plan.policy.checked();
        let result = run(program, &text);
        let cent = Decimal::new(1, 2);
        let mut groups: BTreeMap<(String, String), (Decimal, u32)> = BTreeMap::new();
        for p in result.payouts.iter() {
            let Some(invoice) = &p.invoice else { continue };
            let entry = groups.entry((p.partner.clone(), invoice.clone())).or_default();
            entry.0 += p.amount;
            entry.1 += 1;
        }
        for ((partner, invoice), (sum, count)) in groups {
            let track = built.tracks.get(&partner).cloned().flatten();
            let rate = max_rate(program, track.as_deref());
            let kept = built.kept[&invoice];
            let limit = rate * kept / Decimal::ONE_HUNDRED + cent * Decimal::from(count);
            prop_assert!(
                sum <= limit,
                "policy {:?}: `{}` earned {} on invoice `{}`, more than {}% of the {} kept (+ rounding) = {}\n{}",
                plan.policy, partner, sum, invoice, rate, kept, limit, text
            );
            prop_assert!(sum >= -cent * Decimal::from(count), "a clawback took more than was paid: {} on `{}`\n{}", sum, invoice, text);
        }
    }

    #[test]
    fn totals_are_the_exact_sums_of_payouts(plan in any_plan()) {
        let built = build(&plan);
        let text = scenario_text(&built, &built.events);
        let result = run(plan.policy.checked(), &text);
        let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
        for p in &result.payouts {
            *sums.entry(p.partner.as_str()).or_default() += p.amount;
        }
        for t in &result.totals {
            prop_assert_eq!(t.amount, sums.get(t.partner.as_str()).copied().unwrap_or_default(), "partner {}", t.partner);
        }
        prop_assert_eq!(result.totals.len(), plan.partners.len());
    }

    #[test]
    fn raising_a_rate_never_lowers_a_payout(plan in any_plan(), pick in any::<prop::sample::Index>(), step in 0u32..100) {
        let built = build(&plan);
        let text = scenario_text(&built, &built.events);
        let program = plan.policy.checked();
        let (name, low, high) = *pick.get(plan.policy.raisable());
        let rate = low + step % (high - low + 1);
        let raised = match overrides::apply(program, &[(name.to_string(), format!("{rate}%"))]) {
            Ok(p) => p,
            Err(e) => return Err(TestCaseError::reject(format!("{name}={rate}%: {e}"))),
        };
        let before = earnings(&run(program, &text));
        let after = earnings(&run(&raised, &text));
        for (key, amount) in &before {
            let now = after.get(key).copied().unwrap_or_default();
            prop_assert!(now >= *amount, "{}={}% lowered {:?} from {} to {}\n{}", name, rate, key, amount, now, text);
        }
    }
}
