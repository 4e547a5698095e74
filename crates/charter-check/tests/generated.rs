//! Property tests over generated policies: the checker never panics, and
//! checking the same text twice gives the same diagnostics.
//!
//! Policies are assembled from fragments that stress the analyses: tier lists
//! in random orders with random requirements and grants, bracket tables with
//! random bounds (overlapping, gapped, inverted, open or not), regions of real
//! and made-up country codes that may include each other (cycles too),
//! partners with random regions and elections, payouts and clawbacks, and the
//! odd broken item. 64 cases by default; set `PROPTEST_CASES` for more.

use charter_check::{compile, Compilation, FileReader};
use charter_diagnostics::render::{render_human, HumanStyle};
use charter_diagnostics::SourceDb;
use proptest::prelude::*;
use proptest::sample::select;
use std::path::Path;

const TIERS: [&str; 4] = ["Bronze", "Silver", "Gold", "Platinum"];
const TRACKS: [&str; 2] = ["Referral", "Affiliate"];
const MODULES: [&str; 2] = ["Tech", "Accountancy"];
const BENEFITS: [&str; 5] = ["fee", "discount", "badge", "manager", "credit"];
const CODES: [&str; 9] = ["DE", "AT", "CH", "PL", "FR", "UK", "EL", "XX", "GB"];
const REGIONS: [&str; 3] = ["ALPHA", "BETA", "GAMMA"];
const ENTITIES: [&str; 4] = ["company", "sole_proprietor", "self_employed", "individual"];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// No file can be imported.
struct NoFiles;

impl FileReader for NoFiles {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(std::io::ErrorKind::NotFound, "none"))
    }
}

fn check(text: &str) -> Compilation {
    let mut db = SourceDb::new();
    let root = db.add("generated.charter", text.to_string());
    compile(db, root, &mut NoFiles)
}

fn comparator() -> impl Strategy<Value = &'static str> {
    select(vec![">=", ">", "<=", "<", "="])
}

fn names<const N: usize>(from: [&'static str; N], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(select(from.to_vec()), 0..=max).prop_map(|v| v.join(", "))
}

fn requirement() -> impl Strategy<Value = String> {
    prop_oneof![
        (comparator(), 0u32..5).prop_map(|(c, n)| format!("require staff sales {c} {n}")),
        (comparator(), 0u32..5).prop_map(|(c, n)| format!("require count orders per year {c} {n}")),
        (comparator(), 0u32..5)
            .prop_map(|(c, n)| format!("require revenue per year {c} {n}0000 EUR")),
        Just("require contract".to_string()),
        Just("require \"a named contact\" for Tech".to_string()),
    ]
}

fn member_block() -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        select(TIERS.to_vec()).prop_map(|n| format!("tier {n}")),
        select(TRACKS.to_vec()).prop_map(|n| format!("track {n}")),
        select(MODULES.to_vec()).prop_map(|n| format!("module {n}")),
    ];
    (
        kind,
        proptest::collection::vec(requirement(), 0..3),
        names(BENEFITS, 3),
        names(ENTITIES, 2),
        any::<bool>(),
    )
        .prop_map(|(head, reqs, grants, entities, contract)| {
            let mut body = reqs.join("\n  ");
            if !grants.is_empty() {
                body.push_str(&format!("\n  grant {grants}"));
            }
            if !entities.is_empty() && !head.starts_with("tier") {
                let with = if contract { " with contract" } else { "" };
                body.push_str(&format!("\n  eligible entity {entities}{with}"));
            }
            format!("{head} {{\n  {body}\n}}")
        })
}

fn tiers_decl() -> impl Strategy<Value = String> {
    (Just(TIERS.to_vec()).prop_shuffle(), 1..=4usize)
        .prop_map(|(order, n)| format!("tiers {}", order[..n].join(" < ")))
}

