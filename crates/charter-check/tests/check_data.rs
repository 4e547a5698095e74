//! Runs the policies under `tests/check/` through [`charter_check::compile_path`].
//!
//! - `tests/check/fail/<code>_<n>_<what>.charter`: must report `<code>`; the full
//!   output is compared with the `.stderr` file next to it: the human rendering,
//!   the codes as JSON, and every fix applied to the source.
//! - `tests/check/pass/*.charter`: must report nothing. Sub-folders hold files
//!   that are only valid as imports (rosters without a `program` block) and are
//!   not checked on their own.
//!
//! One test per file: the lists below name every file, and
//! `every_file_has_a_test` fails (printing the lines to add) when a file is
//! missing. `UPDATE_EXPECT=1 cargo test -p charter-check --test check_data`
//! rewrites the `.stderr` files.
//!
//! Policies are named relative to the checkout (`tests/check/fail/…`) and read
//! through a [`FileReader`] rooted there, so no absolute path reaches a
//! message and the output is the same wherever the repository lives;
//! `the_data_checks_pass_under_a_long_path` runs them all again from a copy
//! under a path of more than 200 characters.

#![expect(
    clippy::expect_used,
    reason = "a test stops with a message when its data is missing"
)]

use charter_check::{compile, Compilation, FileReader};
use charter_diagnostics::render::{render_human, HumanStyle};
use charter_diagnostics::text::escape_control;
use charter_diagnostics::{Code, Diagnostic, SourceDb};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

macro_rules! policies {
    (fail: [$($fail:ident),* $(,)?], pass: [$($pass:ident),* $(,)?] $(,)?) => {
        #[expect(non_snake_case, reason = "each test is named after its file, which starts with the code")]
        mod fail {
            $( #[test] fn $fail() { super::check_fail(stringify!($fail)); } )*
        }
        mod pass {
            $( #[test] fn $pass() { super::check_pass(stringify!($pass)); } )*
        }
        const FAIL: &[&str] = &[$(stringify!($fail)),*];
        const PASS: &[&str] = &[$(stringify!($pass)),*];
    };
}

policies! {
    fail: [
        C0101_1_two_broken_items_and_a_good_one,
        C0101_2_bracket_without_colon,
        C0101_3_claims_outside_a_track,
        C0102_1_missing_import,
        C0102_2_imports_itself,
        C0103_1_rate_overflows,
        C0103_2_count_overflows,
        C0103_3_amount_too_large,
        C0103_4_window_too_long,
        C0103_5_rates_that_would_be_rounded,
        C0104_1_right_to_left_override_in_a_comment,
        C0104_2_isolates_in_a_partner_name,
        C0104_3_escape_sequences_are_shown_escaped,
        C0201_1_did_you_mean,
        C0201_2_tier_not_in_tiers_list,
        C0201_3_cut_back_unknown_tier,
        C0202_1_benefit_defined_twice,
        C0202_2_two_payout_schedules,
        C0202_3_partner_in_two_tracks,
        C0203_1_unused_region,
        C0203_2_unused_agreement,
        C0204_1_no_program,
        C0204_2_two_programs,
        C0204_3_no_currency,
        C0205_1_partner_with_a_cyrillic_a,
        C0205_2_track_with_a_cyrillic_o,
        C0301_1_money_for_a_rate,
        C0301_2_percentage_per_new_customer,
        C0301_3_mrr_threshold_not_money,
        C0302_1_bonus_in_another_currency,
        C0302_2_cap_in_another_currency,
        C0303_1_business_days_in_a_window,
        C0304_1_notice_in_months,
        C0305_1_rate_over_100,
        C0305_2_uplifts_over_100,
        C0306_1_no_such_date,
        C0306_2_empty_bracket,
        C0306_3_date_in_year_zero,
        C0306_4_uplift_on_a_fixed_amount,
        C0306_5_invoice_filter_per_trial,
        C0306_6_clawback_per_qualified_lead,
        C0306_9_in_force_reversed_or_outside_the_program,
        C0306_10_cut_back_on_a_fixed_amount,
        C0401_1_tier_grants_two,
        C0401_2_tier_and_module_grant_one_each,
        C0401_3_partner_elects_two,
        C0401_4_elects_one_tier_grants_other,
        C0402_1_group_of_one,
        C0402_2_benefit_in_two_groups,
        C0402_3_elects_benefit_in_no_group,
        C0402_4_elected_condition_on_benefit_in_no_group,
        C0402_5_default_outside_the_group,
        C0403_1_roster_partner_holds_two_modules,
        C0501_1_country_in_two_exclusive_regions,
        C0501_2_nested_regions,
        C0502_1_uk_is_not_iso,
        C0502_2_unknown_code_past_column_65536,
        C0503_1_region_contains_itself,
        C0601_1_brackets_overlap,
        C0602_1_gap_between_brackets,
        C0602_2_no_open_top_bracket,
        C0602_3_not_from_zero,
        C0603_1_mode_missing,
        C0604_1_flat_rate_outside_bounds,
        C0604_2_tier_rate_outside_bounds,
        C0701_1_higher_tier_requires_less,
        C0701_2_benefit_missing_for_higher_tier,
        C0701_3_tier_rate_decreases,
        C0701_4_higher_tier_asks_fewer_points,
        C0701_5_higher_tier_asks_less_managed_mrr,
        C0702_1_contradiction_within_tier,
        C0702_2_inherited_contradiction,
        C0702_3_only_no_contract_entities,
        C0702_4_eligible_track_excludes_own_track,
        C0702_5_uplift_capped_to_nothing,
        C0702_6_requirement_below_zero,
        C0703_1_points_source_weighted_zero,
        C0704_1_any_of_alternative_with_its_own_period,
        C0704_2_any_of_alternative_not_measured,
        C0704_3_any_of_managed_mrr_snapshot,
        C0705_1_points_source_weighted_twice,
        C0801_1_transfer_to_netted_only,
        C0801_2_contract_for_no_contract_entity,
        C0801_3_transfer_open_to_every_entity,
        C0901_1_commission_plus_discount,
        C0902_1_split_over_100,
        C0903_1_two_commissions_pay_for_referrals,
        C0904_1_track_claims_as_the_program,
        C0905_1_bounty_capped_at_zero,
        C0906_1_count_cap_on_a_share,
        C1001_1_payout_after_invoice,
        C1002_1_hold_shorter_than_clawback,
        C1002_2_statement_before_clawback_closes,
        C1003_1_statement_paid_after_next_closes,
        C1004_1_minimum_unreachable,
        C1005_1_minimum_without_statement,
        C1006_1_window_per_subscription_from_referral,
        C1007_1_active_only_netted,
        C1008_1_cut_back_not_lower,
        C1009_1_cut_back_netted,
        C1201_1_commission_versions_overlap,
        C1201_2_bonus_and_tier_requirement_versions_overlap,
        C1301_1_partner_currency_netted,
    ],
    pass: [
        brackets_tile_the_metric,
        caps_per_period,
        choose_one_elections,
        choose_one_with_a_default,
        clawback_held,
        commissions_by_path_kept_apart,
        composite_tier_metrics,
        effective_dated_commissions,
        effective_dated_versions,
        exclusive_regions_disjoint,
        monotone_tiers,
        netted_and_transfer_paths,
        netted_by_program_payout,
        names_in_cyrillic_and_polish_with_roster_import,
    ],
}

/// The workspace root.
fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

fn data_dir(kind: &str) -> PathBuf {
    root().join("tests/check").join(kind)
}

/// Reads files by their path relative to a checkout.
struct Checkout<'a>(&'a Path);

impl FileReader for Checkout<'_> {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(self.0.join(path))
    }
}

