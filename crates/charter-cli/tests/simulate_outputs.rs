//! What `charter simulate` and `charter diff` give an analyst, end to end on
//! the binary: versioned JSON matching schemas/, grouped figures that add up
//! to the totals, CSV of every part (rates with their unit, spreadsheet-safe
//! cells), diffs by partner, rule and payout, sweeps, `--quiet`/`--color`,
//! S-code severities from `charter.toml`, and the code link editors show.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POLICY: &str = "policies/optimetriks.charter";
const SCENARIO: &str = "tests/scenarios/optimetriks/01-referral-window.json";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `charter ARGS` in `dir` without color variables from the caller.
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn charter(args: &[&str]) -> Output {
    run_in(&root(), args, &[])
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}{}", out(o), err(o)))
}

fn assert_valid(schema: &str, value: &serde_json::Value) {
    let text = std::fs::read_to_string(root().join("schemas").join(schema)).unwrap();
    let schema_value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema_value).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:#?}");
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The optimetriks policy with the referral rate changed to `rate`, in `dir`.
fn policy_at(dir: &Path, rate: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join(POLICY))
        .unwrap()
        .replace("5% of payments", &format!("{rate} of payments"));
    let path = dir.join(format!(
        "optimetriks-{}.charter",
        rate.trim_end_matches('%')
    ));
    std::fs::write(&path, text).unwrap();
    path
}

// ---- JSON: version 1 and schemas --------------------------------------------

