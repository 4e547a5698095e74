//! Charter's language server (`charter lsp`).
//!
//! A leaf crate: it reuses the syntax, IR and checker crates and never parses
//! or checks on its own. Each open document has an [`analysis::Analysis`]: the
//! compiler's `Compilation` of its current text (imports read from open buffers
//! first) and the line indexes for UTF-16 positions. Every feature is a
//! function from an `Analysis` to LSP types, in its own module; [`server`]
//! wires them to the protocol, and [`wire`] frames the protocol robustly.
//!
//! - diagnostics: [`convert::to_lsp`], debounced in [`server`]
//! - hover: [`hover`]; go to definition, references, highlights, rename: [`navigation`]
//! - completion: [`completion`]; outline and workspace symbols: [`outline`]
//! - folding: [`folding`]; semantic tokens: [`semantic_tokens`]
//! - formatting: [`formatting`]; quick fixes: [`code_actions`]
//! - inlay hints: [`inlay_hints`]; the "simulate" lens: [`code_lens`], [`simulate`]
//!
//! The request loop never touches the disk: analyses, folder listings and
//! simulations run on [`worker`] threads with a deadline, and every file the
//! server reads goes through [`files`] (`charter-fs`: regular files only,
//! bounded; scenarios only inside the workspace folders).

pub mod analysis;
pub mod code_actions;
pub mod code_lens;
pub mod completion;
pub mod convert;
pub mod describe;
pub mod files;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod inlay_hints;
pub mod keywords;
pub mod navigation;
pub mod outline;
pub mod semantic_tokens;
pub mod server;
pub mod simulate;
pub mod syntax_index;
pub mod wire;
pub mod worker;

pub use server::{Backend, Config};
use std::process::ExitCode;

/// Runs the server on stdin and stdout until the client exits. The exit code
/// is 0 when the client asked for a shutdown first, 1 otherwise (LSP's rule).
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("charter lsp: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = runtime.block_on(wire::serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        Config::default(),
    ));
    // Reading stdin blocks a thread that only the end of the process stops.
    runtime.shutdown_background();
    if outcome.shutdown_requested && !outcome.truncated {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
