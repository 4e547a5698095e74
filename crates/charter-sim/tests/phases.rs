//! The phases run apart give the whole run's payouts: every seed scenario
//! and generated scenarios for the five seed programs are split into one
//! part per customer (its events, and the payments and refunds of the
//! invoices last issued to it) and one per partner event, each part loaded
//! on its own as a separate scenario; the credits cross to phase (b)
//! through their JSON form, one partner at a time, and the merged payouts
//! are the JSON of `charter_sim::simulate`'s, byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use charter_check::CheckedProgram;
use charter_diagnostics::SourceDb;
use charter_sim::phases::{self, NamedCredit, PhaseError};
use charter_sim::{simulate, SimOptions};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn policy(name: &str) -> (CheckedProgram, SourceDb) {
    let path = root().join("policies").join(format!("{name}.charter"));
    let compilation = charter_check::compile_path(&path).unwrap();
    match compilation.into_checked() {
        Ok((program, db, _)) => (program, db),
        Err(c) => panic!("{name} has errors: {:#?}", c.diagnostics),
    }
}

fn text<'v>(e: &'v Value, field: &str) -> Option<&'v str> {
    e.get(field).and_then(Value::as_str)
}

/// A scenario document holding `events` and the partner records among `partners` that `keep` accepts.
fn part(
    doc: &Value,
    events: Vec<Value>,
    keep: &dyn Fn(&str) -> bool,
) -> charter_scenario::Scenario {
    let partners: Vec<Value> = doc
        .get("partners")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter(|p| text(p, "id").is_some_and(keep))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut part = json!({ "partners": partners, "events": events });
    if let Some(customers) = doc.get("customers") {
        part["customers"] = customers.clone();
    }
    charter_scenario::parse_str(&part.to_string(), "part.json").unwrap()
}

/// Splits `doc` as Spark does and runs the phases; `None` for a coupled program.
fn split_run(program: &CheckedProgram, options: &SimOptions, doc: &Value) -> Option<String> {
    let whole = charter_scenario::parse_str(&doc.to_string(), "whole.json").unwrap();
    let as_of = charter_sim::simulation_date(&whole, None).unwrap();
    let events: Vec<Value> = doc["events"].as_array().cloned().unwrap_or_default();
    assert_eq!(events.len(), whole.events.len());
    let mut order: Vec<(phases::ReplayKey, usize)> = whole
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.date <= as_of)
        .map(|(i, e)| (phases::replay_key(e, i as u64), i))
        .collect();
    order.sort();

    // Routing and the first claim of each partner and method.
    let mut issued: HashMap<String, String> = HashMap::new();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut first_claims: BTreeMap<(String, String), usize> = BTreeMap::new();
    for &(_, i) in &order {
        let e = &events[i];
        let kind = text(e, "type").unwrap();
        let group = match kind {
            "payment" | "refund" => match issued.get(text(e, "invoice").unwrap()) {
                Some(c) => format!("c:{c}"),
                None => continue,
            },
            "activity" | "notice" | "invitation" | "staff" => {
                format!("p:{}", text(e, "partner").unwrap())
            }
            // No customer and no partner: a stray group, as Spark routes it
            // (phase (a) passes it by).
            "exchange_rate" => "u:rates".to_string(),
            _ => {
                let customer = text(e, "customer").unwrap().to_string();
                if kind == "invoice" {
                    issued.insert(text(e, "id").unwrap().to_string(), customer.clone());
                }
                format!("c:{customer}")
            }
        };
        if let (true, Some(p)) = (
            matches!(kind, "referral" | "registration" | "attachment" | "order"),
            text(e, "partner"),
        ) {
            first_claims
                .entry((p.to_string(), kind.to_string()))
                .or_insert(i);
        }
        groups.entry(group).or_default().push(i);
    }

    let mut claims: Vec<usize> = first_claims.into_values().collect();
    claims.sort_unstable();
    let claim_partners: HashSet<&str> = claims
        .iter()
        .filter_map(|&i| text(&events[i], "partner"))
        .collect();
    let claim_part = part(
        doc,
        claims.iter().map(|&i| events[i].clone()).collect(),
        &|p| claim_partners.contains(p),
    );
    let inputs: Vec<u64> = claims.iter().map(|&i| i as u64).collect();
    let assumed = match phases::assumed_tracks(program, &claim_part, &inputs, as_of, options) {
        Err(PhaseError::Coupled) => return None,
        other => other.unwrap(),
    };

    // Phase (a), one part per group; credits as JSON text.
    let mut by_partner: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, mut members) in groups {
        members.sort_unstable();
        let named: HashSet<&str> = members
            .iter()
            .filter_map(|&i| text(&events[i], "partner"))
            .collect();
        let scenario = part(
            doc,
            members.iter().map(|&i| events[i].clone()).collect(),
            &|p| named.contains(p),
        );
        let inputs: Vec<u64> = members.iter().map(|&i| i as u64).collect();
        let credits =
            phases::attribute(program, &scenario, &inputs, &assumed, as_of, options).unwrap();
        for c in credits {
            by_partner
                .entry(c.partner.clone())
                .or_default()
                .push(serde_json::to_string(&c).unwrap());
        }
    }

    // Phase (b), one partner at a time, then the merge.
    let mut payouts = Vec::new();
    for (partner, credits) in by_partner {
        let credits: Vec<NamedCredit> = credits
            .iter()
            .rev()
            .map(|c| serde_json::from_str(c).unwrap())
            .collect();
        let scenario = part(doc, Vec::new(), &|p| p == partner);
        // Phase (b) knows the run's date (balances settle up to it).
        let options = SimOptions {
            as_of: Some(as_of),
            ..*options
        };
        payouts
            .extend(phases::pay(program, scenario, &partner, credits, &assumed, &options).unwrap());
    }
    Some(serde_json::to_string_pretty(&phases::merge(payouts)).unwrap())
}

