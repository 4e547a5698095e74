//! Structure-aware simulation: the input drives a generator of well-formed
//! scenarios (partners with the seed policies' tracks, tiers, modules and
//! benefits; every event type; dates anywhere from 0001-01-01 to 9999-12-31;
//! amounts from 0 to the 10^17 limit, with more decimals than the currency
//! has), so that mutations explore the engine rather than the JSON syntax.
//! The scenario runs against one of the five seed policies, twice with the
//! same result, and every partner's total must be the sum of its payouts.

#![no_main]

use charter_check::{compile, CheckedProgram, FileReader};
use charter_diagnostics::SourceDb;
use charter_sim::{simulate, SimOptions};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

const POLICIES: [(&str, &str, &str); 5] = [
    (
        "optimetriks",
        "USD",
        include_str!("../../policies/optimetriks.charter"),
    ),
    (
        "cimpactpro",
        "EUR",
        include_str!("../../policies/cimpactpro.charter"),
    ),
    (
        "leadsender",
        "RUB",
        include_str!("../../policies/leadsender.charter"),
    ),
    (
        "simpro",
        "AUD",
        include_str!("../../policies/simpro.charter"),
    ),
    (
        "future-processing",
        "PLN",
        include_str!("../../policies/future-processing.charter"),
    ),
];

const TRACKS: &[&str] = &["Referral", "Affiliate", "Reseller"];
const TIERS: &[&str] = &[
    "Registered",
    "Select",
    "Premier",
    "Silver",
    "Gold",
    "Bronze",
];
const MODULES: &[&str] = &["ServiceProviders", "Technology", "Referral", "Accountancy"];
const BENEFITS: &[&str] = &["referral_fee", "subscription_discount", "free_widgets"];
const ENTITIES: &[&str] = &["company", "sole_proprietor", "self_employed", "individual"];
const PRODUCTS: &[&str] = &["Starter", "Pro", "Enterprise", "widget"];
const KINDS: &[&str] = &["lead_generation", "webinar", "training", "event"];
const QUALIFICATIONS: &[&str] = &["trained", "sales", "technical"];
const CURRENCIES: &[&str] = &["USD", "EUR", "RUB", "AUD", "PLN"];

struct NoImports;

impl FileReader for NoImports {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "imports are refused",
        ))
    }
}

fn programs() -> &'static Vec<CheckedProgram> {
    static PROGRAMS: OnceLock<Vec<CheckedProgram>> = OnceLock::new();
    PROGRAMS.get_or_init(|| {
        POLICIES
            .iter()
            .map(|(name, _, text)| {
                let mut db = SourceDb::new();
                let root = db.add(format!("{name}.charter"), text.to_string());
                match compile(db, root, &mut NoImports).into_checked() {
                    Ok((checked, _, _)) => checked,
                    Err(c) => panic!("seed policy {name} has errors: {:?}", c.diagnostics),
                }
            })
            .collect()
    })
}

fn date(u: &mut Unstructured) -> Result<String> {
    let base = *u.choose(&[(1, 1, 1), (2024, 1, 1), (2025, 6, 30), (9999, 10, 1)])?;
    let start = chrono::NaiveDate::from_ymd_opt(base.0, base.1, base.2).unwrap();
    let span = i64::from(u.int_in_range(0u16..=1000)?);
    let days = u.int_in_range(0..=span)?;
    let d = start
        .checked_add_signed(chrono::TimeDelta::days(days))
        .filter(|d| *d <= chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap())
        .unwrap_or(start);
    Ok(d.format("%Y-%m-%d").to_string())
}

fn amount(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => "0".to_string(),
        1 => "100000000000000000".to_string(),
        2 => "99999999999999999.99".to_string(),
        3 => format!(
            "{}.{:05}",
            u.int_in_range(0u32..=100_000)?,
            u.int_in_range(0u32..=99_999)?
        ),
        4 => "0.01".to_string(),
        _ => {
            let cents = u.int_in_range(0u64..=100_000_000)?;
            format!("{}.{:02}", cents / 100, cents % 100)
        }
    })
}

