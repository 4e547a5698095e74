//! Latency of the language server on a generated 5,000-line policy, measured
//! in-process through the tower service (JSON in, JSON out):
//! - `edit_to_diagnostics`: a one-character edit until its diagnostics are
//!   published (debounce set to zero, so this is check + conversion + protocol);
//! - `hover` and `completion` on the checked document;
//! - `completion_while_typing`: completion right after an edit.
//!
//! Run with `cargo bench -p charter-lsp`. Targets: diagnostics < 30 ms,
//! hover and completion < 5 ms.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark"
)]

use charter_lsp::{Backend, Config};
use criterion::{criterion_group, criterion_main, Criterion};
use futures::StreamExt;
use serde_json::{json, Value};
use std::fmt::Write;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::{ClientSocket, LspService};

const URI: &str = "file:///bench/generated.charter";

/// A policy of about `lines` lines: tiers, benefits, commissions with bracket
/// tables, regions and a roster, with Polish and Cyrillic doc comments.
pub fn generate(lines: usize) -> String {
    let mut s = String::new();
    let tiers = 20;
    s.push_str("/// Program ławki — программа.\nprogram \"Bench\" {\n  currency EUR\n  products Starter < Pro < Enterprise\n  agreements partnership\n  qualifications sales, technical, trained\n  entities company, individual\n  claims first\n}\n\n");
    let names: Vec<String> = (0..tiers).map(|i| format!("T{i}")).collect();
    let _ = writeln!(s, "tiers {}\n", names.join(" < "));
    for i in 0..tiers {
        let _ = writeln!(
            s,
            "/// Poziom {i}: wymagania — уровень.\ntier T{i} {{\n  require staff sales >= {}\n  require count orders per year >= {}\n  grant b{i}\n}}\n",
            i + 1,
            i + 1
        );
    }
    let mut i = 0;
    while s.lines().count() < lines {
        let t = i % tiers;
        let _ = writeln!(
            s,
            "/// Świadczenie {i} — льгота.\nbenefit b{i} (marketing) for T{t} \"note {i}\"\n\n\
             /// Prowizja {i}.\ncommission c{i} {{\n  rate by sales over trailing 12 months, marginal {{\n    below 1000 EUR: 10%\n    1000 EUR to 5000 EUR: 12%\n    from 5000 EUR: 15%\n  }}\n  bounds 10% to 20%\n  of payments on new invoices\n  within 12 months from first_invoice\n  eligible tier T{t}\n}}\n\n\
             region R{i} = [DE, AT, CH, PL]\n\n\
             partner p{i} \"Partner Łódź {i}\" {{\n  region R{i}\n  tier T{t}\n  entity company\n  staff sales 2, technical 1\n}}\n"
        );
        i += 1;
    }
    s
}

struct Session {
    service: LspService<Backend>,
    notifications: tokio::sync::mpsc::UnboundedReceiver<Value>,
    next_id: i64,
}

impl Session {
    async fn new(text: &str) -> Session {
        Session::with_debounce(text, Duration::ZERO).await
    }

    async fn with_debounce(text: &str, debounce: Duration) -> Session {
        let (service, socket) = LspService::new(move |client| {
            Backend::new(
                client,
                Config {
                    debounce,
                    ..Config::default()
                },
            )
        });
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(forward(socket, tx));
        let mut s = Session {
            service,
            notifications: rx,
            next_id: 0,
        };
        s.request("initialize", json!({ "capabilities": {} })).await;
        s.notify("initialized", json!({})).await;
        s.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "charter", "version": 1, "text": text } }),
        )
        .await;
        let published = s.diagnostics().await;
        eprintln!(
            "policy: {} lines, {} diagnostics",
            text.lines().count(),
            published["diagnostics"].as_array().map_or(0, Vec::len)
        );
        s
    }

    async fn request(&mut self, method: &'static str, params: Value) -> Value {
        self.next_id += 1;
        let request = Request::build(method)
            .id(self.next_id)
            .params(params)
            .finish();
        let response = self
            .service
            .ready()
            .await
            .unwrap()
            .call(request)
            .await
            .unwrap();
        serde_json::to_value(response).unwrap()
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        let request = Request::build(method).params(params).finish();
        self.service
            .ready()
            .await
            .unwrap()
            .call(request)
            .await
            .unwrap();
    }

    async fn diagnostics(&mut self) -> Value {
        loop {
            let n = self.notifications.recv().await.unwrap();
            if n["method"] == "textDocument/publishDiagnostics" {
                return n["params"].clone();
            }
        }
    }
}

