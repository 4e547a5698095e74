//! The language server never freezes: a read that blocks (a FIFO import, a
//! drive that does not answer) delays only what needs that read, behind a
//! deadline, and every other request, `shutdown` and `exit` included, is
//! answered meanwhile. `charter.simulate` reads scenarios only inside the
//! workspace folders, and its errors never quote another file.
//!
//! The 10 s limits in these tests detect a freeze; they are not speed targets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod support;

use charter_fs::{FileIdentity, ReadError};
use charter_lsp::files::FileSystem;
use charter_lsp::wire::Outcome;
use charter_lsp::Config;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;
use support::session::{request, Session};
use support::TestServer;

const POLICY: &str = "program \"W\" { currency EUR }\ntiers Silver < Gold\n";

fn importing(name: &str) -> String {
    format!("import \"{name}\"\n{POLICY}")
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn hover_params(uri: &str) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 7 } })
}

// ------------------------------------------------------------ a FIFO

/// A FIFO in a temporary folder. Dropping it frees any reader blocked on it
/// (by opening it for writing), then replaces it with a plain file, so a
/// server without the fix cannot keep the test process from ending.
struct Fifo {
    path: PathBuf,
}

impl Fifo {
    fn new(path: PathBuf) -> Fifo {
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        Fifo { path }
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        let mut idle = 0;
        for _ in 0..100 {
            // Opening for writing without blocking succeeds only while a reader waits.
            match std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(O_NONBLOCK)
                .open(&self.path)
            {
                Ok(writer) => {
                    drop(writer);
                    idle = 0;
                }
                Err(_) => idle += 1,
            }
            if idle >= 5 {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::write(&self.path, "");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_a_fifo_is_refused_and_every_request_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let _fifo = Fifo::new(dir.path().join("pipe.charter"));
    let policy = dir.path().join("main.charter");
    let uri = file_uri(&policy);
    let mut s = Session::start();
    s.initialize_with(json!({ "capabilities": {}, "rootUri": file_uri(dir.path()) }))
        .await;
    s.open(&uri, &importing("pipe.charter")).await;
    let published = s.diagnostics(&uri).await;
    let messages: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("pipe.charter") && m.contains("FIFO")),
        "{published}"
    );
    s.send(&request(2, "textDocument/hover", hover_params(&uri)))
        .await;
    let hover = s.response(2).await;
    assert!(hover["result"]["contents"].is_object(), "{hover}");
    assert_eq!(
        s.finish().await,
        Outcome {
            shutdown_requested: true,
            truncated: false
        }
    );
}

// ------------------------------------------------------------ a drive that does not answer

/// Policies named `stuck*` do not answer until the test releases them by
/// name; then they do not exist. Everything else is read from disk.
fn stuck_read(path: &Path) -> Result<(String, FileIdentity), ReadError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if !name.starts_with("stuck") {
        return charter_fs::read_policy(path);
    }
    let mut released = RELEASED.lock().unwrap();
    while !released.contains(&name) {
        released = WAKE.wait(released).unwrap();
    }
    Err(ReadError::NotFound)
}

/// A drive where `stuck*` policies do not answer.
fn stuck_drive() -> FileSystem {
    FileSystem {
        read_policy: stuck_read,
        ..FileSystem::default()
    }
}

static RELEASED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static WAKE: Condvar = Condvar::new();

