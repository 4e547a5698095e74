//! Names that look alike but differ (C0205): `acme` and `аcme` (with a
//! Cyrillic `а`) are two partners a reviewer cannot tell apart.
//!
//! Two names are confusable when their Unicode TR39 skeletons are equal
//! (`unicode-security`, as rustc's `confusable_idents` lint). Definitions are
//! grouped by skeleton in one hash map: linear in the names, whatever their
//! number. As in rustc, a policy whose names are all ASCII is not examined:
//! TR39 also maps `rn` to `m`, and plain ASCII names are read as written.

use super::Context;
use crate::symbols::Symbol;
use charter_diagnostics::{Code, Diagnostic, Span};
use std::collections::HashMap;
use unicode_security::confusable_detection::skeleton;

/// A definition and where its name is written.
type Defined<'a> = (&'a Symbol, Span);

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let defined = || {
        cx.symbols
            .symbols
            .iter()
            .filter_map(|s| s.span.map(|span| (s, span)))
    };
    if defined().all(|(s, _)| s.name.is_ascii()) {
        return;
    }
    let mut groups: HashMap<String, Vec<Defined>> = HashMap::new();
    for (symbol, span) in defined() {
        groups
            .entry(skeleton(&symbol.name).collect())
            .or_default()
            .push((symbol, span));
    }
    for mut group in groups.into_values() {
        if group.len() < 2 {
            continue;
        }
        group.sort_by_key(|(_, span)| *span);
        // The first definition of each distinct name, in source order.
        let mut names: Vec<Defined> = Vec::new();
        for (symbol, span) in group {
            if !names.iter().any(|(n, _)| n.name == symbol.name) {
                names.push((symbol, span));
            }
        }
        let Some((first, others)) = names.split_first() else {
            continue;
        };
        for other in others {
            if first.0.name.is_ascii() && other.0.name.is_ascii() {
                continue;
            }
            out.push(confusable(*first, *other));
        }
    }
}

fn confusable((first, first_span): Defined, (other, span): Defined) -> Diagnostic {
    let letters: Vec<String> = other
        .name
        .chars()
        .filter(|c| !c.is_ascii() && !first.name.contains(*c))
        .map(|c| format!("`{c}` (U+{:04X})", u32::from(c)))
        .collect();
    let written = if letters.is_empty() {
        String::new()
    } else {
        format!("`{}` is written with {}; ", other.name, letters.join(", "))
    };
    Diagnostic::new(
        Code::ConfusableNames,
        format!(
            "{} `{}` looks like {} `{}`",
            other.kind.describe(),
            other.name,
            first.kind.describe(),
            first.name
        ),
        span,
    )
    .with_primary_label("looks the same, is a different name")
    .with_label(first_span, format!("`{}` is defined here", first.name))
    .with_help(format!(
        "{written}rename one of them so that the two read differently"
    ))
}
