//! The framing layer in front of tower-lsp-server's codec.
//!
//! tower-lsp-server stops serving at the first message it cannot decode (its
//! framed reader ends after an error), so a client sending one bad body would
//! kill the server. Here the input is read and framed first: every body must
//! be JSON (else a `-32700` parse error is answered) and a JSON-RPC request,
//! notification or response (else `-32600`); a missing, invalid, too small or
//! too large `Content-Length` is answered with `-32700` and the reader
//! resynchronizes on the next header, so the next valid message is served
//! ([`FrameReader`] says how); header lines may end with LF alone; a message
//! cut off by the end of input ends the session cleanly. Valid messages are re-framed into an in-memory pipe to the server,
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
/// How many requests are handled at once. A request waiting for an analysis
/// holds a slot until its deadline; tower-lsp-server's default of 4 would let
/// four such requests hold back every other one, `shutdown` included.
pub const MAX_CONCURRENT_REQUESTS: usize = 256;

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
        .concurrency_level(MAX_CONCURRENT_REQUESTS)
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
    /// A header block without a usable `Content-Length`, or a body cut short
    /// by the next message's header; the reader has moved on to the next header.
    Header(String),
    /// The input ended inside a message.
    Truncated,
    Io(std::io::Error),
}

/// Splits a byte stream into `Content-Length`-framed message bodies.
///
/// Header lines end with CRLF as LSP prescribes, or with a bare LF, which is
/// accepted: a header block is the lines up to the first empty one, and a
/// lenient reading cannot be mistaken for anything else. A frame that does not
/// parse is reported once and the reader resynchronizes on the next
/// `Content-Length` in the input, searched from just after the bad frame's
/// start (not after its alleged body), so a wrong length never swallows the
/// next message:
/// - too small: the rest of the body is a malformed header line, skipped up
///   to the next message's `Content-Length`;
/// - too large: a body never holds a `Content-Length: N` header line (JSON
///   has no raw line breaks in strings and no bare words outside them), so
///   one found inside the alleged body ends the frame there.
pub struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    /// After a bad frame: skip input up to the next `Content-Length`.
    resync: bool,
}

const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// What the header block at the start of the buffer is, so far.
enum HeaderScan {
    /// No empty line yet.
    Incomplete,
    /// The header block is unusable, and why.
    Bad(String),
    /// A whole header block; the body starts at `body_start`.
    Complete { body_start: usize, length: usize },
}

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
                // From 1: the bad frame's own `Content-Length` is not a new start.
                match find_content_length(&self.buffer, 1) {
                    Some(at) => {
                        self.buffer.drain(..at);
                        self.resync = false;
                    }
                    None => {
                        // Keep a tail that may be the start of `Content-Length`.
                        let keep = self.buffer.len().min(CONTENT_LENGTH.len());
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
            let (body_start, length) = match scan_header(&self.buffer) {
                HeaderScan::Complete { body_start, length } => (body_start, length),
                HeaderScan::Bad(message) => {
                    self.resync = true;
                    return Err(FrameError::Header(message));
                }
                HeaderScan::Incomplete => {
                    if self.buffer.len() > MAX_HEADER {
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
                }
            };
            if length > MAX_BODY {
                self.resync = true;
                return Err(FrameError::Header(format!(
                    "a message of {length} bytes is larger than the {MAX_BODY} bytes read"
                )));
            }
            // Wait for the body, watching for a header line starting inside it.
            let body_end = body_start + length;
            let mut scanned = body_start;
            loop {
                let window = self.buffer.len().min(body_end + HEADER_LINE_SPAN);
                let found = find_header_line(&self.buffer[..window], scanned, body_end);
                if let LineScan::Found(at) = found {
                    self.buffer.drain(..at);
                    return Err(FrameError::Header(format!(
                        "the message is shorter than its Content-Length of {length} bytes: \
                         another message starts after {} bytes",
                        at - body_start
                    )));
                }
                let undecided = matches!(found, LineScan::Partial)
                    && self.buffer.len() < body_end + HEADER_LINE_SPAN;
                if self.buffer.len() >= body_end && !undecided {
                    break;
                }
                // A header line straddling the end is found on the next pass.
                scanned = window.saturating_sub(HEADER_LINE_SPAN).max(scanned);
                if !self.fill().await? {
                    if self.buffer.len() >= body_end {
                        break;
                    }
                    return Err(FrameError::Truncated);
                }
            }
            let body = self.buffer[body_start..body_end].to_vec();
            self.buffer.drain(..body_end);
            return Ok(Some(body));
        }
    }
}

/// Reads the header block at the start of `buffer`: lines ending with CRLF
/// or LF, up to an empty one.
fn scan_header(buffer: &[u8]) -> HeaderScan {
    let mut start = 0;
    let mut length = None;
    while let Some(newline) = buffer[start..].iter().position(|&b| b == b'\n') {
        let line = &buffer[start..start + newline];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        start += newline + 1;
        if line.is_empty() {
            return match length {
                Some(length) => HeaderScan::Complete {
                    body_start: start,
                    length,
                },
                None => HeaderScan::Bad("missing Content-Length header".to_string()),
            };
        }
        let text = String::from_utf8_lossy(line);
        let Some((name, value)) = text.split_once(':').filter(|(name, _)| is_token(name)) else {
            return HeaderScan::Bad(format!("malformed header line `{}`", truncate(&text)));
        };
        if name.eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            match value.parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => {
                    return HeaderScan::Bad(format!("invalid Content-Length `{}`", truncate(value)))
                }
            }
        }
    }
    HeaderScan::Incomplete
}