async fn forward(mut socket: ClientSocket, tx: tokio::sync::mpsc::UnboundedSender<Value>) {
    while let Some(r) = socket.next().await {
        if tx.send(serde_json::to_value(&r).unwrap()).is_err() {
            break;
        }
    }
}

/// The line and UTF-16 column of the first `needle` (ASCII text before it on its line).
fn position(text: &str, needle: &str, offset: u32) -> Value {
    let i = text.find(needle).unwrap();
    let line = text[..i].matches('\n').count();
    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    let col = text[start..i].encode_utf16().count() as u32 + offset;
    json!({ "line": line, "character": col })
}

fn benches(c: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let text = generate(5_000);
    let middle = format!(
        "commission c{} {{",
        text.matches("commission c").count() / 2
    );
    let mut session = runtime.block_on(Session::new(&text));

    // A one-character edit (`10%` <-> `11%` in the middle), until its diagnostics arrive.
    // `    below 1000 EUR: 10%` is two lines below the commission's name; `0` is column 21.
    let rate_line = position(&text, &middle, 0)["line"].as_u64().unwrap() + 2;
    let mut version = 1;
    c.bench_function("edit_to_diagnostics", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    version += 1;
                    let digit = if version % 2 == 0 { "1" } else { "0" };
                    let start = Instant::now();
                    session
                        .notify(
                            "textDocument/didChange",
                            json!({
                                "textDocument": { "uri": URI, "version": version },
                                "contentChanges": [{ "range": { "start": { "line": rate_line, "character": 21 }, "end": { "line": rate_line, "character": 22 } }, "text": digit }],
                            }),
                        )
                        .await;
                    let published = session.diagnostics().await;
                    total += start.elapsed();
                    assert_eq!(published["version"], version);
                }
                total
            })
        })
    });

    let hover_at = position(&text, &middle, 12);
    c.bench_function("hover", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let hover = session
                    .request(
                        "textDocument/hover",
                        json!({ "textDocument": { "uri": URI }, "position": hover_at }),
                    )
                    .await;
                assert!(hover["result"]["contents"].is_object());
            })
        })
    });

    // Completion after `for ` at the end of the file (the context scan reads the whole file).
    let with_line = format!("{text}benefit extra (sales) for ");
    let end_line = with_line.matches('\n').count();
    runtime.block_on(async {
        version += 1;
        session
            .notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": with_line }] }),
            )
            .await;
        session.diagnostics().await;
    });
    let completion_at = json!({ "line": end_line, "character": 26 });
    c.bench_function("completion", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let items = session
                    .request(
                        "textDocument/completion",
                        json!({ "textDocument": { "uri": URI }, "position": completion_at }),
                    )
                    .await;
                assert!(items["result"].as_array().is_some_and(|i| i.len() == 20));
            })
        })
    });

    // Completion right after a keystroke (default debounce): the document
    // changed since its last check.
    let mut typing = runtime.block_on(Session::with_debounce(
        &with_line,
        Config::default().debounce,
    ));
    c.bench_function("completion_while_typing", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    version += 1;
                    // Type a space and delete it, alternately, before the cursor's line.
                    let insert = version % 2 == 0;
                    let change = if insert {
                        json!({ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": " " })
                    } else {
                        json!({ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } }, "text": "" })
                    };
                    let start = Instant::now();
                    typing
                        .notify(
                            "textDocument/didChange",
                            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] }),
                        )
                        .await;
                    let items = typing
                        .request(
                            "textDocument/completion",
                            json!({ "textDocument": { "uri": URI }, "position": completion_at }),
                        )
                        .await;
                    total += start.elapsed();
                    assert!(items["result"].as_array().is_some_and(|i| i.len() == 20), "{items}");
                }
                total
            })
        })
    });
}

criterion_group! {
    name = latency;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(latency);
