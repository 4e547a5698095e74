//! The public API beyond `format`: file ids in errors, range formatting.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_diagnostics::FileId;
use charter_fmt::{format, format_file, format_range, FormatError};

#[test]
fn syntax_errors_carry_the_callers_file_id() {
    let Err(FormatError::Syntax(diagnostics)) = format_file(FileId(7), "tiers A <\n") else {
        panic!("expected a syntax error");
    };
    assert!(!diagnostics.is_empty());
    assert!(diagnostics.iter().all(|d| d.primary.span.file == FileId(7)));
    let message = FormatError::Syntax(diagnostics).to_string();
    assert!(message.contains("not formatted"), "{message}");
}

#[test]
fn format_ast_prints_a_parsed_tree() {
    let text = "tiers  A<B\n";
    let parse = charter_syntax::parse(FileId(0), text);
    assert_eq!(charter_fmt::format_ast(&parse.ast, text), "tiers A < B\n");
}

fn apply(text: &str, range: std::ops::Range<usize>) -> Option<String> {
    let edit = format_range(FileId(0), text, range).unwrap()?;
    let mut out = text.to_string();
    out.replace_range(edit.span.range(), &edit.replacement);
    Some(out)
}

const MESSY: &str = "tiers  A<B\n\n\n// about the tier\ntier A {invite only}\nbenefit  x (y)\n";

/// The blank lines and comments before an item belong to it: they are
/// formatted with it, and the blank line before an untouched item is not.
const TIER_FORMATTED: &str =
    "tiers  A<B\n\n// about the tier\ntier A {\n  invite only\n}\nbenefit  x (y)\n";

#[test]
fn a_range_formats_only_the_items_it_touches() {
    let tier = MESSY.find("tier A").unwrap();
    assert_eq!(apply(MESSY, tier + 2..tier + 3).unwrap(), TIER_FORMATTED);
    let comment = MESSY.find("about").unwrap();
    assert_eq!(apply(MESSY, comment..comment).unwrap(), TIER_FORMATTED);
    assert_eq!(
        apply(MESSY, 0..MESSY.len()).unwrap(),
        format(MESSY).unwrap()
    );
}

#[test]
fn a_formatted_range_needs_no_edit() {
    let text = format(MESSY).unwrap();
    assert_eq!(format_range(FileId(0), &text, 0..text.len()).unwrap(), None);
    let text = "tiers A < B\ntier  A {}\n";
    assert_eq!(format_range(FileId(0), text, 0..3).unwrap(), None);
}

#[test]
fn items_sharing_a_line_are_formatted_together() {
    let text = "tiers A<B tier  A {}\nbenefit  x (y)\n";
    assert_eq!(
        apply(text, 0..2).unwrap(),
        "tiers A < B\n\ntier A {}\nbenefit  x (y)\n"
    );
}

#[test]
fn a_range_in_a_file_that_does_not_parse_is_an_error() {
    assert!(matches!(
        format_range(FileId(0), "tiers A <\n", 0..1),
        Err(FormatError::Syntax(_))
    ));
}
