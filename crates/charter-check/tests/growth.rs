//! The analyses rewritten to grow at most as n log n (issue 8, section 7)
//! keep their findings: every region cycle is still found, each conflicting
//! grant or election is reported against the first it conflicts with, the
//! closest name is still suggested, and large inputs give exactly the
//! expected diagnostics. Speed is measured by
//! `crates/charter-cli/benches/growth.sh`, not here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use charter_check::{compile, Compilation, FileReader};
use charter_diagnostics::{Code, Diagnostic, SourceDb};
use std::fmt::Write as _;
use std::path::Path;

/// No file can be imported.
struct NoFiles;

impl FileReader for NoFiles {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(std::io::ErrorKind::NotFound, "none"))
    }
}

fn check(text: &str) -> Compilation {
    let mut db = SourceDb::new();
    let root = db.add("growth.charter", text.to_string());
    compile(db, root, &mut NoFiles)
}

fn with_code(c: &Compilation, code: Code) -> Vec<&Diagnostic> {
    c.diagnostics.iter().filter(|d| d.code == code).collect()
}

fn messages(c: &Compilation, code: Code) -> Vec<&str> {
    with_code(c, code)
        .iter()
        .map(|d| d.message.as_str())
        .collect()
}

fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or_default()
}

#[test]
fn every_region_cycle_is_found_and_long_ones_are_named_briefly() {
    let mut text = String::from("program \"P\" { currency EUR }\n");
    // A ring of 20, a pair, a region containing itself, and a region that
    // two rings share.
    for i in 0..20 {
        let _ = writeln!(text, "region RING{i} = [DE, RING{}]", (i + 1) % 20);
    }
    text.push_str(
        "region PAIRA = [FR, PAIRB]\nregion PAIRB = [PAIRA]\n\
         region SELF = [SELF, AT]\n\
         region HUB = [LEFT, RIGHT]\nregion LEFT = [HUB]\nregion RIGHT = [HUB]\n\
         partner p { region RING0 }\npartner q { region PAIRA }\npartner r { region SELF }\npartner s { region HUB }\n",
    );
    let c = check(&text);
    let mut found = messages(&c, Code::RegionCycle);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "region `HUB` contains itself: `HUB` → `LEFT` → `HUB`",
            "region `HUB` contains itself: `HUB` → `RIGHT` → `HUB`",
            "region `PAIRA` contains itself: `PAIRA` → `PAIRB` → `PAIRA`",
            "region `RING0` contains itself: `RING0` → `RING1` → `RING2` → `RING3` → `RING4` → `RING5` → … (13 more) → `RING19` → `RING0`",
            "region `SELF` contains itself: `SELF` → `SELF`",
        ]
    );
    let ring = with_code(&c, Code::RegionCycle)
        .into_iter()
        .find(|d| d.message.contains("RING"))
        .unwrap();
    // The closing reference, and the first seven of the others.
    assert_eq!(ring.secondary.len(), 7);
}

#[test]
fn each_conflicting_grant_is_reported_once_against_the_first() {
    let c = check(
        r#"program "P" { currency EUR }
tiers Bronze < Gold
tier Bronze { grant a, b, c }
tier Gold { grant b }
tracks Resell, Refer
track Resell {
  eligible tier Gold
  grant c
}
track Refer { grant a }
modules Cloud, Edge { several per partner }
module Cloud { grant b }
module Edge { grant c }
benefit a (financial)
benefit b (financial)
benefit c (financial)
choose one of a, b, c
"#,
    );
    assert!(c
        .diagnostics
        .iter()
        .all(|d| d.code == Code::DualFinancialBenefit));
    let mut found = messages(&c, Code::DualFinancialBenefit);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            // Bronze's own grants: `b` and `c` each against `a`, the first.
            "a partner of tier `Bronze` and module `Cloud` is granted both `a` and `b`, but a `choose one of` group gives only one of them",
            "a partner of tier `Bronze` and module `Edge` is granted both `a` and `c`, but a `choose one of` group gives only one of them",
            // Refer's `a` conflicts with Bronze's `b` and Gold's `b`: the
            // first is reported.
            "a partner of tier `Bronze` and track `Refer` is granted both `b` and `a`, but a `choose one of` group gives only one of them",
            // Resell admits Gold partners only: its `c` conflicts with
            // Gold's `b`, not with Bronze's `a`.
            "a partner of tier `Gold` and track `Resell` is granted both `b` and `c`, but a `choose one of` group gives only one of them",
            "tier `Bronze` grants both `a` and `b`, but a `choose one of` group gives only one of them",
            "tier `Bronze` grants both `a` and `c`, but a `choose one of` group gives only one of them",
        ]
    );
}

#[test]
fn each_conflicting_election_is_reported_once_against_the_first() {
    let c = check(
        r#"program "P" { currency EUR }
tiers Bronze
tier Bronze { grant d }
benefit a (financial)
benefit b (financial)
benefit c (financial)
benefit d (financial)
benefit e (financial)
choose one of a, b, c
choose one of d, e
partner twice { elect a, b, c }
partner granted { tier Bronze
  elect e }
partner fine { tier Bronze
  elect a }
"#,
    );
    let mut found = messages(&c, Code::DualFinancialBenefit);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "partner `granted` elects `e`, but its tier `Bronze` already grants `d` of a `choose one of` group",
            "partner `twice` elects both `a` and `b`, but a `choose one of` group gives only one of them",
            "partner `twice` elects both `a` and `c`, but a `choose one of` group gives only one of them",
        ]
    );
}

