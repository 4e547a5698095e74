//! The tree-sitter grammar against the pest grammar (`grammar/charter.pest`),
//! the reference, on every policy the project tests with:
//! - a policy pest accepts parses here without an ERROR or MISSING node, and
//!   both grammars find the same top-level items and the same tree below them;
//! - a policy pest rejects has an ERROR (or MISSING) node here;
//! - every keyword of Charter's vocabulary is a word of this grammar, and the
//!   other way round.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use charter_syntax::grammar::{CharterParser, Rule};
use pest::iterators::Pair;
use pest::Parser as _;
use tree_sitter::{Node, Parser, Tree};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.charter` file (regular, UTF-8) under the given folders of the repository.
fn policies(folders: &[&str]) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for folder in folders {
        // A folder that cannot be read (a regression test's on purpose) is skipped.
        let walk = walkdir::WalkDir::new(repo_root().join(folder)).sort_by_file_name();
        for entry in walk.into_iter().filter_map(Result::ok) {
            let is_policy = entry.path().extension().is_some_and(|e| e == "charter");
            if !entry.file_type().is_file() || !is_policy {
                continue;
            }
            // Some regression folders hold a policy that is not UTF-8 on purpose.
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                out.push((entry.path().to_path_buf(), text));
            }
        }
    }
    assert!(!out.is_empty(), "no policy under {folders:?}");
    out
}

/// Every folder of the repository holding test policies.
const TEST_POLICIES: &[&str] = &[
    "policies",
    "tests",
    "crates/charter-fmt/tests/data",
    "editors/vscode/test",
];

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_charter::LANGUAGE.into())
        .unwrap();
    parser.parse(text, None).unwrap()
}

/// The first ERROR or MISSING node, as `line:column kind`.
fn first_error(node: Node) -> Option<String> {
    if !node.has_error() {
        return None;
    }
    if node.is_error() || node.is_missing() {
        let at = node.start_position();
        let what = if node.is_missing() {
            format!("MISSING {}", node.kind())
        } else {
            "ERROR".to_string()
        };
        return Some(format!("{}:{} {what}", at.row + 1, at.column + 1));
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    children.into_iter().find_map(first_error)
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_good_policy_parses_without_errors() {
    let mut failures = Vec::new();
    for (path, text) in policies(&["policies", "tests/check/pass"]) {
        if let Some(error) = first_error(parse(&text).root_node()) {
            failures.push(format!("{}:{error}", relative(&path)));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_syntax_error_of_pest_is_an_error_here() {
    let mut rejected = 0;
    let mut failures = Vec::new();
    for (path, text) in policies(&["tests/check/fail"]) {
        if CharterParser::parse(Rule::file, &text).is_ok() {
            continue;
        }
        rejected += 1;
        if !parse(&text).root_node().has_error() {
            failures.push(relative(&path));
        }
    }
    assert!(
        rejected > 0,
        "no policy of tests/check/fail has a syntax error"
    );
    assert!(
        failures.is_empty(),
        "parsed without an error: {failures:#?}"
    );
}

/// A node of either tree: its rule, where it starts and where it ends.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    rule: String,
    start: usize,
    end: usize,
    children: Vec<Shape>,
}

/// pest spans end after the whitespace and comments a trailing `x?` or `x*`
/// skipped before it matched nothing; tree-sitter's end at the last token.
/// `text[end..]` is cut back to the last token.
fn trim_trivia(text: &str, start: usize, end: usize) -> usize {
    let mut end = end;
    loop {
        let before = text[start..end].trim_end_matches([' ', '\t', '\r', '\n', '\u{feff}']);
        let trimmed = start + before.len();
        // A `//` comment (not a `///` doc comment) ending the span: cut it and look again.
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &before[line_start..];
        let comment = line
            .match_indices("//")
            .map(|(i, _)| i)
            .find(|&i| !inside_string(&line[..i]));
        match comment {
            Some(i) if !line[i..].starts_with("///") => end = start + line_start + i,
            _ => return trimmed,
        }
    }
}

/// Whether a line prefix leaves a string open.
fn inside_string(prefix: &str) -> bool {
    let mut open = false;
    let mut escaped = false;
    for c in prefix.chars() {
        match c {
            '\\' if open && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => open = !open,
            _ => {}
        }
        escaped = false;
    }
    open
}

