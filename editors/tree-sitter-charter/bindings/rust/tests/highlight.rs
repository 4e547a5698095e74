//! The highlight tests of `test/highlight/`, in tree-sitter's format, run with
//! `tree-sitter-highlight` and the queries the crate ships (highlights and
//! locals), as `tree-sitter test` runs them: a comment line
//! `//   ^ keyword` asserts the highlight of the column of its `^` on the
//! nearest line above that is not an assertion; `// <- keyword` asserts the
//! highlight of the column its `//` starts at; `!keyword` asserts another.
//! The innermost highlight at that place is the one compared.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

struct Assertion {
    /// 1-based line of the assertion, for messages.
    line: usize,
    offset: usize,
    expected: String,
    negated: bool,
}

fn assertions(text: &str) -> Vec<Assertion> {
    let mut out = Vec::new();
    let mut line_start = 0;
    let mut target: Option<usize> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = line_start;
        line_start += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let marker = trimmed.strip_prefix("//").and_then(|rest| {
            let rest = rest.trim_start();
            rest.strip_prefix("<-").map(|r| (indent, r)).or_else(|| {
                rest.strip_prefix('^')
                    .map(|r| (line.find('^').unwrap_or(0), r))
            })
        });
        match (marker, target) {
            (Some((column, rest)), Some(target_start)) => {
                let name = rest.split_whitespace().next().unwrap_or("");
                let (negated, expected) = match name.strip_prefix('!') {
                    Some(n) => (true, n),
                    None => (false, name),
                };
                out.push(Assertion {
                    line: i + 1,
                    offset: target_start + column,
                    expected: expected.to_string(),
                    negated,
                });
            }
            _ => target = Some(start),
        }
    }
    out
}

/// The innermost highlight name at every byte of `text`.
fn highlights(config: &HighlightConfiguration, text: &str) -> Vec<Option<String>> {
    let names = config.names();
    let mut at = vec![None; text.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut highlighter = Highlighter::new();
    for event in highlighter
        .highlight(config, text.as_bytes(), None, |_| None)
        .unwrap()
    {
        match event.unwrap() {
            HighlightEvent::HighlightStart(h) => stack.push(h.0),
            HighlightEvent::HighlightEnd => {
                stack.pop();
            }
            HighlightEvent::Source { start, end } => {
                for slot in &mut at[start..end] {
                    *slot = stack.last().map(|&h| names[h].to_string());
                }
            }
        }
    }
    at
}

#[test]
fn highlight_tests_pass() {
    let mut config = HighlightConfiguration::new(
        tree_sitter_charter::LANGUAGE.into(),
        "charter",
        tree_sitter_charter::HIGHLIGHTS_QUERY,
        "",
        tree_sitter_charter::LOCALS_QUERY,
    )
    .unwrap();
    let names: Vec<String> = config.names().iter().map(|n| n.to_string()).collect();
    config.configure(&names);

    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("test/highlight");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in walkdir::WalkDir::new(&folder).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let at = highlights(&config, &text);
        let file = entry.file_name().to_string_lossy();
        for a in assertions(&text) {
            let actual = at.get(a.offset).cloned().flatten();
            let passed = (actual.as_deref() == Some(a.expected.as_str())) != a.negated;
            if !passed {
                failures.push(format!(
                    "{file}:{}: expected {}{}, found {}",
                    a.line,
                    if a.negated { "not " } else { "" },
                    a.expected,
                    actual.as_deref().unwrap_or("no highlight")
                ));
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} assertions");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_assertion_points_at_the_line_above_it() {
    let text = "tier Gold {\n// <- keyword\n//   ^ type\n}\n";
    let found: Vec<(usize, String)> = assertions(text)
        .into_iter()
        .map(|a| (a.offset, a.expected))
        .collect();
    assert_eq!(
        found,
        vec![(0, "keyword".to_string()), (5, "type".to_string())]
    );
}

#[test]
fn every_keyword_of_the_grammar_is_highlighted() {
    let language: tree_sitter::Language = tree_sitter_charter::LANGUAGE.into();
    let query = tree_sitter_charter::HIGHLIGHTS_QUERY;
    let missing: Vec<&str> = (0..language.node_kind_count() as u16)
        .filter(|&id| language.node_kind_is_visible(id) && !language.node_kind_is_named(id))
        .filter_map(|id| language.node_kind_for_id(id))
        .filter(|kind| kind.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .filter(|kind| !query.contains(&format!("\"{kind}\"")))
        .collect();
    assert!(
        missing.is_empty(),
        "not in queries/highlights.scm: {missing:?}"
    );
}
