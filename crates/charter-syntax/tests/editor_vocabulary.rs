//! The editors' keyword lists are generated from the one vocabulary table
//! (`charter_syntax::vocabulary`): `editors/vocabulary.json`, which the VS Code
//! TextMate generator (`editors/vscode/scripts/build-grammar.mjs`) reads, and
//! the `syn keyword` lines of `editors/neovim/syntax/charter.vim`. This test
//! fails when either is not what the table gives; rewrite them with
//! `CHARTER_UPDATE_VOCABULARY=1 cargo test -p charter-syntax --test editor_vocabulary`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use charter_syntax::vocabulary::{
    clause_keywords, EVENT_KINDS, ITEM_KEYWORDS, KEYWORDS, KEYWORD_ONLY, UNIT_WORDS, VALUE_WORDS,
};

const GENERATED: &str = "GENERATED from crates/charter-syntax/src/vocabulary.rs by its test editor_vocabulary.rs (CHARTER_UPDATE_VOCABULARY=1 rewrites it): do not edit";

fn editors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors")
}

fn json_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn vocabulary_json() -> String {
    let values: Vec<String> = VALUE_WORDS
        .iter()
        .map(|(kind, words)| format!("    \"{kind}\": {}", json_list(words)))
        .collect();
    format!(
        "{{\n  \"comment\": \"{GENERATED}\",\n  \"keywords\": {},\n  \"item_keywords\": {},\n  \"keyword_only\": {},\n  \"event_kinds\": {},\n  \"unit_words\": {},\n  \"values\": {{\n{}\n  }},\n  \"clause_keywords\": {}\n}}\n",
        json_list(KEYWORDS),
        json_list(ITEM_KEYWORDS),
        json_list(KEYWORD_ONLY),
        json_list(EVENT_KINDS),
        json_list(UNIT_WORDS),
        values.join(",\n"),
        json_list(&clause_keywords()),
    )
}

/// `syn keyword GROUP w1 w2 ...` lines of at most 92 characters.
fn syn_keyword(group: &str, words: &[String]) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for w in words {
        if !line.is_empty() && line.len() + 1 + w.len() > 92 {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if line.is_empty() {
            line = format!("syn keyword {group}");
        }
        line.push(' ');
        line.push_str(w);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

const VIM_BEGIN: &str = "\" BEGIN vocabulary\n";
const VIM_END: &str = "\" END vocabulary\n";

fn vim_block() -> String {
    let owned = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let mut constants: Vec<String> = EVENT_KINDS
        .iter()
        .flat_map(|k| [k.to_string(), format!("{k}s")])
        .collect();
    constants.extend(
        VALUE_WORDS
            .iter()
            .flat_map(|(_, words)| words.iter())
            .filter(|w| !ITEM_KEYWORDS.contains(w))
            .map(|w| w.to_string()),
    );
    format!(
        "{VIM_BEGIN}\" {GENERATED}.\n\" Items (a new item starts at the start of a line).\n{}\" Clause keywords and connectives.\n{}\" Enumerated values: event kinds (also with a final `s`) and the values of closed sets.\n{}\" Duration units.\n{}{VIM_END}",
        syn_keyword("charterItem", &owned(ITEM_KEYWORDS)),
        syn_keyword("charterKeyword", &owned(&clause_keywords())),
        syn_keyword("charterConstant", &constants),
        syn_keyword("charterUnit", &owned(UNIT_WORDS)),
    )
}

fn with_vim_block(current: &str) -> Option<String> {
    let start = current.find(VIM_BEGIN)?;
    let end = current.find(VIM_END)? + VIM_END.len();
    Some(format!(
        "{}{}{}",
        &current[..start],
        vim_block(),
        &current[end..]
    ))
}

#[test]
fn editor_keyword_lists_are_generated_from_the_vocabulary() {
    let update = std::env::var_os("CHARTER_UPDATE_VOCABULARY").is_some();
    let json_path = editors().join("vocabulary.json");
    let vim_path = editors().join("neovim/syntax/charter.vim");
    let vim = std::fs::read_to_string(&vim_path).unwrap();
    let expected = [
        (json_path, vocabulary_json()),
        (
            vim_path,
            with_vim_block(&vim).expect("syntax/charter.vim has the BEGIN/END vocabulary lines"),
        ),
    ];
    let mut stale = Vec::new();
    for (path, want) in expected {
        if std::fs::read_to_string(&path).unwrap_or_default() != want {
            if update {
                std::fs::write(&path, want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (CHARTER_UPDATE_VOCABULARY=1 rewrites them): {stale:?}"
    );
}

#[test]
fn the_vim_block_names_every_keyword() {
    let block = vim_block();
    let words: Vec<&str> = block
        .lines()
        .filter(|l| l.starts_with("syn keyword"))
        .flat_map(|l| l.split_whitespace().skip(3))
        .collect();
    for k in KEYWORDS {
        assert!(words.contains(k), "{k}");
    }
}
