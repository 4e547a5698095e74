//! `charter check --fix`: every machine-applicable fix, applied in memory,
//! checked again, and written once all are known (atomically per file, as
//! `charter fmt` writes), or shown as a diff with `--dry-run`.
//!
//! A diagnostic's first fix is applied; a fix whose edits overlap one taken
//! before in the same pass waits for the next pass, which starts from the
//! fixed texts checked again. Passes stop when nothing is left to fix.

use crate::config::Configs;
use crate::stdin::OverlayReader;
use charter_check::{compile_set, PolicySet};
use charter_diagnostics::{Diagnostic, FileId, TextEdit};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// At most this many passes: each fixes something, so they end; this bounds
/// fixes that would undo each other.
const MAX_PASSES: usize = 10;

/// One file the fixes changed.
pub struct Changed {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    /// What each fix applied to it did (its title, `CODE: title`), in order.
    pub fixes: Vec<String>,
}

/// The fixes applied, and the policies as they are after them.
pub struct Fixed {
    pub set: PolicySet,
    pub changed: Vec<Changed>,
}

/// Checks `files`, applies every fix and checks again until nothing is left
/// to fix; `reader` serves the fixed texts. Severities (and codes turned off,
/// whose fixes are not applied) come from `configs`.
pub fn fix(
    files: &[PathBuf],
    reader: &mut OverlayReader,
    configs: &mut Configs,
) -> Result<Fixed, String> {
    let mut changed: BTreeMap<PathBuf, Changed> = BTreeMap::new();
    let mut passes = 0;
    loop {
        let mut set = compile_set(files, reader);
        configs.apply(&set.db, &mut set.diagnostics)?;
        passes += 1;
        let edits = take_fixes(&set.diagnostics);
        if edits.is_empty() || passes > MAX_PASSES {
            let changed = changed
                .into_values()
                .filter(|c| c.before != c.after)
                .collect();
            return Ok(Fixed { set, changed });
        }
        for (file, (edits, titles)) in edits {
            let Some(source) = set.db.get(file) else {
                continue;
            };
            let path = PathBuf::from(set.db.path(file));
            let after = apply(&source.text, &edits);
            let entry = changed.entry(path.clone()).or_insert_with(|| Changed {
                path: path.clone(),
                before: source.text.to_string(),
                after: String::new(),
                fixes: Vec::new(),
            });
            entry.fixes.extend(titles);
            entry.after.clone_from(&after);
            reader.insert(&path, after);
        }
    }
}

/// The edits of every diagnostic's first fix, by file, leaving out a fix that
/// overlaps one taken; with what each fix taken does, by the file of its first edit.
fn take_fixes(diagnostics: &[Diagnostic]) -> BTreeMap<FileId, (Vec<TextEdit>, Vec<String>)> {
    let mut taken: BTreeMap<FileId, (Vec<TextEdit>, Vec<String>)> = BTreeMap::new();
    for d in diagnostics {
        let Some(fix) = d.fixes.first() else {
            continue;
        };
        let overlaps = fix.edits.iter().any(|e| {
            taken.get(&e.span.file).is_some_and(|(edits, _)| {
                edits.iter().any(|t| {
                    e.span.start < t.span.end && t.span.start < e.span.end
                        || e.span.start == t.span.start
                })
            })
        }) || fix.edits.iter().enumerate().any(|(i, e)| {
            fix.edits[..i].iter().any(|t| {
                t.span.file == e.span.file && e.span.start < t.span.end && t.span.start < e.span.end
            })
        });
        if overlaps || fix.edits.is_empty() {
            continue;
        }
        for e in &fix.edits {
            taken.entry(e.span.file).or_default().0.push(e.clone());
        }
        let primary = fix.edits[0].span.file;
        taken
            .entry(primary)
            .or_default()
            .1
            .push(format!("{}: {}", d.code.id(), fix.title));
    }
    taken
}

/// `text` with `edits` (which do not overlap) made.
fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut edits: Vec<&TextEdit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        let (Some(before), true) = (text.get(at..start), end <= text.len() && start <= end) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&e.replacement);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// Writes every changed file: each target is resolved first, so a file that
/// cannot be written (read-only, a FIFO, hard-linked) stops them all before
/// anything is written; then each is replaced atomically.
pub fn write(changed: &[Changed], skip: Option<&Path>) -> Result<(), String> {
    let mut targets = Vec::new();
    for c in changed.iter().filter(|c| Some(c.path.as_path()) != skip) {
        match charter_fs::WriteTarget::resolve(&c.path) {
            Ok(target) => targets.push((target, c)),
            Err(e) => {
                return Err(format!(
                    "cannot write `{}`: {e}; no fix was written",
                    c.path.display()
                ))
            }
        }
    }
    for (target, c) in targets {
        target
            .write(c.after.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", c.path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use charter_diagnostics::{FileId, Span};

    #[test]
    fn edits_apply_from_the_end_whatever_their_order() {
        let file = FileId(0);
        let edit = |start, end, text: &str| TextEdit {
            span: Span::new(file, start, end),
            replacement: text.to_string(),
        };
        assert_eq!(
            apply(
                "abcdef",
                &[edit(4, 6, "X"), edit(0, 1, ""), edit(2, 2, "+")]
            ),
            "b+cdX"
        );
    }
}
