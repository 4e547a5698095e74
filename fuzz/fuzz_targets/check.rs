//! `charter_check::compile` on an in-memory file whose imports are refused:
//! the whole pipeline (parse, lower, resolve, analyses) never panics, and a
//! policy without errors yields a `CheckedProgram`.

#![no_main]

use charter_check::{compile, FileReader};
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

fuzz_target!(|text: &str| {
    let mut db = SourceDb::new();
    let root = db.add("fuzz.charter", text.to_string());
    let compilation = compile(db, root, &mut NoImports);
    for d in &compilation.diagnostics {
        let span = d.primary.span;
        assert!(span.start <= span.end, "{d:?}");
    }
    let _ = compilation.into_checked();
});
