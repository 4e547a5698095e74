//! Shared by the differential test and the agreement count: the seed
//! policies, checked once, and the engine's result as an [`Outcome`].

#![allow(dead_code)]

use std::sync::OnceLock;

use charter_check::CheckedProgram;
use charter_reference::generate::Seed;
use charter_reference::{Outcome, Payout};
use charter_sim::{SimOptions, SimResult};

/// The seed policies' text, read at build time (so the fuzz target, which
/// includes this file, finds them too).
const POLICIES: [(Seed, &str); 5] = [
    (
        Seed::Optimetriks,
        include_str!("../../../../policies/optimetriks.charter"),
    ),
    (
        Seed::LeadSender,
        include_str!("../../../../policies/leadsender.charter"),
    ),
    (
        Seed::CimpactPro,
        include_str!("../../../../policies/cimpactpro.charter"),
    ),
    (
        Seed::Simpro,
        include_str!("../../../../policies/simpro.charter"),
    ),
    (
        Seed::FutureProcessing,
        include_str!("../../../../policies/future-processing.charter"),
    ),
];

pub fn checked(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    let programs = PROGRAMS.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(s, text)| {
                let mut db = charter_diagnostics::SourceDb::new();
                let root = db.add(s.file(), text.to_string());
                match charter_check::compile(db, root, &mut charter_check::FsReader).into_checked()
                {
                    Ok((checked, _, _)) => checked,
                    Err(c) => panic!("{} has errors: {:?}", s.file(), c.diagnostics),
                }
            })
            .collect()
    });
    let index = POLICIES.iter().position(|(s, _)| *s == seed).unwrap();
    &programs[index]
}

/// The engine's result in the reference's terms.
pub fn engine_outcome(result: &SimResult) -> Outcome {
    Outcome {
        as_of: result.as_of,
        payouts: result
            .payouts
            .iter()
            .map(|p| Payout {
                partner: p.partner.clone(),
                customer: p.customer.clone(),
                invoice: p.invoice.clone(),
                rule: p.rule.clone(),
                amount: p.amount,
                earned: p.earned,
                due: p.due,
                tax: p.tax,
                converted: p
                    .converted
                    .as_ref()
                    .map(|c| (c.currency.clone(), c.amount, c.tax)),
            })
            .collect(),
        totals: result
            .totals
            .iter()
            .map(|t| (t.partner.clone(), t.amount))
            .collect(),
        standings: result
            .standings
            .iter()
            .map(|s| (s.partner.clone(), s.tier.clone()))
            .collect(),
    }
}

/// How one generated scenario came out.
pub enum Verdict {
    Agree,
    /// The reference does not cover something the scenario or policy uses.
    Unsupported(String),
    Disagree(Vec<String>),
}

/// Runs the engine and the reference on the scenario `text` for `seed`.
pub fn judge(seed: Seed, text: &str) -> Verdict {
    judge_with(checked(seed), text)
}

/// The seed policies with `clawback on refund within 30 days` added to every
/// commission with a block, so generated refunds fall in and out of windows.
pub fn checked_with_windows(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    variant(&PROGRAMS, seed, "with windows", |_, l| {
        if l.starts_with("commission ") && l.trim_end().ends_with('{') {
            format!("{l}\n  clawback on refund within 30 days\n")
        } else {
            format!("{l}\n")
        }
    })
}

/// The seed policies with every commission paid `within 30 days after full
/// payment` (netting dropped), so that full payments meet collector filters
/// (LeadSender's `where collected_by`), refunds before the last payment and
/// brackets on sales (CimpactPro).
pub fn checked_after_full_payment(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    variant(&PROGRAMS, seed, "after full payment", |_, l| {
        let t = l.trim();
        if t == "settle netted" {
            String::new()
        } else if t.starts_with("payout within")
            || t.starts_with("payout monthly statement")
            || t == "payout netted at source"
        {
            "  payout within 30 days after full payment\n".to_string()
        } else {
            format!("{l}\n")
        }
    })
}

/// The seed policies with every commission capped per period in the
/// program's currency: at most 150 a month and 400 a quarter (LANGUAGE.md §4,
/// Caps per period), so that generated payments reach a cap, are cut to what
/// is left, find none left, and are refunded after a cut.
pub fn checked_with_caps(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    variant(&PROGRAMS, seed, "with caps", |seed, l| {
        if !l.trim_start().starts_with("commission ") {
            return format!("{l}\n");
        }
        let caps = format!(
            "  at most 150 {0} per month\n  at most 400 {0} per quarter\n",
            seed.currency()
        );
        if l.trim_end().ends_with('{') {
            format!("{l}\n{caps}")
        } else {
            format!("{l} {{\n{caps}}}\n")
        }
    })
}

