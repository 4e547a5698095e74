//! The engine (`charter_sim::simulate`) against the reference semantics
//! (`charter_reference::simulate`) on generated, edge-heavy scenarios for each
//! seed policy (`charter_reference::generate`): every payout's amount and due
//! date per (partner, invoice, rule), every total, every standing must agree.
//!
//! 64 cases per policy by default; `PROPTEST_CASES` changes it. A case the
//! reference does not cover is counted as unsupported; a disagreeing case is
//! a failure (with the scenario and the differences, shrunk), unless a class
//! of `KNOWN_DISAGREEMENTS` (support/mod.rs) applies to it, which is counted
//! and named. Each test prints its count, e.g. `optimetriks: 64/64 agree`.
//! `cargo test -p charter-reference --test agreement -- --nocapture` counts
//! agreement over a fixed, larger sample.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use charter_reference::generate::{scenario_json_with, Extras, Seed};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use support::{
    checked, checked_after_full_payment, checked_cut_back, checked_cut_back_with_windows,
    checked_held_for_active, checked_with_capped_bounty, checked_with_caps,
    checked_with_tax_on_top, checked_with_windows, judge_with, Verdict, KNOWN_DISAGREEMENTS,
};

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn differential(seed: Seed) {
    differential_under(seed, checked(seed));
}

/// The differential under `program`, a policy of `seed`'s shape.
fn differential_under(seed: Seed, program: &'static charter_check::CheckedProgram) {
    differential_with(seed, program, Extras::default());
}

/// [`differential_under`] on scenarios generated with `extras`.
fn differential_with(seed: Seed, program: &'static charter_check::CheckedProgram, extras: Extras) {
    let mut runner = TestRunner::new(config());
    let agree = Cell::new(0u32);
    let unsupported: RefCell<BTreeMap<String, u32>> = RefCell::default();
    let known: RefCell<BTreeMap<&str, u32>> = RefCell::default();
    let result = runner.run(&prop::collection::vec(any::<u8>(), 0..600), |bytes| {
        let text = scenario_json_with(seed, &bytes, extras);
        match judge_with(program, &text) {
            Verdict::Agree => agree.set(agree.get() + 1),
            Verdict::Unsupported(why) => *unsupported.borrow_mut().entry(why).or_default() += 1,
            Verdict::Disagree(differences) => {
                let scenario = charter_scenario::parse_str(&text, "generated.json").unwrap();
                let class = KNOWN_DISAGREEMENTS
                    .iter()
                    .find(|k| (k.applies)(program, &scenario));
                match class {
                    Some(k) => *known.borrow_mut().entry(k.class).or_default() += 1,
                    None => {
                        return Err(TestCaseError::fail(format!(
                        "{}: the engine and the reference disagree:\n  {}\n--- scenario\n{text}",
                        seed.name(),
                        differences.join("\n  ")
                    )))
                    }
                }
            }
        }
        Ok(())
    });
    let total = agree.get()
        + unsupported.borrow().values().sum::<u32>()
        + known.borrow().values().sum::<u32>();
    println!("{}: {}/{total} agree", seed.name(), agree.get());
    for (class, n) in known.borrow().iter() {
        println!("  {n} known disagreement(s): {class}");
    }
    for (why, n) in unsupported.borrow().iter() {
        println!("  {n} skipped, reference {why}");
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn optimetriks_engine_agrees_with_the_reference() {
    differential(Seed::Optimetriks);
}

#[test]
fn leadsender_engine_agrees_with_the_reference() {
    differential(Seed::LeadSender);
}

#[test]
fn cimpactpro_engine_agrees_with_the_reference() {
    differential(Seed::CimpactPro);
}

#[test]
fn simpro_engine_agrees_with_the_reference() {
    differential(Seed::Simpro);
}

#[test]
fn future_processing_engine_agrees_with_the_reference() {
    differential(Seed::FutureProcessing);
}

/// Refunds in and out of a `clawback on refund within 30 days` window (a
/// refund kept for good, a payment after it, a refund within the new window):
/// every seed policy with the clause added to its commissions.
#[test]
fn engine_agrees_with_the_reference_on_clawback_windows() {
    for seed in [
        Seed::Optimetriks,
        Seed::LeadSender,
        Seed::CimpactPro,
        Seed::Simpro,
        Seed::FutureProcessing,
    ] {
        differential_under(seed, checked_with_windows(seed));
    }
}

/// Payouts after the invoice's full payment under collector filters, with
/// refunds before and after the completing payment (LANGUAGE.md §4, Full
/// payment): the seed policies paid `within 30 days after full payment`.
#[test]
fn engine_agrees_with_the_reference_after_full_payment() {
    for seed in [Seed::Optimetriks, Seed::LeadSender, Seed::CimpactPro] {
        differential_under(seed, checked_after_full_payment(seed));
    }
}

/// Caps per period (LANGUAGE.md §4): every commission of every seed policy
/// capped at 150 a month and 400 a quarter in its currency, so earnings are
/// cut to what is left or find nothing left, instalments and refunds meet a
/// cut payout, and netted and held payouts are capped alike.
#[test]
fn engine_agrees_with_the_reference_with_caps() {
    for seed in Seed::ALL {
        differential_under(seed, checked_with_caps(seed));
    }
}

/// Tax on top (LANGUAGE.md §4): every seed policy with `tax on top of
/// commission`, on scenarios whose partners give a `tax_rate` or none, so
/// every payout's tax (clawbacks', netted payouts', bonuses', half-cent ties
/// rounded) is compared too.
#[test]
fn engine_agrees_with_the_reference_with_tax_on_top() {
    for seed in Seed::ALL {
        differential_with(
            seed,
            checked_with_tax_on_top(seed),
            Extras {
                tax_rates: true,
                ..Extras::default()
            },
        );
    }
}

/// Count and money caps on a fixed amount (LANGUAGE.md §4, Caps per period):
/// every seed policy with a bounty per new customer capped at 1 a month and
/// 150 a quarter (of 100 each), taken back on refund.
#[test]
fn engine_agrees_with_the_reference_with_a_capped_bounty() {
    for seed in Seed::ALL {
        differential_under(seed, checked_with_capped_bounty(seed));
    }
}

/// Held for active partners (LANGUAGE.md §4): every seed policy's
/// commissions paid by the vendor held `paid only if active for 6 months`,
/// on scenarios whose partners give a `joined` date or none, with notices
/// ending contracts before and after the hold ends.
#[test]
fn engine_agrees_with_the_reference_held_for_active_partners() {
    for seed in Seed::ALL {
        differential_with(
            seed,
            checked_held_for_active(seed),
            Extras {
                joined: true,
                ..Extras::default()
            },
        );
    }
}

/// Cut back unless a tier is reached (LANGUAGE.md §4): the tiered seed
/// policies' commissions cut back to 5% unless the partner reaches the second
/// tier within 6 months of its `joined` date, on scenarios whose partners
/// give one or none; and with `clawback on refund within 30 days` beside
/// (what a refund outside the window keeps is cut back too).
#[test]
fn engine_agrees_with_the_reference_cut_back_unless_tier() {
    for seed in [Seed::Simpro, Seed::FutureProcessing] {
        for program in [checked_cut_back(seed), checked_cut_back_with_windows(seed)] {
            differential_with(
                seed,
                program,
                Extras {
                    joined: true,
                    ..Extras::default()
                },
            );
        }
    }
}
