//! The formatter over policies generated from the whole grammar (issue 15):
//! `grammar/charter.pest` itself is read (with `pest_meta`) and random
//! derivations of `item` are written out, so every item and clause form the
//! grammar has — including ones added later — is formatted. Each generated
//! policy must parse; `charter fmt` must then succeed, parse back to the same
//! syntax tree (spans aside) and be idempotent.
//!
//! Names, strings, numbers, dates, currencies and doc comments come from
//! small pools (the grammar's character classes cannot say which words are
//! reserved); everything else is derived from the grammar's rules. A second
//! test steers the choices towards rules not yet produced and checks that
//! every rule reachable from `item` is produced at least once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pest_meta::ast::{Expr, Rule, RuleType};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng};

/// Rules written from pools rather than derived (lexical rules whose
/// character classes would produce reserved words or unbalanced escapes).
const POOLS: &[(&str, &[&str])] = &[
    (
        "ident",
        &["Gold", "beta", "c_1", "Złoty", "партнёр", "x9", "_under"],
    ),
    (
        "string",
        &["\"plain\"", "\"Zażółć\"", "\"with \\\"quotes\\\"\"", "\"\""],
    ),
    ("number", &["1", "20", "12.5", "1_000", "0"]),
    ("date", &["2026-01-15", "2025-12-31"]),
    ("currency", &["EUR", "USD", "PLN"]),
    (
        "doc",
        &["/// A doc comment.\n", "///\n", "/// Документация.\n"],
    ),
];

/// Rules that only make sense around the items (not derived).
const SKIPPED: &[&str] = &["file", "item_chunk", "WHITESPACE", "COMMENT"];

fn grammar() -> Vec<Rule> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../grammar/charter.pest");
    let text = std::fs::read_to_string(path).unwrap();
    let pairs = pest_meta::parser::parse(pest_meta::parser::Rule::grammar_rules, &text).unwrap();
    pest_meta::parser::consume_rules(pairs).unwrap()
}

struct Generator<'g> {
    rules: HashMap<&'g str, &'g Rule>,
    rng: TestRng,
    /// How often each rule was produced.
    used: BTreeMap<String, usize>,
    /// Prefer alternatives holding rules not produced yet.
    steer: bool,
    /// The rules being produced, outermost first.
    stack: Vec<String>,
}

/// Past this many rules deep, the generator leaves recursive rules (`any of
/// { … }` holds requirements): it takes alternatives that cannot reach a rule
/// being produced, and repeats nothing optional.
const DEEP: usize = 40;

fn alternatives(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::Choice(a, b) => {
            let mut out = alternatives(a);
            out.extend(alternatives(b));
            out
        }
        other => vec![other],
    }
}

/// The rules `expr` names (outside lookaheads), at any depth within it.
fn named<'e>(expr: &'e Expr, out: &mut Vec<&'e str>) {
    match expr {
        Expr::Ident(name) => out.push(name),
        Expr::Seq(a, b) | Expr::Choice(a, b) => {
            named(a, out);
            named(b, out);
        }
        Expr::Opt(e) | Expr::Rep(e) | Expr::RepOnce(e) | Expr::Push(e) => named(e, out),
        Expr::RepExact(e, _)
        | Expr::RepMin(e, _)
        | Expr::RepMax(e, _)
        | Expr::RepMinMax(e, _, _) => named(e, out),
        _ => {}
    }
}

impl<'g> Generator<'g> {
    fn new(rules: &'g [Rule], seed: [u8; 32], steer: bool) -> Self {
        Generator {
            rules: rules.iter().map(|r| (r.name.as_str(), r)).collect(),
            rng: TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
            used: BTreeMap::new(),
            steer,
            stack: Vec::new(),
        }
    }

