//! The editors' copies of the queries (`editors/helix`, `editors/zed`,
//! `editors/neovim`) are made from `queries/` by the rules below, and every
//! query file of every editor compiles against the grammar, so a renamed node
//! cannot leave an editor without highlighting.
//!
//! After changing `queries/`, rewrite the copies with
//! `CHARTER_UPDATE_QUERIES=1 cargo test -p tree-sitter-charter --test editor_queries`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn editors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Helix names some captures its own way, and lets the first matching pattern
/// win: the catch-all `(ident) @variable` goes last.
fn for_helix(highlights: &str) -> String {
    let catch_all =
        "; Any name; the patterns below say which names are which.\n(ident) @variable\n";
    let body = highlights.replace(catch_all, "");
    let body = body.replace(
        "; Where two patterns capture one node the last one wins (tree-sitter's\n; highlighter since 0.23, Neovim, Zed), so the catch-all `(ident) @variable`\n; comes first; Helix lets the first win, and its copy puts it last.\n",
        "; Helix's copy of editors/tree-sitter-charter/queries/highlights.scm, made by\n; its test editor_queries.rs: Helix's capture names, and the catch-all\n; `(ident) @variable` last, since in Helix the first matching pattern wins.\n",
    );
    let renamed = rename(
        &body,
        &[
            ("@comment.documentation", "@comment.block.documentation"),
            ("@number", "@constant.numeric"),
            ("@module", "@namespace"),
            ("@type.definition", "@type"),
        ],
    );
    format!(
        "{}\n; Any other name.\n(ident) @variable\n",
        renamed.trim_end()
    )
}

/// Zed reads nvim-treesitter's names, falling back on the part before a dot,
/// but has no `module` and calls doc comments `comment.doc`.
fn for_zed(highlights: &str) -> String {
    let body = highlights.replace(
        "; Where two patterns capture one node the last one wins (tree-sitter's\n; highlighter since 0.23, Neovim, Zed), so the catch-all `(ident) @variable`\n; comes first; Helix lets the first win, and its copy puts it last.\n",
        "; Zed's copy of editors/tree-sitter-charter/queries/highlights.scm, made by\n; its test editor_queries.rs with Zed's capture names.\n",
    );
    rename(
        &body,
        &[
            ("@comment.documentation", "@comment.doc"),
            ("@module", "@namespace"),
        ],
    )
}

fn for_neovim(query: &str) -> String {
    query.to_string()
}

fn rename(query: &str, names: &[(&str, &str)]) -> String {
    query
        .lines()
        .map(|line| {
            let mut line = line.to_string();
            for (from, to) in names {
                // Whole capture names only: `@number` but not `@numbers`.
                if let Some(i) = line.find(from) {
                    let after = &line[i + from.len()..];
                    if after.is_empty() || after.starts_with([' ', ')', ']']) {
                        line = format!("{}{to}{after}", &line[..i]);
                    }
                }
            }
            line + "\n"
        })
        .collect()
}

/// How one editor's copy is made from one query of `queries/`.
type Rule = fn(&str) -> String;

/// (copy, made from, rule)
fn copies() -> Vec<(PathBuf, &'static str, Rule)> {
    let e = editors();
    vec![
        (
            e.join("helix/runtime/queries/charter/highlights.scm"),
            "highlights.scm",
            for_helix,
        ),
        (
            e.join("helix/runtime/queries/charter/locals.scm"),
            "locals.scm",
            for_neovim,
        ),
        (
            e.join("zed/languages/charter/highlights.scm"),
            "highlights.scm",
            for_zed,
        ),
        (
            e.join("neovim/queries/charter/highlights.scm"),
            "highlights.scm",
            for_neovim,
        ),
        (
            e.join("neovim/queries/charter/locals.scm"),
            "locals.scm",
            for_neovim,
        ),
        (
            e.join("neovim/queries/charter/folds.scm"),
            "folds.scm",
            for_neovim,
        ),
        (
            e.join("neovim/queries/charter/indents.scm"),
            "indents.scm",
            for_neovim,
        ),
    ]
}

#[test]
fn editor_copies_are_made_from_the_queries() {
    let update = std::env::var_os("CHARTER_UPDATE_QUERIES").is_some();
    let queries = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut stale = Vec::new();
    for (copy, source, rule) in copies() {
        let expected = rule(&std::fs::read_to_string(queries.join(source)).unwrap());
        let actual = std::fs::read_to_string(&copy).unwrap_or_default();
        if actual != expected {
            if update {
                std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
                std::fs::write(&copy, expected).unwrap();
            } else {
                stale.push(copy.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (CHARTER_UPDATE_QUERIES=1 rewrites them): {stale:#?}"
    );
}

#[test]
fn every_query_of_every_editor_compiles() {
    let language: tree_sitter::Language = tree_sitter_charter::LANGUAGE.into();
    let mut compiled = 0;
    let mut failures = Vec::new();
    for folder in ["tree-sitter-charter/queries", "helix", "zed", "neovim"] {
        for entry in walkdir::WalkDir::new(editors().join(folder)).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "scm") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            match tree_sitter::Query::new(&language, &text) {
                Ok(_) => compiled += 1,
                Err(e) => failures.push(format!("{}: {e}", entry.path().display())),
            }
        }
    }
    assert!(compiled >= 12, "only {compiled} query files");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn renaming_keeps_longer_names() {
    assert_eq!(
        rename(
            "(a) @number\n(b) @numbers\n",
            &[("@number", "@constant.numeric")]
        ),
        "(a) @constant.numeric\n(b) @numbers\n"
    );
}