fn benefit() -> impl Strategy<Value = String> {
    (
        select(BENEFITS.to_vec()),
        select(vec!["financial", "marketing", "support", "finance"]),
        names(TIERS, 3),
        proptest::option::of(0u32..=100),
    )
        .prop_map(|(name, category, targets, discount)| {
            let targets = if targets.is_empty() {
                String::new()
            } else {
                format!(" for {targets}")
            };
            let block = discount
                .map(|d| format!(" {{ discount {d}% on subscriptions }}"))
                .unwrap_or_default();
            format!("benefit {name} ({category}){targets}{block}")
        })
}

fn choose_one() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(select(BENEFITS.to_vec()), 1..4),
        proptest::option::of(select(vec!["money", "perks"])),
    )
        .prop_map(|(list, name)| {
            let name = name.map(|n| format!(" as {n}")).unwrap_or_default();
            format!("choose one of {}{name}", list.join(", "))
        })
}

fn bracket_row(sales: bool) -> impl Strategy<Value = String> {
    let unit = if sales { " EUR" } else { "" };
    let amount = move |n: u32| format!("{}{unit}", n * 1000);
    (0u32..4, 0u32..200, 0u32..200, 0u32..=40).prop_map(move |(kind, a, b, rate)| {
        let range = match kind {
            0 => format!("below {}", amount(a)),
            1 => format!("from {}", amount(a)),
            _ => format!("{} to {}", amount(a), amount(b)),
        };
        format!("{range}: {rate}%")
    })
}

fn bracket_commission() -> impl Strategy<Value = String> {
    any::<bool>().prop_flat_map(|sales| {
        (
            Just(sales),
            proptest::option::of(select(vec!["whole amount", "marginal", "retroactive"])),
            proptest::collection::vec(bracket_row(sales), 0..5),
            proptest::option::of((0u32..=40, 0u32..=40)),
            proptest::option::of(0u32..=10),
        )
            .prop_map(|(sales, mode, rows, bounds, uplift)| {
                let metric = if sales { "sales" } else { "orders" };
                let mode = mode.map(|m| format!(", {m}")).unwrap_or_default();
                let mut text = format!(
                    "commission table {{\n  rate by {metric} over trailing 12 months{mode} {{\n    {}\n  }}\n  of payments",
                    rows.join("\n    ")
                );
                if let Some((lo, hi)) = bounds {
                    text.push_str(&format!("\n  bounds {lo}% to {hi}%"));
                }
                if let Some(u) = uplift {
                    text.push_str(&format!("\n  uplift {u}% when staff trained >= 1"));
                }
                text + "\n}"
            })
    })
}

fn commission() -> impl Strategy<Value = String> {
    (
        select(vec!["plain", "tiered", "scoped"]),
        0u32..=100,
        select(vec!["payments", "invoices"]),
        proptest::option::of(1u32..120),
        names(ENTITIES, 3),
        select(vec!["", "\n  settle netted", "\n  settle transfer"]),
        proptest::option::of((1u32..90, select(vec!["payment", "invoice"]))),
    )
        .prop_map(|(name, rate, base, clawback, entities, settle, payout)| {
            let rate_clause = if name == "tiered" {
                format!("rate by tier {{ Silver: {rate}%, Gold: {}% }}", rate / 2)
            } else {
                format!("rate {rate}%")
            };
            let mut text = format!("commission {name} {{\n  {rate_clause}\n  of {base}{settle}");
            if let Some(days) = clawback {
                text.push_str(&format!("\n  clawback on refund within {days} days"));
            }
            if !entities.is_empty() {
                text.push_str(&format!("\n  eligible entity {entities} with contract"));
            }
            if let Some((days, anchor)) = payout {
                text.push_str(&format!("\n  payout within {days} days after {anchor}"));
            }
            let text = text + "\n}";
            if name == "scoped" {
                format!("track Referral {{\n{text}\n}}")
            } else {
                text
            }
        })
}

