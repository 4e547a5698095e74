//! Checker throughput and the region-overlap sweep.
//!
//! - `parse`, `parse_and_check`: a generated policy (`policy_gen.rs`) of
//!   about 100 KB, 1 MB and 10 MB, parsed alone and through the whole
//!   pipeline (`charter_check::compile`: parse, lower, resolve, analyses);
//!   criterion reports MB/s. Target: > 10 MB/s in release.
//! - `exclusive_overlaps`: the per-country sweep of
//!   `analyses::regions::exclusive_overlaps` over 1k, 10k and 100k exclusive
//!   assignments of one to four countries each. Target: 100k < 200 ms.
//!
//! `cargo bench -p charter-check`; `BENCHMARKS.md` has the figures.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark")]

use charter_check::analyses::regions::{exclusive_overlaps, CountrySet, ExclusiveAssignment};
use charter_check::{compile, FileReader};
use charter_diagnostics::{FileId, Severity, SourceDb};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::path::Path;
use std::time::Duration;

#[path = "support/policy_gen.rs"]
mod policy_gen;

struct NoImports;

impl FileReader for NoImports {
    fn read(&mut self, _: &Path) -> std::io::Result<String> {
        Err(std::io::Error::other("no imports in benchmarks"))
    }
}

const SIZES: [(&str, usize); 3] = [("100KB", 100_000), ("1MB", 1_000_000), ("10MB", 10_000_000)];

fn check(text: &str) -> usize {
    let mut db = SourceDb::new();
    let root = db.add("bench.charter", text.to_string());
    let compilation = compile(db, root, &mut NoImports);
    let errors: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{:?}", errors.first());
    compilation.diagnostics.len()
}

fn bench_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_and_check");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (name, bytes) in SIZES {
        let text = policy_gen::policy(bytes);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| check(black_box(text)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for (name, bytes) in SIZES {
        let text = policy_gen::policy(bytes);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| {
                charter_syntax::parse(FileId(0), black_box(text))
                    .ast
                    .items
                    .len()
            })
        });
    }
    group.finish();
}

/// `n` exclusive assignments of one to four countries each, by a fixed
/// pseudo-random sequence; holders repeat every 7 assignments.
fn assignments(n: usize) -> Vec<ExclusiveAssignment> {
    let codes = charter_ir::countries::COUNTRIES;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let mut countries = CountrySet::default();
            for _ in 0..=(next() % 4) {
                countries.insert(codes[(next() % codes.len() as u64) as usize].0);
            }
            ExclusiveAssignment {
                holder: i / 7,
                countries,
            }
        })
        .collect()
}

fn bench_regions(c: &mut Criterion) {
    let mut group = c.benchmark_group("exclusive_overlaps");
    for n in [1_000, 10_000, 100_000] {
        let input = assignments(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| {
            b.iter(|| exclusive_overlaps(black_box(input)).len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_check, bench_regions);
criterion_main!(benches);
