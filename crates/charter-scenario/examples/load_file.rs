//! Loads one scenario (an events file and, if given, a partners file) the
//! way `charter simulate` does and prints the time, CPU time and what was
//! loaded: `cargo run --release -p charter-scenario --example load_file --
//! EVENTS [PARTNERS]`. Run it under `/usr/bin/time -f "%e s %U u %M KB"` for
//! the peak memory. With `LOAD_DIGEST=1` it also prints a digest of every
//! event and name, to compare two builds of the loader.

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let Some(events) = args.next() else {
        return Err("usage: load_file EVENTS [PARTNERS]".into());
    };
    let partners = args.next();
    let cpu = cpu_ms();
    let started = Instant::now();
    let scenario = charter_scenario::load_files(&events, partners.as_deref(), None)?;
    let elapsed = started.elapsed();
    let cpu = cpu_ms() - cpu;
    println!(
        "loaded {} events, {} partners, {} customers, {} invoices in {elapsed:?} ({cpu} ms of CPU); \
         an event takes {} bytes",
        scenario.events.len(),
        scenario.names.partner_count(),
        scenario.names.customer_count(),
        scenario.names.invoice_count(),
        std::mem::size_of::<charter_scenario::Event>(),
    );
    if std::env::var_os("LOAD_DIGEST").is_some() {
        println!("digest {:016x}", digest(&scenario));
    }
    Ok(())
}

/// A hash of every event (as `Debug` shows it) and every name, in order.
fn digest(scenario: &charter_scenario::Scenario) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for event in &scenario.events {
        format!("{event:?}").hash(&mut hasher);
    }
    format!("{:?}", scenario.partners).hash(&mut hasher);
    let names = &scenario.names;
    for id in names.partner_ids() {
        names.partner(id).hash(&mut hasher);
    }
    for i in 0..names.customer_count() as u32 {
        names
            .customer(charter_scenario::CustomerId(i))
            .hash(&mut hasher);
    }
    for i in 0..names.invoice_count() as u32 {
        let id = charter_scenario::InvoiceId(i);
        (names.invoice(id), names.invoice_event(id)).hash(&mut hasher);
    }
    for i in 0..names.symbol_count() as u32 {
        names.symbol(charter_scenario::Symbol(i)).hash(&mut hasher);
    }
    hasher.finish()
}

/// CPU time of this process so far (Linux; 0 elsewhere).
fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // utime and stime are fields 14 and 15, counted after the `(comm)` field.
    let after_comm = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<u64> = after_comm
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    fields.iter().sum::<u64>() * 10
}
