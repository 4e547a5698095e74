//! The engine against the reference semantics (`charter-reference`), for
//! longer than `cargo test` runs them: the first byte picks a seed policy, the
//! rest are the choices of `charter_reference::generate::scenario_json` (an
//! edge-heavy scenario). Every payout's amount and due date, every total and
//! every standing must agree, except in a scenario a class of
//! `KNOWN_DISAGREEMENTS` applies to (the list the differential test keeps in
//! `crates/charter-reference/tests/support/mod.rs`, included here). A crash is
//! a new disagreement: shrink it (`cargo fuzz tmin`), work out the expected
//! outcome by hand from LANGUAGE.md §4, and add it to
//! `tests/regressions/semantics/`.
//!
//!   RUSTC_BOOTSTRAP=1 cargo fuzz run differential --fuzz-dir fuzz

#![no_main]

#[path = "../../crates/charter-reference/tests/support/mod.rs"]
mod support;

use charter_reference::generate::{scenario_json, Seed};
use libfuzzer_sys::fuzz_target;
use support::{checked, judge, Verdict, KNOWN_DISAGREEMENTS};

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let seed = Seed::ALL[usize::from(*first) % Seed::ALL.len()];
    let text = scenario_json(seed, rest);
    if let Verdict::Disagree(differences) = judge(seed, &text) {
        let scenario = charter_scenario::parse_str(&text, "generated.json")
            .unwrap_or_else(|e| panic!("the generated scenario does not load: {e}"));
        let known = KNOWN_DISAGREEMENTS
            .iter()
            .any(|k| (k.applies)(checked(seed), &scenario));
        if !known {
            panic!(
                "{}: the engine and the reference disagree:\n  {}\n--- scenario\n{text}",
                seed.name(),
                differences.join("\n  ")
            );
        }
    }
});