/// The seed policies with `tax on top of commission` in the program block,
/// for scenarios whose partners give a `tax_rate` (LANGUAGE.md §4, Tax on
/// top): every payout taxed, clawbacks, netted payouts and bonuses alike.
pub fn checked_with_tax_on_top(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    variant(&PROGRAMS, seed, "with tax on top", |seed, l| {
        if l.trim() == format!("currency {}", seed.currency()) {
            format!("{l}\n  tax on top of commission\n")
        } else {
            format!("{l}\n")
        }
    })
}

/// The seed policies with a bounty of 100 per new customer added, capped at
/// 1 a month and 150 a quarter in the program's currency (LANGUAGE.md §4,
/// Fixed amounts per new customer, Caps per period): generated customers
/// paying first in the same month find the count cap reached, a second in
/// the quarter is cut to 50, and a refund takes back its share of a paid
/// (or cut) bounty.
pub fn checked_with_capped_bounty(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    rewritten(&PROGRAMS, seed, "with a capped bounty", |seed, text| {
        format!(
            "{text}\ncommission capped_bounty: 100 {0} per new customer {{\n  at most 1 per month\n  at most 150 {0} per quarter\n  clawback on refund\n}}\n",
            seed.currency()
        )
    })
}

/// The seed policies with every commission the vendor pays held `paid only
/// if active for 6 months` (LANGUAGE.md §4, Held for active partners; a
/// netted one cannot be held, C1007), for scenarios whose partners give a
/// `joined` date: payouts held past their due date, and forfeited when a
/// notice ends the contract before the hold does.
pub fn checked_held_for_active(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    rewritten(&PROGRAMS, seed, "held for active partners", |_, text| {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            out.push_str(l);
            out.push('\n');
            if !l.trim_start().starts_with("commission ") {
                continue;
            }
            let hold = "  paid only if active for 6 months\n";
            if !l.trim_end().ends_with('{') {
                out.insert_str(out.len() - 1, " {");
                out.push_str(hold);
                out.push_str("}\n");
                continue;
            }
            let indent = &l[..l.len() - l.trim_start().len()];
            let end = format!("{indent}}}");
            let mut block = lines[i + 1..].iter().take_while(|b| b.trim_end() != end);
            if !block.any(|b| b.contains("netted")) {
                out.push_str(hold);
            }
        }
        out
    })
}

/// The tiered seed policies (Simpro, Future Processing) with every
/// commission `cut back to 5% unless tier T within 6 months from joined`
/// (LANGUAGE.md §4, Cut back unless a tier is reached), T the tier above the
/// first (Select, Gold), for scenarios whose partners give a `joined` date:
/// deadlines before, on and after payments and refunds, tiers reached in time
/// or not. The other seeds have no tiers and stay as they are.
pub fn checked_cut_back(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    variant(&PROGRAMS, seed, "cut back", |seed, l| {
        cut_back_line(seed, l, "")
    })
}

/// [`checked_cut_back`] with `clawback on refund within 30 days` too: refunds
/// outside the window keep a share that the cut back cuts as well.
pub fn checked_cut_back_with_windows(seed: Seed) -> &'static CheckedProgram {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    variant(&PROGRAMS, seed, "cut back with windows", |seed, l| {
        cut_back_line(seed, l, "  clawback on refund within 30 days\n")
    })
}

/// A line of a tiered seed policy with its commissions cut back to 5%
/// unless the second tier within 6 months from joined, and `also` added.
fn cut_back_line(seed: Seed, l: &str, also: &str) -> String {
    let tier = match seed {
        Seed::Simpro => "Select",
        Seed::FutureProcessing => "Gold",
        Seed::Optimetriks | Seed::LeadSender | Seed::CimpactPro => return format!("{l}\n"),
    };
    if !l.trim_start().starts_with("commission ") {
        return format!("{l}\n");
    }
    let cut = format!("  cut back to 5% unless tier {tier} within 6 months from joined\n{also}");
    if l.trim_end().ends_with('{') {
        format!("{l}\n{cut}")
    } else {
        format!("{l} {{\n{cut}}}\n")
    }
}

/// Each seed policy with every line rewritten by `line` (given the seed),
/// checked once.
fn variant(
    programs: &'static OnceLock<Vec<CheckedProgram>>,
    seed: Seed,
    what: &str,
    line: fn(Seed, &str) -> String,
) -> &'static CheckedProgram {
    rewritten(programs, seed, what, |s, text| {
        text.lines().map(|l| line(s, l)).collect()
    })
}

