//! The framing layer in front of tower-lsp-server's codec.
//!
//! tower-lsp-server stops serving at the first message it cannot decode (its
//! framed reader ends after an error), so a client sending one bad body would
//! kill the server. Here the input is read and framed first: every body must
//! be JSON (else a `-32700` parse error is answered) and a JSON-RPC request,
//! notification or response (else `-32600`); a missing or invalid
//! `Content-Length` is answered with `-32700` and the reader resynchronizes on
//! the next header; a message cut off by the end of input ends the session
//! cleanly. Valid messages are re-framed into an in-memory pipe to the server,
//! and the server's output is copied to the real output one whole message at
//! a time, behind the same lock the framing layer answers errors with, so
//! messages never interleave.

use crate::server::{Backend, Config};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::Mutex;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{LspService, Server};

/// The largest message body read (a 64 MiB policy, JSON-escaped, fits).
pub const MAX_BODY: usize = 256 * 1024 * 1024;
/// The longest header block read.
const MAX_HEADER: usize = 64 * 1024;
const PIPE_CAPACITY: usize = 1024 * 1024;

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The client asked the server to shut down before the session ended.
    pub shutdown_requested: bool,
    /// The input ended in the middle of a message.
    pub truncated: bool,
}

/// Serves one LSP session over `input` and `output` (stdin and stdout, or pipes in tests).
pub async fn serve<I, O>(input: I, output: O, config: Config) -> Outcome
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (service, socket) =
        LspService::new(move |client| Backend::with_shutdown_flag(client, config, flag));
    let (to_server, server_input) = tokio::io::duplex(PIPE_CAPACITY);
    let (server_output, from_server) = tokio::io::duplex(PIPE_CAPACITY);
    let output = Arc::new(Mutex::new(output));
    let reader = tokio::spawn(forward_input(input, to_server, output.clone()));
    let copier = tokio::spawn(copy_output(from_server, output.clone()));
    Server::new(server_input, server_output, socket)
        .serve(service)
        .await;
    // The server dropped its output: the copier drains what is left and stops.
    let _ = copier.await;
    let truncated = if reader.is_finished() {
        reader.await.unwrap_or(false)
    } else {
        reader.abort();
        false
    };
    let _ = output.lock().await.flush().await;
    Outcome {
        shutdown_requested: shutdown.load(Ordering::SeqCst),
        truncated,
    }
}

/// Reads framed messages from the client and forwards the valid ones to the
/// server; answers the invalid ones itself. Returns whether the input ended
/// inside a message.
async fn forward_input<I, W, O>(input: I, mut to_server: W, output: Arc<Mutex<O>>) -> bool
where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut frames = FrameReader::new(input);
    loop {
        match frames.next().await {
            Ok(Some(body)) => match check_message(&body) {
                Ok(()) => {
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    let sent = async {
                        to_server.write_all(header.as_bytes()).await?;
                        to_server.write_all(&body).await?;
                        to_server.flush().await
                    };
                    if sent.await.is_err() {
                        return false; // the server has exited
                    }
                }
                Err(error) => {
                    if write_message(&output, &error).await.is_err() {
                        return false;
                    }
                }
            },
            Ok(None) => return false,
            Err(FrameError::Header(message)) => {
                let error = error_response(Value::Null, -32700, format!("Parse error: {message}"));
                if write_message(&output, &error).await.is_err() {
                    return false;
                }
            }
            Err(FrameError::Truncated) => {
                eprintln!("charter lsp: the input ended in the middle of a message");
                return true;
            }
            Err(FrameError::Io(e)) => {
                eprintln!("charter lsp: cannot read the input: {e}");
                return false;
            }
        }
    }
}

/// Copies the server's framed messages to the output, one whole message per lock.
async fn copy_output<R, O>(from_server: R, output: Arc<Mutex<O>>)
where
    R: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut frames = FrameReader::new(from_server);
    while let Ok(Some(body)) = frames.next().await {
        if write_frame(&output, &body).await.is_err() {
            return;
        }
    }
}

/// `Ok` for a body the server can take; otherwise the error response to send.
fn check_message(body: &[u8]) -> Result<(), Value> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(error_response(
                Value::Null,
                -32700,
                format!("Parse error: {e}"),
            ))
        }
    };
    let is_request = serde_json::from_value::<Request>(value.clone()).is_ok();
    if is_request || serde_json::from_value::<Response>(value.clone()).is_ok() {
        return Ok(());
    }
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    Err(error_response(
        id,
        -32600,
        "Invalid request: not a JSON-RPC 2.0 request, notification or response".to_string(),
    ))
}

fn error_response(id: Value, code: i64, message: String) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

async fn write_message<O: AsyncWrite + Unpin>(
    output: &Mutex<O>,
    message: &Value,
) -> std::io::Result<()> {
    write_frame(output, message.to_string().as_bytes()).await
}

async fn write_frame<O: AsyncWrite + Unpin>(output: &Mutex<O>, body: &[u8]) -> std::io::Result<()> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    let mut out = output.lock().await;
    out.write_all(&frame).await?;
    out.flush().await
}

/// Why a message could not be framed.
#[derive(Debug)]
pub enum FrameError {
    /// A header block without a usable `Content-Length`; the reader has skipped to the next one.
    Header(String),
    /// The input ended inside a message.
    Truncated,
    Io(std::io::Error),
}