fn region() -> impl Strategy<Value = String> {
    (
        select(REGIONS.to_vec()),
        proptest::collection::vec(
            prop_oneof![select(CODES.to_vec()), select(REGIONS.to_vec())],
            0..5,
        ),
    )
        .prop_map(|(name, members)| format!("region {name} = [{}]", members.join(", ")))
}

fn partner() -> impl Strategy<Value = String> {
    (
        0u32..6,
        proptest::collection::vec(
            (
                prop_oneof![select(CODES.to_vec()), select(REGIONS.to_vec())],
                any::<bool>(),
            ),
            0..3,
        ),
        names(BENEFITS, 3),
        proptest::option::of(select(TIERS.to_vec())),
        proptest::option::of(select(ENTITIES.to_vec())),
        names(MODULES, 2),
    )
        .prop_map(|(id, regions, elected, tier, entity, modules)| {
            let mut clauses: Vec<String> = regions
                .into_iter()
                .map(|(r, exclusive)| {
                    format!("region {r}{}", if exclusive { " exclusive" } else { "" })
                })
                .collect();
            if !elected.is_empty() {
                clauses.push(format!("elect {elected}"));
            }
            if !modules.is_empty() {
                clauses.push(format!("modules {modules}"));
            }
            clauses.extend(tier.map(|t| format!("tier {t}")));
            clauses.extend(entity.map(|e| format!("entity {e}\n  contract signed")));
            format!("partner p{id} {{\n  {}\n}}", clauses.join("\n  "))
        })
}

fn payout() -> impl Strategy<Value = String> {
    (
        1u32..90,
        select(vec!["payment", "invoice", "full payment", "collection"]),
        proptest::option::of(1u32..90),
    )
        .prop_map(|(days, anchor, hold)| {
            let hold = hold.map(|h| format!(", hold {h} days")).unwrap_or_default();
            format!("payout within {days} days after {anchor}{hold}")
        })
}

fn broken() -> impl Strategy<Value = String> {
    select(vec![
        "commission broken: five percent of payments",
        "tier {",
        "region = [DE",
        "partner { elect }",
        "benefit x (financial) for",
    ])
    .prop_map(str::to_string)
}

fn policy() -> impl Strategy<Value = String> {
    let header = (
        proptest::option::of(select(vec![
            "entities company, individual (no contract, netted only)",
            "entities company, sole_proprietor, individual (netted only)",
            "entities company, individual (no contract)",
        ])),
        proptest::option::of((0u32..=100, 0u32..=100)),
    )
        .prop_map(|(entities, split)| {
            let mut settings = vec!["currency EUR".to_string()];
            settings.extend(entities.map(str::to_string));
            if let Some((a, b)) = split {
                settings.push(format!("claims split {{ Referral {a}%, Affiliate {b}% }}"));
            }
            format!("program \"Generated\" {{\n  {}\n}}", settings.join("\n  "))
        });
    let item = prop_oneof![
        3 => member_block(),
        1 => tiers_decl(),
        2 => benefit(),
        2 => choose_one(),
        2 => bracket_commission(),
        2 => commission(),
        2 => region(),
        3 => partner(),
        1 => payout(),
        1 => broken(),
        1 => Just(format!("tracks {}", TRACKS.join(", "))),
        1 => Just(format!("modules {} {{ several per partner }}", MODULES.join(", "))),
    ];
    (header, proptest::collection::vec(item, 0..14))
        .prop_map(|(header, items)| format!("{header}\n{}\n", items.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn checking_never_panics_and_is_deterministic(text in policy()) {
        let first = check(&text);
        let second = check(&text);
        prop_assert_eq!(&first.diagnostics, &second.diagnostics, "policy:\n{}", text);
        // Rendering visits every span and label: it must not panic either.
        let style = HumanStyle { color: false, width: 100 };
        let _ = render_human(&first.db, &first.diagnostics, style);
    }
}