/// Each seed policy's text rewritten by `rewrite` (given the seed), checked
/// once.
fn rewritten(
    programs: &'static OnceLock<Vec<CheckedProgram>>,
    seed: Seed,
    what: &str,
    rewrite: impl Fn(Seed, &str) -> String,
) -> &'static CheckedProgram {
    let programs = programs.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(s, text)| {
                let mut db = charter_diagnostics::SourceDb::new();
                let root = db.add(s.file(), rewrite(*s, text));
                match charter_check::compile(db, root, &mut charter_check::FsReader).into_checked()
                {
                    Ok((checked, _, _)) => checked,
                    Err(c) => panic!("{} {what} has errors: {:?}", s.file(), c.diagnostics),
                }
            })
            .collect()
    });
    let index = POLICIES.iter().position(|(s, _)| *s == seed).unwrap();
    &programs[index]
}

/// [`judge`] under `program`.
pub fn judge_with(program: &CheckedProgram, text: &str) -> Verdict {
    let scenario = charter_scenario::parse_str(text, "generated.json")
        .unwrap_or_else(|e| panic!("the generated scenario does not load: {e}\n{text}"));
    let engine = charter_sim::simulate(program, &scenario, &SimOptions::default());
    match charter_reference::simulate(program, &scenario, None) {
        Err(e) => Verdict::Unsupported(e.to_string()),
        Ok(reference) => {
            let differences =
                charter_reference::compare::differences(&reference, &engine_outcome(&engine));
            if differences.is_empty() {
                Verdict::Agree
            } else {
                Verdict::Disagree(differences)
            }
        }
    }
}

/// What in `expect` an outcome does not meet: every total and standing, and
/// each listed payout (partner, invoice, rule, amount and due date) once.
pub fn unmet(outcome: &Outcome, expect: &charter_scenario::Expectations) -> Vec<String> {
    let mut problems = Vec::new();
    for (partner, amount) in &expect.totals {
        let got = outcome
            .totals
            .iter()
            .find(|(p, _)| p == partner)
            .map(|(_, a)| *a);
        if got != Some(*amount) {
            problems.push(format!(
                "total of {partner}: expected {amount}, got {got:?}"
            ));
        }
    }
    for (partner, tier) in &expect.standings {
        let got = outcome
            .standings
            .iter()
            .find(|(p, _)| p == partner)
            .map(|(_, t)| t.clone());
        if got.as_ref() != Some(tier) {
            problems.push(format!(
                "standing of {partner}: expected {tier:?}, got {got:?}"
            ));
        }
    }
    let mut left = outcome.payouts.clone();
    for want in expect.payouts.iter().flatten() {
        let found = left.iter().position(|p| {
            p.partner == want.partner
                && p.invoice == want.invoice
                && want.rule.as_ref().is_none_or(|r| *r == p.rule)
                && p.amount == want.amount
                && want.due.is_none_or(|d| d == p.due)
                && want.tax.is_none_or(|t| Some(t) == p.tax)
                && want
                    .converted
                    .is_none_or(|c| p.converted.as_ref().map(|x| x.1) == Some(c))
        });
        match found {
            Some(i) => {
                left.remove(i);
            }
            None => problems.push(format!(
                "payout {} {:?} {:?} {} due {:?} tax {:?} not found",
                want.partner, want.invoice, want.rule, want.amount, want.due, want.tax
            )),
        }
    }
    if !problems.is_empty() {
        for p in &outcome.payouts {
            problems.push(format!(
                "  (has: {} {:?} {} {} earned {} due {} tax {:?})",
                p.partner, p.invoice, p.rule, p.amount, p.earned, p.due, p.tax
            ));
        }
    }
    problems
}

/// A class of disagreement between the engine and the reference that is
/// known and not fixed yet: the differential test counts a disagreeing case
/// whose scenario `applies` as known instead of failing, and the regression
/// test expects the engine to miss the file's `expect`. Remove an entry once
/// the engine is fixed (the regression test says when).
pub struct KnownDisagreement {
    pub class: &'static str,
    /// Under `tests/regressions/semantics/`.
    pub regression: &'static str,
    /// Whether a scenario can show the class.
    pub applies: fn(&CheckedProgram, &charter_scenario::Scenario) -> bool,
}

/// Empty: the engine agrees with the reference on every class found so far.
/// The two classes issue 16 found, each kept as a regression the engine now
/// meets, were fixed in the engine: the day a contract ends is still a
/// contract day (`contract_end_day_still_runs.json`), and a bonus needs the
/// program's requirements (`bonus_needs_program_requirements.json`).
pub const KNOWN_DISAGREEMENTS: &[KnownDisagreement] = &[];
