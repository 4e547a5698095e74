//! The [`LanguageServer`] implementation: open documents, debounced
//! diagnostics, and one request handler per feature, each reading the latest
//! [`Analysis`] of a document.
//!
//! Nothing that touches the file system runs on the request loop: an
//! analysis (imports read, then checked), a code lens's folder listing and a
//! simulation run on [`crate::worker`] threads, and requests wait for them
//! with a deadline ([`Config::deadline`]). One analysis per document and
//! generation is made, shared by every request that needs it; a request that
//! waits past the deadline fails with an error naming the file being read,
//! and diagnostics say the same, so a FIFO, a hung network drive or a huge
//! import never stops other requests, `shutdown` and `exit` included.

use crate::analysis::{self, Analysis, OpenBuffers};
use crate::files::{FileSystem, InFlight, Reads};
use crate::worker::{self, seconds, JobError, Workers};
use crate::{
    code_actions, code_lens, completion, convert, folding, formatting, hover, inlay_hints,
    navigation, outline, semantic_tokens,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long typing must pause before a document is checked again.
    pub debounce: Duration,
    /// How long a request waits for an analysis (imports read and checked) or
    /// a code lens's folder listing; past it, the request fails and the
    /// diagnostics say which file did not answer.
    pub deadline: Duration,
    /// How long `charter.simulate` may take, reading the scenario included.
    pub simulation_deadline: Duration,
    /// How files are read from disk (tests stand in a drive that does not answer).
    pub file_system: FileSystem,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            debounce: Duration::from_millis(75),
            deadline: Duration::from_secs(10),
            simulation_deadline: Duration::from_secs(60),
            file_system: FileSystem::default(),
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
    workers: Workers,
    in_flight: Arc<InFlight>,
}

#[derive(Default)]
struct State {
    documents: HashMap<Uri, Document>,
    /// Bumped by every edit of any document: analyses of an older generation are stale.
    generation: u64,
    /// The workspace folders the client named: scenarios are read only inside them.
    workspace_folders: Vec<PathBuf>,
}

struct Document {
    text: Arc<str>,
    version: i32,
    /// The latest analysis and the generation it was made at.
    analysis: Option<(u64, Arc<Analysis>)>,
    /// The analysis being made now, if any.
    pending: Option<Pending>,
    /// The generation whose diagnostics were last published.
    published: Option<u64>,
}

/// An analysis being made on a worker thread, shared by every request that waits for it.
#[derive(Clone)]
struct Pending {
    generation: u64,
    /// When the analysis started: it has [`Config::deadline`] from then.
    started: Instant,
    result: watch::Receiver<Option<Arc<Analysis>>>,
    reads: Arc<Reads>,
}

/// A document's analysis: made, or being made.
enum Lookup {
    Ready(u64, Arc<Analysis>),
    Pending(Pending),
}

/// Why a request has no analysis to answer from.
#[derive(Debug)]
enum Unavailable {
    /// The deadline passed while `reading` was being read (or while checking).
    TimedOut {
        reading: Option<PathBuf>,
    },
    Job(JobError),
}

impl Unavailable {
    fn message(&self, deadline: Duration) -> String {
        match self {
            Unavailable::TimedOut {
                reading: Some(path),
            } => format!(
                "the policy could not be checked within {}: reading `{}` did not finish",
                seconds(deadline),
                path.display()
            ),
            Unavailable::TimedOut { reading: None } => format!(
                "the policy could not be checked within {}",
                seconds(deadline)
            ),
            Unavailable::Job(e) => format!("the policy could not be checked: {}", job_problem(e)),
        }
    }
}

