//! The pattern scenarios of `tests/scenarios/patterns/<shape>/` (LANGUAGE.md
//! §7): each file's hand-derived `expect` block is met by the engine and by
//! the reference, and the two agree payout for payout. One test per shape
//! this file owns, so a broken shape names itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

mod support;

/// The scenario files of one pattern folder, sorted.
fn files(shape: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/scenarios/patterns")
        .join(shape);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| f.unwrap().path())
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario in {}", dir.display());
    files
}

/// A pattern scenario file: its name, the scenario, and its policy checked
/// (`policy`, or the one the scenario names).
fn load(
    file: &Path,
    policy: Option<&str>,
) -> (
    String,
    charter_scenario::Scenario,
    charter_check::CheckedProgram,
) {
    let text = std::fs::read_to_string(file).unwrap();
    let name = file.display().to_string();
    let scenario = charter_scenario::parse_str(&text, &name).unwrap();
    let policy = file
        .parent()
        .unwrap()
        .join(policy.or(scenario.policy.as_deref()).unwrap());
    let program = match charter_check::compile_path(&policy).unwrap().into_checked() {
        Ok((checked, _, _)) => checked,
        Err(c) => panic!("{} has errors: {:?}", policy.display(), c.diagnostics),
    };
    (name, scenario, program)
}

/// Every scenario of `shape` meets its expectations in both simulators, and
/// the two agree payout for payout.
fn meets_expectations(shape: &str) {
    let mut problems = Vec::new();
    for file in files(shape) {
        let (name, scenario, program) = load(&file, None);
        let expect = scenario
            .expect
            .clone()
            .expect("a pattern scenario has an expect block");
        let engine =
            charter_sim::simulate(&program, &scenario, &charter_sim::SimOptions::default());
        for m in charter_sim::expect::compare(&expect, &engine) {
            problems.push(format!("{name}: engine: {m:?}"));
        }
        match charter_reference::simulate(&program, &scenario, None) {
            Err(e) => problems.push(format!("{name}: reference: {e}")),
            Ok(reference) => {
                for p in support::unmet(&reference, &expect) {
                    problems.push(format!("{name}: reference: {p}"));
                }
                let engine = support::engine_outcome(&engine);
                for d in charter_reference::compare::differences(&reference, &engine) {
                    problems.push(format!("{name}: engine and reference differ: {d}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn fixed_amount_per_new_customer() {
    meets_expectations("new-customer-bounty");
}

#[test]
fn commission_by_attribution_path() {
    meets_expectations("commission-by-path");
}

#[test]
fn payout_cadence() {
    meets_expectations("payout-cadence");
}

#[test]
fn who_may_be_paid() {
    meets_expectations("who-may-be-paid");
}

#[test]
fn payout_thresholds() {
    meets_expectations("payout-thresholds");
}

/// Balances depend on the "as of" date (paperwork deadlines, what is still
/// carried, the statements followed): the engine and the reference agree on
/// every threshold scenario run as of each month's end over two years.
#[test]
fn payout_thresholds_agree_as_of_every_month_end() {
    let compared = agree_at_month_ends("payout-thresholds", Some("thresholds.charter"), 2026);
    assert!(compared >= 4 * 23);
}

#[test]
fn composite_tier_metrics() {
    meets_expectations("composite-metrics");
}

/// Tiers measured by points, revenue from new customers and `any of`
/// periods change with the day (a period passes, a lapse, a requalification):
/// the engine and the reference agree on every composite scenario run as of
/// each month's end from 2025 to 2027.
#[test]
fn composite_tier_metrics_agree_as_of_every_month_end() {
    let compared = agree_at_month_ends("composite-metrics", None, 2025);
    assert!(compared >= 3 * 35);
}

#[test]
fn fixed_amount_per_trial_and_per_qualified_lead() {
    meets_expectations("trial-and-lead-bounty");
}

#[test]
fn caps_per_period() {
    meets_expectations("caps");
}

#[test]
fn caps_per_period_agree_as_of_every_month_end() {
    let compared = agree_at_month_ends("caps", None, 2026);
    assert!(compared >= 2 * 24);
}

/// Runs every scenario of `folder` through the engine and the reference as
/// of each month's end from January of `from` to December 2027 and requires
/// them to agree; the policy is `policy` or the scenario's own.
/// Returns how many runs were compared.
fn agree_at_month_ends(folder: &str, policy: Option<&str>, from: i32) -> usize {
    use chrono::{Datelike, NaiveDate};
    let mut compared = 0;
    for file in files(folder) {
        let (name, scenario, program) = load(&file, policy);
        let mut day = NaiveDate::from_ymd_opt(from, 1, 31).unwrap();
        while day.year() < 2028 {
            let options = charter_sim::SimOptions {
                as_of: Some(day),
                ..charter_sim::SimOptions::default()
            };
            let engine = charter_sim::simulate(&program, &scenario, &options);
            let reference = charter_reference::simulate(&program, &scenario, Some(day)).unwrap();
            let engine = support::engine_outcome(&engine);
            let differences = charter_reference::compare::differences(&reference, &engine);
            assert!(
                differences.is_empty(),
                "{name} as of {day}: {differences:#?}"
            );
            compared += 1;
            let next = day.succ_opt().unwrap();
            day = next
                .checked_add_months(chrono::Months::new(1))
                .unwrap()
                .pred_opt()
                .unwrap();
        }
    }
    compared
}

#[test]
fn refunds_after_a_refund_outside_the_clawback_window() {
    meets_expectations("refunds-after-kept");
}

/// Which refund falls outside a window depends on the day: the engine and
/// the reference agree on every refund scenario as of each month's end.
#[test]
fn refunds_after_a_kept_share_agree_as_of_every_month_end() {
    let compared = agree_at_month_ends("refunds-after-kept", None, 2026);
    assert!(compared >= 24);
}

#[test]
fn money_tax_and_currency() {
    meets_expectations("money");
}

#[test]
fn deadlines_with_retroactive_effect() {
    meets_expectations("retroactive-deadline");
}

/// A cut back happens on its deadline, before or after the last event, and
/// a refund after it takes its share of the cut-back total: the engine and
/// the reference agree on the retroactive-deadline scenarios run as of each
/// month's end of 2026 and 2027.
#[test]
fn deadlines_with_retroactive_effect_agree_as_of_every_month_end() {
    let compared = agree_at_month_ends("retroactive-deadline", None, 2026);
    assert!(compared >= 2 * 24);
}

#[test]
fn payouts_after_full_payment() {
    meets_expectations("full-payment");
}

/// When an invoice is paid in full depends on every payment and refund
/// before the day: the engine and the reference agree on each full-payment
/// scenario as of every month's end.
#[test]
fn payouts_after_full_payment_agree_as_of_every_month_end() {
    let compared = agree_at_month_ends("full-payment", None, 2026);
    assert!(compared >= 48);
}
