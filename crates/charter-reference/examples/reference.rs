//! Prints what the reference says a scenario produces:
//! `cargo run -p charter-reference --example reference -- POLICY SCENARIO`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(policy), Some(scenario)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: reference POLICY SCENARIO");
        std::process::exit(2);
    };
    let program = match charter_check::compile_path(Path::new(policy))
        .unwrap()
        .into_checked()
    {
        Ok((p, _, _)) => p,
        Err(c) => panic!("the policy has errors: {:?}", c.diagnostics),
    };
    let scenario = charter_scenario::load_path(Path::new(scenario)).unwrap();
    match charter_reference::simulate(&program, &scenario, None) {
        Err(e) => println!("{e}"),
        Ok(o) => {
            for p in &o.payouts {
                println!(
                    "{} {} {} {} earned {} due {}",
                    p.partner,
                    p.invoice.as_deref().unwrap_or("-"),
                    p.rule,
                    p.amount,
                    p.earned,
                    p.due
                );
            }
            for (p, t) in &o.totals {
                println!("total {p} {t}");
            }
            for (p, t) in &o.standings {
                println!("standing {p} {t:?}");
            }
        }
    }
}
