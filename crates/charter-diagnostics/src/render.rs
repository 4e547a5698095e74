//! One renderer per output format: human (miette), JSON and SARIF 2.1.0.

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{floor_char_boundary, SourceDb, SourceFile, Span};
use crate::text::{escape_control, needs_escape};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
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
    // Diagnostics render independently: large batches are split over the
    // machine's cores, the pieces joined in order, so the output is the same.
    const PER_THREAD: usize = 512;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(diagnostics.len() / PER_THREAD)
        .max(1);
    if threads == 1 {
        return render_human_serial(db, diagnostics, style);
    }
    let chunk = diagnostics.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let pieces: Vec<_> = diagnostics
            .chunks(chunk)
            .map(|part| scope.spawn(move || render_human_serial(db, part, style)))
            .collect();
        let mut out = String::new();
        for (piece, part) in pieces.into_iter().zip(diagnostics.chunks(chunk)) {
            // A piece whose thread failed is rendered again here.
            match piece.join() {
                Ok(text) => out.push_str(&text),
                Err(_) => out.push_str(&render_human_serial(db, part, style)),
            }
        }
        out
    })
}

fn render_human_serial(db: &SourceDb, diagnostics: &[Diagnostic], style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Words are separated by spaces only: Unicode line breaking costs more
    // than the rest of a report, and messages are words and `quoted` input.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace);
    let mut out = String::with_capacity(diagnostics.len() * 512);
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
        escape_control(db.path(diagnostic.primary.span.file)),
        line,
        col,
        diagnostic.severity.as_str(),
        diagnostic.code.id(),
        escape_control(&diagnostic.message)
    )
}

pub(crate) fn line_col(db: &SourceDb, span: Span) -> (usize, usize) {
    db.get(span.file)
        .map_or((1, 1), |f| f.line_col(span.start as usize))
}

struct MietteReport {
    message: String,
    code: Code,
    severity: Severity,
    help: Option<String>,
    source: Option<Snippet>,
    labels: Vec<LabeledSpan>,
}

impl MietteReport {
    fn new(db: &SourceDb, d: &Diagnostic) -> MietteReport {
        let file = d.primary.span.file;
        let mut spans = vec![(d.primary.span, d.primary.message.as_str())];
        let mut elsewhere = Vec::new();
        for label in &d.secondary {
            if label.span.file == file {
                spans.push((label.span, label.message.as_str()));
            } else {
                let (line, col) = line_col(db, label.span);
                elsewhere.push(format!(
                    "{}:{}:{}: {}",
                    escape_control(db.path(label.span.file)),
                    line,
                    col,
                    escape_control(&label.message)
                ));
            }
        }
        let (source, labels) = match db.get(file) {
            Some(source_file) => {
                let (snippet, mapped) = Snippet::new(source_file, &spans);
                let labels = mapped
                    .into_iter()
                    .zip(&spans)
                    .enumerate()
                    .map(|(i, ((start, end), (_, message)))| {
                        let text =
                            (!message.is_empty()).then(|| escape_control(message).into_owned());
                        if i == 0 {
                            LabeledSpan::new_primary_with_span(text, (start, end - start))
                        } else {
                            LabeledSpan::new_with_span(text, (start, end - start))
                        }
                    })
                    .collect();
                (Some(snippet), labels)
            }
            None => (None, Vec::new()),
        };
        let mut help = d.help.as_deref().map(|h| escape_control(h).into_owned());
        if !elsewhere.is_empty() {
            let notes = elsewhere.join("\n");
            help = Some(match help {
                Some(h) => format!("{h}\nsee also: {notes}"),
                None => format!("see also: {notes}"),
            });
        }
        MietteReport {
            message: escape_control(&d.message).into_owned(),
            code: d.code,
            severity: d.severity,
            help,
            source,
            labels,
        }
    }
}

