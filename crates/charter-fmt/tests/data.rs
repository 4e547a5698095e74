//! Data-driven cases: every `data/NAME.charter` is formatted and compared with
//! `data/NAME.formatted` (for a file that does not parse, the expected file
//! holds the error). `UPDATE_EXPECT=1` rewrites the expected files.
//!
//! Each formatted output must also format to itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn render(input: &str) -> String {
    match charter_fmt::format(input) {
        Ok(out) => out,
        Err(charter_fmt::FormatError::Syntax(diagnostics)) => {
            let mut out = String::from("error: the file does not parse\n");
            // Only where and which code: the messages belong to charter-syntax.
            for d in diagnostics {
                let span = d.primary.span;
                out.push_str(&format!("{}..{}: {}\n", span.start, span.end, d.code.id()));
            }
            out
        }
        Err(e) => format!("error: {e}\n"),
    }
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    files.sort();
    files
}

#[test]
fn data_cases() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let files = cases();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for input_path in files {
        let name = input_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let input = std::fs::read_to_string(&input_path).unwrap();
        let actual = render(&input);
        let expected_path = input_path.with_extension("formatted");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
        } else {
            match std::fs::read_to_string(&expected_path) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => failures.push(format!(
                    "{name}: output differs from {}\n--- expected\n{expected}--- actual\n{actual}",
                    expected_path.display()
                )),
                Err(_) => failures.push(format!(
                    "{name}: no {} (run with UPDATE_EXPECT=1)",
                    expected_path.display()
                )),
            }
        }
        if !actual.starts_with("error:") {
            let again = render(&actual);
            if again != actual {
                failures.push(format!(
                    "{name}: not idempotent\n--- once\n{actual}--- twice\n{again}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