/// Checks the policy at `relative` (to the checkout `root`), named as such.
fn compile_in(root: &Path, relative: &str) -> Compilation {
    let text = std::fs::read_to_string(root.join(relative)).expect("the policy is readable");
    let mut db = SourceDb::new();
    let file = db.add(relative, text);
    compile(db, file, &mut Checkout(root))
}

/// Where the fix's edits land, after applying them: the changed lines.
fn apply_fix(db: &SourceDb, d: &Diagnostic) -> String {
    let mut out = String::new();
    for fix in &d.fixes {
        let Some(file) = fix.edits.first().map(|e| e.span.file) else {
            continue;
        };
        let mut text = db.text(file).to_string();
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in &edits {
            text.replace_range(e.span.range(), &e.replacement);
        }
        let original: Vec<&str> = db.text(file).lines().collect();
        let _ = writeln!(out, "fix {}: {}", d.code, fix.title);
        for (n, line) in text.lines().enumerate() {
            if original.get(n) != Some(&line) {
                let _ = writeln!(out, "  {:>3} | {}", n + 1, escape_control(line));
            }
        }
    }
    out
}

/// The expected-output text of a compilation.
fn snapshot(c: &Compilation) -> String {
    let mut out = render_human(
        &c.db,
        &c.diagnostics,
        HumanStyle {
            color: false,
            width: 100,
        },
    );
    let codes: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| format!("\"{}\"", d.code))
        .collect();
    let _ = writeln!(out, "--- codes\n[{}]", codes.join(", "));
    let fixes: String = c.diagnostics.iter().map(|d| apply_fix(&c.db, d)).collect();
    if !fixes.is_empty() {
        let _ = write!(out, "--- fixes\n{fixes}");
    }
    out
}

/// Checks `tests/check/fail/<name>.charter` of the checkout `root` against its
/// snapshot; the problem, if any.
fn fail_problem(root: &Path, name: &str) -> Option<String> {
    let relative = format!("tests/check/fail/{name}.charter");
    let c = compile_in(root, &relative);
    let actual = snapshot(&c);
    let id = &name[..5];
    if !c.diagnostics.iter().any(|d| d.code.id() == id) {
        return Some(format!("{name} does not report {id}:\n{actual}"));
    }
    let expected_path = root.join(&relative).with_extension("stderr");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &actual).expect("the snapshot is writable");
        return None;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{} differs (rerun with UPDATE_EXPECT=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
            expected_path.display()
        )
    })
}

