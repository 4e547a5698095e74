//! Formatting through `charter-fmt`: the whole document, or the top-level
//! items a range touches. A document with syntax errors is never formatted
//! (no edits): the formatter refuses it rather than guess what a broken item
//! meant. The whole-document edit replaces only the part of the text that
//! changed, so the editor keeps the cursor and undo history tidy.

use crate::analysis::Analysis;
use tower_lsp_server::ls_types::{Range, TextEdit};

pub fn format(a: &Analysis) -> Option<Vec<TextEdit>> {
    let text = a.text();
    let formatted = charter_fmt::format_file(a.root(), text).ok()?;
    Some(minimal_edit(a, text, &formatted).into_iter().collect())
}

/// Formats the top-level items a range touches (the formatter cuts at item boundaries).
pub fn format_range(a: &Analysis, range: Range) -> Option<Vec<TextEdit>> {
    let (start, end) = (a.offset(range.start)?, a.offset(range.end)?);
    let edit =
        charter_fmt::format_range(a.root(), a.text(), start.min(end)..end.max(start)).ok()?;
    Some(
        edit.and_then(|e| {
            Some(TextEdit {
                range: a.range(e.span)?,
                new_text: e.replacement,
            })
        })
        .into_iter()
        .collect(),
    )
}

/// One edit replacing the differing middle of `old` with that of `new`.
fn minimal_edit(a: &Analysis, old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let range = Range {
        start: a.position(a.root(), prefix)?,
        end: a.position(a.root(), old.len() - suffix)?,
    };
    Some(TextEdit {
        range,
        new_text: new[prefix..new.len() - suffix].to_string(),
    })
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_suffix_stop_at_char_boundaries() {
        assert_eq!(common_prefix("zażółć", "zażółw"), "zażół".len());
        assert_eq!(common_suffix("аб в", "аб  в"), " в".len());
        assert_eq!(common_prefix("abc", "abc"), 3);
    }
}
