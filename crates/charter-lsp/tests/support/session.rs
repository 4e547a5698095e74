//! A whole session over the wire: bytes in, framed messages out, through
//! [`charter_lsp::wire::serve`] and tower-lsp-server's transport, as the
//! `charter lsp` binary runs it.

use charter_lsp::wire::{serve, FrameReader, Outcome};
use charter_lsp::Config;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{duplex, AsyncWriteExt, DuplexStream};

pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

pub fn request(id: i64, method: &str, params: Value) -> Vec<u8> {
    frame(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string())
}

pub fn notification(method: &str, params: Value) -> Vec<u8> {
    frame(&json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string())
}

pub struct Session {
    pub input: DuplexStream,
    output: FrameReader<DuplexStream>,
    pub done: tokio::task::JoinHandle<Outcome>,
}

impl Session {
    pub fn start() -> Session {
        Session::with_config(Config {
            debounce: Duration::from_millis(10),
            ..Config::default()
        })
    }

    pub fn with_config(config: Config) -> Session {
        let (input, server_input) = duplex(1 << 20);
        let (server_output, output) = duplex(1 << 20);
        let done = tokio::spawn(serve(server_input, server_output, config));
        Session {
            input,
            output: FrameReader::new(output),
            done,
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).await.unwrap();
    }

    /// The next message from the server.
    pub async fn receive(&mut self) -> Value {
        let body = tokio::time::timeout(Duration::from_secs(10), self.output.next())
            .await
            .expect("a message within 10 s")
            .unwrap()
            .expect("the server is still writing");
        serde_json::from_slice(&body).unwrap()
    }

    /// The response to request `id`, skipping notifications.
    pub async fn response(&mut self, id: i64) -> Value {
        loop {
            let message = self.receive().await;
            if message["id"] == id {
                return message;
            }
        }
    }

    /// The next error answered by the framing layer (`id` null).
    pub async fn framing_error(&mut self) -> Value {
        loop {
            let m = self.receive().await;
            if m.get("error").is_some() && m["id"].is_null() {
                return m;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    pub async fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            let m = self.receive().await;
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"].clone();
            }
        }
    }

    pub async fn initialize(&mut self) {
        self.initialize_with(json!({ "capabilities": {} })).await;
    }

    pub async fn initialize_with(&mut self, params: Value) {
        self.send(&request(1, "initialize", params)).await;
        let init = self.response(1).await;
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        self.send(&notification("initialized", json!({}))).await;
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.send(&notification(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "charter", "version": 1, "text": text } }),
        ))
        .await;
    }

    /// Sends `shutdown` and `exit`, and returns how the session ended.
    pub async fn finish(mut self) -> Outcome {
        self.send(&request(99, "shutdown", Value::Null)).await;
        assert_eq!(self.response(99).await["result"], Value::Null);
        self.send(&notification("exit", Value::Null)).await;
        tokio::time::timeout(Duration::from_secs(10), self.done)
            .await
            .expect("the session ends within 10 s of `exit`")
            .unwrap()
    }
}
