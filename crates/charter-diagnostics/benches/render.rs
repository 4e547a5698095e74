//! Rendering many diagnostics of one large file.
//!
//! `render_human` and `render_json` over 1k, 10k and 100k warnings, one per
//! line of a generated policy of about 100 bytes a line (100 KB, 1 MB and
//! 10 MB), each with a secondary label on the first line, as C0203
//! (unused definition) reports them. Before snippets were cut to the lines
//! around their labels, every diagnostic copied and scanned the whole file:
//! 12,000 warnings of a 10 MB policy took 548 s. Target: linear, 100k < 1 s.
//!
//! `cargo bench -p charter-diagnostics`; `BENCHMARKS.md` has the figures.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark")]

use charter_diagnostics::render::{render_human, render_json, HumanStyle};
use charter_diagnostics::{Code, Diagnostic, SourceDb, Span};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::time::Duration;

/// A policy of `n` region lines and one unused-definition warning per line.
fn workload(n: usize) -> (SourceDb, Vec<Diagnostic>) {
    let mut text = String::from("program \"P\" { currency EUR }\n");
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        let start = text.len() + "region ".len();
        text.push_str(&format!(
            "region R{i} = [DE, AT, CH, FR, IT, ES, PL, CZ, NL, BE, SE, NO, DK, FI, PT, IE, GR, HU, RO]\n"
        ));
        names.push((start, start + format!("R{i}").len()));
    }
    let mut db = SourceDb::new();
    let file = db.add("bench.charter", text);
    let diagnostics = names
        .into_iter()
        .map(|(start, end)| {
            Diagnostic::new(
                Code::Unused,
                "region `R` is never used",
                Span::new(file, start, end),
            )
            .with_primary_label("defined here")
            .with_label(Span::new(file, 0, 7), "in this program")
            .with_help("assign it to a partner, or remove it")
        })
        .collect();
    (db, diagnostics)
}

fn bench_render(c: &mut Criterion) {
    for (format, human) in [("render_human", true), ("render_json", false)] {
        let mut group = c.benchmark_group(format);
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(5));
        for n in [1_000, 10_000, 100_000] {
            let (db, diagnostics) = workload(n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                b.iter(|| {
                    let out = if human {
                        render_human(&db, black_box(&diagnostics), HumanStyle::default())
                    } else {
                        render_json(&db, black_box(&diagnostics))
                    };
                    out.len()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