#[test]
fn simulate_and_diff_json_carry_version_1_and_match_their_schemas() {
    let base = ["simulate", POLICY, "-s", SCENARIO, "--format", "json"];
    let o = charter(&base);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v = json(&o);
    assert_eq!(v["version"], 1);
    // The version is the first key, as a reader scanning the stream expects.
    assert!(out(&o).starts_with("{\n  \"version\": 1,\n  \"as_of\""));
    assert_valid("simulate.schema.json", &v);

    let mut grouped = base.to_vec();
    grouped.extend(["--group-by", "month,partner,rule"]);
    let v = json(&charter(&grouped));
    assert_eq!(v["version"], 1);
    assert_valid("simulate-groups.schema.json", &v);

    let mut swept = base.to_vec();
    swept.extend(["--sweep", "referral_share=4%,5%", "--group-by", "track"]);
    let v = json(&charter(&swept));
    assert_eq!(v["version"], 1);
    assert_valid("simulate-sweep.schema.json", &v);

    let dir = tempfile::tempdir().unwrap();
    let new = policy_at(dir.path(), "6%");
    let o = charter(&[
        "diff",
        POLICY,
        new.to_str().unwrap(),
        "-s",
        SCENARIO,
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v = json(&o);
    assert_eq!(v["version"], 1);
    assert_valid("diff.schema.json", &v);

    // Every seed program's scenarios validate too (findings, tiers, bonuses).
    for program in [
        "cimpactpro",
        "simpro",
        "leadsender",
        "future-processing",
        "optimetriks",
    ] {
        let scenario = first_scenario(program);
        let o = charter(&[
            "simulate",
            &format!("policies/{program}.charter"),
            "-s",
            &scenario,
            "--format",
            "json",
        ]);
        assert_valid("simulate.schema.json", &json(&o));
    }
}

fn scenarios(program: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/scenarios").join(program))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

fn first_scenario(program: &str) -> String {
    scenarios(program).into_iter().next().unwrap()
}

// ---- --group-by ----------------------------------------------------------------

/// The sum of each currency's amounts in `items`.
fn by_currency<'a>(items: impl Iterator<Item = &'a serde_json::Value>) -> Vec<(String, Decimal)> {
    let mut sums = std::collections::BTreeMap::new();
    for item in items {
        *sums
            .entry(item["currency"].as_str().unwrap().to_string())
            .or_insert(Decimal::ZERO) += dec(&item["amount"]);
    }
    sums.into_iter().collect()
}

#[test]
fn grouped_amounts_add_up_exactly_to_the_totals_on_every_seed_scenario() {
    let mut checked = 0;
    for program in [
        "cimpactpro",
        "simpro",
        "leadsender",
        "future-processing",
        "optimetriks",
    ] {
        let policy = format!("policies/{program}.charter");
        for scenario in scenarios(program) {
            let whole = json(&charter(&[
                "simulate", &policy, "-s", &scenario, "--format", "json",
            ]));
            let totals: Vec<(String, Decimal)> = by_currency(
                whole["totals"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|t| !dec(&t["amount"]).is_zero()),
            );
            let payouts = whole["payouts"].as_array().unwrap().len();
            for keys in ["month,partner", "quarter,rule,tier", "year,track,customer"] {
                let g = json(&charter(&[
                    "simulate",
                    &policy,
                    "-s",
                    &scenario,
                    "--format",
                    "json",
                    "--group-by",
                    keys,
                ]));
                let groups = g["groups"].as_array().unwrap();
                assert_eq!(
                    by_currency(groups.iter()),
                    totals,
                    "{scenario} by {keys}: groups do not add up to the totals"
                );
                let counted: u64 = groups.iter().map(|g| g["payouts"].as_u64().unwrap()).sum();
                assert_eq!(counted as usize, payouts, "{scenario} by {keys}");
                for group in groups {
                    for key in keys.split(',') {
                        assert!(group[key].is_string(), "{scenario}: {group}");
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "only {checked} groupings checked");
}

#[test]
fn group_by_prints_one_row_per_group_in_table_and_csv() {
    let args = [
        "simulate",
        POLICY,
        "-s",
        SCENARIO,
        "--group-by",
        "month,partner",
    ];
    let o = charter(&args);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let text = out(&o);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.starts_with("month"))
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["2025-04", "ref_a", "50.00", "USD", "1"],
            vec!["2025-10", "ref_a", "60.00", "USD", "1"],
        ],
        "{text}"
    );
    let mut csv = args.to_vec();
    csv.extend(["--format", "csv"]);
    assert_eq!(
        csv_rows(&out(&charter(&csv))),
        [
            vec!["month", "partner", "amount", "currency", "payouts"],
            vec!["2025-04", "ref_a", "50.00", "USD", "1"],
            vec!["2025-10", "ref_a", "60.00", "USD", "1"],
        ]
    );
    let o = charter(&["simulate", POLICY, "-s", SCENARIO, "--group-by", "mnth"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("did you mean `month`?"), "{}", err(&o));
    let o = charter(&[
        "simulate",
        POLICY,
        "-s",
        SCENARIO,
        "--group-by",
        "rule,rule",
    ]);
    assert_eq!(code(&o), 2, "{}", err(&o));
}

// ---- CSV: every part, units, spreadsheet safety -------------------------------

#[test]
fn csv_carries_every_part_and_rates_with_their_unit() {
    let base = ["simulate", POLICY, "-s", SCENARIO, "--format", "csv"];
    let payouts = csv_rows(&out(&charter(&base)));
    assert_eq!(payouts[0][6], "rate");
    assert_eq!(payouts[1][6], "5%");
    let part = |name: &str| {
        let mut args = base.to_vec();
        args.extend(["--csv-part", name]);
        let o = charter(&args);
        assert_eq!(code(&o), 0, "{name}: {}", err(&o));
        csv_rows(&out(&o))
    };
    assert_eq!(
        part("totals"),
        [
            vec!["partner", "amount", "currency", "standing"],
            vec!["ref_a", "110.00", "USD", ""],
            vec!["ref_b", "0.00", "USD", ""],
        ]
    );
    assert_eq!(
        part("standings"),
        [
            vec!["partner", "tier"],
            vec!["ref_a", ""],
            vec!["ref_b", ""]
        ]
    );
    let findings = part("findings");
    assert_eq!(
        findings[0],
        [
            "code",
            "name",
            "severity",
            "message",
            "partner",
            "customer",
            "event",
            "rule_location"
        ]
    );
    let codes: Vec<&str> = findings[1..].iter().map(|r| r[0].as_str()).collect();
    assert!(codes.contains(&"S0202"), "{findings:?}");
    assert_eq!(part("payouts"), payouts);
    // --csv-part is for --format csv only.
    let o = charter(&["simulate", POLICY, "-s", SCENARIO, "--csv-part", "totals"]);
    assert_eq!(code(&o), 2);
}

/// The 01 scenario with ids a spreadsheet would run as formulas, and one
/// with an escape sequence.
fn hostile_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join(SCENARIO))
        .unwrap()
        .replace("\"policy\": \"../../../policies/optimetriks.charter\",", "")
        .replace("\"ref_a\"", "\"=HYPERLINK(\\\"http://x\\\")\"")
        .replace("\"ref_b\"", "\"@SUM(A1)\"")
        .replace("\"c1\"", "\"+c1\"")
        .replace("\"c1-1\"", "\"-2+3\"")
        .replace("\"c1-2\"", "\"\\tc1-2\"")
        .replace("\"c3\"", "\"c\\u001b[2J3\"");
    let path = dir.join("hostile.json");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn csv_neutralises_formula_cells_escapes_controls_and_keeps_amounts_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = hostile_scenario(dir.path());
    let scenario = scenario.to_str().unwrap();
    let policy = root().join(POLICY);
    let policy = policy.to_str().unwrap();
    let o = charter(&["simulate", policy, "-s", scenario, "--format", "csv"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let rows = csv_rows(&out(&o));
    assert_eq!(rows[1][1], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[1][2], "'+c1");
    assert_eq!(rows[1][3], "'-2+3");
    assert_eq!(rows[2][3], "'\tc1-2");
    // Amounts and dates are numbers Charter writes: never prefixed.
    assert_eq!(rows[1][7], "50.00");
    let every_cell =
        |rows: &[Vec<String>]| -> Vec<String> { rows.iter().flatten().cloned().collect() };
    let dangerous = |cell: &str| cell.starts_with(['=', '+', '@', '\t', '\r']);
    for part in ["payouts", "totals", "standings", "findings"] {
        let o = charter(&[
            "simulate",
            policy,
            "-s",
            scenario,
            "--format",
            "csv",
            "--csv-part",
            part,
        ]);
        let text = out(&o);
        assert!(!text.contains('\u{1b}'), "{part}: {text:?}");
        for cell in every_cell(&csv_rows(&text)) {
            assert!(!dangerous(&cell), "{part}: `{cell}`");
            assert!(
                !cell.starts_with('-') || cell.parse::<Decimal>().is_ok(),
                "{part}: `{cell}`"
            );
        }
    }
    let findings = out(&charter(&[
        "simulate",
        policy,
        "-s",
        scenario,
        "--format",
        "csv",
        "--csv-part",
        "findings",
    ]));
    assert!(findings.contains("c\\u{1b}[2J3"), "{findings}");
    let o = charter(&[
        "simulate",
        policy,
        "-s",
        scenario,
        "--format",
        "csv",
        "--group-by",
        "partner,customer",
    ]);
    for cell in every_cell(&csv_rows(&out(&o))) {
        assert!(!dangerous(&cell), "groups: `{cell}`");
    }
    // A payout that shrinks has a negative delta: a number, left as it is.
    let lower = policy_at(dir.path(), "4%");
    let o = charter(&[
        "diff",
        policy,
        lower.to_str().unwrap(),
        "-s",
        scenario,
        "--format",
        "csv",
        "--by",
        "payout",
    ]);
    let rows = csv_rows(&out(&o));
    assert_eq!(rows[1][0], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[1][3], "'-2+3");
    assert_eq!(rows[1][8], "-10.00");
}

// ---- diff -------------------------------------------------------------------------

#[test]
fn diff_by_partner_rule_and_payout_with_currency_winners_and_losers() {
    let dir = tempfile::tempdir().unwrap();
    let new = policy_at(dir.path(), "6%");
    let new = new.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["diff", POLICY, new, "-s", SCENARIO];
        args.extend(extra);
        charter(&args)
    };
    let v = json(&run(&["--format", "json"]));
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["partners"][0]["currency"], "USD");
    assert_eq!(v["rules"][0]["rule"], "referral_share");
    assert_eq!(dec(&v["rules"][0]["delta"]), "22.00".parse().unwrap());
    let payouts = v["payouts"].as_array().unwrap();
    assert_eq!(payouts.len(), 2);
    assert_eq!(payouts[0]["invoice"], "c1-1");
    assert_eq!(dec(&payouts[0]["after"]), "60.00".parse().unwrap());
    assert_eq!(v["summary"]["winners"], 1);
    assert_eq!(v["summary"]["unchanged"], 1);
    assert_eq!(v["summary"]["top_winner"], "ref_a");

    let table = out(&run(&[]));
    assert!(table.contains("currency"), "{table}");
    assert!(
        table.contains("1 partner paid more (+22.00 USD), 0 paid less"),
        "{table}"
    );
    let by_rule = csv_rows(&out(&run(&["--by", "rule", "--format", "csv"])));
    assert_eq!(
        by_rule,
        [
            vec!["rule", "currency", "before", "after", "delta", "percent"],
            vec![
                "referral_share",
                "USD",
                "110.00",
                "132.00",
                "+22.00",
                "+20.00%"
            ],
        ]
    );
    let by_payout = out(&run(&["--by", "payout"]));
    assert!(by_payout.contains("c1-2"), "{by_payout}");

    // --fail-if-increase on the total, --fail-if-partner-increase per partner.
    assert_eq!(code(&run(&["--fail-if-increase", "25"])), 0);
    let o = run(&["--fail-if-increase", "10"]);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("total payouts grow"), "{}", err(&o));
    assert_eq!(code(&run(&["--fail-if-partner-increase", "25"])), 0);
    let o = run(&["--fail-if-partner-increase", "15"]);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("payouts to `ref_a` grow"), "{}", err(&o));

    // A lower rate: ref_a loses, and the summary says so.
    let lower = policy_at(dir.path(), "4%");
    let v = json(&charter(&[
        "diff",
        POLICY,
        lower.to_str().unwrap(),
        "-s",
        SCENARIO,
        "--format",
        "json",
    ]));
    assert_eq!(v["summary"]["losers"], 1);
    assert_eq!(v["summary"]["top_loser"], "ref_a");
    assert_eq!(dec(&v["summary"]["lost"]), "-22.00".parse().unwrap());
}

