//! Property tests over generated policies: small valid programs built from
//! fragments, with random names, numbers, strings, doc comments, `//`
//! comments and whitespace between tokens. Formatting must succeed, keep the
//! syntax tree (spans aside) and every comment, and be idempotent.
//!
//! 64 cases by default; `PROPTEST_CASES` raises it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Tokens of one node; a token starting with `///` is a doc comment.
type Tokens = Vec<String>;

fn toks(words: &str) -> Tokens {
    words.split(' ').map(str::to_string).collect()
}

fn name() -> impl Strategy<Value = String> {
    "[a-z]{1,4}_[a-z0-9]{1,4}"
}

fn cap_name() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{2,6}"
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "[1-9][0-9]{0,3}",
        "[1-9]_[0-9]{3}",
        "[1-9][0-9]?\\.[0-9]{1,2}",
    ]
}

fn string() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\"plain\"",
        "\"Zażółć gęślą jaźń\"",
        "\"Партнерская программа\"",
        "\"with \\\"quotes\\\"\"",
        "\"back\\\\slash\"",
        "\"tab\\tand\\nnewline\"",
        "\"odd \\q escape\"",
        "\"\"",
    ])
    .prop_map(str::to_string)
}

fn doc() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(
        0.3,
        prop::sample::select(vec![
            "/// A doc comment.",
            "///no space",
            "//// four slashes",
            "/// Документация — ó, ł.",
            "///",
        ])
        .prop_map(str::to_string),
    )
}

fn with_doc(doc: Option<String>, mut tokens: Tokens) -> Tokens {
    if let Some(doc) = doc {
        tokens.insert(0, doc);
    }
    tokens
}

/// `number unit` as two tokens (the formatter joins `20 %` into `20%`).
fn quantity() -> impl Strategy<Value = Tokens> {
    (
        number(),
        prop::sample::select(vec!["%", "EUR", "days", "months", "business days", "year"]),
    )
        .prop_map(|(n, unit)| {
            let mut t = vec![n];
            t.extend(toks(unit));
            t
        })
}

fn member_clause() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        Just(toks("invite only")),
        (name(), 1..20u32).prop_map(|(q, n)| toks(&format!("require staff {q} >= {n}"))),
        string().prop_map(|s| vec!["require".into(), s]),
        name().prop_map(|a| toks(&format!("require agreement {a}"))),
        (quantity(), any::<bool>()).prop_map(|(q, full)| {
            let mut t = toks("payout within");
            t.extend(q);
            t.push("after".into());
            if full {
                t.push("full".into());
            }
            t.push("payment".into());
            t
        }),
        (name(), quantity()).prop_map(|(n, q)| {
            let mut t = toks(&format!("commission {n} : "));
            t.pop();
            t.extend(q);
            t.extend(toks("of payments on invoices , for lifetime"));
            t
        }),
        (1..9u32).prop_map(|n| toks(&format!(
            "attribute customer by referral {{ order within {n} months after referral }}"
        ))),
    ]
}

fn block(header: Tokens, clauses: Vec<(Option<String>, Tokens)>) -> Tokens {
    let mut t = header;
    t.push("{".into());
    for (doc, clause) in clauses {
        t.extend(with_doc(doc, clause));
    }
    t.push("}".into());
    t
}

