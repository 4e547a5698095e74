//! Times loading a large generated scenario from NDJSON, CSV and Parquet
//! (the same events and partners, written with the `csv` and `parquet`
//! writers): `cargo run --release -p charter-scenario --example load_bench
//! -- [events] [formats]`, formats a comma-separated list of `ndjson`,
//! `csv`, `parquet` (default: all three). `BENCH_ROUNDS` sets the rounds.

#[path = "../tests/support/tables.rs"]
mod tables;

use std::path::{Path, PathBuf};
use std::time::Instant;

use charter_scenario::{generate, load_files, GenConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    let formats = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "ndjson,csv,parquet".to_owned());
    let config = GenConfig {
        events,
        partners: 2_000,
        days: 730,
        ..GenConfig::default()
    };
    let started = Instant::now();
    let generated = generate(&config);
    println!(
        "generated {events} events ({} MB of NDJSON) in {:?}",
        generated.events_ndjson.len() / 1_000_000,
        started.elapsed()
    );
    let dir = std::env::temp_dir().join(format!("charter-load-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut files: Vec<(&str, PathBuf, PathBuf)> = Vec::new();
    let write = |name: &str, bytes: &[u8]| -> std::io::Result<PathBuf> {
        let path = dir.join(name);
        std::fs::write(&path, bytes)?;
        Ok(path)
    };
    if formats.contains("ndjson") {
        files.push((
            "NDJSON",
            write("events.ndjson", generated.events_ndjson.as_bytes())?,
            write("partners.json", generated.partners_json.as_bytes())?,
        ));
    }
    if formats.contains("csv") || formats.contains("parquet") {
        let started = Instant::now();
        let events = tables::objects_of_ndjson(&generated.events_ndjson);
        let partners = tables::objects_of_array(&generated.partners_json);
        if formats.contains("csv") {
            files.push((
                "CSV",
                write("events.csv", &tables::events_csv(&events))?,
                write("partners.csv", &tables::partners_csv(&partners))?,
            ));
        }
        if formats.contains("parquet") {
            let style = tables::ParquetStyle::default();
            files.push((
                "Parquet",
                write("events.parquet", &tables::events_parquet(&events, style))?,
                write(
                    "partners.parquet",
                    &tables::partners_parquet(&partners, style),
                )?,
            ));
        }
        println!("wrote CSV and Parquet in {:?}", started.elapsed());
    }
    drop(generated);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for (name, events_path, partners_path) in &files {
        println!("{name}: {} MB", size_mb(events_path));
        for _ in 0..rounds {
            let cpu = cpu_ms();
            let started = Instant::now();
            let scenario = load_files(events_path, Some(partners_path), None)?;
            let elapsed = started.elapsed();
            println!(
                "  loaded {} events, {} customers, {} invoices in {elapsed:?} ({} ms of CPU)",
                scenario.events.len(),
                scenario.names.customer_count(),
                scenario.names.invoice_count(),
                cpu_ms() - cpu,
            );
        }
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn size_mb(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len() / 1_000_000)
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