/// Lines of a longer line that a snippet shows whole; a longer one is cut to
/// this many characters around its labels, with `…` where text is left out.
pub const SNIPPET_LINE_CHARS: usize = 120;
/// Characters shown before the first label of a cut line.
const SNIPPET_CHARS_BEFORE: usize = 40;
/// A label spanning more lines is shown on its first line only.
pub const SNIPPET_LABEL_LINES: usize = 12;
/// Labels whose context lines are at most this many lines apart share one
/// snippet, the lines between shown; farther ones get a snippet each.
const SNIPPET_MERGE_GAP: usize = 1;

/// What miette reads instead of the whole file: the lines around one
/// diagnostic's labels, long lines cut to a window, control characters
/// escaped. Building it costs the size of the snippet, not of the file, so
/// rendering many diagnostics of a large file stays linear, and no column is
/// ever wider than miette can format.
struct Snippet {
    name: String,
    text: String,
    lines: Vec<SnippetLine>,
    /// Where each label starts in `text`, and its real 0-based column.
    starts: Vec<(usize, usize)>,
}

/// One shown line: its 0-based number in the file and its bytes in the snippet
/// text (without the `\n` that follows).
struct SnippetLine {
    number: usize,
    start: usize,
    end: usize,
}

/// The part of a real line that is shown.
struct Window {
    /// The line's bytes in the file, without its line break.
    line: std::ops::Range<usize>,
    /// The shown bytes.
    shown: std::ops::Range<usize>,
}

impl Snippet {
    /// The snippet for labels `spans` (the primary first) of `file`, and each
    /// label's `(start, end)` in the snippet text.
    fn new(file: &SourceFile, spans: &[(Span, &str)]) -> (Snippet, Vec<(usize, usize)>) {
        let text: &str = &file.text;
        // Lines a label may be on; the empty line after a final `\n` only
        // when a label is there.
        let last_line = file.line_count().saturating_sub(1);
        let context_last = if text.ends_with('\n') {
            last_line.saturating_sub(1)
        } else {
            last_line
        };
        // Each label: its bytes and first and last line.
        let mut ranges = Vec::with_capacity(spans.len());
        for (span, _) in spans {
            let start = floor_char_boundary(text, span.start as usize);
            let mut end = floor_char_boundary(text, (span.end as usize).max(start));
            let first = file.line_of(start);
            let mut last = file.line_of(end);
            if end > start && last > first && file.line_range(last).start == end {
                // The span ends with a line break: it is on the line before.
                last -= 1;
            }
            if last + 1 - first > SNIPPET_LABEL_LINES {
                end = file.line_range(first).end;
                last = first;
            }
            ranges.push((start, end, first, last));
        }
        let mut wanted = std::collections::BTreeSet::new();
        for &(_, _, first, last) in &ranges {
            wanted.extend(first.saturating_sub(1)..=last);
            if last < context_last {
                wanted.insert(last + 1);
            }
        }
        // Close gaps, so nearby labels read as one snippet.
        let mut gaps = Vec::new();
        let mut previous: Option<usize> = None;
        for &n in &wanted {
            if let Some(p) = previous {
                if n - p - 1 <= SNIPPET_MERGE_GAP {
                    gaps.extend(p + 1..n);
                }
            }
            previous = Some(n);
        }
        wanted.extend(gaps);
        let mut snippet = Snippet {
            name: escape_control(&file.path).into_owned(),
            text: String::new(),
            lines: Vec::with_capacity(wanted.len()),
            starts: Vec::with_capacity(spans.len()),
        };
        let mut windows = Vec::with_capacity(wanted.len());
        for &number in &wanted {
            let line = file.line_range(number);
            // The offsets the line must show: label starts, then ends.
            let primary = ranges.first().filter(|r| r.2 == number).map(|r| r.0);
            let focus = primary.or_else(|| {
                ranges
                    .iter()
                    .flat_map(|&(s, e, f, l)| {
                        [(f == number).then_some(s), (l == number).then_some(e)]
                    })
                    .flatten()
                    .min()
            });
            let shown = window(text, line.clone(), focus.unwrap_or(line.start));
            let start = snippet.text.len();
            if shown.start > line.start {
                snippet.text.push('…');
            }
            snippet.text.push_str(&escape_control(&text[shown.clone()]));
            if shown.end < line.end {
                snippet.text.push('…');
            }
            snippet.lines.push(SnippetLine {
                number,
                start,
                end: snippet.text.len(),
            });
            snippet.text.push('\n');
            windows.push(Window { line, shown });
        }
        let mut mapped = Vec::with_capacity(ranges.len());
        for &(start, end, first, last) in &ranges {
            let at = |number: usize, offset: usize| {
                wanted
                    .iter()
                    .position(|&n| n == number)
                    .map_or(0, |i| snippet.offset(&windows[i], i, text, offset))
            };
            let (a, b) = (at(first, start), at(last, end));
            snippet.starts.push((a, file.line_col(start).1 - 1));
            mapped.push((a, b.max(a)));
        }
        (snippet, mapped)
    }

