//! The scenario loaders on arbitrary bytes: `parse_bytes` (a JSON document),
//! `parse_ndjson` without a partners file, and `parse_ndjson` with the input
//! split at its first NUL byte into events and partners. None may panic, and
//! a loaded scenario keeps its invariants.

#![no_main]

use charter_scenario::{parse_bytes, parse_ndjson, Scenario, SourceText};
use libfuzzer_sys::fuzz_target;

fn invariants(s: &Scenario) {
    for (i, e) in s.events.iter().enumerate() {
        assert_eq!(e.index as usize, i);
    }
    for (i, p) in s.partners.iter().enumerate() {
        assert_eq!(p.id.0 as usize, i);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = parse_bytes(data, "fuzz.json") {
        invariants(&s);
    }
    let events = SourceText {
        name: "events.ndjson",
        text: data,
    };
    if let Ok(s) = parse_ndjson(events, None, None) {
        invariants(&s);
    }
    if let Some(at) = data.iter().position(|&b| b == 0) {
        let events = SourceText {
            name: "events.ndjson",
            text: &data[..at],
        };
        let partners = SourceText {
            name: "partners.json",
            text: &data[at + 1..],
        };
        if let Ok(s) = parse_ndjson(events, Some(partners), None) {
            invariants(&s);
        }
    }
});
