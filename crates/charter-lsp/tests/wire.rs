//! The framing layer on the wire: bad JSON, a missing or invalid header and a
//! truncated body are answered or ended cleanly, and the server keeps serving.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use charter_lsp::wire::{serve, FrameReader, Outcome};
use charter_lsp::Config;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{duplex, AsyncWriteExt, DuplexStream};

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn request(id: i64, method: &str, params: Value) -> Vec<u8> {
    frame(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string())
}

fn notification(method: &str, params: Value) -> Vec<u8> {
    frame(&json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string())
}

struct Session {
    input: DuplexStream,
    output: FrameReader<DuplexStream>,
    done: tokio::task::JoinHandle<Outcome>,
}

impl Session {
    fn start() -> Session {
        let (input, server_input) = duplex(1 << 20);
        let (server_output, output) = duplex(1 << 20);
        let done = tokio::spawn(serve(
            server_input,
            server_output,
            Config {
                debounce: Duration::from_millis(10),
            },
        ));
        Session {
            input,
            output: FrameReader::new(output),
            done,
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).await.unwrap();
    }

    /// The next message from the server.
    async fn receive(&mut self) -> Value {
        let body = tokio::time::timeout(Duration::from_secs(10), self.output.next())
            .await
            .expect("a message within 10 s")
            .unwrap()
            .expect("the server is still writing");
        serde_json::from_slice(&body).unwrap()
    }

    /// The response to request `id`, skipping notifications.
    async fn response(&mut self, id: i64) -> Value {
        loop {
            let message = self.receive().await;
            if message["id"] == id {
                return message;
            }
        }
    }

    async fn initialize(&mut self) {
        self.send(&request(1, "initialize", json!({ "capabilities": {} })))
            .await;
        let init = self.response(1).await;
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        self.send(&notification("initialized", json!({}))).await;
    }

    /// Sends `shutdown` and `exit`, and returns how the session ended.
    async fn finish(mut self) -> Outcome {
        self.send(&request(99, "shutdown", Value::Null)).await;
        assert_eq!(self.response(99).await["result"], Value::Null);
        self.send(&notification("exit", Value::Null)).await;
        tokio::time::timeout(Duration::from_secs(10), self.done)
            .await
            .unwrap()
            .unwrap()
    }

    async fn hover_answered(&mut self, id: i64) {
        self.send(&request(
            id,
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///w.charter" }, "position": { "line": 1, "character": 7 } }),
        ))
        .await;
        let hover = self.response(id).await;
        assert!(
            hover["result"]["contents"]["value"]
                .as_str()
                .is_some_and(|v| v.contains("rank 1 of 2")),
            "{hover}"
        );
    }
}

const POLICY: &str = "program \"W\" { currency EUR }\ntiers Silver < Gold\n";

async fn open(session: &mut Session) {
    session
        .send(&notification(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": "file:///w.charter", "languageId": "charter", "version": 1, "text": POLICY } }),
        ))
        .await;
}

#[tokio::test]
async fn invalid_json_is_answered_with_a_parse_error_and_serving_goes_on() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    s.send(b"Content-Length: 10\r\n\r\n{garbage!}").await;
    let message = loop {
        let m = s.receive().await;
        if m.get("error").is_some() {
            break m;
        }
    };
    assert_eq!(message["id"], Value::Null);
    assert_eq!(message["error"]["code"], -32700);
    assert!(message["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Parse error"));
    s.hover_answered(2).await;
    assert_eq!(
        s.finish().await,
        Outcome {
            shutdown_requested: true,
            truncated: false
        }
    );
}

#[tokio::test]
async fn json_that_is_not_json_rpc_is_an_invalid_request() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    s.send(&frame(r#"{"jsonrpc":"2.0","id":5,"method":17}"#))
        .await;
    let error = s.response(5).await;
    assert_eq!(error["error"]["code"], -32600);
    s.send(&frame("[1, 2, 3]")).await;
    s.hover_answered(3).await;
    s.finish().await;
}

#[tokio::test]
async fn a_missing_or_invalid_content_length_is_reported_and_skipped() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    s.send(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"shutdown\"}")
        .await;
    let error = loop {
        let m = s.receive().await;
        if m.get("error").is_some() {
            break m;
        }
    };
    assert_eq!(error["error"]["code"], -32700);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Content-Length"),
        "{error}"
    );
    s.send(b"Content-Length: twelve\r\n\r\n{}").await;
    let error = loop {
        let m = s.receive().await;
        if m.get("error").is_some() {
            break m;
        }
    };
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("invalid Content-Length"),
        "{error}"
    );
    s.hover_answered(4).await;
    s.finish().await;
}

#[tokio::test]
async fn unknown_methods_get_method_not_found() {
    let mut s = Session::start();
    s.initialize().await;
    s.send(&request(8, "charter/doesNotExist", json!({}))).await;
    assert_eq!(s.response(8).await["error"]["code"], -32601);
    s.finish().await;
}

#[tokio::test]
async fn a_truncated_message_ends_the_session_cleanly() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    s.hover_answered(2).await;
    s.send(b"Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":3,")
        .await;
    drop(s.input);
    let outcome = tokio::time::timeout(Duration::from_secs(10), s.done)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        outcome,
        Outcome {
            shutdown_requested: false,
            truncated: true
        }
    );
}

#[tokio::test]
async fn messages_from_the_server_and_the_framing_layer_never_interleave() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    // Many bad bodies and many requests at once: every output frame must be whole JSON.
    let mut burst = Vec::new();
    for i in 0..50 {
        burst.extend(b"Content-Length: 3\r\n\r\n{x}");
        burst.extend(request(100 + i, "textDocument/hover", json!({ "textDocument": { "uri": "file:///w.charter" }, "position": { "line": 1, "character": 7 } })));
    }
    s.send(&burst).await;
    let (mut errors, mut answers) = (0, 0);
    while errors < 50 || answers < 50 {
        let m = s.receive().await;
        if m["error"]["code"] == -32700 {
            errors += 1;
        } else if m["result"]["contents"].is_object() {
            answers += 1;
        }
    }
    s.finish().await;
}
