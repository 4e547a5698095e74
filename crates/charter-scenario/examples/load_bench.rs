//! Times loading a large generated scenario from NDJSON, CSV and Parquet
//! (the same events and partners, written with the `csv` and `parquet`
//! writers): `cargo run --release -p charter-scenario --example load_bench
//! -- [events] [formats]`, formats a comma-separated list of `ndjson`,
//! `csv`, `parquet` (default: all three). `BENCH_ROUNDS` sets the rounds;
//! with `BENCH_DIR` the files are kept there and reused by the next run
//! (to profile the loading alone).

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
    let kept = std::env::var_os("BENCH_DIR").map(PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("charter-load-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir)?;
    let path = |name: &str| dir.join(format!("{events}-{name}"));
    let all = [
        (
            "NDJSON",
            "ndjson",
            path("events.ndjson"),
            path("partners.json"),
        ),
        ("CSV", "csv", path("events.csv"), path("partners.csv")),
        (
            "Parquet",
            "parquet",
            path("events.parquet"),
            path("partners.parquet"),
        ),
    ];
    let files: Vec<_> = all
        .into_iter()
        .filter(|(_, key, _, _)| formats.contains(key))
        .collect();
    if files.iter().any(|(_, _, e, p)| !e.exists() || !p.exists()) {
        write_files(events, &files)?;
    }
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let mut summary = Vec::new();
    for (name, _, events_path, partners_path) in &files {
        println!("{name}: {} MB", size_mb(events_path));
        let mut walls = Vec::new();
        let mut cpus = Vec::new();
        for _ in 0..rounds {
            let cpu = cpu_ms();
            let started = Instant::now();
            let scenario = load_files(events_path, Some(partners_path), None)?;
            let elapsed = started.elapsed();
            let cpu = cpu_ms() - cpu;
            println!(
                "  loaded {} events, {} customers, {} invoices in {elapsed:?} ({cpu} ms of CPU)",
                scenario.events.len(),
                scenario.names.customer_count(),
                scenario.names.invoice_count(),
            );
            walls.push(elapsed.as_millis() as u64);
            cpus.push(cpu);
        }
        summary.push((name, median(&mut walls), median(&mut cpus)));
    }
    println!("median of {rounds} rounds:");
    for (name, wall, cpu) in summary {
        println!(
            "  {name:8} {wall:5} ms wall {cpu:5} ms CPU ({} ns of wall per event)",
            wall * 1_000_000 / events.max(1) as u64
        );
    }
    if kept.is_none() {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}

/// Generates `events` events and writes them in each format of `files`.
fn write_files(events: usize, files: &[(&str, &str, PathBuf, PathBuf)]) -> std::io::Result<()> {
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
    let started = Instant::now();
    let objects = tables::objects_of_ndjson(&generated.events_ndjson);
    let partners = tables::objects_of_array(&generated.partners_json);
    let style = tables::ParquetStyle::default();
    for (_, key, events_path, partners_path) in files {
        let (events, partners) = match *key {
            "ndjson" => (
                generated.events_ndjson.clone().into_bytes(),
                generated.partners_json.clone().into_bytes(),
            ),
            "csv" => (
                tables::events_csv(&objects),
                tables::partners_csv(&partners),
            ),
            _ => (
                tables::events_parquet(&objects, style),
                tables::partners_parquet(&partners, style),
            ),
        };
        std::fs::write(events_path, events)?;
        std::fs::write(partners_path, partners)?;
    }
    println!("wrote the files in {:?}", started.elapsed());
    Ok(())
}

fn median(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
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
