//! The CSV and Parquet scenario loaders on arbitrary bytes: the input as an
//! events file alone, and split at its first NUL byte into events and
//! partners, each read as CSV and as Parquet. None may panic (the `parquet`
//! crate's own panics on damaged files must come back as errors), and a
//! loaded scenario keeps its invariants.

#![no_main]

use charter_scenario::{parse_files, Scenario, SourceFormat, SourceText};
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
    for format in [SourceFormat::Csv, SourceFormat::Parquet] {
        let events = SourceText {
            name: "events",
            text: data,
        };
        if let Ok(s) = parse_files(events, format, None, None) {
            invariants(&s);
        }
        if let Some(at) = data.iter().position(|&b| b == 0) {
            let events = SourceText {
                name: "events",
                text: &data[..at],
            };
            let partners = SourceText {
                name: "partners",
                text: &data[at + 1..],
            };
            if let Ok(s) = parse_files(events, format, Some((partners, format)), None) {
                invariants(&s);
            }
        }
    }
});