    /// How many rules not produced yet `expr` can reach (through the rules
    /// it names, at any depth).
    fn unused(&self, expr: &Expr) -> usize {
        let mut todo = Vec::new();
        named(expr, &mut todo);
        let mut seen = BTreeSet::new();
        let mut count = 0;
        while let Some(name) = todo.pop() {
            let Some(rule) = self.rules.get(name) else {
                continue;
            };
            if !seen.insert(name) {
                continue;
            }
            if !self.used.contains_key(name) {
                count += 1;
            }
            if !POOLS.iter().any(|(n, _)| *n == name) {
                named(&rule.expr, &mut todo);
            }
        }
        count
    }

    /// Whether `expr` can reach a rule being produced (through the rules it
    /// names, at any depth).
    fn recurses(&self, expr: &Expr) -> bool {
        let mut todo = Vec::new();
        named(expr, &mut todo);
        let mut seen = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if self.stack.iter().any(|s| s == name) {
                return true;
            }
            let Some(rule) = self.rules.get(name) else {
                continue;
            };
            if seen.insert(name) && !POOLS.iter().any(|(n, _)| *n == name) {
                named(&rule.expr, &mut todo);
            }
        }
        false
    }

    fn rule(&mut self, name: &str, out: &mut Vec<String>) {
        self.stack.push(name.to_owned());
        self.rule_body(name, out);
        self.stack.pop();
    }

    fn rule_body(&mut self, name: &str, out: &mut Vec<String>) {
        *self.used.entry(name.to_owned()).or_default() += 1;
        if let Some((_, pool)) = POOLS.iter().find(|(n, _)| *n == name) {
            let pick = pool[self.rng.random_range(0..pool.len())];
            out.push(pick.to_owned());
            return;
        }
        let rule = match self.rules.get(name) {
            Some(rule) => *rule,
            None => match name {
                "SOI" | "EOI" => return,
                other => panic!("the generator has no words for builtin `{other}`"),
            },
        };
        match rule.ty {
            RuleType::Atomic | RuleType::CompoundAtomic => {
                let mut parts = Vec::new();
                self.expr(&rule.expr, &mut parts);
                out.push(parts.concat());
            }
            _ => self.expr(&rule.expr, out),
        }
    }

    fn times(&mut self, expr: &Expr, min: u32, max: u32, out: &mut Vec<String>) {
        let mut n = self.rng.random_range(min..=max);
        if self.steer && n == 0 && self.unused(expr) > 0 {
            n = 1;
        }
        if self.stack.len() > DEEP {
            n = min;
        }
        for _ in 0..n {
            self.expr(expr, out);
        }
    }

    fn expr(&mut self, expr: &Expr, out: &mut Vec<String>) {
        match expr {
            Expr::Str(s) | Expr::Insens(s) => out.push(s.clone()),
            Expr::Range(from, _) => out.push(from.clone()),
            Expr::Ident(name) => self.rule(name, out),
            // Lookaheads consume nothing; the pools respect them.
            Expr::PosPred(_) | Expr::NegPred(_) => {}
            Expr::Seq(a, b) => {
                self.expr(a, out);
                self.expr(b, out);
            }
            Expr::Choice(..) => {
                let mut alts = alternatives(expr);
                if self.stack.len() > DEEP {
                    let flat: Vec<&Expr> =
                        alts.iter().copied().filter(|a| !self.recurses(a)).collect();
                    if !flat.is_empty() {
                        alts = flat;
                    }
                }
                let fresh: Vec<&Expr> = alts
                    .iter()
                    .copied()
                    .filter(|a| self.unused(a) > 0)
                    .collect();
                let pick = if self.steer && !fresh.is_empty() {
                    fresh[self.rng.random_range(0..fresh.len())]
                } else {
                    alts[self.rng.random_range(0..alts.len())]
                };
                self.expr(pick, out);
            }
            Expr::Opt(e) => self.times(e, 0, 1, out),
            Expr::Rep(e) => self.times(e, 0, 2, out),
            Expr::RepOnce(e) => self.times(e, 1, 2, out),
            Expr::RepExact(e, n) => self.times(e, *n, *n, out),
            Expr::RepMin(e, n) => self.times(e, *n, n + 1, out),
            Expr::RepMax(e, n) => self.times(e, 0, *n, out),
            Expr::RepMinMax(e, a, b) => self.times(e, *a, *b, out),
            other => panic!("the generator does not know `{other:?}`"),
        }
    }

    /// A policy of `items` items, each on its own line, with a `//` comment
    /// now and then between them.
    fn policy(&mut self, items: usize) -> String {
        let mut text = String::new();
        for i in 0..items {
            if self.rng.random_bool(0.2) {
                text.push_str(&format!("// comment {i}\n"));
            }
            let mut tokens = Vec::new();
            self.rule("item", &mut tokens);
            text.push_str(&tokens.join(" "));
            text.push('\n');
        }
        text
    }
}