/// Splits a byte stream into `Content-Length`-framed message bodies.
pub struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    /// After a bad header: skip input up to the next `Content-Length`.
    resync: bool,
}

const CONTENT_LENGTH: &[u8] = b"Content-Length";

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader {
            input,
            buffer: Vec::new(),
            resync: false,
        }
    }

    /// Reads more input; `false` at its end.
    async fn fill(&mut self) -> Result<bool, FrameError> {
        let mut chunk = [0u8; 64 * 1024];
        let n = self.input.read(&mut chunk).await.map_err(FrameError::Io)?;
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// The next message body; `None` at a clean end of input.
    pub async fn next(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        loop {
            if self.resync {
                match find(&self.buffer, CONTENT_LENGTH) {
                    Some(at) => {
                        self.buffer.drain(..at);
                        self.resync = false;
                    }
                    None => {
                        // Keep a tail that may be the start of `Content-Length`.
                        let keep = self.buffer.len().min(CONTENT_LENGTH.len() - 1);
                        self.buffer.drain(..self.buffer.len() - keep);
                        if !self.fill().await? {
                            return Ok(None);
                        }
                        continue;
                    }
                }
            }
            let blank = self
                .buffer
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            self.buffer.drain(..blank);
            let Some(end) = find(&self.buffer, b"\r\n\r\n") else {
                if self.buffer.len() > MAX_HEADER {
                    self.buffer.clear();
                    self.resync = true;
                    return Err(FrameError::Header("the header is too long".into()));
                }
                if !self.fill().await? {
                    return if self.buffer.is_empty() {
                        Ok(None)
                    } else {
                        Err(FrameError::Truncated)
                    };
                }
                continue;
            };
            let length = content_length(&self.buffer[..end]);
            let body_start = end + 4;
            let length = match length {
                Ok(n) if n <= MAX_BODY => n,
                Ok(n) => {
                    self.buffer.drain(..body_start);
                    self.resync = true;
                    return Err(FrameError::Header(format!(
                        "a message of {n} bytes is larger than the {MAX_BODY} bytes read"
                    )));
                }
                Err(message) => {
                    self.buffer.drain(..body_start);
                    self.resync = true;
                    return Err(FrameError::Header(message));
                }
            };
            while self.buffer.len() < body_start + length {
                if !self.fill().await? {
                    return Err(FrameError::Truncated);
                }
            }
            let body = self.buffer[body_start..body_start + length].to_vec();
            self.buffer.drain(..body_start + length);
            return Ok(Some(body));
        }
    }
}

/// The `Content-Length` of a header block, or why there is none.
fn content_length(header: &[u8]) -> Result<usize, String> {
    let text = String::from_utf8_lossy(header);
    let mut length = None;
    for line in text.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed header line `{}`", truncate(line)));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| format!("invalid Content-Length `{}`", truncate(value)))?,
            );
        }
    }
    length.ok_or_else(|| "missing Content-Length header".to_string())
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    async fn frames(input: &'static [u8]) -> Vec<String> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        loop {
            match reader.next().await {
                Ok(Some(body)) => out.push(String::from_utf8(body).unwrap()),
                Ok(None) => break,
                Err(FrameError::Header(m)) => out.push(format!("header error: {m}")),
                Err(FrameError::Truncated) => {
                    out.push("truncated".into());
                    break;
                }
                Err(FrameError::Io(e)) => panic!("{e}"),
            }
        }
        out
    }

    #[tokio::test]
    async fn frames_are_split_by_content_length() {
        let got = frames(b"Content-Length: 2\r\n\r\n{}Content-Length: 4\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nnull").await;
        assert_eq!(got, ["{}", "null"]);
    }

    #[tokio::test]
    async fn a_bad_header_is_reported_and_skipped() {
        let got = frames(b"Content-Type: x\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}").await;
        assert_eq!(got, ["header error: missing Content-Length header", "{}"]);
        let got = frames(b"Content-Length: ten\r\n\r\n{}Content-Length: 2\r\n\r\n[]").await;
        assert_eq!(got, ["header error: invalid Content-Length `ten`", "[]"]);
    }

    #[tokio::test]
    async fn a_truncated_body_ends_the_input() {
        let got =
            frames(b"Content-Length: 2\r\n\r\n{}Content-Length: 100\r\n\r\n{\"jsonrpc\"").await;
        assert_eq!(got, ["{}", "truncated"]);
        let got = frames(b"Content-Length: 10").await;
        assert_eq!(got, ["truncated"]);
    }

    #[test]
    fn bodies_must_be_json_rpc() {
        assert!(check_message(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).is_ok());
        assert!(check_message(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#).is_ok());
        let parse = check_message(b"{garbage!}").unwrap_err();
        assert_eq!(parse["error"]["code"], -32700);
        assert_eq!(parse["id"], Value::Null);
        let invalid = check_message(br#"{"jsonrpc":"2.0","id":7,"method":5}"#).unwrap_err();
        assert_eq!(invalid["error"]["code"], -32600);
        assert_eq!(invalid["id"], 7);
        for body in [
            "42",
            "[]",
            r#"{"foo":1}"#,
            r#"{"jsonrpc":"1.0","method":"x"}"#,
        ] {
            assert!(check_message(body.as_bytes()).is_err(), "{body}");
        }
    }
}
