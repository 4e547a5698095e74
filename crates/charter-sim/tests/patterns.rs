//! The engine against the pattern scenarios of `tests/scenarios/patterns/`
//! (LANGUAGE.md §7): one folder per shape, each scenario's `expect` block
//! derived by hand in its `_comment`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use charter_sim::{simulate, FindingCode, SimOptions, SimResult};

fn patterns() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios/patterns")
}

fn run(file: &Path) -> (SimResult, charter_scenario::Scenario) {
    let text = std::fs::read_to_string(file).unwrap();
    let scenario = charter_scenario::parse_str(&text, &file.display().to_string()).unwrap();
    let policy = file
        .parent()
        .unwrap()
        .join(scenario.policy.as_deref().unwrap());
    let compilation = charter_check::compile_path(&policy).unwrap();
    let program = match compilation.into_checked() {
        Ok((p, _, _)) => p,
        Err(c) => panic!("{} has errors: {:#?}", policy.display(), c.diagnostics),
    };
    (
        simulate(&program, &scenario, &SimOptions::default()),
        scenario,
    )
}

#[test]
fn every_pattern_scenario_meets_its_hand_derived_expectations() {
    let mut failures = Vec::new();
    let mut count = 0;
    for shape in std::fs::read_dir(patterns()).unwrap() {
        let shape = shape.unwrap().path();
        if !shape.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&shape).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "json") {
                continue;
            }
            count += 1;
            let (result, scenario) = run(&file);
            let expect = scenario.expect.as_ref().expect("an expect block");
            for m in charter_sim::expect::compare(expect, &result) {
                failures.push(format!("{}: {}", file.display(), m.what));
            }
        }
    }
    assert!(count >= 1, "no pattern scenario found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_self_referral_is_refused_on_the_referral_and_the_sale_path() {
    let (result, _) = run(&patterns().join("who-may-be-paid/01-self-referral.json"));
    let refused: Vec<&str> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::AttributionRejected)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert!(refused[0].contains("`aff1-co` is an account of `aff1` itself"));
    assert!(refused[1].contains("`res1-co` is an account of `res1` itself"));
    assert!(refused.iter().all(|m| m.contains("no self-referral")));
}

#[test]
fn a_contest_names_the_track_rule_that_decided_first() {
    let file = patterns().join("attribution-per-track/01-last-click-in-one-track.json");
    let (result, _) = run(&file);
    let c1: Vec<&str> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::ContestedCustomer && f.message.starts_with("`c1`"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(c1.len(), 1, "{c1:#?}");
    assert!(
        c1[0].ends_with(
            "(within track `Affiliate`, claims last; between tracks, claims first: the earliest claim wins) it is `aff2`'s"
        ),
        "{}",
        c1[0]
    );
}

#[test]
fn a_user_who_signed_up_before_the_click_is_not_new() {
    let file = patterns().join("attribution-per-track/02-new-user-by-signup.json");
    let (result, _) = run(&file);
    let refused: Vec<&str> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::AttributionRejected)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        refused,
        [
            "`c1` had signed up on 2026-01-03, before the referral on 2026-01-05: the policy counts new users only",
            "`c3` had signed up on 2026-01-07, before the referral on 2026-01-07: the policy counts new users only",
        ]
    );
}

#[test]
fn a_partner_holding_two_modules_of_one_per_partner_holds_none() {
    let file = patterns().join("who-may-be-paid/02-two-exclusive-modules.json");
    let (result, _) = run(&file);
    let found: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::ModulesOnePerPartner)
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", result.findings);
    let f = found[0];
    assert_eq!(
        f.message,
        "partner `both` holds modules `Resale` and `Referral`, but the policy allows one module per partner; until its record is corrected it holds none of them"
    );
    assert_eq!(f.partner.as_deref(), Some("both"));
    // The partner record (line 14 of the scenario) and the `modules` line.
    assert!(
        f.event
            .as_deref()
            .is_some_and(|e| e.ends_with("02-two-exclusive-modules.json:14")),
        "{:?}",
        f.event
    );
    assert!(f.rule_span.is_some());
    assert_eq!(f.severity, charter_diagnostics::Severity::Error);
}

#[test]
fn a_rate_by_tier_explains_the_points_sum_and_the_revenue_from_new_customers() {
    let file = patterns().join("composite-metrics/01-points-and-two-revenue-measures.json");
    let (result, _) = run(&file);
    let gold = result
        .payouts
        .iter()
        .find(|p| p.invoice.as_deref() == Some("e-2"))
        .expect("alpha's payout on e-2");
    let text = charter_sim::report::explain(&result, &gold.id).unwrap();
    assert!(text.contains("rate: 20% for tier `Gold`"), "{text}");
    assert!(
        text.contains("points this calendar year (2026-01-01..2026-07-10) = 3 × 3 new customer + 1 × 1 activity certification + 1 × 55000.00 USD revenue / 1000 USD = 65, required >= 10"),
        "{text}"
    );
    assert!(
        text.contains("Gold: revenue from new customers this calendar year (2026-01-01..2026-07-10) = 25000.00 USD, required >= 20000"),
        "{text}"
    );
}

