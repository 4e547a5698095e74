//! What a scenario suite exercised, per policy: each commission and bonus
//! rule, bracket row, tier, attribution path, commission window and payout
//! schedule of the policy, with how many payouts (or standings) touched it
//! and in which scenarios — and which were never touched (as `opa test
//! --coverage` does for Rego). Items are keyed by text, so the runs of one
//! policy compiled once per scenario add up.

use charter_check::CheckedProgram;
use charter_ir::{PayoutSchedule, Program, RateSpec, Scope, WindowSpec};
use charter_sim::coverage::Fired;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of policy parts counted, in report order.
pub const KINDS: &[&str] = &[
    "rule",
    "bracket_row",
    "tier",
    "attribution",
    "window",
    "payout_schedule",
];

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub kind: &'static str,
    pub name: String,
    /// Payouts (for a tier: partners' standings and by-tier rates) that exercised it.
    pub hits: usize,
    pub scenarios: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PolicyCoverage {
    pub policy: String,
    pub scenarios: usize,
    pub items: Vec<Item>,
}

impl PolicyCoverage {
    pub fn covered(&self) -> usize {
        self.items.iter().filter(|i| i.hits > 0).count()
    }
}

/// Coverage of every policy a suite ran, by policy path.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub policies: BTreeMap<String, PolicyCoverage>,
}

fn scope_key(s: &Scope) -> String {
    match s {
        Scope::Program => "program".into(),
        Scope::Tier(n) => format!("tier {n}"),
        Scope::Track(n) => format!("track {n}"),
        Scope::Module(n) => format!("module {n}"),
        Scope::Benefit(n) => format!("benefit {n}"),
    }
}

fn schedule_key(program: &Program, s: &PayoutSchedule) -> String {
    // A rule's own schedule is named by its rule; the program's by scope.
    for c in &program.commissions {
        if c.payout.as_ref().is_some_and(|p| p.span == s.span) {
            return format!("{} (own schedule)", c.name.name);
        }
    }
    format!("payout for {}", scope_key(&s.scope))
}

fn bracket_key(rule: &str, row: usize) -> String {
    format!("{rule} row {}", row + 1)
}

/// Every item a policy has, in the order of [`KINDS`] then the policy's.
fn universe(program: &Program) -> Vec<(&'static str, String)> {
    let mut items = Vec::new();
    for c in &program.commissions {
        items.push(("rule", c.name.name.clone()));
    }
    for b in &program.bonuses {
        items.push(("rule", b.name.name.clone()));
    }
    for c in &program.commissions {
        if let RateSpec::Brackets { table } = &c.rate {
            for row in 0..table.brackets.len() {
                items.push(("bracket_row", bracket_key(&c.name.name, row)));
            }
        }
    }
    for t in &program.tiers {
        items.push(("tier", t.name.name.clone()));
    }
    for a in &program.attributions {
        items.push((
            "attribution",
            format!("{} ({})", a.method.as_str(), scope_key(&a.scope)),
        ));
    }
    for c in &program.commissions {
        if !matches!(c.window, WindowSpec::Unbounded) {
            items.push(("window", c.name.name.clone()));
        }
    }
    for s in &program.payouts {
        items.push(("payout_schedule", schedule_key(program, s)));
    }
    for c in &program.commissions {
        if let Some(s) = &c.payout {
            items.push(("payout_schedule", schedule_key(program, s)));
        }
    }
    let mut seen = BTreeSet::new();
    items.retain(|i| seen.insert(i.clone()));
    items
}

