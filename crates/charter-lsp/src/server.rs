//! The [`LanguageServer`] implementation: open documents, debounced
//! diagnostics, and one request handler per feature, each reading the latest
//! [`Analysis`] of a document.

use crate::analysis::{self, Analysis, OpenBuffers};
use crate::{
    code_actions, code_lens, completion, convert, folding, formatting, hover, inlay_hints,
    navigation, outline, semantic_tokens,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long typing must pause before a document is checked again.
    pub debounce: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            debounce: Duration::from_millis(75),
        }
    }
}

/// The language server. Cheap to clone: every clone shares one state.
#[derive(Clone)]
pub struct Backend {
    shared: Arc<Shared>,
}

struct Shared {
    client: Client,
    config: Config,
    state: Mutex<State>,
    shutdown: Arc<AtomicBool>,
}

#[derive(Default)]
struct State {
    documents: HashMap<Uri, Document>,
    /// Bumped by every edit of any document: analyses of an older generation are stale.
    generation: u64,
}

struct Document {
    text: Arc<str>,
    version: i32,
    /// The latest analysis and the generation it was made at.
    analysis: Option<(u64, Arc<Analysis>)>,
    /// The generation whose diagnostics were last published.
    published: Option<u64>,
}

impl Backend {
    pub fn new(client: Client, config: Config) -> Backend {
        Backend::with_shutdown_flag(client, config, Arc::new(AtomicBool::new(false)))
    }