    /// Where byte `offset` of the file, on shown line `i`, is in the snippet text.
    fn offset(&self, w: &Window, i: usize, text: &str, offset: usize) -> usize {
        let line = &self.lines[i];
        if offset > w.line.end {
            // In the line break.
            return line.end + 1;
        }
        if offset >= w.shown.end && w.shown.end < w.line.end {
            return line.end;
        }
        if offset < w.shown.start || (offset == w.shown.start && w.shown.start > w.line.start) {
            return line.start;
        }
        let prefix = if w.shown.start > w.line.start {
            '…'.len_utf8()
        } else {
            0
        };
        let end = offset.min(w.shown.end);
        let escaped: usize = text[w.shown.start..end]
            .chars()
            .map(|c| {
                if needs_escape(c) {
                    format!("\\u{{{:x}}}", u32::from(c)).len()
                } else {
                    c.len_utf8()
                }
            })
            .sum();
        line.start + prefix + escaped
    }

    /// The index of the shown line holding snippet offset `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }
}

/// The bytes of `line` to show: all of a short line, else at most
/// [`SNIPPET_LINE_CHARS`] characters starting a little before `focus`.
fn window(text: &str, line: std::ops::Range<usize>, focus: usize) -> std::ops::Range<usize> {
    let whole = &text[line.clone()];
    if whole.len() <= SNIPPET_LINE_CHARS || whole.chars().nth(SNIPPET_LINE_CHARS).is_none() {
        return line;
    }
    let focus = floor_char_boundary(text, focus.clamp(line.start, line.end));
    let start = text[line.start..focus]
        .char_indices()
        .rev()
        .take(SNIPPET_CHARS_BEFORE)
        .last()
        .map_or(focus, |(i, _)| line.start + i);
    let end = text[start..line.end]
        .char_indices()
        .nth(SNIPPET_LINE_CHARS)
        .map_or(line.end, |(i, _)| start + i);
    start..end
}

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if self.lines.is_empty() || end > self.text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let mut first = self.line_at(start);
        let mut last = self.line_at(end.saturating_sub(1).max(start));
        let adjacent = |i: usize| self.lines[i].number + 1 == self.lines[i + 1].number;
        if (first..last).any(|i| !adjacent(i)) {
            // The span would cover lines that are not shown.
            return Err(miette::MietteError::OutOfBounds);
        }
        for _ in 0..context_lines_before {
            if first == 0 || !adjacent(first - 1) {
                break;
            }
            first -= 1;
        }
        for _ in 0..context_lines_after {
            if last + 1 >= self.lines.len() || !adjacent(last) {
                break;
            }
            last += 1;
        }
        let (data_start, column) = if context_lines_before == 0 {
            let column = self
                .starts
                .iter()
                .find(|(at, _)| *at == start)
                .map_or(0, |(_, column)| *column);
            (start, column)
        } else {
            (self.lines[first].start, 0)
        };
        let data_end = (self.lines[last].end + 1).min(self.text.len());
        let data_start = data_start.min(data_end);
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            self.lines[first].number,
            column,
            // miette joins two labels' snippets when the first one's line plus
            // this count reaches the second one's first line.
            last + 1 - first + SNIPPET_MERGE_GAP,
        )))
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
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

