//! Every seed policy under `policies/` parses without a syntax error.
#![allow(clippy::unwrap_used)]

use charter_diagnostics::{FileId, SourceDb};
use std::path::Path;

#[test]
fn seed_policies_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "charter") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut db = SourceDb::new();
            let file = db.add(path.display().to_string(), text.as_str());
            let parse = charter_syntax::parse(file, &text);
            let rendered = charter_diagnostics::render::render_human(
                &db,
                &parse.diagnostics,
                Default::default(),
            );
            assert!(
                parse.diagnostics.is_empty(),
                "{}:\n{rendered}",
                path.display()
            );
            assert!(!parse.ast.items.is_empty());
            let _ = FileId(0);
            count += 1;
        }
    }
    assert_eq!(count, 5);
}
