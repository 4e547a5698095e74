//! Findings are diagnostics of the one registry: their code is explained by
//! `charter explain`, and they point at the policy rule involved and at the
//! scenario event where there is one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, FsReader};
use charter_diagnostics::{Code, SourceDb};
use charter_sim::{simulate, FindingCode, SimOptions};

#[test]
fn every_simulation_code_is_a_finding_code() {
    let mut findings: Vec<Code> = FindingCode::ALL.iter().map(|c| c.code()).collect();
    findings.sort();
    let registry: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.is_simulation())
        .collect();
    assert_eq!(findings, registry);
    for f in FindingCode::ALL {
        assert_eq!(FindingCode::lookup(f.id()), Some(*f));
        assert_eq!(FindingCode::lookup(f.name()), Some(*f));
        assert_eq!(Code::lookup(f.name()), Some(f.code()));
    }
    assert_eq!(
        FindingCode::lookup("dual-elected-benefits").map(|c| c.id()),
        Some("S0105")
    );
}

#[test]
fn findings_point_at_the_rule_and_the_event() {
    let policy = r#"program "P" { currency EUR }
benefit fee (financial)
benefit discount (financial)
choose one of fee, discount
attribute customer by partner_sale
commission c: 10% of payments { eligible entity company with contract }
"#;
    let scenario = r#"{ "partners": [
    {"id": "p", "elected": ["fee", "discount"]},
    {"id": "q", "contract": false}
  ],
  "events": [
    { "date": "2026-01-02", "type": "order", "customer": "c", "partner": "q" },
    { "date": "2026-01-02", "type": "invoice", "id": "i1", "customer": "c", "amount": "100.00" },
    { "date": "2026-01-03", "type": "payment", "invoice": "i1", "amount": "100.00" }
  ] }"#;
    let mut db = SourceDb::new();
    let root = db.add("p.charter", policy);
    let (program, db, _) = match compile(db, root, &mut FsReader).into_checked() {
        Ok(checked) => checked,
        Err(c) => panic!("policy has errors: {:#?}", c.diagnostics),
    };
    let s = charter_scenario::parse_str(scenario, "scenario.json").unwrap();
    let options = SimOptions {
        sources: Some(&db),
        ..SimOptions::default()
    };
    let result = simulate(&program, &s, &options);
    let find = |id: &str| {
        result
            .findings
            .iter()
            .find(|f| f.code.id() == id)
            .unwrap_or_else(|| panic!("no {id} in {:#?}", result.findings))
    };
    let dual = find("S0105");
    assert_eq!(dual.rule_location.as_deref(), Some("p.charter:4:1"));
    assert_eq!(dual.event.as_deref(), Some("scenario.json:2"));
    let closed = find("S0301");
    assert_eq!(closed.rule_location.as_deref(), Some("p.charter:6:1"));
    assert_eq!(
        closed.event.as_deref(),
        Some("scenario.json:8 ($.events[2])")
    );
    let json = serde_json::to_value(closed).unwrap();
    assert_eq!(json["code"], "S0301");
    assert_eq!(json["rule_location"], "p.charter:6:1");
    assert!(json.get("rule_span").is_none(), "{json}");
    let table = charter_sim::report::to_table(&result);
    assert!(
        table.contains("(at scenario.json:8 ($.events[2])) (rule at p.charter:6:1)"),
        "{table}"
    );
}

#[test]
fn a_partner_finding_names_the_partners_file() {
    let policy = "program \"P\" { currency EUR }\ntracks Referral\nattribute customer by partner_sale\ncommission c: 10% of payments\n";
    let mut db = SourceDb::new();
    let root = db.add("p.charter", policy);
    let (checked, _, _) = compile(db, root, &mut FsReader).into_checked().unwrap();
    let events = b"{ \"date\": \"2025-01-01\", \"type\": \"order\", \"customer\": \"c\", \"partner\": \"a\" }\n";
    let partners = b"{ \"id\": \"b\" }\n{ \"id\": \"a\", \"track\": \"Nope\" }\n";
    let scenario = charter_scenario::parse_ndjson(
        charter_scenario::SourceText {
            name: "events.ndjson",
            text: events,
        },
        Some(charter_scenario::SourceText {
            name: "partners.ndjson",
            text: partners,
        }),
        None,
    )
    .unwrap();
    let result = simulate(&checked, &scenario, &SimOptions::default());
    let finding = result
        .findings
        .iter()
        .find(|f| f.code == FindingCode::UnknownTrack)
        .expect("an unknown-track finding");
    assert_eq!(finding.event.as_deref(), Some("partners.ndjson:2"));
}