/// An HTTP header name (RFC 9110 `token`).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The most bytes a `Content-Length: N` line spans (for scans across reads).
const HEADER_LINE_SPAN: usize = 64;

/// Where a `Content-Length` name starts in `bytes`, from `from`, in any case.
fn find_content_length(bytes: &[u8], from: usize) -> Option<usize> {
    let last = bytes.len().checked_sub(CONTENT_LENGTH.len())?;
    (from..=last).find(|&i| bytes[i..i + CONTENT_LENGTH.len()].eq_ignore_ascii_case(CONTENT_LENGTH))
}

/// Whether a `Content-Length: N` line starts in `bytes` before `starts_before`.
enum LineScan {
    Found(usize),
    /// The bytes end inside what may still become one.
    Partial,
    None,
}

/// Looks for a whole `Content-Length: N` line (ended by LF, name in any case)
/// starting in `from..starts_before`. No JSON text holds one.
fn find_header_line(bytes: &[u8], from: usize, starts_before: usize) -> LineScan {
    for at in from..starts_before.min(bytes.len()) {
        if !bytes[at].eq_ignore_ascii_case(&b'c') {
            continue;
        }
        match header_line_at(&bytes[at..]) {
            Some(true) => return LineScan::Found(at),
            Some(false) => {}
            None => return LineScan::Partial,
        }
    }
    LineScan::None
}

/// Whether `s` starts with `Content-Length: N` and a line end; `None` when
/// `s` ends before that is decided.
fn header_line_at(s: &[u8]) -> Option<bool> {
    for (i, expected) in CONTENT_LENGTH.iter().enumerate() {
        if !s.get(i)?.eq_ignore_ascii_case(expected) {
            return Some(false);
        }
    }
    let mut i = CONTENT_LENGTH.len();
    let skip_spaces = |mut i: usize| {
        while matches!(s.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    i = skip_spaces(i);
    if *s.get(i)? != b':' {
        return Some(false);
    }
    i = skip_spaces(i + 1);
    let digits = s[i.min(s.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    i = skip_spaces(i + digits);
    if *s.get(i)? == b'\r' {
        i += 1;
    }
    Some(digits > 0 && *s.get(i)? == b'\n')
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_string()
    }
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

    #[tokio::test]
    async fn a_too_small_length_skips_the_rest_of_its_body() {
        let got = frames(
            b"Content-Length: 5\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1}Content-Length: 2\r\n\r\n{}",
        )
        .await;
        assert_eq!(
            got,
            [
                "{\"jso",
                "header error: malformed header line `nrpc\":\"2.0\",\"id\":1}Content-Length: 2`",
                "{}"
            ]
        );
    }

    #[tokio::test]
    async fn a_too_large_length_ends_at_the_next_header() {
        // The next message is already there.
        let got =
            frames(b"Content-Length: 500\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}Content-Length: 2\r\n\r\n[]")
                .await;
        assert_eq!(
            got,
            [
                "header error: the message is shorter than its Content-Length of 500 bytes: another message starts after 7 bytes",
                "{}",
                "[]"
            ]
        );
        // The length ends inside the next header.
        let got = frames(b"Content-Length: 10\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}").await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1], "{}");
        // An LF-only header inside the body counts too.
        let got = frames(b"Content-Length: 99\r\n\r\n{}content-length:2\n\n[]").await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1], "[]");
    }

    #[tokio::test]
    async fn a_too_large_length_waits_for_a_header_cut_by_a_read() {
        let (mut tx, rx) = tokio::io::duplex(1024);
        let mut reader = FrameReader::new(rx);
        let writer = tokio::spawn(async move {
            tx.write_all(b"Content-Length: 9\r\n\r\n{\"a\":1}Co")
                .await
                .unwrap();
            tx.flush().await.unwrap();
            tokio::task::yield_now().await;
            tx.write_all(b"ntent-Length: 2\r\n\r\n{}").await.unwrap();
        });
        assert!(matches!(reader.next().await, Err(FrameError::Header(_))));
        assert_eq!(reader.next().await.unwrap().unwrap(), b"{}");
        writer.await.unwrap();
    }

    #[tokio::test]
    async fn lf_only_headers_are_accepted() {
        let got =
            frames(b"Content-Length: 2\n\n{}Content-Length: 2\r\nContent-Type: x\n\r\n[]").await;
        assert_eq!(got, ["{}", "[]"]);
    }

    #[tokio::test]
    async fn json_never_holds_a_header_line() {
        // `Content-Length: 2` inside a string (no raw line break) is body text.
        let body = br#"{"text":"Content-Length: 2\r\n\r\nxx"}"#;
        let mut input = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        input.extend_from_slice(body);
        let got = frames(Box::leak(input.into_boxed_slice())).await;
        assert_eq!(got, [String::from_utf8(body.to_vec()).unwrap()]);
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
