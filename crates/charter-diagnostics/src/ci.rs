//! The renderers for CI systems: GitHub workflow commands (annotations on a
//! pull request's diff) and GitLab Code Quality reports.

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::{line_col, sarif_uri};
use crate::source::SourceDb;
use crate::text::escape_control;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// GitHub Actions workflow commands, one line per diagnostic:
/// `::error file=p.charter,line=3,col=5,endLine=3,endColumn=9,title=C0401 (dual-financial-benefit)::message`.
/// Warnings are `::warning`, infos `::notice`; a help line follows the
/// message (`%0A` is a line break in a workflow command).
pub fn render_github(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let span = d.primary.span;
        let (line, col) = line_col(db, span);
        let (end_line, end_col) = db
            .get(span.file)
            .map_or((line, col), |f| f.line_col(span.end as usize));
        let mut message = escape_control(&d.message).into_owned();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape_control(help));
        }
        out.push_str(&format!(
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            github_property(&sarif_uri(&escape_control(db.path(span.file)))),
            github_property(&format!("{} ({})", d.code.id(), d.code.name())),
            github_data(&message),
        ));
    }
    out
}

/// Escapes the message of a workflow command.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (`file=`, `title=`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[derive(Serialize)]
struct GitlabIssue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: GitlabLocation<'a>,
}

#[derive(Serialize)]
struct GitlabLocation<'a> {
    path: &'a str,
    lines: GitlabLines,
}

#[derive(Serialize)]
struct GitlabLines {
    begin: usize,
    end: usize,
}

/// A GitLab Code Quality report: a JSON array of issues with a description,
/// a check name (the code), a severity (`major` for errors, `minor` for
/// warnings, `info`), the file and lines, and a fingerprint that stays the
/// same while the finding does (the code, file and message, not the line,
/// so an edit above it does not make it a new issue).
pub fn render_gitlab(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let mut seen: HashMap<(String, &str, &str), usize> = HashMap::new();
    let issues: Vec<GitlabIssue> = diagnostics
        .iter()
        .map(|d| {
            let span = d.primary.span;
            let path = db.path(span.file);
            let (begin, _) = line_col(db, span);
            let end = db
                .get(span.file)
                .map_or(begin, |f| f.line_col(span.end as usize).0);
            let occurrence = seen
                .entry((path.to_string(), d.code.id(), d.message.as_str()))
                .or_insert(0);
            *occurrence += 1;
            let mut hash = Sha256::new();
            for part in [d.code.id(), path, d.message.as_str()] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            hash.update(occurrence.to_string().as_bytes());
            let fingerprint = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
            GitlabIssue {
                description: format!("{}: {}", d.code.id(), d.message),
                check_name: d.code.id(),
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: GitlabLocation {
                    path,
                    lines: GitlabLines { begin, end },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use crate::source::Span;

    #[test]
    fn workflow_commands_escape_line_breaks_and_separators() {
        let mut db = SourceDb::new();
        let file = db.add("a,b:c.charter", "tiers A\n".to_string());
        let d =
            Diagnostic::new(Code::Unused, "50% off", Span::new(file, 6, 7)).with_help("remove it");
        let out = render_github(&db, &[d]);
        assert_eq!(
            out,
            "::warning file=a%2Cb%3Ac.charter,line=1,col=7,endLine=1,endColumn=8,title=C0203 (unused-definition)::50%25 off%0Ahelp: remove it\n"
        );
    }

    #[test]
    fn gitlab_fingerprints_differ_for_repeated_findings_and_ignore_lines() {
        let mut db = SourceDb::new();
        let file = db.add("p.charter", "a\nb\nc\n".to_string());
        let d = |at| Diagnostic::new(Code::Unused, "same", Span::new(file, at, at + 1));
        let two: serde_json::Value =
            serde_json::from_str(&render_gitlab(&db, &[d(0), d(2)])).unwrap_or_default();
        assert_ne!(two[0]["fingerprint"], two[1]["fingerprint"]);
        let moved: serde_json::Value =
            serde_json::from_str(&render_gitlab(&db, &[d(4)])).unwrap_or_default();
        assert_eq!(moved[0]["fingerprint"], two[0]["fingerprint"]);
        assert_eq!(moved[0]["location"]["lines"]["begin"], 3);
    }
}
