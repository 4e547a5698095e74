//! The renderers over whatever the checker reports, with lines far past
//! column 65,536 (where miette once panicked) from short inputs: the byte
//! `0x01` followed by a character `n` repeats the four characters before it
//! `n × 256` times (`DE, \x01P` is 80 × 256 `DE, `, 81,920 characters). `render_human`, `render_json` and `render_sarif` never panic, and
//! human output never prints a control character of the input raw.

#![no_main]

use charter_check::{compile, FileReader};
use charter_diagnostics::render::{render_human, render_json, render_sarif, HumanStyle};
use charter_diagnostics::SourceDb;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

struct NoImports;

impl FileReader for NoImports {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "imports are refused",
        ))
    }
}

/// The input with every `0x01 n` run expanded.
fn expand(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1}' {
            let n = chars.next().map_or(64, |n| (u32::from(n) % 256) as usize);
            let unit: Vec<char> = out[out.len().saturating_sub(4)..].to_vec();
            for _ in 0..n * 256 {
                out.extend_from_slice(&unit);
            }
            continue;
        }
        out.push(c);
    }
    out.into_iter().collect()
}

fuzz_target!(|data: &[u8]| {
    let text = expand(data);
    let mut db = SourceDb::new();
    let root = db.add("fuzz.charter", text);
    let compilation = compile(db, root, &mut NoImports);
    let (db, diagnostics) = (&compilation.db, &compilation.diagnostics);
    for color in [false, true] {
        let human = render_human(db, diagnostics, HumanStyle { color, width: 100 });
        if !color {
            assert!(
                !human
                    .chars()
                    .any(|c| c != '\n' && c != '\t' && c.is_control()),
                "a control character reached the terminal"
            );
        }
    }
    let _ = render_json(db, diagnostics);
    let _ = render_sarif(db, diagnostics, "fuzz");
});
