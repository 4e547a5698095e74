//! Formatter throughput on the generated policy of the checker's benchmark
//! (`crates/charter-check/benches/support/policy_gen.rs`) at about 100 KB, 1 MB and
//! 10 MB: `charter_fmt::format`, which parses, prints and re-parses to verify.
//!
//! `cargo bench -p charter-fmt`; `BENCHMARKS.md` has the figures.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark")]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::time::Duration;

#[path = "../../charter-check/benches/support/policy_gen.rs"]
mod policy_gen;

fn bench_format(c: &mut Criterion) {
    let mut group = c.benchmark_group("format");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (name, bytes) in [("100KB", 100_000), ("1MB", 1_000_000), ("10MB", 10_000_000)] {
        let text = policy_gen::policy(bytes);
        charter_fmt::format(&text).unwrap();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| charter_fmt::format(black_box(text)).unwrap().len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_format);
criterion_main!(benches);