/// pest rules that are not nodes of the tree-sitter grammar: the wrappers of a
/// top-level item (its docs become the item's siblings) and the inside of atoms.
fn pest_shapes(pair: Pair<Rule>, text: &str, out: &mut Vec<Shape>) {
    match pair.as_rule() {
        Rule::EOI | Rule::string_inner | Rule::doc_text => {}
        Rule::item | Rule::file => {
            for inner in pair.into_inner() {
                pest_shapes(inner, text, out);
            }
        }
        rule => {
            let span = pair.as_span();
            let rule = match rule {
                Rule::doc => "doc_comment".to_string(),
                other => format!("{other:?}"),
            };
            let mut children = Vec::new();
            for inner in pair.into_inner() {
                pest_shapes(inner, text, &mut children);
            }
            out.push(Shape {
                rule,
                start: span.start(),
                end: trim_trivia(text, span.start(), span.end()),
                children,
            });
        }
    }
}

fn tree_sitter_shapes(node: Node, out: &mut Vec<Shape>) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if child.kind() == "comment" {
            continue;
        }
        let mut children = Vec::new();
        tree_sitter_shapes(child, &mut children);
        out.push(Shape {
            rule: child.kind().to_string(),
            start: child.start_byte(),
            end: child.end_byte(),
            children,
        });
    }
}

/// The top-level items as `rule start..end`, each from its first doc comment.
fn items(shapes: &[Shape]) -> Vec<String> {
    let mut out = Vec::new();
    let mut docs_from = None;
    for shape in shapes {
        if shape.rule == "doc_comment" {
            docs_from.get_or_insert(shape.start);
        } else {
            let start = docs_from.take().unwrap_or(shape.start);
            out.push(format!("{} {start}..{}", shape.rule, shape.end));
        }
    }
    out
}

/// Where two trees first differ.
fn first_difference(pest: &[Shape], ts: &[Shape], text: &str) -> Option<String> {
    for (i, (p, t)) in pest.iter().zip(ts).enumerate() {
        if (p.rule.as_str(), p.start, p.end) != (t.rule.as_str(), t.start, t.end) {
            return Some(format!(
                "child {i}: pest {} `{}`, tree-sitter {} `{}`",
                p.rule,
                &text[p.start..p.end],
                t.rule,
                &text[t.start..t.end]
            ));
        }
        if let Some(d) = first_difference(&p.children, &t.children, text) {
            return Some(format!("in {} at {}: {d}", p.rule, p.start));
        }
    }
    (pest.len() != ts.len())
        .then(|| format!("pest has {} children, tree-sitter {}", pest.len(), ts.len()))
}