/// Why a job did not finish, for a message.
fn job_problem(e: &JobError) -> String {
    match e {
        JobError::TimedOut => "it did not finish in time".to_string(),
        JobError::Busy => format!(
            "{} file reads are still waiting for a drive that does not answer",
            worker::MAX_JOBS
        ),
        JobError::Failed(m) => m.clone(),
    }
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
                workers: Workers::default(),
                in_flight: Arc::default(),
            }),
        }
    }

    /// The reads of a new analysis or simulation.
    fn reads(&self) -> Reads {
        let config = &self.shared.config;
        Reads::new(
            config.file_system,
            self.shared.in_flight.clone(),
            config.deadline,
        )
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The analysis of the document's current text, waiting for it at most
    /// [`Config::deadline`]; `None` for a document that is not open.
    pub async fn analysis(&self, uri: &Uri) -> Result<Option<Arc<Analysis>>> {
        let deadline = self.shared.config.deadline;
        match self.analysis_by(uri, worker::after(deadline)).await {
            Ok(found) => Ok(found.map(|(_, a)| a)),
            Err(e) => Err(request_failed(e.message(deadline))),
        }
    }

    async fn analysis_by(
        &self,
        uri: &Uri,
        deadline: Instant,
    ) -> std::result::Result<Option<(u64, Arc<Analysis>)>, Unavailable> {
        match self.lookup(uri)? {
            None => Ok(None),
            Some(Lookup::Ready(generation, a)) => Ok(Some((generation, a))),
            Some(Lookup::Pending(p)) => {
                let deadline = deadline.min(p.started + self.shared.config.deadline);
                Ok(Some((p.generation, wait(&p, Some(deadline)).await?)))
            }
        }
    }

    /// The document's analysis at the current generation, starting it on a
    /// worker thread unless it is made or being made.
    fn lookup(&self, uri: &Uri) -> std::result::Result<Option<Lookup>, Unavailable> {
        let mut state = self.state();
        let generation = state.generation;
        let Some(doc) = state.documents.get(uri) else {
            return Ok(None);
        };
        if let Some((g, a)) = &doc.analysis {
            if *g == generation {
                return Ok(Some(Lookup::Ready(*g, a.clone())));
            }
        }
        if let Some(p) = &doc.pending {
            if p.generation == generation {
                return Ok(Some(Lookup::Pending(p.clone())));
            }
        }
        let (text, version) = (doc.text.clone(), doc.version);
        let open = open_buffers(&state);
        let reads = Arc::new(self.reads());
        let (tx, result) = watch::channel(None);
        let pending = Pending {
            generation,
            started: Instant::now(),
            result,
            reads: reads.clone(),
        };
        let this = self.clone();
        let key = uri.clone();
        self.shared
            .workers
            .spawn(move || {
                let analysis = Arc::new(Analysis::new(key.clone(), version, &text, &open, &reads));
                this.store(&key, generation, analysis.clone());
                let _ = tx.send(Some(analysis));
            })
            .map_err(Unavailable::Job)?;
        if let Some(doc) = state.documents.get_mut(uri) {
            doc.pending = Some(pending.clone());
        }
        Ok(Some(Lookup::Pending(pending)))
    }

    /// Keeps a finished analysis, unless the document has a newer one.
    fn store(&self, uri: &Uri, generation: u64, analysis: Arc<Analysis>) {
        let mut state = self.state();
        let Some(doc) = state.documents.get_mut(uri) else {
            return;
        };
        if doc
            .pending
            .as_ref()
            .is_some_and(|p| p.generation == generation)
        {
            doc.pending = None;
        }
        if doc.analysis.as_ref().is_none_or(|(g, _)| *g < generation) {
            doc.analysis = Some((generation, analysis));
        }
    }

    /// Checks a document after `delay` and publishes its diagnostics, unless a
    /// newer edit came in meanwhile (the newest version wins). When the check
    /// misses its deadline, a diagnostic says so, and the real ones follow if
    /// the check ever ends.
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
            let deadline = this.shared.config.deadline;
            let (generation, analysis) = match this.lookup(&uri) {
                Ok(None) => return,
                Ok(Some(Lookup::Ready(g, a))) => (g, a),
                Ok(Some(Lookup::Pending(p))) => match wait(&p, Some(p.started + deadline)).await {
                    Ok(a) => (p.generation, a),
                    Err(e) => {
                        this.publish_unavailable(&uri, p.generation, &e).await;
                        match wait(&p, None).await {
                            Ok(a) => (p.generation, a),
                            Err(_) => return,
                        }
                    }
                },
                Err(e) => {
                    this.publish_unavailable(&uri, generation, &e).await;
                    return;
                }
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

    /// Publishes one diagnostic saying why the document could not be checked.
    async fn publish_unavailable(&self, uri: &Uri, generation: u64, why: &Unavailable) {
        let version = {
            let state = self.state();
            match state.documents.get(uri) {
                Some(doc) if state.generation == generation => doc.version,
                _ => return,
            }
        };
        let diagnostic = convert::unchecked(why.message(self.shared.config.deadline));
        self.shared
            .client
            .publish_diagnostics(uri.clone(), vec![diagnostic], Some(version))
            .await;
    }

    /// Checks every open document again whenever a read that did not answer
    /// in time returns: their diagnostics may say it did not.
    fn recheck_when_reads_return(&self) {
        let this = self.clone();
        let mut returned = self.shared.in_flight.returned();
        tokio::spawn(async move {
            while returned.changed().await.is_ok() {
                let uris: Vec<Uri> = {
                    let mut state = this.state();
                    state.generation += 1;
                    state.documents.keys().cloned().collect()
                };
                for uri in uris {
                    this.schedule_diagnostics(uri, Duration::ZERO);
                }
            }
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

    /// The analyses of every open document that are ready within one deadline.
    async fn all_analyses(&self) -> Vec<Arc<Analysis>> {
        let mut uris: Vec<Uri> = self.state().documents.keys().cloned().collect();
        uris.sort();
        let deadline = worker::after(self.shared.config.deadline);
        let mut out = Vec::new();
        for uri in &uris {
            if let Ok(Some((_, a))) = self.analysis_by(uri, deadline).await {
                out.push(a);
            }
        }
        out
    }

    /// The folders scenarios may be read from: the workspace folders, or when
    /// the client named none (a single file opened), the policy's own folder.
    fn scenario_folders(&self, policy_folder: Option<&Path>) -> Vec<PathBuf> {
        let folders = self.state().workspace_folders.clone();
        if folders.is_empty() {
            policy_folder.map(Path::to_path_buf).into_iter().collect()
        } else {
            folders
        }
    }
}

/// Waits for a pending analysis, until `deadline` if there is one.
async fn wait(
    pending: &Pending,
    deadline: Option<Instant>,
) -> std::result::Result<Arc<Analysis>, Unavailable> {
    let mut result = pending.result.clone();
    let finished = async {
        result
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|value| value.clone())
    };
    let finished = match deadline {
        Some(deadline) => match tokio::time::timeout_at(deadline, finished).await {
            Ok(finished) => finished,
            Err(_) => {
                return Err(Unavailable::TimedOut {
                    reading: pending.reads.current(),
                })
            }
        },
        None => finished.await,
    };
    finished.ok_or_else(|| {
        Unavailable::Job(JobError::Failed(
            "the check stopped without a result".to_string(),
        ))
    })
}

/// The file path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let path = analysis::uri_to_path(uri);
    Path::new(&path).is_absolute().then(|| PathBuf::from(path))
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
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        execute_command_provider: simulate.then(|| ExecuteCommandOptions {
            commands: vec![code_lens::SIMULATE.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| file_path(&f.uri))
            .collect();
        if folders.is_empty() {
            #[expect(deprecated, reason = "clients without workspace folders send a root")]
            let root = (params.root_uri.as_ref().and_then(file_path))
                .or_else(|| params.root_path.as_ref().map(PathBuf::from))
                .filter(|p| p.is_absolute());
            folders.extend(root);
        }
        self.state().workspace_folders = folders;
        Ok(InitializeResult {
            capabilities: capabilities(crate::simulate::AVAILABLE),
            server_info: Some(ServerInfo {
                name: "charter".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.recheck_when_reads_return();
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut state = self.state();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| file_path(&f.uri))
            .collect();
        state.workspace_folders.retain(|f| !removed.contains(f));
        for added in params.event.added.iter().filter_map(|f| file_path(&f.uri)) {
            if !state.workspace_folders.contains(&added) {
                state.workspace_folders.push(added);
            }
        }
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
                    pending: None,
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
            .await?
            .and_then(|a| hover::hover(&a, p.position)))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        Ok(self
            .analysis(&p.text_document.uri)
            .await?
            .and_then(|a| navigation::definition(&a, p.position)))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        Ok(self.analysis(&p.text_document.uri).await?.and_then(|a| {
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
            .await?
            .and_then(|a| navigation::highlights(&a, p.position)))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(a) = self.analysis(&params.text_document.uri).await? else {
            return Ok(None);
        };
        navigation::prepare_rename(&a, params.position).map_err(|e| request_failed(e.0))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let Some(a) = self.analysis(&p.text_document.uri).await? else {
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
        let analysis = match latest {
            Some(a) => a,
            None => match self.analysis(uri).await? {
                Some(a) => a,
                None => return Ok(None),
            },
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
            .await?
            .map(|a| DocumentSymbolResponse::Nested(outline::document_symbols(&a))))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let analyses = self.all_analyses().await;
        Ok(Some(WorkspaceSymbolResponse::Nested(
            outline::workspace_symbols(analyses.iter().map(|a| a.as_ref()), &params.query),
        )))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .await?
            .map(|a| folding::folding_ranges(&a)))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .await?
            .map(|a| SemanticTokensResult::Tokens(semantic_tokens::semantic_tokens(&a))))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .await?
            .and_then(|a| formatting::format(&a)))
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .await?
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
            .await?
            .map(|a| code_actions::code_actions(&a, params.range)))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self
            .analysis(&params.text_document.uri)
            .await?
            .map(|a| inlay_hints::inlay_hints(&a, params.range)))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some(a) = self.analysis(&params.text_document.uri).await? else {
            return Ok(None);
        };
        // Listing the policy's folder touches the disk.
        let deadline = self.shared.config.deadline;
        let lenses = self
            .shared
            .workers
            .run(worker::after(deadline), move || code_lens::code_lenses(&a))
            .await
            .map_err(|e| {
                request_failed(match e {
                    JobError::TimedOut => format!(
                        "the policy's folder could not be listed within {}",
                        seconds(deadline)
                    ),
                    other => format!(
                        "the policy's folder could not be listed: {}",
                        job_problem(&other)
                    ),
                })
            })?;
        Ok(Some(lenses))
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
        let Some(a) = self.analysis(&uri).await? else {
            return Err(request_failed(format!("`{policy}` is not open")));
        };
        let base = file_path(&uri).and_then(|p| p.parent().map(Path::to_path_buf));
        let request = crate::simulate::Request {
            scenario: scenario.clone(),
            folders: self.scenario_folders(base.as_deref()),
            base,
        };
        let reads = Arc::new(self.reads());
        let job_reads = reads.clone();
        let deadline = self.shared.config.simulation_deadline;
        let summary = self
            .shared
            .workers
            .run(worker::after(deadline), move || {
                crate::simulate::run(&a, &request, &job_reads)
            })
            .await
            .map_err(|e| match e {
                JobError::TimedOut => match reads.current() {
                    Some(_) => format!(
                        "cannot read `{scenario}`: the read did not finish within {}",
                        seconds(deadline)
                    ),
                    None => format!(
                        "the simulation of `{scenario}` did not finish within {}",
                        seconds(deadline)
                    ),
                },
                other => format!("cannot simulate `{scenario}`: {}", job_problem(&other)),
            })
            .and_then(|result| result)
            .map_err(request_failed)?;
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
