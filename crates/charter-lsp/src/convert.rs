//! Conversions from the compiler's types to LSP's. [`to_lsp`] is the one place
//! a [`charter_diagnostics::Diagnostic`] becomes an LSP diagnostic.

use crate::analysis::Analysis;
use charter_diagnostics::{Code, Diagnostic, Severity, TextEdit};
use std::collections::HashMap;
use std::str::FromStr;
use tower_lsp_server::ls_types as lsp;

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "charter";

/// Converts one diagnostic: the primary label gives the range, secondary labels
/// become related information, the code links to its explanation.
pub fn to_lsp(analysis: &Analysis, d: &Diagnostic) -> Option<lsp::Diagnostic> {
    let range = analysis.range(d.primary.span)?;
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            Some(lsp::DiagnosticRelatedInformation {
                location: analysis.location(label.span)?,
                message: label.message.clone(),
            })
        })
        .collect();
    Some(lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.id().to_string())),
        code_description: code_description(d.code),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.code == Code::Unused).then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    })
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

fn code_description(code: Code) -> Option<lsp::CodeDescription> {
    lsp::Uri::from_str(code.help_uri())
        .ok()
        .map(|href| lsp::CodeDescription { href })
}

/// The one diagnostic of a document that could not be checked (an import did
/// not answer in time): at the start of the document, with the import code.
pub fn unchecked(message: String) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        code: Some(lsp::NumberOrString::String(Code::Import.id().to_string())),
        code_description: code_description(Code::Import),
        source: Some(SOURCE.to_string()),
        message,
        ..lsp::Diagnostic::default()
    }
}

/// The diagnostics of the document itself (not of the files it imports), in LSP form.
pub fn document_diagnostics(analysis: &Analysis) -> Vec<lsp::Diagnostic> {
    analysis
        .compilation
        .diagnostics
        .iter()
        .filter(|d| d.primary.span.file == analysis.root())
        .filter_map(|d| to_lsp(analysis, d))
        .collect()
}

/// Edits of the compiler's kind as a workspace edit, grouped by document.
pub fn workspace_edit(analysis: &Analysis, edits: &[TextEdit]) -> Option<lsp::WorkspaceEdit> {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for edit in edits {
        let uri = analysis.uri_of(edit.span.file)?.clone();
        changes.entry(uri).or_default().push(lsp::TextEdit {
            range: analysis.range(edit.span)?,
            new_text: edit.replacement.clone(),
        });
    }
    Some(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..lsp::WorkspaceEdit::default()
    })
}