#[test]
fn both_grammars_agree_on_every_test_policy() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for (path, text) in policies(TEST_POLICIES) {
        let tree = parse(&text);
        let name = relative(&path);
        let Ok(mut pairs) = CharterParser::parse(Rule::file, &text) else {
            if !tree.root_node().has_error() {
                failures.push(format!("{name}: pest rejects it, tree-sitter accepts it"));
            }
            continue;
        };
        if let Some(error) = first_error(tree.root_node()) {
            failures.push(format!("{name}:{error}: pest accepts it"));
            continue;
        }
        let mut pest = Vec::new();
        pest_shapes(pairs.next().unwrap(), &text, &mut pest);
        let mut ts = Vec::new();
        tree_sitter_shapes(tree.root_node(), &mut ts);
        let (pest_items, ts_items) = (items(&pest), items(&ts));
        if pest_items != ts_items {
            failures.push(format!(
                "{name}: top-level items differ\n  pest:        {pest_items:?}\n  tree-sitter: {ts_items:?}"
            ));
        } else if let Some(d) = first_difference(&pest, &ts, &text) {
            failures.push(format!("{name}: {d}"));
        }
        compared += 1;
    }
    assert!(compared > 20, "only {compared} policies compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every word spelled in `grammar.js` (the `STRING` members of `src/grammar.json`).
fn grammar_words() -> Vec<String> {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("type").and_then(|t| t.as_str()) == Some("STRING") {
                    if let Some(word) = map.get("value").and_then(|v| v.as_str()) {
                        let is_word = word.len() > 1
                            && word.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                        if is_word {
                            out.push(word.to_string());
                        }
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let grammar: serde_json::Value =
        serde_json::from_str(include_str!("../../../src/grammar.json")).unwrap();
    let mut out = Vec::new();
    walk(&grammar, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn the_grammar_words_are_the_vocabulary() {
    use charter_syntax::vocabulary::{EVENT_KINDS, KEYWORDS};
    let words = grammar_words();
    let missing: Vec<&&str> = KEYWORDS
        .iter()
        .filter(|k| !words.iter().any(|w| w == *k))
        .collect();
    assert!(missing.is_empty(), "not in grammar.js: {missing:?}");
    // Besides the vocabulary, only an event kind with a final `s` (`orders`),
    // which pest also accepts (`event_kind ~ "s"?`).
    let extra: Vec<&String> = words
        .iter()
        .filter(|w| !KEYWORDS.contains(&w.as_str()))
        .filter(|w| {
            !w.strip_suffix('s')
                .is_some_and(|kind| EVENT_KINDS.contains(&kind))
        })
        .collect();
    assert!(extra.is_empty(), "not in the vocabulary: {extra:?}");
}

/// A VS Code snippet body with every field at its default: `${1:x}` is `x`,
/// `${2|a,b|}` is `a`, `$0` is nothing, `${CURRENT_YEAR}` a fixed date part.
fn expand_snippet(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            // The matching `}` (fields nest: `${6:${CURRENT_YEAR}-01}`).
            let mut depth = 1;
            let end = inner
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map(|(j, _)| j)
                .unwrap();
            let field = &inner[..end];
            let name_end = field
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(field.len());
            let (name, after) = field.split_at(name_end);
            out.push_str(&match after.chars().next() {
                Some(':') => expand_snippet(&after[1..]),
                Some('|') => after[1..].split([',', '|']).next().unwrap().to_string(),
                _ => match name {
                    "CURRENT_YEAR" => "2026".to_string(),
                    "CURRENT_MONTH" => "01".to_string(),
                    "CURRENT_DATE" => "15".to_string(),
                    _ => String::new(),
                },
            });
            rest = &inner[end + 1..];
        } else {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn every_vscode_snippet_is_a_policy_both_grammars_accept() {
    let path = repo_root().join("editors/vscode/snippets/charter.json");
    let snippets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    let snippets = snippets.as_object().unwrap();
    assert!(snippets.len() >= 10);
    for (name, snippet) in snippets {
        let body: Vec<&str> = snippet["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let text = expand_snippet(&body.join("\n"));
        if let Err(e) = CharterParser::parse(Rule::file, &text) {
            failures.push(format!("{name}: pest: {e}\n{text}"));
        }
        if let Some(error) = first_error(parse(&text).root_node()) {
            failures.push(format!("{name}: tree-sitter {error}\n{text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn snippet_fields_expand_to_their_defaults() {
    assert_eq!(
        expand_snippet("a ${1:x} ${2|p,q|} ${3:${CURRENT_YEAR}-1} $0"),
        "a x p 2026-1 "
    );
}

/// Every node of the given kinds, as byte ranges, in order.
fn ranges_of(node: Node, kinds: &[&str], out: &mut Vec<(usize, usize)>) {
    if kinds.contains(&node.kind()) {
        out.push((node.start_byte(), node.end_byte()));
        return;
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    for child in children {
        ranges_of(child, kinds, out);
    }
}

#[test]
fn the_lexer_and_tree_sitter_agree_on_comments_and_strings() {
    use charter_syntax::lexer::{self, TokenKind};
    let mut failures = Vec::new();
    // Lines ended by a lone `\r` too, which no test policy has.
    let old_mac = "tier A {\r  // c\r  require \"x\\\"y\" // e\r}\r/// d\rtiers A < B\r";
    let mut samples = policies(TEST_POLICIES);
    samples.push((PathBuf::from("lone-carriage-returns"), old_mac.to_string()));
    for (path, text) in samples {
        let tree = parse(&text);
        if tree.root_node().has_error() {
            assert!(path.exists(), "{text:?} has an error");
            continue;
        }
        for (kinds, what) in [
            (&["comment"][..], TokenKind::Comment),
            (&["doc_comment"][..], TokenKind::DocComment),
            (&["string"][..], TokenKind::String { closed: true }),
        ] {
            let mut ts = Vec::new();
            ranges_of(tree.root_node(), kinds, &mut ts);
            let lexed: Vec<(usize, usize)> = lexer::tokens(&text)
                .filter(|t| t.kind == what)
                .map(|t| (t.start, t.end))
                .collect();
            if ts != lexed {
                failures.push(format!("{}: {what:?} differ", relative(&path)));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
