//! The page templates (minijinja, HTML auto-escaped) and what they share.

use charter_diagnostics::text::{needs_escape, push_escaped};
use serde::Serialize;

/// Sorting of `table.sortable` by a click on a header, inline in every page.
pub const SORTABLE_JS: &str = include_str!("../templates/sortable.js");

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("report.html", include_str!("../templates/report.html")),
    ("guide.html", include_str!("../templates/guide.html")),
    ("guide.md", include_str!("../templates/guide.md")),
    (
        "statement.html",
        include_str!("../templates/statement.html"),
    ),
];

/// The templates, parsed once per process (statements render one page per partner).
static ENVIRONMENT: std::sync::OnceLock<Result<minijinja::Environment<'static>, String>> =
    std::sync::OnceLock::new();

/// Renders template `name` with `context`. HTML templates escape every value
/// unless marked `|safe` (only the charts' SVG and the inline script are).
pub fn render(name: &str, context: minijinja::Value) -> Result<String, String> {
    let env = ENVIRONMENT
        .get_or_init(environment)
        .as_ref()
        .map_err(Clone::clone)?;
    let template = env
        .get_template(name)
        .map_err(|e| format!("template `{name}`: {e}"))?;
    template
        .render(context)
        .map_err(|e| format!("template `{name}`: {e}"))
}

fn environment() -> Result<minijinja::Environment<'static>, String> {
    let mut env = minijinja::Environment::new();
    env.set_keep_trailing_newline(true);
    // Control and bidirectional characters from a scenario or policy are
    // shown as escapes (`\u{1b}`), as everywhere Charter quotes input; the
    // line breaks of doc comments are kept.
    env.set_formatter(|out, state, value| {
        if !value.is_safe() {
            if let Some(text) = value.as_str() {
                if text.chars().any(|c| c != '\n' && needs_escape(c)) {
                    let mut shown = String::with_capacity(text.len() + 8);
                    for c in text.chars() {
                        if c == '\n' {
                            shown.push(c);
                        } else {
                            push_escaped(&mut shown, c);
                        }
                    }
                    return minijinja::escape_formatter(out, state, &minijinja::Value::from(shown));
                }
            }
        }
        minijinja::escape_formatter(out, state, value)
    });
    env.add_filter("oneline", oneline);
    env.add_filter("cell", cell);
    env.add_filter("code", code);
    for (n, text) in TEMPLATES {
        env.add_template(n, text)
            .map_err(|e| format!("template `{n}`: {e}"))?;
    }
    Ok(env)
}

/// A value that serializes as one word (a finding's code, a severity).
pub fn serde_word(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Text on one line (a doc comment in a Markdown list item).
fn oneline(text: String) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a Markdown table cell: one line, `|` and `\\` escaped.
fn cell(text: String) -> String {
    oneline(text).replace('\\', "\\\\").replace('|', "\\|")
}

/// Generated text for an HTML page: escaped, control characters shown as
/// escapes, and each `backticked` name set as code.
fn code(text: String) -> minijinja::Value {
    let mut out = String::with_capacity(text.len() + 16);
    for (n, part) in text.split('`').enumerate() {
        let inside = n % 2 == 1;
        if inside {
            out.push_str("<code>");
        }
        for c in part.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#x27;"),
                c if c != '\n' && needs_escape(c) => push_escaped(&mut out, c),
                c => out.push(c),
            }
        }
        if inside {
            out.push_str("</code>");
        }
    }
    minijinja::Value::from_safe_string(out)
}
