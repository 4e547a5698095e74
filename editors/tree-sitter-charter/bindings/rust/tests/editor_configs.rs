//! The editors' configuration files name this grammar, the language and the
//! server the same way: `charter`, `*.charter`, `charter lsp`, and the grammar
//! folder `editors/tree-sitter-charter`. Editors that are not on CI's machine
//! (Helix, Zed) are checked here at least for that.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn editors() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn toml_file(path: &str) -> toml::Table {
    let text = std::fs::read_to_string(editors().join(path)).unwrap();
    text.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn helix_declares_the_language_the_server_and_the_grammar() {
    let config = toml_file("helix/languages.toml");
    let language = &config["language"].as_array().unwrap()[0];
    assert_eq!(language["name"].as_str(), Some("charter"));
    assert_eq!(language["grammar"].as_str(), Some("charter"));
    assert_eq!(
        language["file-types"].as_array().unwrap()[0].as_str(),
        Some("charter")
    );
    assert_eq!(
        language["language-servers"].as_array().unwrap()[0].as_str(),
        Some("charter-lsp")
    );
    let server = &config["language-server"]["charter-lsp"];
    assert_eq!(server["command"].as_str(), Some("charter"));
    assert_eq!(server["args"].as_array().unwrap()[0].as_str(), Some("lsp"));
    let grammar = &config["grammar"].as_array().unwrap()[0];
    assert_eq!(grammar["name"].as_str(), Some("charter"));
    let path = grammar["source"]["path"].as_str().unwrap();
    assert!(path.ends_with("/editors/tree-sitter-charter"), "{path}");
    for query in ["highlights", "locals", "indents", "textobjects"] {
        let file = editors().join(format!("helix/runtime/queries/charter/{query}.scm"));
        assert!(file.is_file(), "{}", file.display());
    }
}

#[test]
fn zed_declares_the_language_the_server_and_the_grammar() {
    let extension = toml_file("zed/extension.toml");
    let grammar = &extension["grammars"]["charter"];
    assert_eq!(
        grammar["path"].as_str(),
        Some("editors/tree-sitter-charter")
    );
    assert!(grammar["repository"].as_str().is_some() && grammar["rev"].as_str().is_some());
    let server = &extension["language_servers"]["charter"];
    assert_eq!(
        server["languages"].as_array().unwrap()[0].as_str(),
        Some("Charter")
    );
    let language = toml_file("zed/languages/charter/config.toml");
    assert_eq!(language["name"].as_str(), Some("Charter"));
    assert_eq!(language["grammar"].as_str(), Some("charter"));
    assert_eq!(
        language["path_suffixes"].as_array().unwrap()[0].as_str(),
        Some("charter")
    );
    let lib = std::fs::read_to_string(editors().join("zed/src/lib.rs")).unwrap();
    assert!(lib.contains("\"lsp\"") && lib.contains("which(\"charter\")"));
}

#[test]
fn tree_sitter_json_names_the_language_and_this_version() {
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(editors().join("tree-sitter-charter/tree-sitter.json")).unwrap(),
    )
    .unwrap();
    let grammar = &config["grammars"][0];
    assert_eq!(grammar["name"], "charter");
    assert_eq!(grammar["scope"], "source.charter");
    assert_eq!(grammar["file-types"][0], "charter");
    assert_eq!(config["metadata"]["version"], env!("CARGO_PKG_VERSION"));
    let generated: serde_json::Value =
        serde_json::from_str(include_str!("../../../src/grammar.json")).unwrap();
    assert_eq!(generated["name"], "charter");
}