#[test]
fn a_large_group_checks_clean_and_its_conflicts_are_found() {
    let n = 5_000;
    let mut text =
        String::from("program \"P\" { currency EUR }\ntiers Bronze\ntier Bronze { grant b0 }\n");
    for i in 0..n {
        let _ = writeln!(text, "benefit b{i} (financial)");
    }
    let names: Vec<String> = (0..n).map(|i| format!("b{i}")).collect();
    let _ = writeln!(text, "choose one of {}", names.join(", "));
    text.push_str("partner x { tier Bronze\n  elect b4999 }\npartner y { elect b7, b8 }\n");
    let c = check(&text);
    let mut found = messages(&c, Code::DualFinancialBenefit);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "partner `x` elects `b4999`, but its tier `Bronze` already grants `b0` of a `choose one of` group",
            "partner `y` elects both `b7` and `b8`, but a `choose one of` group gives only one of them",
        ]
    );
    assert!(with_code(&c, Code::ChooseOneGroup).is_empty());
}

#[test]
fn the_closest_name_is_suggested_among_thousands() {
    let mut text = String::from("program \"P\" { currency EUR }\n");
    for i in 0..4_000 {
        let _ = writeln!(text, "benefit perk_{i:04} (marketing)");
    }
    // One edit, one swap, and the same misspelling twice.
    text.push_str(
        "partner a { elect perk_0x17 }\npartner b { elect prek_2024 }\npartner c { elect prek_2024 }\npartner d { elect nothing_like_any }\n",
    );
    let c = check(&text);
    let unknown = with_code(&c, Code::UnknownName);
    let helps: Vec<(&str, &str)> = unknown
        .iter()
        .map(|d| (d.message.as_str(), help(d)))
        .collect();
    assert_eq!(
        helps,
        [
            (
                "unknown benefit `perk_0x17`",
                "did you mean `perk_0017`?"
            ),
            (
                "unknown benefit `prek_2024`",
                "did you mean `perk_2024`?"
            ),
            (
                "unknown benefit `prek_2024`",
                "did you mean `perk_2024`?"
            ),
            (
                "unknown benefit `nothing_like_any`",
                "defined: perk_0000, perk_0001, perk_0002, perk_0003, perk_0004, perk_0005, perk_0006, perk_0007, perk_0008, perk_0009, perk_0010, perk_0011"
            ),
        ]
    );
}

#[test]
fn an_undeclared_tier_is_matched_against_a_long_list() {
    let mut text = String::from("program \"P\" { currency EUR }\ntiers ");
    let names: Vec<String> = (0..3_000).map(|i| format!("Level{i}")).collect();
    text.push_str(&names.join(" < "));
    text.push_str(
        "\ntier Levle7 { require staff sales >= 1 }\ntier Level2999 { require staff sales >= 1 }\n",
    );
    let c = check(&text);
    let unknown = with_code(&c, Code::UnknownName);
    assert_eq!(unknown.len(), 1);
    assert_eq!(
        unknown[0].message,
        "tier `Levle7` is not in the `tiers` list"
    );
    assert_eq!(help(unknown[0]), "did you mean `Level7`?");
}

#[test]
fn every_partner_after_the_first_exclusive_holder_overlaps_it() {
    let n = 3_000;
    let mut text = String::from("program \"P\" { currency EUR }\n");
    for i in 0..n {
        let _ = writeln!(text, "partner p{i:04} {{ region DE exclusive }}");
    }
    let c = check(&text);
    let found = messages(&c, Code::OverlappingRegions);
    assert_eq!(found.len(), n - 1);
    assert!(found
        .iter()
        .all(|m| m.starts_with("partners `p0000` and `p")));
    assert_eq!(
        found.last().copied(),
        Some("partners `p0000` and `p2999` both hold the country `DE` exclusively")
    );
}

#[test]
fn a_long_tier_chain_keeps_its_findings() {
    let n = 2_000;
    let mut text = String::from("program \"P\" { currency EUR }\ntiers ");
    let names: Vec<String> = (0..n).map(|i| format!("T{i}")).collect();
    text.push_str(&names.join(" < "));
    text.push('\n');
    for i in 0..n {
        // Each tier requires more than the one below, but T1000 less.
        let staff = if i == 1000 { 1 } else { i + 1 };
        let _ = writeln!(text, "tier T{i} {{ require staff sales >= {staff} }}");
    }
    text.push_str("benefit lounge (marketing) for T0, T1\n");
    let rates: Vec<String> = (0..n)
        .map(|i| format!("T{i}: {}%", if i == 1500 { 1 } else { 2 + i / 100 }))
        .collect();
    let _ = writeln!(
        text,
        "commission by_tier {{\n  rate by tier {{ {} }}\n  of payments\n}}",
        rates.join(", ")
    );
    let c = check(&text);
    let mut found = messages(&c, Code::TierNotMonotone);
    found.sort_unstable();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with(
        "benefit `lounge` is available to tier `T0` but not to the higher tiers `T2`, `T3`,"
    ));
    assert!(found[0].ends_with("`T1998` and `T1999`"));
    assert_eq!(
        found[1],
        "commission `by_tier` pays tier `T1500` 1%, less than tier `T1400` below it (16%)"
    );
    assert_eq!(
        found[2],
        "tier `T1000` requires `staff sales >= 1`, less than tier `T999` below it (`staff sales >= 1000`)"
    );
}
