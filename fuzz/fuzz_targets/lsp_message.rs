//! The language server on raw bytes, two ways:
//! 1. the bytes as the whole stdio input of `charter_lsp::wire::serve` (the
//!    framing layer in front of the server): any stream, framed or not, must
//!    end the session without a panic or a hang;
//! 2. the bytes split into message bodies by `wire::FrameReader`, each body
//!    that is a JSON-RPC message sent to an initialized server one at a time,
//!    waiting for each answer, as an editor does (a pipelined session ends
//!    before the server is initialized, so (1) alone never reaches the
//!    features).
//!
//! Seeds are whole sessions (initialize, didOpen with a seed policy, hover,
//! completion, symbols, formatting, an edit, definition, shutdown, exit).

#![no_main]

use charter_lsp::wire::{serve, FrameReader};
use charter_lsp::{Backend, Config};
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use std::sync::OnceLock;
use std::time::Duration;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::LspService;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

const CONFIG: Config = Config {
    debounce: Duration::ZERO,
};

async fn session(data: &[u8]) {
    let (mut service, socket) = LspService::new(|client| Backend::new(client, CONFIG));
    // The server's notifications (diagnostics, messages) go nowhere.
    let drain = tokio::spawn(socket.for_each(|_| async {}));
    let initialize = Request::build("initialize")
        .id(0)
        .params(json!({ "capabilities": {} }))
        .finish();
    let initialized = Request::build("initialized").params(json!({})).finish();
    for request in [initialize, initialized] {
        let _ = service.ready().await.unwrap().call(request).await;
    }
    let mut frames = FrameReader::new(data);
    loop {
        match frames.next().await {
            Ok(Some(body)) => {
                let Ok(request) = serde_json::from_slice::<Request>(&body) else {
                    continue;
                };
                if request.method() == "exit" {
                    break;
                }
                match service.ready().await {
                    Ok(ready) => {
                        let _ = ready.call(request).await;
                    }
                    Err(_) => break, // the server has exited
                }
            }
            Ok(None) | Err(charter_lsp::wire::FrameError::Truncated) => break,
            Err(_) => continue,
        }
    }
    // Let the debounced analyses run before the next input.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    drop(service);
    drain.abort();
}

fuzz_target!(|data: &[u8]| {
    let input = std::io::Cursor::new(data.to_vec());
    runtime().block_on(serve(input, tokio::io::sink(), CONFIG));
    runtime().block_on(session(data));
});
