//! Drives the language server in-process through its tower service: requests
//! in, responses and server-to-client notifications out, as JSON.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support"
)]

pub mod session;

use charter_lsp::{Backend, Config};
use futures::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::LspService;

pub struct TestServer {
    service: LspService<Backend>,
    notifications: mpsc::UnboundedReceiver<Value>,
    next_id: i64,
}

/// The text of a policy of the repository's `policies/` folder.
pub fn policy(name: &str) -> String {
    let path = format!("{}/../../policies/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The URI a policy is opened under in tests (stable in snapshots, not on disk).
pub fn uri(name: &str) -> String {
    format!("file:///policies/{name}")
}

impl TestServer {
    /// An initialized server with a short debounce.
    pub async fn new() -> TestServer {
        TestServer::with_config(Config {
            debounce: Duration::from_millis(20),
            ..Config::default()
        })
        .await
    }

    pub async fn with_config(config: Config) -> TestServer {
        TestServer::with_init(
            config,
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        )
        .await
    }

    /// A server initialized with one workspace folder.
    pub async fn with_workspace(config: Config, folder: &std::path::Path) -> TestServer {
        let uri = format!("file://{}", folder.display());
        TestServer::with_init(
            config,
            json!({ "processId": null, "rootUri": null, "capabilities": {},
                    "workspaceFolders": [{ "uri": uri, "name": "w" }] }),
        )
        .await
    }

    /// A server initialized with `params`.
    pub async fn with_init(config: Config, params: Value) -> TestServer {
        let (service, socket) = LspService::new(move |client| Backend::new(client, config));
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut socket = socket;
            while let Some(request) = socket.next().await {
                if tx.send(serde_json::to_value(&request).unwrap()).is_err() {
                    break;
                }
            }
        });
        let mut server = TestServer {
            service,
            notifications: rx,
            next_id: 0,
        };
        let init = server.request("initialize", params).await;
        assert!(init.get("result").is_some(), "{init}");
        server.notify("initialized", json!({})).await;
        server
    }

    /// Sends a request; returns the whole response (`result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let request = Request::build(method.to_string())
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
            .unwrap()
            .expect("a request gets a response");
        serde_json::to_value(response).unwrap()
    }

    /// Sends a request and returns its `result`, failing on an error.
    pub async fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params).await;
        match response.get("result") {
            Some(r) => r.clone(),
            None => panic!("{method} failed: {response}"),
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let request = Request::build(method.to_string()).params(params).finish();
        let response = self
            .service
            .ready()
            .await
            .unwrap()
            .call(request)
            .await
            .unwrap();
        assert!(response.is_none());
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "charter", "version": 1, "text": text } }),
        )
        .await;
    }

    /// Opens a document and waits for its first diagnostics.
    pub async fn open_and_check(&mut self, uri: &str, text: &str) -> Value {
        self.open(uri, text).await;
        self.diagnostics(uri).await
    }

    pub async fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        )
        .await;
    }

    /// The next `publishDiagnostics` for `uri` (others are skipped).
    pub async fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            let n = self.next_notification().await;
            if n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri {
                return n["params"].clone();
            }
        }
    }

    pub async fn next_notification(&mut self) -> Value {
        tokio::time::timeout(Duration::from_secs(10), self.notifications.recv())
            .await
            .expect("a notification within 10 s")
            .expect("the server is running")
    }

    /// Notifications that arrive within `wait`.
    pub async fn notifications_within(&mut self, wait: Duration) -> Vec<Value> {
        let mut out = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(n)) = tokio::time::timeout_at(deadline, self.notifications.recv()).await {
            out.push(n);
        }
        out
    }
}

/// `{ "textDocument": { "uri" }, "position": { line, character } }`.
pub fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// The zero-based line and UTF-16 column of the `n`th (0-based) occurrence of
/// `needle` in `text`, plus `offset` characters.
pub fn find(text: &str, needle: &str, n: usize, offset: usize) -> (u32, u32) {
    let byte = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("`{needle}` #{n} not in the text"))
        .0;
    let before = &text[..byte];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].encode_utf16().count()
        + needle
            .chars()
            .take(offset)
            .map(char::len_utf16)
            .sum::<usize>();
    (line as u32, col as u32)
}

/// A position request at the `n`th occurrence of `needle`, `offset` characters in.
pub fn at_text(uri: &str, text: &str, needle: &str, n: usize, offset: usize) -> Value {
    let (line, col) = find(text, needle, n, offset);
    at(uri, line, col)
}

/// The JSON with every LSP range written `line:col..line:col` (0-based, UTF-16),
/// so snapshots stay readable.
pub fn compact(v: &impl serde::Serialize) -> Value {
    compact_value(&serde_json::to_value(v).unwrap())
}

fn compact_value(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            if let (Some(start), Some(end), 2) = (map.get("start"), map.get("end"), map.len()) {
                if let (Some(sl), Some(sc), Some(el), Some(ec)) = (
                    start["line"].as_u64(),
                    start["character"].as_u64(),
                    end["line"].as_u64(),
                    end["character"].as_u64(),
                ) {
                    return Value::String(format!("{sl}:{sc}..{el}:{ec}"));
                }
            }
            if let (Some(l), Some(c), 2) = (
                map.get("line").and_then(Value::as_u64),
                map.get("character").and_then(Value::as_u64),
                map.len(),
            ) {
                return Value::String(format!("{l}:{c}"));
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), compact_value(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(compact_value).collect()),
        other => other.clone(),
    }
}
