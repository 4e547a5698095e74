//! `charter report`, `charter doc`, `charter statements` and `charter test
//! --coverage / --format junit|json` on the five seed programs: each
//! writes what it says, the same bytes for the same input, through
//! `charter_fs` (a FIFO is refused), with formula cells neutralised in CSV.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SEEDS: &[&str] = &[
    "cimpactpro",
    "simpro",
    "leadsender",
    "future-processing",
    "optimetriks",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn ok(o: &Output) {
    assert!(
        o.status.code() == Some(0),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every scenario of a seed program, sorted.
fn scenarios(program: &str) -> Vec<String> {
    let mut all: Vec<String> = fs::read_dir(root().join("tests/scenarios").join(program))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            format!(
                "tests/scenarios/{program}/{}",
                p.file_name().unwrap().to_str().unwrap()
            )
        })
        .collect();
    all.sort();
    all
}

fn policy(program: &str) -> String {
    format!("policies/{program}.charter")
}

/// The longest scenario of a program (the most months and payouts).
fn richest(program: &str) -> String {
    scenarios(program)
        .into_iter()
        .max_by_key(|s| (fs::metadata(root().join(s)).unwrap().len(), s.clone()))
        .unwrap()
}

fn out(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

#[test]
fn report_on_every_seed_is_self_contained_with_charts_and_tables() {
    let dir = tempfile::tempdir().unwrap();
    for program in SEEDS {
        let scenario = richest(program);
        let page = out(dir.path(), &format!("{program}.html"));
        let o = charter(&[
            "report",
            &policy(program),
            "--scenario",
            &scenario,
            "--out",
            &page,
        ]);
        ok(&o);
        let html = fs::read_to_string(&page).unwrap();
        for id in [
            "chart-monthly",
            "chart-partners",
            "chart-standings",
            "table-monthly",
            "table-partners",
            "table-payouts",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{program}: no {id}");
        }
        assert_eq!(html.matches("<svg").count(), 3, "{program}: three charts");
        // Nothing is fetched: no external script, style, image or font.
        for outside in ["src=", "<link", "@import", "url("] {
            assert!(
                !html.contains(outside),
                "{program}: `{outside}` in the page"
            );
        }
        assert!(
            html.contains("table.sortable"),
            "{program}: the sorting script"
        );
    }
}

#[test]
fn report_months_add_up_to_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let page = out(dir.path(), "r.html");
    ok(&charter(&[
        "report",
        "policies/cimpactpro.charter",
        "--scenario",
        "tests/scenarios/cimpactpro/01-brackets-and-uplift.json",
        "--out",
        &page,
    ]));
    let html = fs::read_to_string(&page).unwrap();
    // The monthly table's last column holds each month's total.
    let body = html.split("id=\"table-monthly\"").nth(1).unwrap();
    let body = body.split("</table>").next().unwrap();
    let mut sum = rust_decimal::Decimal::ZERO;
    for row in body.split("<tr>").skip(2) {
        let last = row.rsplit("data-sort=\"").next().unwrap();
        let value: rust_decimal::Decimal = last.split('"').next().unwrap().parse().unwrap();
        sum += value;
    }
    let json = charter(&[
        "simulate",
        "policies/cimpactpro.charter",
        "--scenario",
        "tests/scenarios/cimpactpro/01-brackets-and-uplift.json",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let total: rust_decimal::Decimal = v["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t["amount"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert!(!sum.is_zero());
    assert_eq!(sum, total);
}

#[test]
fn report_with_baseline_shows_the_change_per_partner() {
    let dir = tempfile::tempdir().unwrap();
    // The baseline pays 10% instead of the seed's 5% referral share.
    let seed = fs::read_to_string(root().join("policies/optimetriks.charter")).unwrap();
    assert!(seed.contains("5% of payments"));
    let old = dir.path().join("old.charter");
    fs::write(&old, seed.replacen("5% of payments", "10% of payments", 1)).unwrap();
    let page = out(dir.path(), "r.html");
    ok(&charter(&[
        "report",
        "policies/optimetriks.charter",
        "--scenario",
        "tests/scenarios/optimetriks/01-referral-window.json",
        "--baseline",
        old.to_str().unwrap(),
        "--out",
        &page,
    ]));
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("id=\"chart-change\""));
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("class=\"num neg\""), "a partner is paid less");
}

#[test]
fn report_doc_and_statements_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = richest("cimpactpro");
    let mut runs = Vec::new();
    for n in 0..2 {
        let page = out(dir.path(), &format!("r{n}.html"));
        ok(&charter(&[
            "report",
            "policies/cimpactpro.charter",
            "--scenario",
            &scenario,
            "--out",
            &page,
        ]));
        let guide = out(dir.path(), &format!("g{n}.html"));
        ok(&charter(&[
            "doc",
            "policies/simpro.charter",
            "--out",
            &guide,
        ]));
        let md = out(dir.path(), &format!("g{n}.md"));
        ok(&charter(&["doc", "policies/simpro.charter", "--out", &md]));
        let statements = out(dir.path(), &format!("s{n}"));
        ok(&charter(&[
            "statements",
            "policies/cimpactpro.charter",
            "--scenario",
            "tests/scenarios/cimpactpro/03-statement-timing.json",
            "--period",
            "2026-03",
            "--out",
            &statements,
        ]));
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&statements)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.file_name().unwrap().to_str().unwrap().to_string(),
                    fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        runs.push((
            fs::read(&page).unwrap(),
            fs::read(&guide).unwrap(),
            fs::read(&md).unwrap(),
            files,
        ));
    }
    assert!(runs[0] == runs[1], "two runs wrote different bytes");
}