#[test]
fn a_lapsed_any_of_says_which_period_passed_with_none() {
    let (result, _) = run(&patterns().join("composite-metrics/02-lapse-for-good.json"));
    let lapsed: Vec<&str> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::NotEligible)
        .map(|f| f.message.as_str())
        .collect();
    assert!(!lapsed.is_empty());
    assert!(
        lapsed.iter().all(|m| m.contains(
            "no alternative of `any of` was met in the period 2026-01-01 to 2026-12-31 (each 12 months from joined 2025-01-01), so it lapsed on 2027-01-01 for good"
        )),
        "{lapsed:#?}"
    );
}

#[test]
fn a_window_per_subscription_pays_a_cross_sell_the_customers_window_would_not() {
    // The same scenario under one window per customer: `j-4` (subscription B,
    // 2027-03-01) falls after c2's window from its first invoice (2026-01-10).
    let dir = patterns().join("per-subscription");
    let file = dir.join("01-first-subscription-and-window-per-subscription.json");
    let text = std::fs::read_to_string(dir.join("subscriptions.charter")).unwrap();
    assert!(text.contains(" per subscription\n"));
    let per_customer = text.replace(" per subscription\n", "\n");
    let mut db = charter_diagnostics::SourceDb::new();
    let root = db.add("per-customer.charter", per_customer.as_str());
    let program =
        match charter_check::compile(db, root, &mut charter_check::FsReader).into_checked() {
            Ok((p, _, _)) => p,
            Err(c) => panic!("{:#?}", c.diagnostics),
        };
    let scenario =
        charter_scenario::parse_str(&std::fs::read_to_string(&file).unwrap(), "01.json").unwrap();
    let per_customer = simulate(&program, &scenario, &SimOptions::default());
    let (per_subscription, _) = run(&file);
    let paid = |r: &SimResult, invoice: &str| {
        r.payouts
            .iter()
            .filter(|p| p.invoice.as_deref() == Some(invoice))
            .count()
    };
    assert_eq!(paid(&per_subscription, "j-4"), 1);
    assert_eq!(paid(&per_customer, "j-4"), 0);
    // j-2 (subscription B, 2026-12-01) is inside both windows.
    assert_eq!(paid(&per_subscription, "j-2"), 1);
    assert_eq!(paid(&per_customer, "j-2"), 1);
}

/// Tax on top is reported beside the commission, never in it: the payout's
/// amount and the total stay the commission; JSON, CSV and the table show
/// the tax and the gross amount, and the explanation ends with the tax.
#[test]
fn tax_on_top_is_shown_beside_the_commission() {
    let file = patterns().join("money/01-vat-registered-and-not.json");
    let (result, _) = run(&file);
    let berlin = result
        .totals
        .iter()
        .find(|t| t.partner == "berlin")
        .unwrap();
    assert_eq!(berlin.amount.to_string(), "75.00");
    assert_eq!(berlin.tax.map(|t| t.to_string()).as_deref(), Some("14.25"));
    assert_eq!(
        berlin.gross.map(|t| t.to_string()).as_deref(),
        Some("89.25")
    );
    let dublin = result
        .totals
        .iter()
        .find(|t| t.partner == "dublin")
        .unwrap();
    assert_eq!(dublin.tax, None);
    let lyon = result.payouts.iter().find(|p| p.partner == "lyon").unwrap();
    assert_eq!(
        lyon.explain.last().map(String::as_str),
        Some("tax on top: 2.50 × 5% (the partner's tax rate) = 0.125 → 0.12 EUR (rounded half-even to 2 decimals); 2.62 EUR paid in all")
    );
    let json = charter_sim::report::to_json(&result);
    assert!(
        json.contains("\"tax\": \"0.12\",\n      \"gross\": \"2.62\""),
        "{json}"
    );
    let table = charter_sim::report::to_table(&result);
    assert!(
        table
            .lines()
            .any(|l| l.contains("tax") && l.contains("gross")),
        "{table}"
    );
    let mut csv = Vec::new();
    charter_sim::report::write_totals_csv(&result.totals, &result.standings, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with(
            "partner,amount,currency,tax,gross,standing\nberlin,75.00,EUR,14.25,89.25,\n"
        ),
        "{csv}"
    );
}

#[test]
fn a_cut_back_without_a_joined_date_is_never_made_and_says_so() {
    let (result, _) = run(&patterns().join("retroactive-deadline/02-cut-back-unless-tier.json"));
    let found: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::CutBackWithoutJoined)
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", result.findings);
    assert!(found[0]
        .message
        .starts_with("`nojoin` has no `joined` date"));
    // Cut back on the deadline: one negative payout per invoice, then 10%.
    let miss: Vec<String> = result
        .payouts
        .iter()
        .filter(|p| p.partner == "miss")
        .map(|p| {
            format!(
                "{} {} {}",
                p.invoice.as_deref().unwrap_or("-"),
                p.amount,
                p.due
            )
        })
        .collect();
    assert_eq!(
        miss,
        [
            "b-1 400.00 2026-02-10",
            "b-2 200.00 2026-06-10",
            "b-1 -200.00 2027-01-01",
            "b-2 -100.00 2027-01-01",
            "b-3 150.00 2027-01-01",
        ]
    );
}