// The JSON form's fields are declared in alphabetical order, the order in
// which they have always been printed.

#[derive(Serialize)]
struct JsonPosition {
    column: usize,
    line: usize,
}

#[derive(Serialize)]
struct JsonSpan {
    end: u32,
    end_pos: JsonPosition,
    start: u32,
    start_pos: JsonPosition,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    message: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    edits: Vec<JsonEdit<'a>>,
    title: &'a str,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    replacement: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    file: &'a str,
    fixes: Vec<JsonFix<'a>>,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    message: &'a str,
    name: &'static str,
    severity: Severity,
    span: JsonSpan,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    infos: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
    version: u32,
}

/// The version of the JSON form: a field is only ever added within one;
/// removing or changing one makes the next. `schemas/check.schema.json` in
/// the repository describes it.
pub const JSON_VERSION: u32 = 1;

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

/// The JSON form: `{ "diagnostics": [ ... ], "summary": { ... }, "version": 1 }`.
pub fn render_json(db: &SourceDb, diagnostics: &[Diagnostic]) -> String {
    let list: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.id(),
            name: d.code.name(),
            severity: d.severity,
            message: &d.message,
            file: db.path(d.primary.span.file),
            span: json_span(db, d.primary.span),
            labels: d
                .secondary
                .iter()
                .map(|l| JsonLabel {
                    file: db.path(l.span.file),
                    span: json_span(db, l.span),
                    message: &l.message,
                })
                .collect(),
            help: d.help.as_deref(),
            fixes: d
                .fixes
                .iter()
                .map(|f| JsonFix {
                    title: &f.title,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            file: db.path(e.span.file),
                            span: json_span(db, e.span),
                            replacement: &e.replacement,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let summary = summary(diagnostics);
    let report = JsonReport {
        diagnostics: list,
        summary: JsonSummary {
            errors: summary.errors,
            infos: summary.infos,
            warnings: summary.warnings,
        },
        version: JSON_VERSION,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
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
                "help": {
                    "text": crate::explain::explanation(*c),
                    "markdown": crate::explain::explanation_markdown(*c),
                },
                "helpUri": c.help_uri(),
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
                "informationUri": crate::explain::PROJECT_URL,
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

pub(crate) fn sarif_uri(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;

    fn human(text: &str, diagnostics: impl FnOnce(crate::FileId) -> Vec<Diagnostic>) -> String {
        let mut db = SourceDb::new();
        let file = db.add("p.charter", text.to_string());
        render_human(&db, &diagnostics(file), HumanStyle::default())
    }

    #[test]
    fn a_label_past_column_65536_is_shown_in_a_window() {
        let line = format!("region R = [{}XX]", "DE, ".repeat(30_000));
        let text = format!("program \"P\" {{ currency EUR }}\n{line}\n");
        let at = text.find("XX").unwrap_or(0);
        let out = human(&text, |f| {
            vec![Diagnostic::new(
                Code::UnknownCountry,
                "`XX` is not a country",
                Span::new(f, at, at + 2),
            )
            .with_primary_label("here")
            .with_label(Span::new(f, 0, 7), "the program")]
        });
        assert!(
            out.contains(&format!(
                "[p.charter:2:{}]",
                line.find("XX").unwrap_or(0) + 1
            )),
            "{out}"
        );
        assert!(out.contains(" 2 │ …DE, "), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
        // The label points at `XX` in the window.
        let lines: Vec<&str> = out.lines().collect();
        let shown = lines.iter().position(|l| l.contains("XX]")).unwrap_or(0);
        let column = |line: &str, c: char| line.chars().position(|x| x == c);
        assert_eq!(
            column(lines[shown], 'X'),
            column(lines[shown + 1], '─'),
            "{out}"
        );
    }

    #[test]
    fn control_characters_are_escaped_in_snippets_and_messages() {
        let text = "// \u{1b}[2J\u{1b}[31mred\u{202e} \r\nprogram \"P\u{7}\" { currency EUR }\n";
        let at = text.find("program").unwrap_or(0);
        let out = human(text, |f| {
            vec![Diagnostic::new(
                Code::Syntax,
                "found `P\u{7}`",
                Span::new(f, at, at + 7),
            )]
        });
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
            "{out:?}"
        );
        assert!(
            out.contains("// \\u{1b}[2J\\u{1b}[31mred\\u{202e} \n"),
            "{out}"
        );
        assert!(out.contains("found `P\\u{7}`"), "{out}");
        assert!(!out.contains('\r'), "{out:?}");
    }

    #[test]
    fn distant_labels_get_a_snippet_each_without_the_lines_between() {
        let mut text = String::from("tiers A < B\n");
        for i in 0..5000 {
            text.push_str(&format!("// filler {i}\n"));
        }
        text.push_str("tiers A < C\n");
        let second = text.rfind("tiers").unwrap_or(0);
        let out = human(&text, |f| {
            vec![Diagnostic::new(
                Code::DuplicateDefinition,
                "`A` is defined twice",
                Span::new(f, second + 6, second + 7),
            )
            .with_primary_label("again")
            .with_label(Span::new(f, 6, 7), "first")]
        });
        assert!(out.lines().count() < 20, "{out}");
        assert!(out.contains("5002 │ tiers A < C"), "{out}");
        assert!(out.contains("1 │ tiers A < B"), "{out}");
    }

    #[test]
    fn a_label_over_many_lines_is_shown_on_its_first() {
        let text = format!("tier A {{\n{}}}\n", "  require contract\n".repeat(100));
        let out = human(&text, |f| {
            vec![Diagnostic::new(
                Code::Unreachable,
                "never",
                Span::new(f, 0, text.len() - 1),
            )]
        });
        assert!(out.lines().count() < 12, "{out}");
    }

    #[test]
    fn a_label_at_the_end_of_the_file_is_shown() {
        let text = "tiers A < B\ncommission c:";
        let out = human(text, |f| {
            vec![Diagnostic::new(
                Code::Syntax,
                "unexpected end",
                Span::new(f, text.len(), text.len()),
            )]
        });
        assert!(out.contains("[p.charter:2:14]"), "{out}");
        assert!(out.contains("2 │ commission c:"), "{out}");
        let out = human("", |f| {
            vec![Diagnostic::new(
                Code::MissingProgram,
                "no program",
                Span::new(f, 0, 0),
            )]
        });
        assert!(out.contains("no program"), "{out}");
    }

    #[test]
    fn many_diagnostics_render_as_one_by_one() {
        let text: String = (0..3000).map(|i| format!("region R{i} = [DE]\n")).collect();
        let mut db = SourceDb::new();
        let file = db.add("p.charter", text.clone());
        let mut diagnostics = Vec::new();
        let mut at = 0;
        for line in text.lines() {
            diagnostics.push(Diagnostic::new(
                Code::Unused,
                "unused",
                Span::new(file, at + 7, at + 9),
            ));
            at += line.len() + 1;
        }
        let style = HumanStyle::default();
        let whole = render_human(&db, &diagnostics, style);
        let one_by_one: String = diagnostics
            .iter()
            .map(|d| render_human(&db, std::slice::from_ref(d), style))
            .collect();
        assert_eq!(whole, one_by_one);
    }

    #[test]
    fn columns_count_characters() {
        let text = "partner żółw { region XX }\n";
        let at = text.find("XX").unwrap_or(0);
        let out = human(text, |f| {
            vec![Diagnostic::new(
                Code::UnknownCountry,
                "no",
                Span::new(f, at, at + 2),
            )]
        });
        assert!(out.contains("[p.charter:1:23]"), "{out}");
    }
}
