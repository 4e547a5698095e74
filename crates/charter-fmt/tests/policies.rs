//! Every policy in `policies/` is written in the canonical layout: the
//! formatter must give it back byte for byte, and must bring messy variants of
//! it (whitespace collapsed or expanded between tokens) back to it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

fn policies() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no policies in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// A line diff good enough to see where two texts part.
fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  expected: {e:?}\n  actual:   {a:?}", i + 1);
        }
    }
    format!(
        "{} lines expected, {} produced",
        expected.lines().count(),
        actual.lines().count()
    )
}

fn check_formats_to(name: &str, input: &str, expected: &str, failures: &mut Vec<String>) {
    match charter_fmt::format(input) {
        Ok(out) if out == expected => {}
        Ok(out) => failures.push(format!("{name}: {}", first_difference(expected, &out))),
        Err(e) => failures.push(format!("{name}: {e}")),
    }
}

#[test]
fn every_policy_formats_to_itself() {
    let mut failures = Vec::new();
    for (name, text) in policies() {
        check_formats_to(&name, &text, &text, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Splits a line into code and the rest (a `//` comment or `///` doc comment),
/// skipping string literals.
fn split_comment(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return line.split_at(i),
            _ => {}
        }
        i += 1;
    }
    (line, "")
}

/// Applies `f` to every stretch of code outside strings and comments.
fn map_code(text: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let (code, comment) = split_comment(line);
        // Strings alternate with code: even parts are code.
        let mut parts = Vec::new();
        let mut rest = code;
        while let Some(open) = rest.find('"') {
            parts.push((false, &rest[..open]));
            let after = &rest[open + 1..];
            let mut end = 0;
            let bytes = after.as_bytes();
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            parts.push((true, &rest[open..open + 2 + end]));
            rest = &after[end + 1..];
        }
        parts.push((false, rest));
        for (is_string, part) in parts {
            if is_string {
                out.push_str(part);
            } else {
                out.push_str(&f(part));
            }
        }
        out.push_str(comment);
    }
    out
}

/// Joins every line with the next one where that is legal: neither ends in a
/// comment, neither is blank, and the next does not start with a comment.
fn collapse_lines(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let joined_to_previous = i > 0 && joinable(lines[i - 1], line);
        if joined_to_previous {
            out.push(' ');
            out.push_str(line.trim_start());
        } else {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line);
        }
    }
    out
}

fn joinable(line: &str, next: &str) -> bool {
    !line.trim().is_empty()
        && split_comment(line).1.is_empty()
        && !next.trim().is_empty()
        && !next.trim_start().starts_with("//")
}

/// Every space between tokens doubled.
fn double_spaces(text: &str) -> String {
    map_code(text, |code| code.replace(' ', "  "))
}

/// Spaces around punctuation (`20 %`, `x :`, `[ DE , AT ]`).
fn space_punctuation(text: &str) -> String {
    map_code(text, |code| {
        let mut out = String::new();
        for c in code.chars() {
            if ",:%{}[]()".contains(c) {
                out.push(' ');
                out.push(c);
                out.push(' ');
            } else {
                out.push(c);
            }
        }
        out
    })
}

/// Every token on a line of its own, except the one a trailing comment follows.
fn one_token_per_line(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let (code, comment) = split_comment(line);
            let indent = &code[..code.len() - code.trim_start().len()];
            let body = map_code(code.trim_start(), |part| part.replace(' ', "\n   "));
            let body = if comment.is_empty() {
                body
            } else {
                // Keep the space before a trailing comment.
                match body.strip_suffix("\n   ") {
                    Some(b) => format!("{b} "),
                    None => body,
                }
            };
            format!("{indent}{body}{comment}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Windows line endings and tab indentation.
fn crlf_and_tabs(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let code = line.trim_start_matches(' ');
            let depth = (line.len() - code.len()) / 2;
            format!("{}{code}", "\t".repeat(depth))
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[test]
fn messy_variants_format_back_to_the_policy() {
    type Variant = (&'static str, fn(&str) -> String);
    let variants: [Variant; 6] = [
        ("collapsed", collapse_lines),
        ("doubled spaces", double_spaces),
        ("spaced punctuation", space_punctuation),
        ("one token per line", one_token_per_line),
        ("crlf and tabs", crlf_and_tabs),
        ("all of them", |t| {
            crlf_and_tabs(&space_punctuation(&double_spaces(&collapse_lines(t))))
        }),
    ];
    let mut failures = Vec::new();
    for (name, text) in policies() {
        for (variant, make) in &variants {
            let messy = make(&text);
            assert_ne!(messy, text, "{name}: the {variant} variant changed nothing");
            check_formats_to(&format!("{name} ({variant})"), &messy, &text, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn formatting_is_idempotent_on_messy_variants() {
    for (name, text) in policies() {
        for messy in [
            collapse_lines(&text),
            one_token_per_line(&text),
            space_punctuation(&text),
        ] {
            let once = charter_fmt::format(&messy).unwrap();
            let twice = charter_fmt::format(&once).unwrap();
            assert_eq!(once, twice, "{name}");
        }
    }
}
