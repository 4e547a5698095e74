//! `charter_fmt::format(x)`: when it succeeds with `y`, `y` parses without
//! errors, `format(y) == y`, and `x` and `y` have the same syntax tree, the
//! same comments and the same IR (spans removed). The formatter must never
//! report `Unstable` (that is its own bug detector firing).

#![no_main]

use charter_diagnostics::FileId;
use charter_fmt::FormatError;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Replaces every span (`{file, start, end}`) by null.
fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.len() == 3
                && ["file", "start", "end"]
                    .iter()
                    .all(|k| map.contains_key(*k))
            {
                *value = Value::Null;
            } else {
                map.values_mut().for_each(strip);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// The syntax tree, comments and IR of a text, spans removed.
fn meaning(text: &str) -> (Value, Vec<String>, Value, Vec<String>) {
    let parse = charter_syntax::parse(FileId(0), text);
    assert!(
        parse.diagnostics.is_empty(),
        "{:?}\n{text}",
        parse.diagnostics
    );
    let mut tree = serde_json::to_value(&parse.ast.items).unwrap();
    strip(&mut tree);
    let comments = parse.ast.comments.iter().map(|c| c.text.clone()).collect();
    let lowered = charter_ir::lower(&[&parse.ast]);
    let mut ir = serde_json::to_value(&lowered.program).unwrap();
    strip(&mut ir);
    let mut codes: Vec<String> = lowered
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    codes.sort();
    (tree, comments, ir, codes)
}

fuzz_target!(|text: &str| {
    match charter_fmt::format(text) {
        Ok(formatted) => {
            let again = charter_fmt::format(&formatted).unwrap_or_else(|e| {
                panic!("the output does not format: {e}\n--- output\n{formatted}")
            });
            assert_eq!(again, formatted, "not idempotent");
            let before = meaning(text);
            let after = meaning(&formatted);
            assert_eq!(before.0, after.0, "the syntax tree changed");
            assert_eq!(before.1, after.1, "the comments changed");
            assert_eq!(before.2, after.2, "the IR changed");
            assert_eq!(before.3, after.3, "the lowering diagnostics changed");
        }
        Err(FormatError::Syntax(_)) => {}
        Err(FormatError::Unstable(reason)) => panic!("unstable formatting: {reason}"),
    }
});
