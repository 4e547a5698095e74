//! Simulation throughput: `policies/optimetriks.charter` against generated
//! scenarios (`charter_scenario::generate` with tracks only, USD, 100
//! partners, the same as `charter gen-scenario --tracks-only --currency USD`)
//! of 10k and 100k events:
//! - `load`: `charter_scenario::parse_ndjson` of the events and partners;
//! - `simulate`: `charter_sim::simulate` on the loaded scenario.
//!
//! Runs of a million events and more are measured end to end by
//! `duckdb_side_by_side.sh` (the `charter` binary under `/usr/bin/time`,
//! next to one DuckDB query, on `charter gen-scenario --shape billing-export`).
//! `cargo bench -p charter-sim`; `BENCHMARKS.md` has the figures.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark")]

use charter_scenario::{generate, parse_ndjson, GenConfig, SourceText};
use charter_sim::{simulate, SimOptions};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::path::Path;
use std::time::Duration;

fn bench_simulate(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/optimetriks.charter");
    let (program, _, _) = charter_check::compile_path(&path)
        .unwrap()
        .into_checked()
        .unwrap();
    let mut load = c.benchmark_group("load");
    load.sample_size(10);
    let mut scenarios = Vec::new();
    for events in [10_000, 100_000] {
        let generated = generate(&GenConfig {
            events,
            partners: 100,
            currency: "USD".to_string(),
            tiers_and_modules: false,
            ..GenConfig::default()
        });
        let read = || {
            parse_ndjson(
                SourceText {
                    name: "events.ndjson",
                    text: generated.events_ndjson.as_bytes(),
                },
                Some(SourceText {
                    name: "partners.json",
                    text: generated.partners_json.as_bytes(),
                }),
                None,
            )
            .unwrap()
        };
        load.throughput(Throughput::Elements(events as u64));
        load.bench_function(BenchmarkId::from_parameter(events), |b| {
            b.iter(|| read().events.len())
        });
        scenarios.push((events, read()));
    }
    load.finish();
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (events, scenario) in &scenarios {
        group.throughput(Throughput::Elements(*events as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(events),
            scenario,
            |b, scenario| {
                b.iter(|| {
                    simulate(&program, black_box(scenario), &SimOptions::default())
                        .payouts
                        .len()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_simulate);
criterion_main!(benches);
