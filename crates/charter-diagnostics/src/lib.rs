//! The one diagnostic model of Charter.
//!
//! Every phase (parse, lower, check, simulate) reports [`Diagnostic`]s; the CLI
//! renders them with [`render`] and the language server converts them to LSP.

pub mod codes;
pub mod diagnostic;
pub mod render;
pub mod source;
pub mod text;

pub use codes::{Code, CodeInfo};
pub use diagnostic::{sort_diagnostics, Diagnostic, Fix, Label, Severity, TextEdit};
pub use source::{FileId, SourceDb, SourceFile, Span};

/// Names closest to `name` among `candidates`, for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&name.to_lowercase(), &candidate.to_lowercase());
        let limit = (name.chars().count().max(3)) / 3 + 1;
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("Selcet", ["Registered", "Select", "Premier"]),
            Some("Select")
        );
        assert_eq!(did_you_mean("zzz", ["Registered", "Select"]), None);
    }

    #[test]
    fn every_code_has_unique_id_and_name() {
        let mut ids: Vec<_> = Code::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Code::ALL.len());
        for code in Code::ALL {
            assert_eq!(Code::lookup(code.id()), Some(*code));
            assert_eq!(Code::lookup(code.name()), Some(*code));
        }
    }
}