fn item() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        prop::collection::vec(cap_name(), 1..4).prop_map(|names| {
            let mut t = vec!["tiers".to_string()];
            for (i, n) in names.into_iter().enumerate() {
                if i > 0 {
                    t.push("<".into());
                }
                t.push(n);
            }
            t
        }),
        (
            cap_name(),
            prop::collection::vec((doc(), member_clause()), 0..4)
        )
            .prop_map(|(n, clauses)| block(toks(&format!("tier {n}")), clauses)),
        (
            name(),
            prop::option::of((cap_name(), prop::option::of(string()))),
            prop::option::of(quantity()),
        )
            .prop_map(|(n, target, discount)| {
                let mut t = toks(&format!("benefit {n} ( marketing )"));
                if let Some((who, note)) = target {
                    t.extend(["for".to_string(), who]);
                    t.extend(note);
                }
                if let Some(q) = discount {
                    t.extend(toks("{ discount"));
                    t.extend(q);
                    t.extend(toks("on subscriptions }"));
                }
                t
            }),
        (name(), quantity(), quantity(), any::<bool>()).prop_map(|(n, rate, window, block)| {
            let mut t = toks(&format!("commission {n} :"));
            t.extend(rate);
            t.extend(toks("of payments on new invoices , within"));
            t.extend(window);
            t.push("from".into());
            t.push("first_invoice".into());
            if block {
                t.extend(toks("{ bounds 1% to 2 % clawback on refund }"));
            }
            t
        }),
        (name(), cap_name(), cap_name(), number(), number()).prop_map(|(n, a, b, x, y)| toks(
            &format!("commission {n} {{ rate by tier {{ {a} : {x} % , {b} : {y} % }} of payments }}")
        )),
        (name(), number(), number()).prop_map(|(n, x, y)| toks(&format!(
            "commission {n} {{ rate by sales over trailing 12 months , whole amount {{ below {x} EUR : 20 % from {x} EUR : {y} % }} }}"
        ))),
        (cap_name(), prop::collection::vec("[A-Z]{2}", 0..4)).prop_map(|(n, members)| {
            let mut t = toks(&format!("region {n} = ["));
            for (i, m) in members.into_iter().enumerate() {
                if i > 0 {
                    t.push(",".into());
                }
                t.push(m);
            }
            t.push("]".into());
            t
        }),
        (name(), quantity(), name()).prop_map(|(n, q, after)| {
            let mut t = toks(&format!("obligation {n} within"));
            t.extend(q);
            t.extend(toks(&format!("after {after} by vendor")));
            t
        }),
        name().prop_map(|n| toks(&format!("obligation {n}"))),
        (name(), string(), cap_name(), any::<bool>()).prop_map(|(id, display, region, excl)| {
            let mut t = vec!["partner".into(), id, display, "{".into(), "region".into(), region];
            if excl {
                t.push("exclusive".into());
            }
            t.extend(toks("contract signed }"));
            t
        }),
        (string(), name(), name()).prop_map(|(title, a, b)| {
            let mut t = vec!["program".into(), title];
            t.extend(toks(&format!(
                "{{ currency EUR agreements {a} , {b} claims first }}"
            )));
            t
        }),
        name().prop_map(|a| toks(&format!("require agreement {a}"))),
        (number(), number()).prop_map(|(x, y)| toks(&format!(
            "bonus big : {x} EUR once per year when sales over trailing 12 months >= {y} EUR"
        ))),
        Just(toks(
            "contract { term 1 year , renews after review notice 30 days in writing }"
        )),
        Just(toks("attribute customer by attachment , exclusive { existing customers on request }")),
        Just(toks("attribute customer by partner_sale of Starter { new customers only }")),
        (name(), quantity(), products(), filters(), window(), any::<bool>()).prop_map(
            |(n, rate, products, filters, (window, comma_ok), comma)| {
                // A product list ends the base, then any window: issue 15's
                // `for products A, B while customer pays`.
                let mut t = toks(&format!("commission {n} :"));
                t.extend(rate);
                t.extend(toks("of payments"));
                t.extend(filters);
                t.extend(toks("for products"));
                t.extend(products);
                if comma && comma_ok {
                    t.push(",".into());
                }
                t.extend(window);
                t
            }
        ),
        (products(), any::<bool>(), any::<bool>()).prop_map(|(products, excl, before)| {
            let mut t = toks("attribute customer by partner_sale of");
            t.extend(products);
            if excl {
                t.extend(toks(", exclusive"));
            }
            if before {
                t.extend(toks(", before installation"));
            }
            t
        }),
    ]
}

/// `A , B , C`: product names.
fn products() -> impl Strategy<Value = Tokens> {
    prop::collection::vec(cap_name(), 1..4).prop_map(|names| {
        let mut t = Vec::new();
        for (i, n) in names.into_iter().enumerate() {
            if i > 0 {
                t.push(",".into());
            }
            t.push(n);
        }
        t
    })
}

/// Base filters that may come before a product list.
fn filters() -> impl Strategy<Value = Tokens> {
    prop::sample::select(vec![
        "",
        "on invoices",
        "on new invoices",
        "on renewal invoices",
        "where collected_by vendor",
        "on new invoices where collected_by partner",
    ])
    .prop_map(|f| if f.is_empty() { Vec::new() } else { toks(f) })
}

