//! Inputs for the growth benchmark (`crates/charter-cli/benches/growth.sh`):
//! one policy (and, for the simulator, one scenario) per path of section 7 of
//! issue 8, of `N` items, written to a folder.
//!
//! ```sh
//! cargo run --release -p charter-cli --example growth_inputs -- PATH N DIR
//! ```
//!
//! | path | N items | files |
//! |---|---|---|
//! | `simulate` | partners, each with one sale, invoice and payment | `policy.charter`, `events.ndjson`, `partners.json` |
//! | `roster` | the same partners, also in the policy's roster | the same |
//! | `diff` | the same partners, against a policy paying 12% instead of 10% | the same and `policy2.charter` |
//! | `exclusive` | partners exclusive in one country (N − 1 overlaps) | `policy.charter` |
//! | `did-you-mean` | 0.8 N benefits, 0.2 N partners electing a misspelt one | `policy.charter` |
//! | `region-cycle` | regions in one cycle, and N / 2 regions in two-region cycles | `policy.charter` |
//! | `tier-chain` | tiers, each requiring more than the one below | `policy.charter` |
//! | `choose-one` | benefits in one `choose one of` group | `policy.charter` |
//! | `warnings` | unused regions, one warning each (the renderer) | `policy.charter` |

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, n, dir] = args.as_slice() else {
        eprintln!("usage: growth_inputs PATH N DIR");
        return ExitCode::from(2);
    };
    let Ok(n) = n.replace('_', "").parse::<usize>() else {
        eprintln!("N must be a number");
        return ExitCode::from(2);
    };
    let dir = Path::new(dir);
    let files = match path.as_str() {
        "simulate" => simulation(n, false),
        "roster" => simulation(n, true),
        "diff" => {
            let mut files = simulation(n, false);
            let changed = files[0].1.replace("10% of payments", "12% of payments");
            files.push(("policy2.charter", changed));
            files
        }
        "exclusive" => vec![("policy.charter", exclusive(n))],
        "did-you-mean" => vec![("policy.charter", did_you_mean(n))],
        "region-cycle" => vec![("policy.charter", region_cycles(n))],
        "tier-chain" => vec![("policy.charter", tier_chain(n))],
        "choose-one" => vec![("policy.charter", choose_one(n))],
        "warnings" => vec![("policy.charter", warnings(n))],
        other => {
            eprintln!("unknown path `{other}`");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    for (name, text) in files {
        if let Err(e) = std::fs::write(dir.join(name), text) {
            eprintln!("cannot write {name}: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

const PROGRAM: &str = "program \"Growth\" {\n  currency EUR\n}\n\n";

/// A policy paying 10% of payments on a partner's own sales, two tiers, and
/// N partners each selling once (order, invoice, payment).
fn simulation(n: usize, roster: bool) -> Vec<(&'static str, String)> {
    let mut policy = String::from(PROGRAM);
    policy.push_str(
        "tiers Bronze < Silver\n\n\
         tier Bronze {\n  require count orders per year >= 1\n}\n\n\
         tier Silver {\n  require count orders per year >= 2\n}\n\n\
         attribute customer by partner_sale\n\n\
         commission sale_share: 10% of payments\n\n\
         payout within 30 days after payment\n\n",
    );
    if roster {
        for i in 0..n {
            let _ = writeln!(policy, "partner p{i:06} {{\n  joined 2024-01-01\n}}\n");
        }
    }
    let mut partners = String::from("[\n");
    for i in 0..n {
        let comma = if i + 1 < n { "," } else { "" };
        let _ = writeln!(partners, "  {{\"id\": \"p{i:06}\"}}{comma}");
    }
    partners.push_str("]\n");
    let mut events = String::new();
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 10;
        let _ = writeln!(
            events,
            "{{\"date\":\"2025-{month:02}-{day:02}\",\"type\":\"order\",\"customer\":\"c{i:06}\",\"partner\":\"p{i:06}\"}}\n\
             {{\"date\":\"2025-{month:02}-{day:02}\",\"type\":\"invoice\",\"id\":\"I{i:06}\",\"customer\":\"c{i:06}\",\"amount\":\"1000.00\"}}\n\
             {{\"date\":\"2025-{:02}-{day:02}\",\"type\":\"payment\",\"invoice\":\"I{i:06}\",\"amount\":\"1000.00\"}}",
            month + 1
        );
    }
    vec![
        ("policy.charter", policy),
        ("events.ndjson", events),
        ("partners.json", partners),
    ]
}

/// N partners, each exclusive in Germany: every one after the first overlaps.
fn exclusive(n: usize) -> String {
    let mut s = String::from(PROGRAM);
    for i in 0..n {
        let _ = writeln!(s, "partner p{i:06} {{\n  region DE exclusive\n}}\n");
    }
    s
}

/// A name built from syllables, so that names differ the way words do.
fn word(mut i: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "dan", "fel", "gor", "hum", "jin",
        "pol", "wex",
    ];
    let mut s = String::new();
    for _ in 0..4 {
        s.push_str(SYLLABLES[i % 16]);
        i /= 16;
    }
    let _ = write!(s, "_{i}");
    s
}

/// A misspelling: the first two letters after the third swapped.
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() > 4 {
        chars.swap(3, 4);
    }
    chars.into_iter().collect()
}

/// 0.8 N benefits named like words and numbered, and 0.2 N partners each
/// electing a misspelt benefit name (a swap of two letters): 0.2 N errors
/// that each look for the closest name among 0.8 N.
fn did_you_mean(n: usize) -> String {
    let names = n * 4 / 5;
    let mut s = String::from(PROGRAM);
    for i in 0..names {
        let _ = writeln!(s, "benefit {} (marketing)", word(i * 7919 % names.max(1)));
    }
    s.push('\n');
    for i in 0..n - names {
        let target = word((i * 31) % names.max(1));
        let _ = writeln!(s, "partner u{i:06} {{\n  elect {}\n}}\n", typo(&target));
    }
    s
}

/// N / 2 regions in one cycle (each includes the next, the last the first)
/// and N / 2 regions in pairs that include each other; one partner uses them.
fn region_cycles(n: usize) -> String {
    let mut s = String::from(PROGRAM);
    let ring = n / 2;
    for i in 0..ring {
        let _ = writeln!(s, "region RING{i} = [DE, RING{}]", (i + 1) % ring);
    }
    for i in 0..(n - ring) / 2 {
        let _ = writeln!(
            s,
            "region PAIR{i}A = [FR, PAIR{i}B]\nregion PAIR{i}B = [PAIR{i}A]"
        );
    }
    s.push_str("\npartner user {\n  region RING0\n}\n");
    for i in 0..(n - ring) / 2 {
        let _ = writeln!(s, "partner pair{i} {{\n  region PAIR{i}A\n}}");
    }
    s
}

/// N tiers, each requiring more staff and more orders than the one below,
/// one benefit available to the lowest tier only (a carry-up warning), and a
/// commission paying every tier a rate.
fn tier_chain(n: usize) -> String {
    let mut s = String::from(PROGRAM);
    s.push_str("tiers ");
    for i in 0..n {
        if i > 0 {
            s.push_str(" < ");
        }
        let _ = write!(s, "T{i}");
    }
    s.push_str("\n\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "tier T{i} {{\n  require staff sales >= {}\n  require count orders per year >= {}\n}}\n",
            i + 1,
            i + 1
        );
    }
    s.push_str("benefit lounge (marketing) for T0\n\n");
    s.push_str("commission by_tier {\n  rate by tier {\n");
    for i in 0..n {
        let comma = if i + 1 < n { "," } else { "" };
        let _ = writeln!(s, "    T{i}: {}%{comma}", 1 + (i * 10) / n.max(1));
    }
    s.push_str("  }\n  of payments\n}\n");
    s
}

/// N financial benefits offered as one `choose one of` group, a tier granting
/// the first, and a partner electing the second.
fn choose_one(n: usize) -> String {
    let mut s = String::from(PROGRAM);
    s.push_str("tiers Bronze\n\ntier Bronze {\n  grant b0\n}\n\n");
    for i in 0..n {
        let _ = writeln!(s, "benefit b{i} (financial)");
    }
    s.push_str("\nchoose one of ");
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "b{i}");
    }
    s.push_str("\n\npartner chooser {\n  tier Bronze\n  elect b1\n}\n");
    s
}

/// N regions no partner uses, each a C0203 warning, and one partner.
fn warnings(n: usize) -> String {
    let mut s = String::from(PROGRAM);
    for i in 0..n {
        let _ = writeln!(
            s,
            "/// Region {i}: a country of the program's first market.\nregion R{i} = [DE]\n"
        );
    }
    s.push_str("partner alone {\n  region FR\n}\n");
    s
}