#[test]
fn guide_of_every_seed_has_its_sections_and_doc_comments_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    // A doc comment of each seed, as written (Russian and Polish for two).
    let verbatim = [
        ("cimpactpro", "Commission on new sales, rising with sales volume."),
        (
            "simpro",
            "A partner elects one financial benefit only: referral fees or the discount, never both.",
        ),
        ("leadsender", "Партнерская программа LeadSender"),
        ("future-processing", "Rejestracja oraz proces wstępnej akceptacji."),
        (
            "optimetriks",
            "Referral partners (usually existing customers): light involvement, introduce a qualified lead.",
        ),
    ];
    for (program, text) in verbatim {
        let source = fs::read_to_string(root().join(policy(program))).unwrap();
        assert!(
            source.contains(text),
            "{program}: the test's text is in the policy"
        );
        for ext in ["html", "md"] {
            let file = out(dir.path(), &format!("{program}.{ext}"));
            ok(&charter(&["doc", &policy(program), "--out", &file]));
            let guide = fs::read_to_string(&file).unwrap();
            assert!(guide.contains(text), "{program}.{ext}: `{text}` missing");
            assert!(!guide.contains("\\u{"), "{program}.{ext}: text escaped");
            for section in ["Commissions", "Attribution windows", "Payout timing"] {
                assert!(guide.contains(section), "{program}.{ext}: no {section}");
            }
        }
    }
    // Simpro's benefits matrix: a row per benefit, a column per tier.
    let md = fs::read_to_string(dir.path().join("simpro.md")).unwrap();
    assert!(md.contains("| benefit | category | Registered | Select | Premier |"));
    assert!(md.contains("| simpro_led_marketing | marketing | – | ✓ | ✓ |"));
    // CimpactPro's commission with its bracket table, in plain words.
    let md = fs::read_to_string(dir.path().join("cimpactpro.md")).unwrap();
    assert!(md.contains("| 50000 EUR to 150000 EUR | 25% |"));
    assert!(md.contains("monthly statement"));
    assert!(md.contains("## Contract terms"));
    // Names the guide quotes are code in the page, and the page escapes.
    let html = fs::read_to_string(dir.path().join("future-processing.html")).unwrap();
    assert!(html.contains("the <code>partner_agreement</code> agreement, accepted"));
}