/// Checks `tests/check/pass/<name>.charter` of the checkout `root`; the problem, if any.
fn pass_problem(root: &Path, name: &str) -> Option<String> {
    let c = compile_in(root, &format!("tests/check/pass/{name}.charter"));
    (!c.diagnostics.is_empty()).then(|| format!("{name} should check clean:\n{}", snapshot(&c)))
}

fn check_fail(name: &str) {
    let problem = fail_problem(&root(), name);
    assert!(problem.is_none(), "{}", problem.unwrap_or_default());
}

fn check_pass(name: &str) {
    let problem = pass_problem(&root(), name);
    assert!(problem.is_none(), "{}", problem.unwrap_or_default());
}

/// Copies the folder `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the copy's folder can be made");
    for entry in std::fs::read_dir(from).expect("the test data is readable") {
        let path = entry.expect("the test data is readable").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("the test data can be copied");
        }
    }
}

/// A fresh clone under a long path must pass too: output must not depend on
/// where the checkout is (an absolute path in a message wraps differently).
#[test]
fn the_data_checks_pass_under_a_long_path() {
    let temp = tempfile::tempdir().expect("a temporary folder");
    let mut long = temp.path().to_path_buf();
    while long.as_os_str().len() < 220 {
        long.push("a-checkout-folder-with-a-rather-long-name");
    }
    copy_tree(&data_dir(""), &long.join("tests/check"));
    let mut problems: Vec<String> = FAIL
        .iter()
        .filter_map(|name| fail_problem(&long, name))
        .collect();
    problems.extend(PASS.iter().filter_map(|name| pass_problem(&long, name)));
    assert!(
        problems.is_empty(),
        "under {} ({} characters):\n{}",
        long.display(),
        long.as_os_str().len(),
        problems.join("\n")
    );
}

/// The `.charter` files directly in a folder, by stem.
fn stems(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .expect("the test data folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "charter"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_file_has_a_test() {
    for (kind, listed) in [("fail", FAIL), ("pass", PASS)] {
        let on_disk = stems(&data_dir(kind));
        let missing: Vec<&String> = on_disk
            .iter()
            .filter(|s| !listed.contains(&s.as_str()))
            .collect();
        let stale: Vec<&&str> = listed
            .iter()
            .filter(|s| !on_disk.iter().any(|d| d == *s))
            .collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "add to the `{kind}` list in check_data.rs: {missing:?}; remove: {stale:?}"
        );
    }
    let snapshots: Vec<String> = std::fs::read_dir(data_dir("fail"))
        .expect("the fail folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "stderr"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|s| !FAIL.contains(&s.as_str()))
        .collect();
    assert!(
        snapshots.is_empty(),
        "snapshots without a policy: {snapshots:?}"
    );
}

#[test]
fn every_code_has_a_failing_policy() {
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !c.is_simulation())
        .map(|c| c.id())
        .filter(|id| !FAIL.iter().any(|f| f.starts_with(id)))
        .collect();
    assert!(missing.is_empty(), "no failing policy shows {missing:?}");
}

#[test]
fn the_shipped_policies_are_clean() {
    let dir = root().join("policies");
    for stem in stems(&dir) {
        let c = compile_in(&root(), &format!("policies/{stem}.charter"));
        assert!(
            c.diagnostics.is_empty(),
            "policies/{stem}.charter:\n{}",
            snapshot(&c)
        );
    }
}

/// Serves `roster.charter` (the import of C0102's good example); nothing else exists.
struct ExampleFiles;

impl FileReader for ExampleFiles {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        if path.ends_with("roster.charter") {
            return Ok("partner acme { }\n".to_string());
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such file",
        ))
    }
}

fn example_codes(text: &str) -> Vec<Code> {
    let mut db = SourceDb::new();
    let root = db.add("example.charter", text.to_string());
    compile(db, root, &mut ExampleFiles)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

/// `charter explain` shows a bad and a good example per code: the bad one must
/// report the code, the good one must not. An example without a `program` block
/// is also tried inside a minimal one.
#[test]
fn explanation_examples_show_their_code() {
    let mut wrong = Vec::new();
    // Simulation codes (S…) have no policy examples: a scenario reports them.
    for code in Code::ALL.iter().filter(|c| !c.is_simulation()) {
        let info = code.info();
        let wrap = |text: &str| format!("program \"Example\" {{ currency EUR }}\n{text}\n");
        let bad =
            example_codes(info.bad).contains(code) || example_codes(&wrap(info.bad)).contains(code);
        let good = if info.good.contains("program \"") {
            example_codes(info.good)
        } else {
            example_codes(&wrap(info.good))
        };
        if !bad {
            wrong.push(format!("{}: the bad example does not report it", info.id));
        }
        if good.contains(code) {
            wrong.push(format!("{}: the good example reports it", info.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