/// Releases the reads of `name` when dropped, even when the test fails.
struct Release(&'static str);

impl Drop for Release {
    fn drop(&mut self) {
        RELEASED.lock().unwrap().push(self.0.to_string());
        WAKE.notify_all();
    }
}

#[tokio::test]
async fn an_import_that_does_not_answer_times_out_into_a_diagnostic() {
    let release = Release("stuck-a.charter");
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("main.charter"));
    let mut s = TestServer::with_config(Config {
        debounce: Duration::from_millis(10),
        deadline: Duration::from_millis(300),
        file_system: stuck_drive(),
        ..Config::default()
    })
    .await;
    let published = s.open_and_check(&uri, &importing("stuck-a.charter")).await;
    let diagnostic = &published["diagnostics"][0];
    let message = diagnostic["message"].as_str().unwrap();
    assert!(
        message.contains("could not be checked within 300 ms")
            && message.contains("stuck-a.charter` did not finish"),
        "{published}"
    );
    assert_eq!(diagnostic["code"], "C0102");
    // A request that needs the analysis fails with the same reason, not a freeze.
    let hover = s.request("textDocument/hover", hover_params(&uri)).await;
    assert!(
        hover["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("stuck-a.charter")),
        "{hover}"
    );
    // Requests that need no analysis are answered as usual.
    let symbols = s.result("workspace/symbol", json!({ "query": "" })).await;
    assert_eq!(symbols, json!([]));
    // An edit is checked at once: the file that did not answer is not read again.
    s.change(&uri, 2, json!([{ "text": importing("stuck-a.charter") }]))
        .await;
    let published = s.diagnostics(&uri).await;
    assert!(
        messages(&published).iter().any(|m| m.starts_with(
            "cannot read `stuck-a.charter`: an earlier read of it has not returned after"
        )),
        "{published}"
    );
    // When the read returns, the document is checked again.
    drop(release);
    let published = s.diagnostics(&uri).await;
    assert!(
        messages(&published).contains(&"cannot read `stuck-a.charter`: no such file".to_string()),
        "{published}"
    );
    let hover = s.result("textDocument/hover", hover_params(&uri)).await;
    assert!(hover["contents"].is_object(), "{hover}");
}

fn messages(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .map(|m| m.lines().next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn shutdown_and_exit_are_answered_while_requests_wait_for_a_read() {
    let _release = Release("stuck-b.charter");
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("main.charter"));
    // A deadline longer than the test: the waiting requests are still waiting.
    let mut s = Session::with_config(Config {
        debounce: Duration::from_millis(10),
        deadline: Duration::from_secs(600),
        file_system: stuck_drive(),
        ..Config::default()
    });
    s.initialize().await;
    s.open(&uri, &importing("stuck-b.charter")).await;
    // More waiting requests than tower-lsp-server's default concurrency of 4.
    for id in 10..20 {
        s.send(&request(id, "textDocument/hover", hover_params(&uri)))
            .await;
    }
    s.send(&request(
        20,
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    ))
    .await;
    assert_eq!(
        s.finish().await,
        Outcome {
            shutdown_requested: true,
            truncated: false
        }
    );
}

// ------------------------------------------------------------ charter.simulate

const SCENARIO: &str = "tests/scenarios/future-processing/03-rate-by-tier.json";

struct Workspace {
    _root: tempfile::TempDir,
    folder: PathBuf,
    outside: PathBuf,
    policy_uri: String,
}

/// A workspace folder holding the open policy and a scenario in `scenarios/`,
/// and a folder beside it holding a secret and a scenario.
async fn workspace() -> (Workspace, TestServer) {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("workspace");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(folder.join("scenarios")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scenario = std::fs::read(repo.join(SCENARIO)).unwrap();
    std::fs::write(folder.join("scenarios/rates.json"), &scenario).unwrap();
    std::fs::write(outside.join("rates.json"), &scenario).unwrap();
    std::fs::write(
        outside.join("secret.json"),
        r#"{ "DB_PASSWORD": "hunter2" }"#,
    )
    .unwrap();
    std::fs::write(folder.join("notes.txt"), "DB_PASSWORD=hunter2\n").unwrap();
    let policy = folder.join("future-processing.charter");
    let text = support::policy("future-processing.charter");
    std::fs::write(&policy, &text).unwrap();
    let mut s = TestServer::with_workspace(Config::default(), &folder).await;
    let policy_uri = file_uri(&policy);
    s.open_and_check(&policy_uri, &text).await;
    (
        Workspace {
            _root: root,
            folder,
            outside,
            policy_uri,
        },
        s,
    )
}

async fn simulate(s: &mut TestServer, scenario: &str, policy_uri: &str) -> Value {
    s.request(
        "workspace/executeCommand",
        json!({ "command": "charter.simulate", "arguments": [scenario, policy_uri] }),
    )
    .await
}

fn error_message(response: &Value) -> String {
    response["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("an error: {response}"))
        .to_string()
}

#[tokio::test]
async fn simulate_reads_scenarios_inside_the_workspace() {
    let (w, mut s) = workspace().await;
    // Relative to the policy's folder, and absolute.
    let relative = simulate(&mut s, "scenarios/rates.json", &w.policy_uri).await;
    assert!(relative["result"]["totals"].is_array(), "{relative}");
    let absolute = w.folder.join("scenarios/rates.json");
    let absolute = simulate(&mut s, &absolute.display().to_string(), &w.policy_uri).await;
    assert_eq!(absolute["result"]["totals"], relative["result"]["totals"]);
}

#[tokio::test]
async fn simulate_refuses_files_outside_the_workspace() {
    let (w, mut s) = workspace().await;
    let absolute = w.outside.join("rates.json").display().to_string();
    #[cfg(unix)]
    std::os::unix::fs::symlink(w.outside.join("secret.json"), w.folder.join("link.json")).unwrap();
    for scenario in [
        absolute.as_str(),
        "../outside/rates.json",
        "scenarios/../../outside/secret.json",
        "link.json",
    ] {
        let message = error_message(&simulate(&mut s, scenario, &w.policy_uri).await);
        assert!(
            message.contains("outside the workspace folders"),
            "{scenario}: {message}"
        );
        assert!(
            !message.contains("DB_PASSWORD") && !message.contains("hunter2"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn simulate_refuses_what_is_not_a_scenario_file_without_quoting_it() {
    let (w, mut s) = workspace().await;
    let message = error_message(&simulate(&mut s, "notes.txt", &w.policy_uri).await);
    assert_eq!(
        message,
        "cannot read `notes.txt`: a scenario is a `.json`, `.ndjson` or `.jsonl` file"
    );
    let _fifo = Fifo::new(w.folder.join("pipe.json"));
    let message = error_message(&simulate(&mut s, "pipe.json", &w.policy_uri).await);
    assert_eq!(
        message,
        "cannot read `pipe.json`: it is a FIFO, not a regular file"
    );
}

#[tokio::test]
async fn simulate_follows_the_workspace_folders_as_they_change() {
    let (w, mut s) = workspace().await;
    let outside = w.outside.join("rates.json").display().to_string();
    let folder = |path: &Path| json!([{ "uri": file_uri(path), "name": "f" }]);
    s.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": folder(&w.outside), "removed": [] } }),
    )
    .await;
    let added = simulate(&mut s, &outside, &w.policy_uri).await;
    assert!(added["result"]["totals"].is_array(), "{added}");
    s.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": folder(&w.outside) } }),
    )
    .await;
    let removed = simulate(&mut s, &outside, &w.policy_uri).await;
    assert!(
        error_message(&removed).contains("outside the workspace folders"),
        "{removed}"
    );
}