    /// A server that raises `shutdown` when the client asks it to shut down.
    pub fn with_shutdown_flag(
        client: Client,
        config: Config,
        shutdown: Arc<AtomicBool>,
    ) -> Backend {
        Backend {
            shared: Arc::new(Shared {
                client,
                config,
                state: Mutex::new(State::default()),
                shutdown,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The analysis of the document's current text (computed now if stale);
    /// `None` for a document that is not open.
    pub fn analysis(&self, uri: &Uri) -> Option<Arc<Analysis>> {
        self.analysis_with_generation(uri).map(|(_, a)| a)
    }

    fn analysis_with_generation(&self, uri: &Uri) -> Option<(u64, Arc<Analysis>)> {
        let (text, version, generation, open) = {
            let state = self.state();
            let doc = state.documents.get(uri)?;
            if let Some((g, a)) = &doc.analysis {
                if *g == state.generation {
                    return Some((*g, a.clone()));
                }
            }
            (
                doc.text.clone(),
                doc.version,
                state.generation,
                open_buffers(&state),
            )
        };
        let analysis = Arc::new(Analysis::new(uri.clone(), version, &text, &open));
        let mut state = self.state();
        if state.generation == generation {
            if let Some(doc) = state.documents.get_mut(uri) {
                doc.analysis = Some((generation, analysis.clone()));
            }
        }
        Some((generation, analysis))
    }

    /// Checks a document after `delay` and publishes its diagnostics, unless a
    /// newer edit came in meanwhile (the newest version wins).
    fn schedule_diagnostics(&self, uri: Uri, delay: Duration) {
        let this = self.clone();
        tokio::spawn(async move {
            let Some(generation) = this.generation_if_open(&uri) else {
                return;
            };
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
                if this.generation_if_open(&uri) != Some(generation) {
                    return; // a newer edit scheduled its own check
                }
            }
            let worker = this.clone();
            let key = uri.clone();
            let Ok(Some((generation, analysis))) =
                tokio::task::spawn_blocking(move || worker.analysis_with_generation(&key)).await
            else {
                return;
            };
            let diagnostics = convert::document_diagnostics(&analysis);
            {
                let mut state = this.state();
                if state.generation != generation {
                    return; // stale: a newer edit will publish
                }
                let Some(doc) = state.documents.get_mut(&uri) else {
                    return;
                };
                if doc.published.is_some_and(|p| p >= generation) {
                    return;
                }
                doc.published = Some(generation);
            }
            this.shared
                .client
                .publish_diagnostics(uri, diagnostics, Some(analysis.version))
                .await;
        });
    }

    /// The document's current text and its latest analysis, however old.
    fn text_and_latest_analysis(&self, uri: &Uri) -> Option<(Arc<str>, Option<Arc<Analysis>>)> {
        let state = self.state();
        let doc = state.documents.get(uri)?;
        Some((
            doc.text.clone(),
            doc.analysis.as_ref().map(|(_, a)| a.clone()),
        ))
    }

    fn generation_if_open(&self, uri: &Uri) -> Option<u64> {
        let state = self.state();
        state
            .documents
            .contains_key(uri)
            .then_some(state.generation)
    }

    /// Re-checks `uri` and every open document that imports it.
    fn on_edit(&self, uri: &Uri, delay: Duration) {
        let path = analysis::uri_to_path(uri);
        let dependents: Vec<Uri> = {
            let state = self.state();
            state
                .documents
                .iter()
                .filter(|(other, doc)| {
                    *other != uri
                        && doc.analysis.as_ref().is_some_and(|(_, a)| {
                            a.compilation.db.iter().skip(1).any(|(_, f)| f.path == path)
                        })
                })
                .map(|(other, _)| other.clone())
                .collect()
        };
        self.schedule_diagnostics(uri.clone(), delay);
        for other in dependents {
            self.schedule_diagnostics(other, delay);
        }
    }

    fn all_analyses(&self) -> Vec<Arc<Analysis>> {
        let mut uris: Vec<Uri> = self.state().documents.keys().cloned().collect();
        uris.sort();
        uris.iter().filter_map(|u| self.analysis(u)).collect()
    }
}

fn open_buffers(state: &State) -> OpenBuffers {
    state
        .documents
        .iter()
        .map(|(uri, doc)| (PathBuf::from(analysis::uri_to_path(uri)), doc.text.clone()))
        .collect()
}

/// Applies one content change to a text.
fn apply_change(text: &str, change: &TextDocumentContentChangeEvent) -> String {
    let Some(range) = change.range else {
        return change.text.clone();
    };
    let lines = line_index::LineIndex::new(text);
    let clamp = |p: Position| analysis::offset_of(&lines, text, p).unwrap_or(text.len());
    let (start, end) = (clamp(range.start), clamp(range.end));
    let (start, end) = (start.min(end), end.max(start));
    let mut out = String::with_capacity(text.len() + change.text.len());
    out.push_str(&text[..start]);
    out.push_str(&change.text);
    out.push_str(&text[end..]);
    out
}

fn request_failed(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// What the server can do, as told to the client.
pub fn capabilities(simulate: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([" ", ",", "[", "("].iter().map(|s| s.to_string()).collect()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic_tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: simulate.then(|| ExecuteCommandOptions {
            commands: vec![code_lens::SIMULATE.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            capabilities: capabilities(crate::simulate::AVAILABLE),
            server_info: Some(ServerInfo {
                name: "charter".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        {
            let mut state = self.state();
            state.generation += 1;
            state.documents.insert(
                doc.uri.clone(),
                Document {
                    text: doc.text.into(),
                    version: doc.version,
                    analysis: None,
                    published: None,
                },
            );
        }
        self.on_edit(&doc.uri, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut state = self.state();
            let Some(doc) = state.documents.get_mut(&uri) else {
                return;
            };
            let mut text = doc.text.to_string();
            for change in &params.content_changes {
                text = apply_change(&text, change);
            }
            doc.text = text.into();
            doc.version = params.text_document.version;
            state.generation += 1;
        }
        self.on_edit(&uri, self.shared.config.debounce);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = {
            let mut state = self.state();
            state.generation += 1;
            state.documents.remove(&uri)
        };
        if removed.is_some() {
            self.on_edit(&uri, Duration::ZERO);
            self.shared
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        Ok(self
            .analysis(&p.text_document.uri)
            .and_then(|a| hover::hover(&a, p.position)))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        Ok(self
            .analysis(&p.text_document.uri)
            .and_then(|a| navigation::definition(&a, p.position)))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        Ok(self.analysis(&p.text_document.uri).and_then(|a| {
            navigation::references(&a, p.position, params.context.include_declaration)
        }))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        Ok(self
            .analysis(&p.text_document.uri)
            .and_then(|a| navigation::highlights(&a, p.position)))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(a) = self.analysis(&params.text_document.uri) else {
            return Ok(None);
        };
        navigation::prepare_rename(&a, params.position).map_err(|e| request_failed(e.0))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let Some(a) = self.analysis(&p.text_document.uri) else {
            return Ok(None);
        };
        navigation::rename(&a, p.position, &params.new_name).map_err(|e| request_failed(e.0))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        let trigger = params
            .context
            .as_ref()
            .and_then(|c| c.trigger_character.clone());
        let uri = &p.text_document.uri;
        // The latest analysis, even of an older text: names rarely change while typing.
        let Some((text, latest)) = self.text_and_latest_analysis(uri) else {
            return Ok(None);
        };
        let Some(analysis) = latest.or_else(|| self.analysis(uri)) else {
            return Ok(None);
        };
        Ok(completion::completion(
            &text,
            &analysis,
            p.position,
            trigger.as_deref(),
        ))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|a| DocumentSymbolResponse::Nested(outline::document_symbols(&a))))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let analyses = self.all_analyses();
        Ok(Some(WorkspaceSymbolResponse::Nested(
            outline::workspace_symbols(analyses.iter().map(|a| a.as_ref()), &params.query),
        )))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|a| folding::folding_ranges(&a)))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|a| SemanticTokensResult::Tokens(semantic_tokens::semantic_tokens(&a))))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .and_then(|a| formatting::format(&a)))
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .and_then(|a| formatting::format_range(&a, params.range)))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        if let Some(only) = &params.context.only {
            if !only.iter().any(|k| k.as_str().starts_with("quickfix")) {
                return Ok(None);
            }
        }
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|a| code_actions::code_actions(&a, params.range)))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|a| inlay_hints::inlay_hints(&a, params.range)))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .map(|a| code_lens::code_lenses(&a)))
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command != code_lens::SIMULATE {
            return Err(Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let args: Vec<String> = params
            .arguments
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let [scenario, policy] = args.as_slice() else {
            return Err(Error::invalid_params(
                "`charter.simulate` takes a scenario path and a policy URI",
            ));
        };
        let uri: Uri = policy
            .parse()
            .map_err(|_| Error::invalid_params(format!("`{policy}` is not a URI")))?;
        let Some(a) = self.analysis(&uri) else {
            return Err(request_failed(format!("`{policy}` is not open")));
        };
        let summary =
            crate::simulate::run(&a, std::path::Path::new(scenario)).map_err(request_failed)?;
        self.shared
            .client
            .show_message(MessageType::INFO, crate::simulate::headline(&summary))
            .await;
        Ok(Some(summary))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn incremental_changes_use_utf16_columns() {
        let text = "/// Партнёр\ntiers A < B\n";
        // Replace `Партнёр` (7 UTF-16 units from column 4) with `Gold`.
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(0, 4), Position::new(0, 11))),
            range_length: None,
            text: "Gold".into(),
        };
        assert_eq!(apply_change(text, &change), "/// Gold\ntiers A < B\n");
        // A range past the end appends.
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(9, 0), Position::new(9, 0))),
            range_length: None,
            text: "x".into(),
        };
        assert_eq!(apply_change(text, &change), format!("{text}x"));
    }
}
