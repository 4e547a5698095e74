//! Malformed input never panics the loader: arbitrary bytes, and valid
//! scenarios with random bytes changed.

use charter_scenario::{parse_bytes, parse_ndjson, SourceText};
use proptest::prelude::*;

const VALID: &str = r#"{"as_of":"2026-12-31","partners":[{"id":"acme","track":"Affiliate","modules":["M"],"tier":"Select","entity":"company","contract":true,"region":"PL","joined":"2025-01-01","elected":["referral_fee"],"staff":{"sales":2},"revenue_target":"100.00"}],
"events":[{"date":"2025-03-05","type":"registration","partner":"acme","customer":"c1","opportunity":"o","approved":false,"decided":"2025-03-06"},
{"date":"2025-03-06","type":"invoice","id":"I1","customer":"c1","amount":"10.50","currency":"EUR","product":"Pro","renewal":true},
{"date":"2025-03-07","type":"payment","invoice":"I1","amount":10.5,"collected_by":"partner"},
{"date":"2025-03-08","type":"staff","partner":"acme","qualification":"sales","count":3}],
"expect":{"totals":{"acme":"-1.5"},"standings":{"acme":null},"findings":["S0101"],"payouts":[{"partner":"acme","amount":1}]}}"#;

fn load_all(bytes: &[u8]) {
    let _ = parse_bytes(bytes, "scenario.json");
    let _ = parse_ndjson(
        SourceText {
            name: "events.ndjson",
            text: bytes,
        },
        Some(SourceText {
            name: "partners.json",
            text: bytes,
        }),
        None,
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        load_all(&bytes);
    }

    #[test]
    fn damaged_scenarios_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        load_all(&bytes);
        bytes.truncate(cut.index(bytes.len() + 1));
        load_all(&bytes);
    }
}
