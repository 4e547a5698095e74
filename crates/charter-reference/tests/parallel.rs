//! Engine v2 runs attribution per customer and payouts per partner on every
//! core; its report must not depend on how many there are. On generated,
//! edge-heavy scenarios for each seed policy, the JSON and CSV reports of a
//! run on one thread and on five equal byte for byte (five: more pieces than
//! customers in most cases, so every partition boundary is exercised).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use charter_reference::generate::{scenario_json, Seed};
use charter_sim::SimOptions;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use support::checked;

fn reports(
    seed: Seed,
    scenario: &charter_scenario::Scenario,
    threads: usize,
) -> (Vec<u8>, Vec<u8>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let sim = charter_sim::run(checked(seed), scenario, &SimOptions::default());
        let (mut json, mut csv) = (Vec::new(), Vec::new());
        sim.write_json(&mut json).unwrap();
        sim.write_csv(&mut csv).unwrap();
        (json, csv)
    })
}

fn same_on_any_thread_count(seed: Seed) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(any::<u8>(), 0..900), |bytes| {
        let text = scenario_json(seed, &bytes);
        let scenario = charter_scenario::parse_str(&text, "generated.json").unwrap();
        let one = reports(seed, &scenario, 1);
        let five = reports(seed, &scenario, 5);
        if one != five {
            return Err(TestCaseError::fail(format!(
                "{}: one thread and five give different reports\n--- scenario\n{text}",
                seed.name()
            )));
        }
        // And the JSON report is what serializing the named result gives.
        let named = charter_sim::simulate(checked(seed), &scenario, &SimOptions::default());
        let serde = charter_sim::report::to_json(&named);
        prop_assert_eq!(String::from_utf8(one.0).unwrap(), serde);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn optimetriks_parallel_equals_single() {
    same_on_any_thread_count(Seed::Optimetriks);
}

#[test]
fn leadsender_parallel_equals_single() {
    same_on_any_thread_count(Seed::LeadSender);
}

#[test]
fn cimpactpro_parallel_equals_single() {
    same_on_any_thread_count(Seed::CimpactPro);
}

#[test]
fn simpro_parallel_equals_single() {
    same_on_any_thread_count(Seed::Simpro);
}

#[test]
fn future_processing_parallel_equals_single() {
    same_on_any_thread_count(Seed::FutureProcessing);
}
