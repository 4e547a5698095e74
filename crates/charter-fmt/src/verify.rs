//! The safety net: formatted text must parse again to the same syntax tree
//! (spans aside) with the same comments in the same order.

use charter_syntax::ast::SourceFileAst;
use serde_json::Value;

use crate::FormatError;

/// Checks that `formatted` holds the same policy and comments as `original`.
pub(crate) fn same_policy(original: &SourceFileAst, formatted: &str) -> Result<(), FormatError> {
    let unstable = |reason: String| Err(FormatError::Unstable(reason));
    let parse = charter_syntax::parse(original.file, formatted);
    if let Some(error) = parse.diagnostics.first() {
        return unstable(format!("the output does not parse: {}", error.message));
    }
    let before: Vec<&str> = original.comments.iter().map(|c| c.text.as_str()).collect();
    let after: Vec<&str> = parse.ast.comments.iter().map(|c| c.text.as_str()).collect();
    if before.len() != after.len() {
        return unstable(format!(
            "{} comments in the input, {} in the output",
            before.len(),
            after.len()
        ));
    }
    if let Some(i) = before.iter().zip(&after).position(|(a, b)| a != b) {
        return unstable(format!("comment {} changed: `{}`", i + 1, before[i]));
    }
    if original.items.len() != parse.ast.items.len() {
        return unstable(format!(
            "{} items in the input, {} in the output",
            original.items.len(),
            parse.ast.items.len()
        ));
    }
    for (i, (a, b)) in original.items.iter().zip(&parse.ast.items).enumerate() {
        if span_free(a)? != span_free(b)? {
            return unstable(format!(
                "item {} (`{}`) reads differently",
                i + 1,
                a.kind.keyword()
            ));
        }
    }
    Ok(())
}

/// A node as a JSON value with every span replaced by `null`.
pub(crate) fn span_free<T: serde::Serialize>(node: &T) -> Result<Value, FormatError> {
    let mut value = serde_json::to_value(node)
        .map_err(|e| FormatError::Unstable(format!("the syntax tree cannot be compared: {e}")))?;
    strip_spans(&mut value);
    Ok(value)
}

fn strip_spans(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_span = map.len() == 3
                && map.contains_key("file")
                && map.contains_key("start")
                && map.contains_key("end");
            if is_span {
                *value = Value::Null;
            } else {
                map.values_mut().for_each(strip_spans);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}