/// Every window, and whether a comma may come before it after a list (a
/// `while` after `A ,` reads as one more name).
fn window() -> impl Strategy<Value = (Tokens, bool)> {
    prop_oneof![
        Just((toks("while customer pays"), false)),
        Just((toks("while contract active"), false)),
        Just((toks("for lifetime"), true)),
        (1..24u32).prop_map(|n| (toks(&format!("within {n} months from first_invoice")), true)),
        (1..24u32).prop_map(|n| (toks(&format!("within {n} months after attribution")), true)),
    ]
}

/// What goes between two tokens.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => Just(" ".to_string()),
        1 => Just("   ".to_string()),
        1 => Just("\n    ".to_string()),
        1 => Just("\t".to_string()),
        1 => comment_text().prop_map(|c| format!(" // {c}\n")),
        1 => comment_text().prop_map(|c| format!("\n// {c}\n")),
    ]
}

/// Comment text, braces included. It never ends with `}`: charter-syntax
/// decides whether a `benefit`, `commission` or `attribute` has a block by
/// looking at the end of its text, trailing comments included, so a comment
/// ending in `}` after a blockless one reads as a block (the formatter then
/// refuses with `Unstable` rather than write the file).
fn comment_text() -> impl Strategy<Value = String> {
    "[a-zA-Zа-я {}]{0,12}[a-z.]"
}

fn item_separator() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("\n".to_string()),
        3 => Just("\n\n".to_string()),
        1 => Just("\n\n\n".to_string()),
        1 => Just(" ".to_string()),
        1 => comment_text().prop_map(|c| format!("\n// {c}\n")),
        1 => comment_text().prop_map(|c| format!(" // {c}\n\n")),
    ]
}

/// A whole policy: items with optional docs, tokens joined by random separators.
fn policy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            doc(),
            item(),
            prop::collection::vec(separator(), 64),
            item_separator(),
        ),
        1..6,
    )
    .prop_map(|items| {
        let mut text = String::new();
        for (doc, tokens, separators, after) in items {
            let tokens = with_doc(doc, tokens);
            for (i, token) in tokens.iter().enumerate() {
                if i > 0 {
                    let previous_is_doc = tokens[i - 1].starts_with("///");
                    if previous_is_doc || token.starts_with("///") {
                        text.push('\n');
                    } else {
                        text.push_str(&separators[i % separators.len()]);
                    }
                }
                text.push_str(token);
            }
            text.push_str(&after);
        }
        text
    })
}

fn span_free(text: &str) -> (serde_json::Value, Vec<String>) {
    let parse = charter_syntax::parse(Default::default(), text);
    assert!(
        parse.diagnostics.is_empty(),
        "{:?}\n{text}",
        parse.diagnostics
    );
    let mut value = serde_json::to_value(&parse.ast.items).unwrap();
    strip(&mut value);
    let comments = parse.ast.comments.into_iter().map(|c| c.text).collect();
    (value, comments)
}

fn strip(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.len() == 3
                && ["file", "start", "end"]
                    .iter()
                    .all(|k| map.contains_key(*k))
            {
                *value = serde_json::Value::Null;
            } else {
                map.values_mut().for_each(strip);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        // Failures are printed with their input; no regression files.
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_policies_format_idempotently_and_keep_their_meaning(text in policy()) {
        let once = charter_fmt::format(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n--- input\n{text}")))?;
        let twice = charter_fmt::format(&once)
            .map_err(|e| TestCaseError::fail(format!("{e}\n--- once\n{once}")))?;
        prop_assert_eq!(&once, &twice, "not idempotent; input:\n{}", text);
        let (tree_in, comments_in) = span_free(&text);
        let (tree_out, comments_out) = span_free(&once);
        prop_assert_eq!(tree_in, tree_out);
        prop_assert_eq!(comments_in, comments_out);
        prop_assert!(once.ends_with('\n') && !once.ends_with("\n\n"));
        prop_assert!(!once.lines().any(|l| l.ends_with(' ') || l.contains('\t') && !l.contains("//") && !l.contains('"')));
    }
}