#[test]
fn a_tier_reached_on_the_deadline_day_is_too_late() {
    // `reach` invoiced 4000.00 in 2026 (not Gold), and reaches Gold with an
    // invoice of 6000.00 issued on the deadline day 2027-01-01: too late.
    // a-1's 800.00 is cut back to 400.00 that day, a-2 earns 10%.
    let file = patterns().join("retroactive-deadline/02-cut-back-unless-tier.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let late = text
        .replace(
            r#""id": "a-1", "customer": "c1", "amount": "6000.00" }"#,
            r#""id": "a-1", "customer": "c1", "amount": "4000.00" },
    { "date": "2027-01-01", "type": "invoice", "id": "a-3", "customer": "c1", "amount": "6000.00" }"#,
        )
        .replace(
            r#""invoice": "a-1", "amount": "6000.00""#,
            r#""invoice": "a-1", "amount": "4000.00""#,
        );
    assert_ne!(late, text);
    let scenario = charter_scenario::parse_str(&late, "late.json").unwrap();
    let policy = file.parent().unwrap().join("cutback.charter");
    let (program, _, _) = charter_check::compile_path(&policy)
        .unwrap()
        .into_checked()
        .unwrap_or_else(|c| panic!("{:#?}", c.diagnostics));
    let result = simulate(&program, &scenario, &SimOptions::default());
    let reach: Vec<String> = result
        .payouts
        .iter()
        .filter(|p| p.partner == "reach")
        .map(|p| format!("{} {}", p.amount, p.due))
        .collect();
    assert_eq!(
        reach,
        [
            "800.00 2026-02-10",
            "-400.00 2027-01-01",
            "100.00 2027-03-05"
        ]
    );
    let standing = result.standings.iter().find(|s| s.partner == "reach");
    assert_eq!(standing.and_then(|s| s.tier.as_deref()), Some("Gold"));
}

/// A payout in the partner's currency is reported beside the program's:
/// the rate of the day it was earned (not of the day it is paid), its date,
/// the converted amount and tax; the streamed JSON writes the same bytes as
/// the named report; a missing rate points at the payment.
#[test]
fn a_conversion_is_reported_beside_the_program_currency() {
    let file = patterns().join("money/03-converted-at-the-event-date.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let scenario = charter_scenario::parse_str(&text, &file.display().to_string()).unwrap();
    let policy = file.parent().unwrap().join("convert.charter");
    let (program, _, _) = charter_check::compile_path(&policy)
        .unwrap()
        .into_checked()
        .unwrap_or_else(|c| panic!("{:#?}", c.diagnostics));
    let sim = charter_sim::run(&program, &scenario, &SimOptions::default());
    let mut streamed = Vec::new();
    sim.write_json(&mut streamed).unwrap();
    let mut csv = Vec::new();
    sim.write_csv(&mut csv).unwrap();
    let result = sim.into_result();
    assert_eq!(
        String::from_utf8(streamed).unwrap(),
        charter_sim::report::to_json(&result)
    );
    let paris = result
        .payouts
        .iter()
        .find(|p| p.partner == "paris" && p.amount.is_sign_positive())
        .unwrap();
    let c = paris.converted.as_ref().unwrap();
    assert_eq!(
        (
            c.currency.as_str(),
            c.rate.to_string(),
            c.rate_date.to_string()
        ),
        ("EUR", "0.9200".to_string(), "2026-02-01".to_string())
    );
    assert_eq!(c.amount.to_string(), "92.00");
    assert_eq!(c.tax.map(|t| t.to_string()).as_deref(), Some("18.40"));
    let total = result.totals.iter().find(|t| t.partner == "paris").unwrap();
    let converted = total.converted.as_ref().unwrap();
    assert_eq!(
        (
            converted.amount.to_string(),
            converted.gross.map(|g| g.to_string())
        ),
        ("68.25".to_string(), Some("81.90".to_string()))
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,partner,customer,invoice,rule,base,rate,amount,currency,tax,gross,converted_currency,exchange_rate,rate_date,converted_amount,converted_tax,converted_gross,earned,due,settlement\n"), "{csv}");
    assert!(
        csv.contains(",EUR,0.9200,2026-02-01,92.00,18.40,110.40,2026-02-20,2026-03-14,"),
        "{csv}"
    );

    let (missing, _) = run(&patterns().join("money/04-no-rate-on-the-day.json"));
    let f = missing
        .findings
        .iter()
        .find(|f| f.code == FindingCode::ExchangeRateMissing)
        .unwrap();
    assert!(
        f.event
            .as_deref()
            .is_some_and(|e| e.contains("$.events[2]")),
        "{f:?}"
    );
    assert!(missing.totals[0].converted.is_none());
}
