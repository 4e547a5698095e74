//! The NDJSON layout: events one per line, partners in a second file.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::str::FromStr;

use charter_scenario::{
    generate, parse_ndjson, parse_str, EventKind, GenConfig, Scenario, SourceFormat, SourceText,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn load(events: &str, partners: Option<&str>) -> Result<Scenario, String> {
    parse_ndjson(
        SourceText {
            name: "events.ndjson",
            text: events.as_bytes(),
        },
        partners.map(|text| SourceText {
            name: "partners.json",
            text: text.as_bytes(),
        }),
        NaiveDate::from_ymd_opt(2025, 12, 31),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn lines_keep_their_numbers_and_order() {
    let events = "\
{\"date\":\"2025-03-05\",\"type\":\"referral\",\"partner\":\"acme\",\"customer\":\"c1\"}\r
\r
   \n\
{\"date\":\"2025-03-01\",\"type\":\"vendor_contact\",\"customer\":\"c1\",\"id\":\"first\"}
{\"date\":\"2025-03-09\",\"type\":\"payment\",\"invoice\":\"INV-9\",\"amount\":\"1.00\"}";
    let s = load(events, Some("{\"id\":\"acme\"}\n\n{\"id\":\"globex\"}\n")).unwrap();
    assert_eq!(s.source.format, SourceFormat::Ndjson);
    assert_eq!(s.source.partners_file.as_deref(), Some("partners.json"));
    assert_eq!(s.as_of, NaiveDate::from_ymd_opt(2025, 12, 31));
    assert_eq!(s.partners.len(), 2);
    assert_eq!(s.partners[1].line, 3);
    let lines: Vec<(u32, u32)> = s.events.iter().map(|e| (e.index, e.line)).collect();
    assert_eq!(lines, [(0, 1), (1, 4), (2, 5)]);
    assert_eq!(s.events[1].id.as_deref(), Some("first"));
    assert_eq!(s.event_location(&s.events[2]), "events.ndjson:5");
    let EventKind::Payment { invoice, .. } = s.events[2].kind else {
        panic!("not a payment")
    };
    assert!(!s.names.invoice_is_declared(invoice));
}

#[test]
fn partners_may_be_a_json_array() {
    let partners = "[\n  {\"id\":\"acme\"},\n  {\"id\":\"globex\",\"entity\":\"individual\"}\n]";
    let events = r#"{"date":"2025-03-05","type":"notice","partner":"globex"}"#;
    let s = load(events, Some(partners)).unwrap();
    assert_eq!(s.partners[1].line, 3);
    assert_eq!(s.partners[1].entity.as_str(), "individual");
    let partner = s.events[0].kind.partner().unwrap();
    assert_eq!(s.partner(partner).map(|p| p.id), Some(partner));
    assert!(s.names.partner_is_declared(partner));
}

#[test]
fn events_without_partners_file_name_undeclared_partners() {
    let s = load(
        r#"{"date":"2025-03-05","type":"notice","partner":"ghost"}"#,
        None,
    )
    .unwrap();
    let partner = s.events[0].kind.partner().unwrap();
    assert!(!s.names.partner_is_declared(partner));
    assert_eq!(s.names.partner(partner), "ghost");
    assert!(s.partner(partner).is_none());
}

#[test]
fn json_numbers_are_read_exactly() {
    let events = "\
{\"date\":\"2025-01-01\",\"type\":\"payment\",\"invoice\":\"a\",\"amount\":0.1}
{\"date\":\"2025-01-01\",\"type\":\"payment\",\"invoice\":\"a\",\"amount\":0.2}
{\"date\":\"2025-01-01\",\"type\":\"payment\",\"invoice\":\"a\",\"amount\":12345678901234567.89}";
    let s = load(events, None).unwrap();
    let amounts: Vec<Decimal> = s
        .events
        .iter()
        .map(|e| match e.kind {
            EventKind::Payment { amount, .. } => amount,
            _ => panic!("not a payment"),
        })
        .collect();
    assert_eq!(amounts[0] + amounts[1], Decimal::from_str("0.3").unwrap());
    assert_eq!(
        amounts[2],
        Decimal::from_str("12345678901234567.89").unwrap()
    );
}

#[test]
fn errors_name_the_line_and_column() {
    let events = "\
{\"date\":\"2025-01-01\",\"type\":\"notice\",\"partner\":\"a\"}

{\"date\":\"2025-01-02\",\"type\":\"payment\",\"invoice\":\"a\",\"amount\":\"12,50\"}";
    assert_eq!(
        load(events, None).unwrap_err(),
        r#"events.ndjson:3:62: $.amount: expected a decimal amount like "100.00", found "12,50""#
    );
    let two_on_a_line = "{\"date\":\"2025-01-01\",\"type\":\"notice\",\"partner\":\"a\"} {}";
    assert_eq!(
        load(two_on_a_line, None).unwrap_err(),
        "events.ndjson:1:53: $: trailing characters"
    );
    assert_eq!(
        load("{\"date\":\"2025-01-01\",\n\"type\":\"notice\"}", None).unwrap_err(),
        "events.ndjson:1:22: $: unexpected end of input while parsing a value; \
         in NDJSON each event must be on a single line"
    );
    assert_eq!(
        parse_ndjson(
            SourceText {
                name: "events.ndjson",
                text: b"{\"date\":\"2025-01-01\",\"type\":\"notice\",\"partner\":\"\xc3\"}",
            },
            None,
            None
        )
        .unwrap_err()
        .to_string(),
        "events.ndjson:1:49: invalid UTF-8 (byte 0xC3); scenario files must be UTF-8"
    );
    assert_eq!(
        load(" \n", None).unwrap_err(),
        "events.ndjson:1:1: the file is empty; expected one event object per line"
    );
    assert_eq!(
        load("{}", Some("[{\"id\":\"a\"},\n {\"id\":\"a\"}]")).unwrap_err(),
        "partners.json:2:8: $[1].id: duplicate partner id \"a\", first declared at line 1"
    );
    assert_eq!(
        load("{}", Some("{\"id\":\"a\"}\n{\"id\":\"b\",\"contract\":1}")).unwrap_err(),
        "partners.json:2:22: $.contract: invalid type: integer `1`, expected a boolean"
    );
}

fn big_scenario() -> (String, String) {
    let generated = generate(&GenConfig {
        seed: 7,
        events: 40_000,
        partners: 50,
        ..GenConfig::default()
    });
    assert!(
        generated.events_ndjson.len() > 3 << 20,
        "big enough to split"
    );
    (generated.partners_json, generated.events_ndjson)
}

/// Large inputs are split over threads; the merged result must match the
/// source line by line and a load of the same events as one JSON document
/// (which splits them elsewhere).
#[test]
fn split_loads_merge_back_exactly() {
    let (partners, events) = big_scenario();
    let s = load(&events, Some(&partners)).unwrap();
    let lines: Vec<&str> = events.lines().collect();
    assert_eq!(s.events.len(), lines.len());
    for (i, (event, line)) in s.events.iter().zip(&lines).enumerate() {
        assert_eq!(event.index as usize, i);
        assert_eq!(event.line as usize, i + 1);
        let source: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(event.date.to_string(), source["date"].as_str().unwrap());
        assert_eq!(
            event.kind.event_type().as_str(),
            source["type"].as_str().unwrap()
        );
        if let Some(partner) = event.kind.partner() {
            assert_eq!(
                s.names.partner(partner),
                source["partner"].as_str().unwrap()
            );
            assert!(s.names.partner_is_declared(partner));
        }
        match event.kind {
            EventKind::Invoice {
                invoice,
                customer,
                amount,
                ..
            } => {
                assert_eq!(s.names.invoice(invoice), source["id"].as_str().unwrap());
                assert_eq!(s.names.invoice_event(invoice), Some(event.index));
                assert_eq!(
                    s.names.customer(customer),
                    source["customer"].as_str().unwrap()
                );
                assert_eq!(amount.to_string(), source["amount"].as_str().unwrap());
            }
            EventKind::Payment { invoice, .. } | EventKind::Refund { invoice, .. } => {
                assert_eq!(
                    s.names.invoice(invoice),
                    source["invoice"].as_str().unwrap()
                );
                assert!(s.names.invoice_is_declared(invoice));
            }
            EventKind::Activity { kind, .. } => {
                assert_eq!(s.names.symbol(kind), source["kind"].as_str().unwrap());
            }
            _ => {}
        }
    }

    let document = format!(
        "{{\"partners\": {},\n\"events\": [\n{}\n]}}",
        partners.trim_end(),
        lines.join(",\n")
    );
    let whole = parse_str(&document, "scenario.json").unwrap();
    let first_line = partners.lines().count() as u32 + 2;
    assert_eq!(whole.events.len(), s.events.len());
    for (a, b) in whole.events.iter().zip(&s.events) {
        assert_eq!(
            (a.date, &a.kind, a.index, &a.id),
            (b.date, &b.kind, b.index, &b.id)
        );
        assert_eq!(a.line, first_line + a.index);
    }
    assert_eq!(whole.partners, s.partners);
    assert_eq!(whole.names.customer_count(), s.names.customer_count());
    assert_eq!(whole.names.symbol_count(), s.names.symbol_count());
}

#[test]
fn duplicate_invoices_are_found_across_chunks() {
    let (partners, mut events) = big_scenario();
    let first = events
        .lines()
        .position(|l| l.contains("\"id\":\"INV-0000001\""))
        .unwrap();
    events.push_str(
        "{\"date\":\"2025-12-31\",\"type\":\"invoice\",\"id\":\"INV-0000001\",\
         \"customer\":\"c1\",\"amount\":\"1.00\"}\n",
    );
    let last = events.lines().count();
    assert_eq!(
        load(&events, Some(&partners)).unwrap_err(),
        format!(
            "events.ndjson:{last}:44: $.id: duplicate invoice id \"INV-0000001\", \
             first declared at line {}",
            first + 1
        )
    );
}