#[test]
fn doc_needs_an_html_or_md_name() {
    let dir = tempfile::tempdir().unwrap();
    let o = charter(&[
        "doc",
        "policies/simpro.charter",
        "--out",
        &out(dir.path(), "guide.pdf"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".html"));
}

#[test]
fn outputs_refuse_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("guide.html");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = charter(&[
        "doc",
        "policies/simpro.charter",
        "--out",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = charter(&[
        "report",
        "policies/simpro.charter",
        "--scenario",
        "tests/scenarios/simpro/01-select-ten-closed-won.json",
        "--out",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn statements_one_per_partner_with_explanations_and_csv() {
    for program in SEEDS {
        let dir = tempfile::tempdir().unwrap();
        let scenario = richest(program);
        // The month with the most payouts of the scenario.
        let json = charter(&[
            "simulate",
            &policy(program),
            "--scenario",
            &scenario,
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let mut months = std::collections::BTreeMap::<String, usize>::new();
        for p in v["payouts"].as_array().unwrap() {
            *months
                .entry(p["earned"].as_str().unwrap()[..7].to_string())
                .or_default() += 1;
        }
        let period = months
            .iter()
            .max_by_key(|(m, n)| (**n, std::cmp::Reverse((*m).clone())))
            .map(|(m, _)| m.clone())
            .unwrap_or_else(|| "2025-01".to_string());
        let o = charter(&[
            "statements",
            &policy(program),
            "--scenario",
            &scenario,
            "--period",
            &period,
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "{program}"
        );
        let partners = v["totals"].as_array().unwrap();
        let written: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(
            written.len(),
            2 * partners.len(),
            "{program}: html and csv per partner"
        );
        let payouts_in_period = months.get(&period).copied().unwrap_or(0);
        let mut csv_rows = 0;
        for entry in fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().unwrap() == "csv" {
                let mut reader = csv::Reader::from_path(&path).unwrap();
                assert_eq!(reader.headers().unwrap().get(12), Some("explanation"));
                for row in reader.records() {
                    let row = row.unwrap();
                    assert!(
                        row[9].starts_with(&period),
                        "{program}: earned in the period"
                    );
                    assert!(!row[12].is_empty(), "{program}: explained");
                    csv_rows += 1;
                }
            } else {
                let html = fs::read_to_string(&path).unwrap();
                assert!(html.contains(&format!("Statement {period}")));
                assert!(html.contains("due by"));
            }
        }
        assert_eq!(csv_rows, payouts_in_period, "{program}");
    }
}

#[test]
fn statement_csv_neutralises_formula_cells() {
    let dir = tempfile::tempdir().unwrap();
    let source = root().join("tests/scenarios/leadsender/01-direct-vs-netted.json");
    let text = fs::read_to_string(source).unwrap();
    let text = text
        .replace("ooo_alpha", "=HYPERLINK(\\\"x\\\")")
        .replace("\"a1\"", "\"@a1\"")
        .replace(
            "../../../policies/",
            &format!("{}/policies/", root().display()),
        );
    let scenario = dir.path().join("s.json");
    fs::write(&scenario, text).unwrap();
    let outdir = dir.path().join("out");
    let o = charter(&[
        "statements",
        "policies/leadsender.charter",
        "--scenario",
        scenario.to_str().unwrap(),
        "--period",
        "2025-01",
        "--out",
        outdir.to_str().unwrap(),
    ]);
    assert!(o.status.code() == Some(0) || o.status.code() == Some(1));
    let csv_file = fs::read_dir(&outdir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().unwrap() == "csv" && p.to_str().unwrap().contains("HYPERLINK"))
        .expect("the statement of the renamed partner");
    // The file name keeps only safe characters.
    assert!(!csv_file
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .contains('"'));
    let mut reader = csv::Reader::from_path(&csv_file).unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[1], "'=HYPERLINK(\"x\")");
    assert_eq!(&row[2], "'@a1");
    assert_eq!(&row[7], "4000.00", "amounts are left as numbers");
}

#[test]
fn coverage_names_what_the_suite_never_exercised() {
    let o = charter(&[
        "test",
        "--coverage",
        "--format",
        "json",
        "tests/scenarios/cimpactpro",
    ]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["failed"], 0);
    let policies = v["coverage"]["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 1);
    let p = &policies[0];
    assert_eq!(p["policy"], "policies/cimpactpro.charter");
    let item = |kind: &str, name: &str| {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == kind && i["name"] == name)
            .unwrap_or_else(|| panic!("no {kind} {name}"))
            .clone()
    };
    // Every bracket row of `sale` is exercised by some scenario.
    for row in 1..=3 {
        assert!(
            item("bracket_row", &format!("sale row {row}"))["hits"]
                .as_u64()
                .unwrap()
                > 0
        );
    }
    assert!(item("rule", "high_performer")["hits"].as_u64().unwrap() > 0);
    // No CimpactPro scenario attributes a customer by referral.
    assert_eq!(item("attribution", "referral (program)")["hits"], 0);
    assert!(p["not_covered"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("attribution: referral (program)")));

    // The table says the same.
    let o = charter(&["test", "--coverage", "tests/scenarios/cimpactpro"]);
    ok(&o);
    let table = String::from_utf8_lossy(&o.stdout);
    let line = table
        .lines()
        .find(|l| l.contains("referral (program)"))
        .unwrap();
    assert!(line.contains("NO"));
    let closing = format!("{} passed, 0 failed", scenarios("cimpactpro").len());
    assert!(table.trim_end().ends_with(&closing));
}

#[test]
fn coverage_on_every_seed_suite() {
    let o = charter(&["test", "--coverage", "--format", "json", "tests/scenarios"]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v["coverage"]["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy"].as_str().unwrap())
        .collect();
    for program in SEEDS {
        assert!(names.contains(&policy(program).as_str()), "{program}");
    }
    // LeadSender's `netted` commission is paid on its own schedule (netted
    // at source): its payouts exercise it.
    let leadsender = v["coverage"]["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["policy"] == "policies/leadsender.charter")
        .unwrap();
    let netted = leadsender["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "payout_schedule" && i["name"] == "netted (own schedule)")
        .unwrap();
    assert!(netted["hits"].as_u64().unwrap() > 0);
}

#[test]
fn junit_report_of_passing_and_failing_scenarios() {
    let o = charter(&["test", "--format", "junit", "tests/scenarios/simpro"]);
    ok(&o);
    let xml = String::from_utf8_lossy(&o.stdout);
    assert!(xml.starts_with("<?xml"));
    let n = scenarios("simpro").len();
    assert!(
        xml.contains(&format!("tests=\"{n}\" failures=\"0\"")),
        "{xml}"
    );

    // A scenario whose expectation is wrong is a <failure> with the mismatch.
    let dir = tempfile::tempdir().unwrap();
    let text =
        fs::read_to_string(root().join("tests/scenarios/leadsender/01-direct-vs-netted.json"))
            .unwrap()
            .replace("\"ip_beta\": \"3000.00\"", "\"ip_beta\": \"3001.00\"")
            .replace(
                "../../../policies/",
                &format!("{}/policies/", root().display()),
            );
    // The policy must be relative: put a copy beside the scenario.
    let text = text.replace(&format!("{}/policies/", root().display()), "");
    fs::copy(
        root().join("policies/leadsender.charter"),
        dir.path().join("leadsender.charter"),
    )
    .unwrap();
    fs::write(dir.path().join("wrong.json"), text).unwrap();
    let o = charter(&["test", "--format", "junit", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&o.stdout);
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(xml.contains("<failure"), "{xml}");
    assert!(xml.contains("ip_beta"), "{xml}");
}

#[test]
fn scenario_text_is_escaped_in_pages_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "<img src=x onerror=alert(1)>\u{1b}[31m";
    let text =
        fs::read_to_string(root().join("tests/scenarios/leadsender/01-direct-vs-netted.json"))
            .unwrap()
            .replace("ooo_alpha", &hostile.replace('\u{1b}', "\\u001b"))
            .replace(
                "../../../policies/",
                &format!("{}/policies/", root().display()),
            );
    let scenario = dir.path().join("s.json");
    fs::write(&scenario, text).unwrap();
    let page = out(dir.path(), "r.html");
    let o = charter(&[
        "report",
        "policies/leadsender.charter",
        "--scenario",
        scenario.to_str().unwrap(),
        "--out",
        &page,
    ]);
    assert!(o.status.code() == Some(0) || o.status.code() == Some(1));
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<img"),
        "markup from the scenario reached the page"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        !html.contains('\u{1b}'),
        "a control character reached the page"
    );
    let statements = dir.path().join("st");
    charter(&[
        "statements",
        "policies/leadsender.charter",
        "--scenario",
        scenario.to_str().unwrap(),
        "--period",
        "2025-01",
        "--out",
        statements.to_str().unwrap(),
    ]);
    for entry in fs::read_dir(&statements).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().unwrap() == "html" {
            assert!(!fs::read_to_string(&path).unwrap().contains("<img"));
        }
    }
}

#[test]
fn report_of_an_events_file_with_a_partners_file() {
    let dir = tempfile::tempdir().unwrap();
    let events = out(dir.path(), "events.ndjson");
    let partners = out(dir.path(), "partners.json");
    ok(&charter(&[
        "gen-scenario",
        "--events",
        "3000",
        "--partners",
        "12",
        "--currency",
        "EUR",
        "--out",
        &events,
        "--partners-out",
        &partners,
    ]));
    let page = out(dir.path(), "r.html");
    let o = charter(&[
        "report",
        "policies/cimpactpro.charter",
        "--scenario",
        &events,
        "--partners",
        &partners,
        "--out",
        &page,
    ]);
    assert!(o.status.code() == Some(0) || o.status.code() == Some(1));
    let html = fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg").count(), 3);
    // One row per generated partner in the partners table.
    let table = html.split("id=\"table-partners\"").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    assert_eq!(table.matches("<tr>").count(), 1 + 12);
}
