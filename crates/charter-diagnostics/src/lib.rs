//! The one diagnostic model of Charter.
//!
//! Every phase (parse, lower, check, simulate) reports [`Diagnostic`]s; the CLI
//! renders them with [`render`] and the language server converts them to LSP.

pub mod ci;
pub mod codes;
pub mod diagnostic;
pub mod explain;
pub mod render;
pub mod source;
pub mod text;

pub use codes::{Code, CodeInfo};
pub use diagnostic::{sort_diagnostics, Diagnostic, Fix, Label, Severity, TextEdit};
pub use source::{FileId, SourceDb, SourceFile, Span};

/// The name closest to `name` among `candidates` (case aside), for "did you
/// mean" help: at most a third of the name's length plus one edits away
/// (Levenshtein distance, `strsim`); the first of equally close ones.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let name = name.to_lowercase();
    let limit = name.chars().count().max(3) / 3 + 1;
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = strsim::levenshtein(&name, &candidate.to_lowercase());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
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