impl Coverage {
    /// Adds one scenario's run of `policy`: what its payouts exercised
    /// ([`charter_sim::Simulation::fired`]) and the standings it ended with.
    pub fn record(
        &mut self,
        policy: &str,
        checked: &CheckedProgram,
        scenario: &str,
        fired: Vec<Fired>,
        standings: &[charter_sim::Standing],
    ) {
        let program = checked.program();
        let entry = self
            .policies
            .entry(policy.to_string())
            .or_insert_with(|| PolicyCoverage {
                policy: policy.to_string(),
                scenarios: 0,
                items: universe(program)
                    .into_iter()
                    .map(|(kind, name)| Item {
                        kind,
                        name,
                        hits: 0,
                        scenarios: BTreeSet::new(),
                    })
                    .collect(),
            });
        entry.scenarios += 1;
        let mut hit = |kind: &'static str, name: String| {
            if let Some(item) = entry
                .items
                .iter_mut()
                .find(|i| i.kind == kind && i.name == name)
            {
                item.hits += 1;
                item.scenarios.insert(scenario.to_string());
            }
        };
        for fired in fired {
            let Fired {
                rule,
                bracket_rows,
                rate_tier,
                method,
                window,
                schedule,
                ..
            } = fired;
            hit("rule", rule.to_string());
            for row in bracket_rows {
                hit("bracket_row", bracket_key(rule, row));
            }
            if let Some(t) = rate_tier {
                hit("tier", t.to_string());
            }
            if let Some(m) = method {
                // The attribution rules of that method (one per scope).
                for a in program.attributions.iter().filter(|a| a.method == m) {
                    hit(
                        "attribution",
                        format!("{} ({})", a.method.as_str(), scope_key(&a.scope)),
                    );
                }
            }
            if window.is_some() {
                hit("window", rule.to_string());
            }
            if let Some(s) = schedule {
                hit("payout_schedule", schedule_key(program, s));
            }
        }
        for s in standings {
            if let Some(t) = &s.tier {
                hit("tier", t.clone());
            }
        }
    }

    /// One row per item, not-covered items marked, and a summary per policy.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        for p in self.policies.values() {
            let mut table = comfy_table::Table::new();
            table.load_style(comfy_table::presets::ASCII_MARKDOWN);
            table.set_header(["kind", "item", "hits", "covered"]);
            for i in &p.items {
                table.add_row([
                    i.kind.to_string(),
                    charter_diagnostics::text::escape_control(&i.name).into_owned(),
                    i.hits.to_string(),
                    if i.hits > 0 { "yes" } else { "NO" }.to_string(),
                ]);
            }
            out.push_str(&format!(
                "coverage of {} ({} scenarios): {} of {} items exercised\n",
                p.policy,
                p.scenarios,
                p.covered(),
                p.items.len()
            ));
            out.push_str(&table.to_string());
            out.push_str("\n\n");
        }
        out
    }

    /// `{"policies": [{policy, scenarios, covered, total, items: [...], not_covered}]}`.
    pub fn to_value(&self) -> serde_json::Value {
        #[derive(Serialize)]
        struct P<'a> {
            policy: &'a str,
            scenarios: usize,
            covered: usize,
            total: usize,
            items: &'a [Item],
            not_covered: Vec<String>,
        }
        let policies: Vec<P> = self
            .policies
            .values()
            .map(|p| P {
                policy: &p.policy,
                scenarios: p.scenarios,
                covered: p.covered(),
                total: p.items.len(),
                items: &p.items,
                not_covered: p
                    .items
                    .iter()
                    .filter(|i| i.hits == 0)
                    .map(|i| format!("{}: {}", i.kind, i.name))
                    .collect(),
            })
            .collect();
        serde_json::json!({ "policies": policies })
    }
}

/// One scenario's outcome for a JUnit report.
pub struct TestCase {
    pub name: String,
    /// `None`: passed; `Some(text)`: what failed.
    pub failure: Option<String>,
}

/// A JUnit XML report of one suite (`charter test --format junit`).
pub fn junit(cases: &[TestCase]) -> String {
    let mut report = quick_junit::Report::new("charter test");
    let mut suite = quick_junit::TestSuite::new("scenarios");
    for c in cases {
        let status = match &c.failure {
            None => quick_junit::TestCaseStatus::success(),
            Some(text) => {
                let mut s =
                    quick_junit::TestCaseStatus::non_success(quick_junit::NonSuccessKind::Failure);
                s.set_message(text.lines().next().unwrap_or("failed").to_string());
                s.set_description(text.clone());
                s
            }
        };
        let mut case = quick_junit::TestCase::new(c.name.clone(), status);
        case.set_classname("charter.scenario");
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- junit report failed: {e} -->\n"))
}
