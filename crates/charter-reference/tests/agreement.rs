//! How many generated scenarios per seed policy the engine and the reference
//! agree on — a count, not a pass/fail check (that is `differential.rs`).
//! `AGREEMENT_CASES` (default 200) sets the number per policy; run with
//! `cargo test -p charter-reference --test agreement -- --nocapture` to see
//! the table, e.g. `optimetriks: 187/200 agree (0 unsupported)`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use charter_reference::generate::{scenario_json, Seed};
use support::{judge, Verdict};

/// A deterministic byte source (xorshift), so the counts are reproducible.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn count_agreement_per_seed_policy() {
    let cases: u64 = std::env::var("AGREEMENT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let show = std::env::var("AGREEMENT_SHOW").is_ok();
    for seed in Seed::ALL {
        let (mut agree, mut unsupported) = (0, 0);
        for case in 0..cases {
            let text = scenario_json(seed, &bytes(case + 1, 400));
            match judge(seed, &text) {
                Verdict::Agree => agree += 1,
                Verdict::Unsupported(_) => unsupported += 1,
                Verdict::Disagree(d) => {
                    if show {
                        println!("--- {} case {case}:\n  {}", seed.name(), d.join("\n  "));
                        let dir = std::env::temp_dir().join("charter-agreement");
                        std::fs::create_dir_all(&dir).unwrap();
                        let file = dir.join(format!("{}-{case}.json", seed.name()));
                        std::fs::write(&file, &text).unwrap();
                    }
                }
            }
        }
        println!(
            "{}: {agree}/{cases} agree ({unsupported} unsupported)",
            seed.name()
        );
    }
}
