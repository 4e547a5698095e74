//! Malformed input never panics the loader: arbitrary bytes, and valid
//! scenarios (JSON, NDJSON, CSV, Parquet) with random bytes changed.

#![allow(clippy::unwrap_used)]

use charter_scenario::{parse_bytes, parse_files, parse_ndjson, SourceFormat, SourceText};
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

/// CSV with every kind of cell: quoted commas, quotes and line breaks,
/// empty cells, a byte order mark and CRLF line ends.
const VALID_CSV: &str = "\u{feff}date,type,id,partner,customer,opportunity,approved,decided,amount,currency,renewal,collected_by,qualification,count,invoice\r\n\
2025-03-05,registration,,acme,\"c1, \"\"the\"\"\nfirst\",o,false,2025-03-06,,,,,,,\r\n\
2025-03-06,invoice,I1,,c1,,,,10.50,EUR,true,,,,\r\n\
2025-03-07,payment,,,,,,,10.5,,,partner,,,I1\r\n\
2025-03-08,staff,,acme,,,,,,,,,sales,3,\r\n";

const VALID_PARTNERS_CSV: &str =
    "id,name,track,modules,tier,entity,contract,region,joined,elected,staff.sales,revenue_target\n\
acme,\"Acme, Inc.\",Affiliate,M1;M2,Select,company,true,PL,2025-01-01,referral_fee,2,100.00\n";

fn load_tables(bytes: &[u8]) {
    for format in [SourceFormat::Csv, SourceFormat::Parquet] {
        let _ = parse_files(
            SourceText {
                name: "events",
                text: bytes,
            },
            format,
            Some((
                SourceText {
                    name: "partners",
                    text: bytes,
                },
                format,
            )),
            None,
        );
        let _ = parse_files(
            SourceText {
                name: "events",
                text: bytes,
            },
            format,
            None,
            None,
        );
    }
}

/// A valid Parquet file of events, written once.
fn valid_parquet() -> &'static [u8] {
    static FILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let events = tables::objects_of_ndjson(
            "{\"date\":\"2025-03-05\",\"type\":\"invoice\",\"id\":\"I1\",\"customer\":\"c1\",\"amount\":\"10.50\",\"renewal\":true}\n\
             {\"date\":\"2025-03-06\",\"type\":\"staff\",\"partner\":\"acme\",\"qualification\":\"sales\",\"count\":2}\n",
        );
        tables::events_parquet(&events, tables::ParquetStyle::default())
    })
}

#[path = "support/tables.rs"]
mod tables;

proptest! {
    #[test]
    fn arbitrary_tables_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        load_tables(&bytes);
    }

    #[test]
    fn damaged_csv_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        partners in any::<bool>(),
    ) {
        let valid = if partners { VALID_PARTNERS_CSV } else { VALID_CSV };
        let mut bytes = valid.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        load_tables(&bytes);
        bytes.truncate(cut.index(bytes.len() + 1));
        load_tables(&bytes);
    }

    #[test]
    fn damaged_parquet_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = valid_parquet().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        load_tables(&bytes);
        bytes.truncate(cut.index(bytes.len() + 1));
        load_tables(&bytes);
    }
}

#[test]
fn the_valid_tables_load() {
    let events = SourceText {
        name: "events.csv",
        text: VALID_CSV.as_bytes(),
    };
    let partners = SourceText {
        name: "partners.csv",
        text: VALID_PARTNERS_CSV.as_bytes(),
    };
    let scenario = parse_files(
        events,
        SourceFormat::Csv,
        Some((partners, SourceFormat::Csv)),
        None,
    )
    .unwrap();
    assert_eq!(scenario.events.len(), 4);
    assert_eq!(scenario.partners[0].modules, ["M1", "M2"]);
    let parquet = SourceText {
        name: "events.parquet",
        text: valid_parquet(),
    };
    assert_eq!(
        parse_files(parquet, SourceFormat::Parquet, None, None)
            .unwrap()
            .events
            .len(),
        2
    );
}
