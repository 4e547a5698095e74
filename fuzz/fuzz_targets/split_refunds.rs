//! Money that balances (issue 8 §6): one invoice paid in any number of parts
//! and refunded in any number of parts, interleaved in any order, under a
//! one-rule policy with any rate and any of the five rounding modes. The
//! partner's total must equal the rate times what was kept, rounded once —
//! exactly what the unsplit payment and refund give. Before cumulative
//! rounding, 2,500 refunds of 0.04 clawed back nothing.

#![no_main]

use charter_check::{compile, CheckedProgram, FileReader};
use charter_diagnostics::SourceDb;
use charter_sim::{simulate, SimOptions};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use rust_decimal::{Decimal, RoundingStrategy};
use std::path::Path;

const MODES: [(&str, RoundingStrategy); 5] = [
    ("half_even", RoundingStrategy::MidpointNearestEven),
    ("half_up", RoundingStrategy::MidpointAwayFromZero),
    ("half_down", RoundingStrategy::MidpointTowardZero),
    ("down", RoundingStrategy::ToZero),
    ("up", RoundingStrategy::AwayFromZero),
];

struct NoImports;

impl FileReader for NoImports {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no imports",
        ))
    }
}

fn policy(rate: Decimal, mode: &str) -> CheckedProgram {
    let text = format!(
        "program \"P\" {{\n  currency EUR\n  rounding {mode}\n}}\nattribute customer by partner_sale\ncommission c: {rate}% of payments\n"
    );
    let mut db = SourceDb::new();
    let root = db.add("split.charter", text);
    match compile(db, root, &mut NoImports).into_checked() {
        Ok((checked, _, _)) => checked,
        Err(c) => panic!("the split policy has errors: {:?}", c.diagnostics),
    }
}

/// `total` cents in up to 64 positive parts, cut where the input says.
fn parts(u: &mut Unstructured, total: u64) -> Result<Vec<u64>> {
    let mut left = total;
    let mut out = Vec::new();
    while left > 0 {
        let part = if out.len() == 63 || u.is_empty() {
            left
        } else {
            u.int_in_range(1..=left)?
        };
        out.push(part);
        left -= part;
    }
    Ok(out)
}

fn money(cents: u64) -> Decimal {
    Decimal::from(cents) / Decimal::ONE_HUNDRED
}

/// Pays `payments` and refunds `refunds` on one invoice, a day apart; a
/// refund goes when what was kept covers it and the input says so.
fn scenario(
    u: &mut Unstructured,
    amount: u64,
    payments: &[u64],
    refunds: &[u64],
) -> Result<String> {
    let mut events = vec![
        r#"{"date":"2026-01-01","type":"order","customer":"c","partner":"p"}"#.to_string(),
        format!(
            r#"{{"date":"2026-01-01","type":"invoice","id":"i","customer":"c","amount":"{}"}}"#,
            money(amount)
        ),
    ];
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap_or_default();
    let (mut p, mut r, mut kept, mut day) = (0, 0, 0u64, 0u64);
    while p < payments.len() || r < refunds.len() {
        let date = start + chrono::Days::new(day);
        day += 1;
        let refund_now = r < refunds.len()
            && refunds[r] <= kept
            && (p == payments.len() || u.arbitrary::<bool>()?);
        if refund_now {
            kept -= refunds[r];
            events.push(format!(
                r#"{{"date":"{date}","type":"refund","invoice":"i","amount":"{}"}}"#,
                money(refunds[r])
            ));
            r += 1;
        } else {
            kept += payments[p];
            events.push(format!(
                r#"{{"date":"{date}","type":"payment","invoice":"i","amount":"{}"}}"#,
                money(payments[p])
            ));
            p += 1;
        }
    }
    Ok(format!(
        r#"{{"as_of":"2030-01-01","partners":[{{"id":"p"}}],"events":[{}]}}"#,
        events.join(",")
    ))
}

fn total(program: &CheckedProgram, text: &str) -> Decimal {
    let scenario = match charter_scenario::parse_str(text, "split.json") {
        Ok(s) => s,
        Err(e) => panic!("the generated scenario does not load: {e}\n{text}"),
    };
    let result = simulate(program, &scenario, &SimOptions::default());
    result.payouts.iter().map(|p| p.amount).sum()
}

fn run(u: &mut Unstructured) -> Result<()> {
    let amount = u.int_in_range(1u64..=10_000_000)?;
    let refunded = u.int_in_range(0..=amount)?;
    let rate = Decimal::new(i64::from(u.int_in_range(1u32..=10_000)?), 2);
    let (mode, strategy) = MODES[usize::from(u.int_in_range(0u8..=4)?)];
    let program = policy(rate, mode);
    let payments = parts(u, amount)?;
    let refunds = parts(u, refunded)?;
    let split = scenario(u, amount, &payments, &refunds)?;
    let whole_refunds: Vec<u64> = [refunded].into_iter().filter(|r| *r > 0).collect();
    let whole = scenario(u, amount, &[amount], &whole_refunds)?;
    let expected = (money(amount - refunded) * rate / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, strategy);
    assert_eq!(total(&program, &whole), expected, "unsplit\n{whole}");
    assert_eq!(total(&program, &split), expected, "split\n{split}");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
