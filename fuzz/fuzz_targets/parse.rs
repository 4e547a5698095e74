//! `charter_syntax::parse` on arbitrary UTF-8: it never panics, and every
//! diagnostic and item span lies inside the text on character boundaries.

#![no_main]

use charter_diagnostics::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parse = charter_syntax::parse(FileId(0), text);
    for d in &parse.diagnostics {
        let span = d.primary.span;
        assert!(span.start <= span.end && (span.end as usize) <= text.len());
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize)
        );
    }
    for item in &parse.ast.items {
        assert!((item.span.end as usize) <= text.len());
    }
});
