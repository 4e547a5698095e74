//! Charter policies (`*.charter`) for [tree-sitter][]: the parser generated
//! from `grammar.js` and the queries editors use.
//!
//! ```
//! let code = "region DACH = [DE, AT, CH]\n";
//! let mut parser = tree_sitter::Parser::new();
//! let language = tree_sitter_charter::LANGUAGE;
//! parser.set_language(&language.into()).expect("the Charter grammar loads");
//! let tree = parser.parse(code, None).expect("a tree");
//! assert_eq!(tree.root_node().child(0).map(|n| n.kind()), Some("region"));
//! assert!(!tree.root_node().has_error());
//! ```
//!
//! `grammar.js` follows `grammar/charter.pest`, the reference grammar; the
//! tests in `bindings/rust/tests/` keep the two from drifting.
//!
//! [tree-sitter]: https://tree-sitter.github.io/

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_charter() -> *const ();
}

/// The tree-sitter [`LanguageFn`] of Charter.
///
/// [`LanguageFn`]: https://docs.rs/tree-sitter-language/*/tree_sitter_language/struct.LanguageFn.html
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_charter) };

/// The content of `src/node-types.json`: every node the parser builds.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// Highlights (`queries/highlights.scm`).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// Definitions, references and scopes (`queries/locals.scm`).
pub const LOCALS_QUERY: &str = include_str!("../../queries/locals.scm");

/// Foldable blocks (`queries/folds.scm`).
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

/// Indentation (`queries/indents.scm`).
pub const INDENTS_QUERY: &str = include_str!("../../queries/indents.scm");

#[cfg(test)]
mod tests {
    #[test]
    fn the_language_loads() {
        let mut parser = tree_sitter::Parser::new();
        assert!(parser.set_language(&super::LANGUAGE.into()).is_ok());
    }
}