/// Formats `policy` and checks the three properties.
fn check(policy: &str) -> Result<(), String> {
    let file = charter_diagnostics::FileId(0);
    let parsed = charter_syntax::parse(file, policy);
    if let Some(d) = parsed.diagnostics.first() {
        return Err(format!(
            "the generated policy does not parse: {}",
            d.message
        ));
    }
    let formatted = charter_fmt::format(policy).map_err(|e| format!("fmt refused it: {e}"))?;
    let again = charter_syntax::parse(file, &formatted);
    if let Some(d) = again.diagnostics.first() {
        return Err(format!(
            "the output does not parse: {}\n{formatted}",
            d.message
        ));
    }
    let tree = |ast: &charter_syntax::ast::SourceFileAst| {
        let mut v = serde_json::to_value(&ast.items).unwrap();
        strip_spans(&mut v);
        v
    };
    if tree(&parsed.ast) != tree(&again.ast) {
        return Err(format!("the output reads differently:\n{formatted}"));
    }
    let twice = charter_fmt::format(&formatted).map_err(|e| format!("second fmt: {e}"))?;
    if twice != formatted {
        return Err(format!("not idempotent:\n{formatted}\n---\n{twice}"));
    }
    Ok(())
}

/// Every span (an object of `file`, `start` and `end`) replaced by `null`.
fn strip_spans(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let is_span = map.len() == 3
                && ["file", "start", "end"]
                    .iter()
                    .all(|k| map.contains_key(*k));
            if is_span {
                *value = serde_json::Value::Null;
                return;
            }
            for v in map.values_mut() {
                strip_spans(v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

fn seed(n: u64) -> [u8; 32] {
    let mut s = [0u8; 32];
    s[..8].copy_from_slice(&n.to_le_bytes());
    s
}

proptest! {
    #![proptest_config(Config::with_cases(64))]
    #[test]
    fn generated_policies_format_to_the_same_tree_and_are_idempotent(n in any::<u64>()) {
        let rules = grammar();
        let mut generator = Generator::new(&rules, seed(n), false);
        let policy = generator.policy(6);
        if let Err(e) = check(&policy) {
            prop_assert!(false, "{e}\n--- generated:\n{policy}");
        }
    }
}

#[test]
fn every_rule_reachable_from_item_is_generated_and_formats() {
    let rules = grammar();
    // Reachable from `item`, not through a lookahead or a pooled rule.
    let by_name: HashMap<&str, &Rule> = rules.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut reachable = BTreeSet::new();
    let mut todo = vec!["item"];
    while let Some(name) = todo.pop() {
        if !by_name.contains_key(name) || !reachable.insert(name) {
            continue;
        }
        if POOLS.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let mut names = Vec::new();
        named(&by_name[name].expr, &mut names);
        todo.extend(names);
    }
    assert!(SKIPPED.iter().all(|s| !reachable.contains(s)));
    let mut generator = Generator::new(&rules, seed(15), true);
    for round in 0..200 {
        let policy = generator.policy(4);
        if let Err(e) = check(&policy) {
            panic!("round {round}: {e}\n--- generated:\n{policy}");
        }
        if reachable.iter().all(|r| generator.used.contains_key(*r)) {
            return;
        }
    }
    let missing: Vec<&&str> = reachable
        .iter()
        .filter(|r| !generator.used.contains_key(**r))
        .collect();
    panic!("rules never generated: {missing:?}");
}