/// Compares the split run with the whole one; whether the program split.
fn check(program: &CheckedProgram, db: &SourceDb, doc: &Value, what: &str) -> bool {
    let options = SimOptions {
        sources: Some(db),
        ..SimOptions::default()
    };
    let whole = charter_scenario::parse_str(&doc.to_string(), "whole.json").unwrap();
    let expected =
        serde_json::to_string_pretty(&simulate(program, &whole, &options).payouts).unwrap();
    match split_run(program, &options, doc) {
        Some(split) => {
            assert!(
                split == expected,
                "{what}: split payouts differ\nsplit: {split}\nwhole: {expected}"
            );
            true
        }
        None => false,
    }
}

fn seed_programs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            root()
                .join("policies")
                .join(format!("{name}.charter"))
                .exists()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn seed_scenarios_split_by_customer_and_partner_pay_as_the_whole_run() {
    let mut split = 0;
    let mut payouts = 0;
    for name in seed_programs() {
        let (program, db) = policy(&name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios").join(&name))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for file in files {
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            if check(&program, &db, &doc, &file.display().to_string()) {
                split += 1;
                payouts += doc["events"].as_array().map_or(0, Vec::len);
            }
        }
    }
    assert!(split >= 30, "only {split} seed scenarios ran in phases");
    assert!(payouts > 0);
}

#[test]
fn generated_scenarios_split_by_customer_and_partner_pay_as_the_whole_run() {
    for (k, name) in seed_programs().into_iter().enumerate() {
        let (program, db) = policy(&name);
        let currency = program.program().currency.clone();
        for shape in [
            charter_scenario::GenShape::default(),
            charter_scenario::GenShape::BillingExport,
        ] {
            let generated = charter_scenario::generate(&charter_scenario::GenConfig {
                seed: 7 + k as u64,
                events: 4000,
                partners: 40,
                currency: currency.to_string(),
                tiers_and_modules: name != "optimetriks",
                shape,
                ..charter_scenario::GenConfig::default()
            });
            let events: Vec<Value> = generated
                .events_ndjson
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let partners: Value = serde_json::from_str(&generated.partners_json).unwrap();
            let doc = json!({ "partners": partners, "events": events });
            assert!(
                check(
                    &program,
                    &db,
                    &doc,
                    &format!("{name} generated ({shape:?})")
                ),
                "{name} is coupled"
            );
        }
    }
}

/// Every pattern scenario (`tests/scenarios/patterns/*/*.json`, each naming
/// its policy) split by customer and partner pays as the whole run: what a
/// partner's replay does at its end (cut-backs, payout balances, holds for
/// active partners) the phases do too, and the credits phase (a) sends by
/// name (MRR, bounties, …) carry all phase (b) needs. Only a policy paying
/// partners in their own currency is coupled (it reads the whole scenario's
/// exchange rates) and runs whole.
#[test]
fn every_pattern_scenario_split_pays_as_the_whole_run() {
    let patterns = root().join("tests/scenarios/patterns");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&patterns)
        .unwrap()
        .flat_map(|dir| std::fs::read_dir(dir.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut coupled = Vec::new();
    for file in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let Some(policy) = text(&doc, "policy") else {
            continue;
        };
        let policy = file.parent().unwrap().join(policy);
        let compilation = charter_check::compile_path(&policy).unwrap();
        let (program, db) = match compilation.into_checked() {
            Ok((program, db, _)) => (program, db),
            Err(c) => panic!("{} has errors: {:#?}", policy.display(), c.diagnostics),
        };
        if !check(&program, &db, &doc, &file.display().to_string()) {
            let converts = std::fs::read_to_string(&policy)
                .unwrap()
                .contains("paid in partner currency");
            assert!(converts, "{} is coupled", file.display());
            coupled.push(file);
        }
    }
    assert!(files.len() >= 30, "{} pattern scenarios", files.len());
    assert!(coupled.len() <= 2, "coupled: {coupled:?}");
}