// ---- --sweep ------------------------------------------------------------------------

#[test]
fn sweep_runs_once_per_value_and_prints_one_row_each() {
    let base = ["simulate", POLICY, "-s", SCENARIO, "--format", "json"];
    let sweep = |spec: &str| {
        let mut args = base.to_vec();
        args.extend(["--sweep", spec]);
        let o = charter(&args);
        assert_eq!(code(&o), 0, "{spec}: {}", err(&o));
        json(&o)
    };
    let v = sweep("referral_share=3%..6%/1%");
    let rows: Vec<(String, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["value"].as_str().unwrap().to_string(),
                r["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("3%".into(), "66.00".into()),
            ("4%".into(), "88.00".into()),
            ("5%".into(), "110.00".into()),
            ("6%".into(), "132.00".into()),
        ]
    );
    // Each value's total is what a single run with --set gives.
    let mut set = base.to_vec();
    set.extend(["--set", "referral_share=4%"]);
    let single = json(&charter(&set));
    assert_eq!(
        dec(&single["totals"][0]["amount"]),
        "88.00".parse().unwrap()
    );

    let v = sweep("referral_share=5%,7%");
    assert_eq!(v["rows"].as_array().unwrap().len(), 2);
    assert_eq!(v["rows"][1]["amount"], "154.00");

    let o = charter(&[
        "simulate",
        POLICY,
        "-s",
        SCENARIO,
        "--sweep",
        "referral_share=4%,5%",
        "--group-by",
        "track",
    ]);
    let text = out(&o);
    assert!(text.contains("referral_share  track"), "{text}");
    assert!(text.contains("4%              Referral"), "{text}");

    for bad in [
        "referral_share=3%..6%",
        "referral_share=6%..3%/1%",
        "referral_share=3%..6 USD/1%",
        "nothing_named_so=1%,2%",
        "referral_share=5 USD,6 USD",
    ] {
        let o = charter(&["simulate", POLICY, "-s", SCENARIO, "--sweep", bad]);
        assert_eq!(code(&o), 2, "{bad}: {}", out(&o));
        assert!(err(&o).starts_with("error: "), "{bad}: {}", err(&o));
    }
}

