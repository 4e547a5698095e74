//! The synthetic scenario generator: deterministic, exact in size, and
//! producing scenarios that load cleanly.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;

use charter_scenario::{
    generate, parse_ndjson, EventKind, EventType, GenConfig, GenShape, SourceText,
};

fn config(seed: u64, events: usize) -> GenConfig {
    GenConfig {
        seed,
        events,
        partners: 40,
        ..GenConfig::default()
    }
}

#[test]
fn same_config_same_bytes() {
    assert_eq!(generate(&config(3, 5_000)), generate(&config(3, 5_000)));
    assert_ne!(
        generate(&config(3, 5_000)).events_ndjson,
        generate(&config(4, 5_000)).events_ndjson
    );
}

#[test]
fn generated_scenarios_load_cleanly() {
    let cfg = config(11, 20_000);
    let generated = generate(&cfg);
    assert_eq!(generated.events_ndjson.lines().count(), cfg.events);
    let s = parse_ndjson(
        SourceText {
            name: "events.ndjson",
            text: generated.events_ndjson.as_bytes(),
        },
        Some(SourceText {
            name: "partners.json",
            text: generated.partners_json.as_bytes(),
        }),
        None,
    )
    .unwrap();
    assert_eq!(s.events.len(), cfg.events);
    assert_eq!(s.partners.len(), cfg.partners);
    assert_eq!(
        s.names.partner_count(),
        cfg.partners,
        "no undeclared partner"
    );

    let types: BTreeSet<&str> = s
        .events
        .iter()
        .map(|e| e.kind.event_type().as_str())
        .collect();
    let all: BTreeSet<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(types, all);

    let last_day = cfg.start + chrono::Days::new(u64::from(cfg.days) - 1);
    assert!(
        s.events.windows(2).all(|w| w[0].date <= w[1].date),
        "date order"
    );
    assert!(s
        .events
        .iter()
        .all(|e| e.date >= cfg.start && e.date <= last_day));
    for event in &s.events {
        if let EventKind::Payment { invoice, .. } | EventKind::Refund { invoice, .. } = event.kind {
            let declared = s.names.invoice_event(invoice).unwrap();
            assert!(declared < event.index, "invoice before its payments");
        }
    }
    let tracks: BTreeSet<&str> = s
        .partners
        .iter()
        .filter_map(|p| p.track.as_deref())
        .collect();
    assert_eq!(tracks, BTreeSet::from(["Affiliate", "Referral"]));
    for product in ["Starter", "Pro", "Enterprise"] {
        assert!(s.names.find_symbol(product).is_some(), "{product}");
    }
}

#[test]
fn tiny_configs_work() {
    let generated = generate(&GenConfig {
        seed: 0,
        events: 1,
        partners: 0,
        days: 1,
        ..GenConfig::default()
    });
    assert_eq!(generated.events_ndjson.lines().count(), 1);
    assert!(generate(&config(1, 0)).events_ndjson.is_empty());
}

#[test]
fn every_string_written_is_escaped_json() {
    // A quote, a backslash, control characters and a JavaScript line separator.
    let currency = "E\"U\\R\u{1}\n\u{2028}";
    let generated = generate(&GenConfig {
        currency: currency.to_string(),
        ..config(5, 300)
    });
    let mut invoices = 0;
    for line in generated.events_ndjson.lines() {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if event["type"] == "invoice" {
            assert_eq!(event["currency"], currency, "{line}");
            invoices += 1;
        }
    }
    assert!(invoices > 0);
    assert_eq!(generated.events_ndjson.lines().count(), 300);
    let partners: serde_json::Value = serde_json::from_str(&generated.partners_json).unwrap();
    assert_eq!(partners.as_array().unwrap().len(), 40);
}

#[test]
fn billing_export_has_the_benchmark_shape() {
    let cfg = GenConfig {
        seed: 7,
        events: 20_000,
        partners: 200,
        tiers_and_modules: false,
        shape: GenShape::BillingExport,
        ..GenConfig::default()
    };
    let generated = generate(&cfg);
    assert_eq!(generated, generate(&cfg), "deterministic");
    let s = parse_ndjson(
        SourceText {
            name: "events.ndjson",
            text: generated.events_ndjson.as_bytes(),
        },
        Some(SourceText {
            name: "partners.json",
            text: generated.partners_json.as_bytes(),
        }),
        None,
    )
    .unwrap();
    // Whole customers: at least the events asked, at most one customer more.
    assert!(s.events.len() >= cfg.events && s.events.len() < cfg.events + 18);
    assert!(
        s.events.windows(2).all(|w| w[0].date <= w[1].date),
        "date order"
    );
    // Half Referral without a contract, half Affiliate with a contract and one trained person.
    assert_eq!(s.partners.len(), 200);
    for (i, p) in s.partners.iter().enumerate() {
        let affiliate = i % 2 == 1;
        assert_eq!(
            p.track.as_deref(),
            Some(if affiliate { "Affiliate" } else { "Referral" })
        );
        assert_eq!(p.contract, affiliate);
        let staff: Vec<(&str, u32)> = p.staff.iter().map(|(q, n)| (q.as_str(), *n)).collect();
        assert_eq!(
            staff,
            if affiliate {
                vec![("trained", 1)]
            } else {
                vec![]
            }
        );
    }
    let mut referrals = 0;
    let mut orders = 0;
    let mut sales = 0;
    let mut invoices = 0;
    let mut payments = 0;
    for event in &s.events {
        match &event.kind {
            EventKind::Referral { .. } => referrals += 1,
            EventKind::Order { partner, .. } => {
                orders += 1;
                sales += usize::from(partner.is_some());
            }
            EventKind::Invoice { amount, .. } => {
                invoices += 1;
                assert_eq!(amount.to_string(), "100.00");
            }
            EventKind::Payment {
                amount, invoice, ..
            } => {
                payments += 1;
                assert_eq!(amount.to_string(), "100.00");
                let declared = s.names.invoice_event(*invoice).unwrap();
                let issued = s.events[declared as usize].date;
                assert_eq!(event.date, issued + chrono::Days::new(5));
            }
            other => panic!("unexpected event {:?}", other.event_type()),
        }
    }
    // Every customer orders once: by a referral 30 days before, or a partner's sale.
    assert_eq!(orders, referrals + sales);
    assert_eq!(invoices, payments);
    // 1 to 8 invoices per customer, 4.5 on average.
    let per_customer = invoices as f64 / orders as f64;
    assert!((4.0..5.0).contains(&per_customer), "{per_customer}");
    let events_per_customer = s.events.len() as f64 / orders as f64;
    assert!(
        (10.0..11.0).contains(&events_per_customer),
        "{events_per_customer}"
    );
}
