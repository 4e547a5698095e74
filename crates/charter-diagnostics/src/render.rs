//! One renderer per output format: human (miette), JSON and SARIF 2.1.0.

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceDb, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;
use serde_json::json;
use std::fmt;

/// Options of the human renderer.
#[derive(Clone, Copy, Debug)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

impl Default for HumanStyle {
    fn default() -> Self {
        HumanStyle {
            color: false,
            width: 100,
        }
    }
}

/// Renders diagnostics with source snippets, as `charter check` prints them.
pub fn render_human(db: &SourceDb, diagnostics: &[Diagnostic], style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = MietteReport::new(db, diagnostic);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&render_plain(db, diagnostic));
        }
        out.push('\n');
    }
    out
}

/// A one-line form: `file:line:col: severity[code]: message`.
pub fn render_plain(db: &SourceDb, diagnostic: &Diagnostic) -> String {
    let (line, col) = line_col(db, diagnostic.primary.span);
    format!(
        "{}:{}:{}: {}[{}]: {}\n",
        db.path(diagnostic.primary.span.file),
        line,
        col,
        diagnostic.severity.as_str(),
        diagnostic.code.id(),
        diagnostic.message
    )
}

fn line_col(db: &SourceDb, span: Span) -> (usize, usize) {
    db.get(span.file)
        .map_or((1, 1), |f| f.line_col(span.start as usize))
}

struct MietteReport {
    message: String,
    code: Code,
    severity: Severity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
}

impl MietteReport {
    fn new(db: &SourceDb, d: &Diagnostic) -> MietteReport {
        let file = d.primary.span.file;
        let text = db.text(file).to_string();
        let clamp = |span: Span| {
            let start = (span.start as usize).min(text.len());
            let end = (span.end as usize).min(text.len()).max(start);
            (start, end - start)
        };
        let mut labels = Vec::new();
        let (start, len) = clamp(d.primary.span);
        let primary_text = (!d.primary.message.is_empty()).then(|| d.primary.message.clone());
        labels.push(LabeledSpan::new_primary_with_span(
            primary_text,
            (start, len),
        ));
        let mut elsewhere = Vec::new();
        for label in &d.secondary {
            if label.span.file == file {
                let (start, len) = clamp(label.span);
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    (start, len),
                ));
            } else {
                let (line, col) = line_col(db, label.span);
                elsewhere.push(format!(
                    "{}:{}:{}: {}",
                    db.path(label.span.file),
                    line,
                    col,
                    label.message
                ));
            }
        }
        let mut help = d.help.clone();
        if !elsewhere.is_empty() {
            let notes = elsewhere.join("\n");
            help = Some(match help {
                Some(h) => format!("{h}\nsee also: {notes}"),
                None => format!("see also: {notes}"),
            });
        }
        MietteReport {
            message: d.message.clone(),
            code: d.code,
            severity: d.severity,
            help,
            source: NamedSource::new(db.path(file), text),
            labels,
        }
    }
}

impl fmt::Debug for MietteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for MietteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MietteReport {}

impl miette::Diagnostic for MietteReport {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "{}({})",
            self.code.id(),
            self.code.name()
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
    start_pos: JsonPosition,
    end_pos: JsonPosition,
}

#[derive(Serialize)]
struct JsonLabel {
    file: String,
    span: JsonSpan,
    message: String,
}

#[derive(Serialize)]
struct JsonFix {
    title: String,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
struct JsonEdit {
    file: String,
    span: JsonSpan,
    replacement: String,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: String,
    file: String,
    span: JsonSpan,
    labels: Vec<JsonLabel>,
    help: Option<String>,
    fixes: Vec<JsonFix>,
}

fn json_span(db: &SourceDb, span: Span) -> JsonSpan {
    let (line, column) = line_col(db, span);
    let (end_line, end_column) = db
        .get(span.file)
        .map_or((1, 1), |f| f.line_col(span.end as usize));
    JsonSpan {
        start: span.start,
        end: span.end,
        start_pos: JsonPosition { line, column },
        end_pos: JsonPosition {
            line: end_line,
            column: end_column,
        },
    }
}

/// The JSON form: `{ "diagnostics": [ ... ], "summary": { ... } }`.
pub fn render_json(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let list: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.id(),
            name: d.code.name(),
            severity: d.severity,
            message: d.message.clone(),
            file: db.path(d.primary.span.file).to_string(),
            span: json_span(db, d.primary.span),
            labels: d
                .secondary
                .iter()
                .map(|l| JsonLabel {
                    file: db.path(l.span.file).to_string(),
                    span: json_span(db, l.span),
                    message: l.message.clone(),
                })
                .collect(),
            help: d.help.clone(),
            fixes: d
                .fixes
                .iter()
                .map(|f| JsonFix {
                    title: f.title.clone(),
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            file: db.path(e.span.file).to_string(),
                            span: json_span(db, e.span),
                            replacement: e.replacement.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let summary = summary(diagnostics);
    let value = json!({
        "diagnostics": list,
        "summary": { "errors": summary.errors, "warnings": summary.warnings, "infos": summary.infos },
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn summary(diagnostics: &[Diagnostic]) -> Summary {
    let mut s = Summary::default();
    for d in diagnostics {
        match d.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
        }
    }
    s
}

/// SARIF 2.1.0, for code-scanning on pull requests.
pub fn render_sarif(db: &SourceDb, diagnostics: &[Diagnostic], tool_version: &str) -> String {
    let rules: Vec<_> = Code::ALL
        .iter()
        .map(|c| {
            let info = c.info();
            json!({
                "id": info.id,
                "name": info.name,
                "shortDescription": { "text": info.summary },
                "fullDescription": { "text": info.explanation },
                "helpUri": c.url(),
                "defaultConfiguration": { "level": sarif_level(info.severity) },
            })
        })
        .collect();
    let location = |span: Span| {
        let s = json_span(db, span);
        json!({
            "physicalLocation": {
                "artifactLocation": { "uri": sarif_uri(db.path(span.file)) },
                "region": {
                    "startLine": s.start_pos.line,
                    "startColumn": s.start_pos.column,
                    "endLine": s.end_pos.line,
                    "endColumn": s.end_pos.column,
                    "charOffset": s.start,
                    "charLength": s.end.saturating_sub(s.start),
                }
            }
        })
    };
    let results: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let related: Vec<_> = d
                .secondary
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = location(l.span);
                    loc["id"] = json!(i);
                    loc["message"] = json!({ "text": l.message });
                    loc
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.id(),
                "ruleIndex": rule_index,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [location(d.primary.span)],
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "charter",
                "version": tool_version,
                "informationUri": "https://charter.dev",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif_uri(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}