// ---- --quiet and --color ----------------------------------------------------------

const BROKEN: &str = "program \"P\" { currency EUR }\ntiers A < B\nbenefit x (support) for C\n";

#[test]
fn simulate_diff_test_and_gen_scenario_honour_color_and_quiet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.charter"), BROKEN).unwrap();
    std::fs::copy(root().join(SCENARIO), dir.path().join("s.json")).unwrap();
    let sim = ["simulate", "broken.charter", "-s", "s.json"];
    let colored = |args: &[&str], env: &[(&str, &str)]| {
        let o = run_in(dir.path(), args, env);
        assert_eq!(code(&o), 1, "{}", err(&o));
        err(&o).contains('\u{1b}')
    };
    let mut always = vec!["--color", "always"];
    always.extend(sim);
    assert!(colored(&always, &[]));
    assert!(!colored(&sim, &[]));
    assert!(colored(&sim, &[("CLICOLOR_FORCE", "1")]));
    let mut never = vec!["--color", "never"];
    never.extend(sim);
    assert!(!colored(&never, &[("CLICOLOR_FORCE", "1")]));
    let diff = [
        "--color",
        "always",
        "diff",
        "broken.charter",
        "broken.charter",
        "-s",
        "s.json",
    ];
    assert!(colored(&diff, &[]));

    // test: `ok` lines and the count only without --quiet when all pass.
    let scenarios = root().join("tests/scenarios/optimetriks");
    let scenarios = scenarios.to_str().unwrap();
    let o = charter(&["test", scenarios]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("ok   "), "{}", out(&o));
    let o = charter(&["test", "--quiet", scenarios]);
    assert_eq!((code(&o), out(&o)), (0, String::new()));
    let o = charter(&["--color", "always", "test", scenarios]);
    assert!(out(&o).contains("\u{1b}[32mok\u{1b}[0m"), "{:?}", out(&o));
    // A failing scenario is printed, quiet or not, FAIL in red with color.
    let failing = dir.path().join("failing");
    std::fs::create_dir(&failing).unwrap();
    let text = std::fs::read_to_string(root().join(SCENARIO))
        .unwrap()
        .replace(
            "../../../policies/",
            &format!("{}/policies/", root().display()),
        )
        .replace("\"ref_a\": \"110.00\"", "\"ref_a\": \"111.00\"");
    std::fs::write(failing.join("f.json"), text).unwrap();
    // The policy field names a relative path: put a copy beside the scenario.
    let text = std::fs::read_to_string(failing.join("f.json"))
        .unwrap()
        .replace(&format!("{}/policies/", root().display()), "");
    std::fs::write(failing.join("f.json"), text).unwrap();
    std::fs::copy(root().join(POLICY), failing.join("optimetriks.charter")).unwrap();
    let o = run_in(
        dir.path(),
        &["--color", "always", "test", "-q", "failing"],
        &[],
    );
    assert_eq!(code(&o), 1, "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("\u{1b}[1m\u{1b}[31mFAIL"), "{:?}", out(&o));
    assert!(out(&o).ends_with("0 passed, 1 failed\n"), "{}", out(&o));

    // gen-scenario: a note of what it wrote, none with --quiet.
    let gen = [
        "gen-scenario",
        "--events",
        "20",
        "--out",
        "e.ndjson",
        "--partners-out",
        "p.json",
    ];
    let o = run_in(dir.path(), &gen, &[]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(err(&o).starts_with("wrote "), "{}", err(&o));
    let mut quiet = vec!["-q"];
    quiet.extend(gen);
    let o = run_in(dir.path(), &quiet, &[]);
    assert_eq!(
        (code(&o), out(&o), err(&o)),
        (0, String::new(), String::new())
    );

    // diff --quiet: nothing when the two policies pay the same.
    let same = charter(&["diff", "-q", POLICY, POLICY, "-s", SCENARIO]);
    assert_eq!((code(&same), out(&same)), (0, String::new()));
    let changed = policy_at(dir.path(), "6%");
    let o = charter(&[
        "diff",
        "-q",
        POLICY,
        changed.to_str().unwrap(),
        "-s",
        SCENARIO,
    ]);
    assert!(out(&o).contains("ref_a"), "{}", out(&o));
}

// ---- charter.toml sets S-code severities ------------------------------------------

#[test]
fn charter_toml_sets_simulation_finding_severities() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join(POLICY), dir.path().join("p.charter")).unwrap();
    std::fs::copy(root().join(SCENARIO), dir.path().join("s.json")).unwrap();
    let sim = ["simulate", "p.charter", "-s", "s.json", "--format", "json"];
    let codes = |o: &Output| -> Vec<(String, String)> {
        json(o)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let o = run_in(dir.path(), &sim, &[]);
    assert_eq!(code(&o), 0);
    let before = codes(&o);
    assert!(
        before.contains(&("S0203".into(), "info".into())),
        "{before:?}"
    );

    std::fs::write(
        dir.path().join("charter.toml"),
        "[diagnostics]\nunattributed-customer = \"off\"\nS0202 = \"error\"\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &sim, &[]);
    // An error finding now: exit 1.
    assert_eq!(code(&o), 1, "{}", err(&o));
    let after = codes(&o);
    assert!(after.iter().all(|(c, _)| c != "S0203"), "{after:?}");
    assert!(
        after.iter().any(|(c, s)| c == "S0202" && s == "error"),
        "{after:?}"
    );
    assert_valid("simulate.schema.json", &json(&o));
    // The table and the CSV of findings follow the same settings.
    let o = run_in(dir.path(), &["simulate", "p.charter", "-s", "s.json"], &[]);
    assert!(out(&o).contains("error[S0202]"), "{}", out(&o));
    assert!(!out(&o).contains("S0203"), "{}", out(&o));
    // --print-config lists S-codes too.
    let o = run_in(dir.path(), &["check", "--print-config"], &[]);
    assert!(
        out(&o).contains("S0203 = \"off\"  # unattributed-customer, set here"),
        "{}",
        out(&o)
    );
    // A policy in a folder with its own charter.toml follows that one.
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy(root().join(POLICY), dir.path().join("sub/p.charter")).unwrap();
    std::fs::write(dir.path().join("sub/charter.toml"), "[diagnostics]\n").unwrap();
    let o = run_in(
        dir.path(),
        &[
            "simulate",
            "sub/p.charter",
            "-s",
            "s.json",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code(&o), 0);
    assert_eq!(codes(&o), before);
}

// ---- the code link editors show -----------------------------------------------------

/// GitHub's anchor of a Markdown heading: lowercase, punctuation dropped,
/// spaces to `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn the_code_link_goes_to_a_heading_of_language_md() {
    let language = std::fs::read_to_string(root().join("LANGUAGE.md")).unwrap();
    let anchors: Vec<String> = language
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(anchor)
        .collect();
    for code in charter_diagnostics::Code::ALL {
        let uri = code.help_uri();
        let (page, fragment) = uri.split_once('#').unwrap();
        assert!(page.ends_with("/LANGUAGE.md"), "{uri}");
        assert!(anchors.iter().any(|a| a == fragment), "{uri}: {anchors:?}");
    }
    // What the language server sends is that link (the snapshot of
    // crates/charter-lsp/tests/features.rs holds a whole publication); and
    // SARIF, which CI reads, says the same.
    let o = charter(&[
        "check",
        "--format",
        "sarif",
        "tests/check/fail/C0201_1_did_you_mean.charter",
    ]);
    let sarif = out(&o);
    assert!(
        sarif.contains(charter_diagnostics::Code::UnknownName.help_uri()),
        "{sarif}"
    );
}