fn scenario(u: &mut Unstructured, currency: &str) -> Result<String> {
    let partners = u.int_in_range(1usize..=4)?;
    let mut s = String::from("{ \"partners\": [");
    for p in 0..partners {
        let mut fields = vec![format!("\"id\": \"p{p}\"")];
        if u.arbitrary()? {
            fields.push(format!("\"track\": \"{}\"", u.choose(TRACKS)?));
        }
        if u.ratio(1u8, 4)? {
            fields.push(format!("\"tier\": \"{}\"", u.choose(TIERS)?));
        }
        if u.ratio(1u8, 3)? {
            fields.push(format!("\"modules\": [\"{}\"]", u.choose(MODULES)?));
        }
        if u.ratio(1u8, 3)? {
            fields.push(format!("\"elected\": [\"{}\"]", u.choose(BENEFITS)?));
        }
        fields.push(format!("\"entity\": \"{}\"", u.choose(ENTITIES)?));
        fields.push(format!("\"contract\": {}", u.ratio(4u8, 5)?));
        fields.push(format!(
            "\"staff\": {{ \"{}\": {} }}",
            u.choose(QUALIFICATIONS)?,
            u.int_in_range(0u8..=3)?
        ));
        if u.arbitrary()? {
            fields.push(format!("\"joined\": \"{}\"", date(u)?));
        }
        let _ = write!(
            s,
            "{}{{ {} }}",
            if p > 0 { ", " } else { "" },
            fields.join(", ")
        );
    }
    s.push_str("], \"events\": [");
    let mut first = true;
    let mut n = 0;
    while !u.is_empty() && n < 300 {
        n += 1;
        let d = date(u)?;
        let p = format!("p{}", u.int_in_range(0usize..=partners)?); // sometimes undeclared
        let c = format!("c{}", u.int_in_range(0u8..=5)?);
        let i = format!("i{}", u.int_in_range(0u8..=7)?);
        let body = match u.int_in_range(0u8..=13)? {
            0 => format!("\"type\": \"vendor_contact\", \"customer\": \"{c}\""),
            1 | 2 => format!("\"type\": \"referral\", \"partner\": \"{p}\", \"customer\": \"{c}\""),
            3 => format!(
                "\"type\": \"registration\", \"partner\": \"{p}\", \"customer\": \"{c}\", \"approved\": {}, \"decided\": \"{}\"",
                u.arbitrary::<bool>()?,
                date(u)?
            ),
            4 => format!(
                "\"type\": \"attachment\", \"partner\": \"{p}\", \"customer\": \"{c}\", \"requested_by_customer\": {}",
                u.arbitrary::<bool>()?
            ),
            5 => {
                let partner = if u.arbitrary()? { format!(", \"partner\": \"{p}\"") } else { String::new() };
                format!("\"type\": \"order\", \"customer\": \"{c}\", \"product\": \"{}\"{partner}", u.choose(PRODUCTS)?)
            }
            6 | 7 => {
                let cur = if u.ratio(1u8, 10)? { u.choose(CURRENCIES)? } else { currency };
                format!(
                    "\"type\": \"invoice\", \"id\": \"{i}-{n}\", \"customer\": \"{c}\", \"amount\": \"{}\", \"currency\": \"{cur}\", \"product\": \"{}\", \"renewal\": {}",
                    amount(u)?,
                    u.choose(PRODUCTS)?,
                    u.arbitrary::<bool>()?
                )
            }
            8 | 9 | 10 => format!(
                "\"type\": \"payment\", \"invoice\": \"{i}-{}\", \"amount\": \"{}\", \"collected_by\": \"{}\"",
                u.int_in_range(1..=n)?,
                amount(u)?,
                u.choose(&["vendor", "partner"])?
            ),
            11 => format!("\"type\": \"refund\", \"invoice\": \"{i}-{}\", \"amount\": \"{}\"", u.int_in_range(1..=n)?, amount(u)?),
            12 => match u.int_in_range(0u8..=2)? {
                0 => format!("\"type\": \"activity\", \"partner\": \"{p}\", \"kind\": \"{}\"", u.choose(KINDS)?),
                1 => format!("\"type\": \"invitation\", \"partner\": \"{p}\", \"tier\": \"{}\"", u.choose(TIERS)?),
                _ => format!("\"type\": \"notice\", \"partner\": \"{p}\""),
            },
            _ => format!(
                "\"type\": \"staff\", \"partner\": \"{p}\", \"qualification\": \"{}\", \"count\": {}",
                u.choose(QUALIFICATIONS)?,
                u.int_in_range(0u8..=3)?
            ),
        };
        let _ = write!(
            s,
            "{}{{ \"date\": \"{d}\", {body} }}",
            if first { "" } else { ", " }
        );
        first = false;
    }
    s.push_str("] }");
    Ok(s)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(index) = u.choose_index(POLICIES.len()) else {
        return;
    };
    let Ok(text) = scenario(&mut u, POLICIES[index].1) else {
        return;
    };
    let scenario = match charter_scenario::parse_str(&text, "generated.json") {
        Ok(s) => s,
        Err(e) => panic!("a generated scenario does not load: {e}\n{text}"),
    };
    let program = &programs()[index];
    let result = simulate(program, &scenario, &SimOptions::default());
    let mut sums: BTreeMap<&str, rust_decimal::Decimal> = BTreeMap::new();
    for p in &result.payouts {
        *sums.entry(p.partner.as_str()).or_default() += p.amount;
    }
    for t in &result.totals {
        assert_eq!(
            t.amount,
            sums.get(t.partner.as_str()).copied().unwrap_or_default(),
            "{text}"
        );
    }
    assert_eq!(
        result,
        simulate(program, &scenario, &SimOptions::default()),
        "not deterministic"
    );
    let _ = charter_sim::report::to_json(&result);
});
