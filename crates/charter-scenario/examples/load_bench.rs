//! Times loading a large generated NDJSON scenario:
//! `cargo run --release -p charter-scenario --example load_bench -- [events]`.

use std::time::Instant;

use charter_scenario::{generate, load_ndjson, GenConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    let config = GenConfig {
        events,
        partners: 2_000,
        days: 730,
        ..GenConfig::default()
    };
    let started = Instant::now();
    let generated = generate(&config);
    println!(
        "generated {events} events ({} MB) in {:?}",
        generated.events_ndjson.len() / 1_000_000,
        started.elapsed()
    );
    let dir = std::env::temp_dir().join(format!("charter-load-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let events_path = dir.join("events.ndjson");
    let partners_path = dir.join("partners.json");
    std::fs::write(&events_path, &generated.events_ndjson)?;
    std::fs::write(&partners_path, &generated.partners_json)?;
    drop(generated);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for _ in 0..rounds {
        let cpu = cpu_ms();
        let started = Instant::now();
        let scenario = load_ndjson(&events_path, Some(&partners_path), None)?;
        let elapsed = started.elapsed();
        println!(
            "loaded {} events, {} customers, {} invoices in {elapsed:?} ({} ms of CPU)",
            scenario.events.len(),
            scenario.names.customer_count(),
            scenario.names.invoice_count(),
            cpu_ms() - cpu,
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// CPU time of this process so far (Linux; 0 elsewhere), to compare runs on
/// a busy machine.
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
