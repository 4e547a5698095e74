//! The framing layer on the wire: bad JSON, a missing or invalid header, a
//! wrong Content-Length, an LF-only header and a truncated body are answered
//! or ended cleanly, and the server keeps serving: the next valid request is
//! answered.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use charter_lsp::wire::Outcome;
use serde_json::{json, Value};
use std::time::Duration;
use support::session::{frame, notification, request, Session};

async fn hover_answered(s: &mut Session, id: i64) {
    s.send(&request(
        id,
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///w.charter" }, "position": { "line": 1, "character": 7 } }),
    ))
    .await;
    let hover = s.response(id).await;
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("rank 1 of 2")),
        "{hover}"
    );
}

const POLICY: &str = "program \"W\" { currency EUR }\ntiers Silver < Gold\n";

async fn open(session: &mut Session) {
    session.open("file:///w.charter", POLICY).await;
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
    hover_answered(&mut s, 2).await;
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
    hover_answered(&mut s, 3).await;
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
    hover_answered(&mut s, 4).await;
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
    hover_answered(&mut s, 2).await;
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

#[tokio::test]
async fn a_too_small_content_length_does_not_swallow_the_next_request() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    // A whole request announced 10 bytes short, directly followed by a valid one.
    let body = json!({ "jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": { "textDocument": { "uri": "file:///w.charter" }, "position": { "line": 1, "character": 7 } } }).to_string();
    let mut bytes = format!("Content-Length: {}\r\n\r\n{body}", body.len() - 10).into_bytes();
    bytes.extend(request(
        4,
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///w.charter" }, "position": { "line": 1, "character": 7 } }),
    ));
    s.send(&bytes).await;
    assert_eq!(s.framing_error().await["error"]["code"], -32700);
    let hover = s.response(4).await;
    assert!(hover["result"]["contents"].is_object(), "{hover}");
    hover_answered(&mut s, 5).await;
    s.finish().await;
}

#[tokio::test]
async fn a_too_large_content_length_ends_where_the_next_message_starts() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    // Announced 1000 bytes, sent 60, then more frames that never add up to 1000.
    let body = json!({ "jsonrpc": "2.0", "id": 3, "method": "shutdown" }).to_string();
    let mut bytes = format!("Content-Length: 1000\r\n\r\n{body}").into_bytes();
    bytes.extend(notification("$/setTrace", json!({ "value": "off" })));
    s.send(&bytes).await;
    let error = s.framing_error().await;
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("shorter than its Content-Length"),
        "{error}"
    );
    hover_answered(&mut s, 4).await;
    assert_eq!(
        s.finish().await,
        Outcome {
            shutdown_requested: true,
            truncated: false
        }
    );
}

#[tokio::test]
async fn an_lf_only_header_is_accepted() {
    let mut s = Session::start();
    s.initialize().await;
    open(&mut s).await;
    let body = json!({ "jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": { "textDocument": { "uri": "file:///w.charter" }, "position": { "line": 1, "character": 7 } } }).to_string();
    s.send(format!("Content-Length: {}\n\n{body}", body.len()).as_bytes())
        .await;
    let hover = s.response(3).await;
    assert!(hover["result"]["contents"].is_object(), "{hover}");
    hover_answered(&mut s, 4).await;
    s.finish().await;
}

/// `tests/regressions/lsp/*_then_a_session.bin`: bad frames, then a whole
/// session whose `shutdown` (id 3) must be answered. As a client must, the
/// test waits for the answers to `initialize` and `shutdown` before sending
/// what follows them.
#[tokio::test]
async fn regression_inputs_end_in_a_served_session() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/regressions/lsp");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("_then_a_session.bin"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "{cases:?}");
    for case in cases {
        let input = std::fs::read(&case).unwrap();
        let frame_of = |method: &[u8]| {
            let at = find(&input, method).unwrap();
            rfind(&input[..at], b"Content-Length").unwrap()
        };
        let (initialized, exit) = (frame_of(br#""initialized""#), frame_of(br#""exit""#));
        let mut s = Session::start();
        s.send(&input[..initialized]).await;
        assert!(s.response(1).await["result"]["capabilities"].is_object());
        s.send(&input[initialized..exit]).await;
        let shutdown = s.response(3).await;
        assert_eq!(
            shutdown.get("result"),
            Some(&Value::Null),
            "{}: {shutdown}",
            case.display()
        );
        s.send(&input[exit..]).await;
        let outcome = tokio::time::timeout(Duration::from_secs(10), s.done)
            .await
            .unwrap()
            .unwrap();
        assert!(outcome.shutdown_requested, "{}", case.display());
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
