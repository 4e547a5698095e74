//! Range formatting for editors: the whole top-level items that a byte range
//! touches are formatted, and the result is one edit.
//!
//! The whole file is formatted (and verified) as usual; the edit then replaces
//! the source lines of the touched items, with the comments and blank lines
//! before them, by their formatted lines. Items are only cut where a line
//! ends, so two items written on one line are formatted together.

use std::ops::Range;

use charter_diagnostics::{FileId, Span, TextEdit};

use crate::{layout_file, parse, verify, FormatError};

/// The edit that formats the top-level items overlapping `range` (byte
/// offsets in `text`), or `None` when they are already formatted.
pub fn format_range(
    file: FileId,
    text: &str,
    range: Range<usize>,
) -> Result<Option<TextEdit>, FormatError> {
    let ast = parse(file, text)?;
    let (formatted, boundaries) = layout_file(&ast, text);
    verify::same_policy(&ast, &formatted)?;

    // Places where the source and the output can be cut in step: the start,
    // the end of every item's last line, and the end.
    let mut cuts: Vec<(usize, usize)> = vec![(0, 0)];
    cuts.extend(
        boundaries
            .iter()
            .filter_map(|b| b.src.map(|src| (src, b.out))),
    );
    cuts.push((text.len(), formatted.len()));

    let (lo_src, lo_out) = cuts
        .iter()
        .rev()
        .copied()
        .find(|&(src, _)| src <= range.start)
        .unwrap_or((0, 0));
    let (hi_src, hi_out) = cuts
        .iter()
        .copied()
        .find(|&(src, _)| src >= range.end && src > lo_src)
        .unwrap_or((text.len(), formatted.len()));

    let (Some(old), Some(new)) = (text.get(lo_src..hi_src), formatted.get(lo_out..hi_out)) else {
        return Err(FormatError::Unstable(
            "the range does not fall on item boundaries".to_string(),
        ));
    };
    if old == new {
        return Ok(None);
    }
    let mut edited = String::with_capacity(text.len());
    edited.push_str(text.get(..lo_src).unwrap_or_default());
    edited.push_str(new);
    edited.push_str(text.get(hi_src..).unwrap_or_default());
    verify::same_policy(&ast, &edited)?;
    Ok(Some(TextEdit {
        span: Span::new(file, lo_src, hi_src),
        replacement: new.to_string(),
    }))
}
