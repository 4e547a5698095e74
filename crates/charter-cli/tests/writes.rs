//! Commands that write files never damage them: `charter fmt` and
//! `charter gen-scenario` write through `charter_fs` (exclusive temporary
//! files renamed into place), follow links to their targets and keep the
//! links, keep modes and owners, refuse what is not a regular file or is
//! read-only, and agree on exit codes (2 for any I/O problem).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::{symlink, FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const MESSY: &str = "program \"P\" {   currency EUR }\ntiers   A<B\n";

fn charter(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    finish(command)
}

/// Runs `command`, killing it if it has not ended after a minute: a command
/// blocked on a FIFO would otherwise hang the test run instead of failing it.
/// (A hang guard, not a speed requirement.)
fn finish(mut command: Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{command:?}` hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().mode() & 0o7777
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn is_fifo(path: &Path) -> bool {
    fs::symlink_metadata(path).unwrap().file_type().is_fifo()
}

/// Whether the tests run as root (the owner of a new file is the effective user).
fn is_root(dir: &Path) -> bool {
    let probe = dir.join("probe");
    fs::write(&probe, "").unwrap();
    let root = fs::metadata(&probe).unwrap().uid() == 0;
    fs::remove_file(probe).unwrap();
    root
}

/// The names in `dir`, sorted: no temporary file may be left behind.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn fmt_formats_the_target_of_a_symlink_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("shared")).unwrap();
    let target = dir.path().join("shared/policy.charter");
    fs::write(&target, MESSY).unwrap();
    let link = dir.path().join("policy.charter");
    symlink("shared/policy.charter", &link).unwrap();
    let out = charter(dir.path(), &["fmt", "policy.charter"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&target).unwrap().contains("tiers A < B"));
    assert_eq!(names(&dir.path().join("shared")), ["policy.charter"]);
}

#[test]
fn fmt_rewrites_only_policies_even_through_a_link() {
    // A link named like a policy that leads to another file is refused like
    // an import of it: neither read nor rewritten.
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    fs::write(&notes, MESSY).unwrap();
    symlink("notes.txt", dir.path().join("notes.charter")).unwrap();
    let out = charter(dir.path(), &["fmt", "notes.charter"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&notes).unwrap(), MESSY);
    assert!(fs::symlink_metadata(dir.path().join("notes.charter"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn fmt_refuses_a_fifo_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.charter");
    mkfifo(&fifo);
    for args in [&["fmt", "pipe.charter"][..], &["fmt", "--check", "."][..]] {
        let out = charter(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("FIFO"), "{}", stderr(&out));
        assert!(is_fifo(&fifo), "{args:?} replaced the FIFO");
    }
}

#[test]
fn fmt_refuses_a_read_only_file_even_as_root() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("frozen.charter");
    fs::write(&path, MESSY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let out = charter(dir.path(), &["fmt", "frozen.charter"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&path).unwrap(), MESSY);
    assert_eq!(mode(&path), 0o444);
    assert_eq!(names(dir.path()), ["frozen.charter"]);
    // Reporting needs no write: `--check` still says it would reformat.
    let out = charter(dir.path(), &["fmt", "--check", "frozen.charter"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn fmt_keeps_the_mode_and_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.charter");
    fs::write(&path, MESSY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let root = is_root(dir.path());
    if root {
        std::os::unix::fs::chown(&path, Some(1234), Some(1234)).unwrap();
    }
    let out = charter(dir.path(), &["fmt", "policy.charter"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::read_to_string(&path).unwrap().contains("tiers A < B"));
    assert_eq!(mode(&path), 0o640);
    if root {
        let meta = fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (1234, 1234));
    } else {
        eprintln!("not root: the owner of another user's file is not checked");
    }
}

#[test]
fn fmt_refuses_a_file_the_user_may_not_write() {
    // Renaming over a file needs write permission on its folder only: a user
    // who may not write a file must not be able to replace it (and own it).
    let dir = tempfile::tempdir().unwrap();
    if !is_root(dir.path()) {
        eprintln!("not root: cannot make a file another user may not write, nothing checked");
        return;
    }
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.path().join("root.charter");
    fs::write(&path, MESSY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    std::os::unix::process::CommandExt::uid(&mut command, 1234);
    std::os::unix::process::CommandExt::gid(&mut command, 1234);
    command
        .args(["fmt", "root.charter"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1");
    let out = finish(command);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not writable"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&path).unwrap(), MESSY);
    assert_eq!(fs::metadata(&path).unwrap().uid(), 0);
    assert_eq!(names(dir.path()), ["root.charter"]);
}

#[test]
fn an_undecodable_or_unreadable_policy_is_exit_2_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("latin1.charter"),
        b"program \"Caf\xe9\" {}\n",
    )
    .unwrap();
    for args in [
        &["fmt", "latin1.charter"][..],
        &["fmt", "--check", "latin1.charter"],
        &["check", "latin1.charter"],
        &["fmt", "missing.charter"],
        &["fmt", "--check", "missing.charter"],
    ] {
        let out = charter(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

fn gen_scenario(dir: &Path, out: &str, partners_out: &str, currency: &str) -> Output {
    charter(
        dir,
        &[
            "gen-scenario",
            "--events",
            "200",
            "--partners",
            "5",
            "--currency",
            currency,
            "--out",
            out,
            "--partners-out",
            partners_out,
        ],
    )
}

#[test]
fn gen_scenario_refuses_one_file_for_both_outputs() {
    let dir = tempfile::tempdir().unwrap();
    symlink("a.ndjson", dir.path().join("link.ndjson")).unwrap();
    for (out, partners_out) in [
        ("a.ndjson", "a.ndjson"),
        ("a.ndjson", "./a.ndjson"),
        ("a.ndjson", "link.ndjson"),
    ] {
        let o = gen_scenario(dir.path(), out, partners_out, "USD");
        assert_eq!(
            o.status.code(),
            Some(2),
            "{out} {partners_out}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("one file"), "{}", stderr(&o));
        assert_eq!(names(dir.path()), ["link.ndjson"], "{out} {partners_out}");
    }
    // Two names of one existing file (a hard link) are one file too.
    fs::write(dir.path().join("a.ndjson"), "").unwrap();
    fs::hard_link(dir.path().join("a.ndjson"), dir.path().join("b.json")).unwrap();
    let o = gen_scenario(dir.path(), "a.ndjson", "b.json", "USD");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(dir.path().join("a.ndjson")).unwrap(), "");
}

#[test]
fn gen_scenario_escapes_every_string_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let currency = "E\"U\\R\u{1}\n";
    let o = gen_scenario(dir.path(), "events.ndjson", "partners.json", currency);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let events = fs::read_to_string(dir.path().join("events.ndjson")).unwrap();
    let mut invoices = 0;
    for line in events.lines() {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if event["type"] == "invoice" {
            assert_eq!(event["currency"], currency, "{line}");
            invoices += 1;
        }
    }
    assert!(invoices > 0);
    let partners: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("partners.json")).unwrap())
            .unwrap();
    assert_eq!(partners.as_array().unwrap().len(), 5);
}

#[test]
fn gen_scenario_refuses_a_fifo_and_a_read_only_output_and_keeps_links() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.ndjson"));
    let o = gen_scenario(dir.path(), "pipe.ndjson", "partners.json", "USD");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(is_fifo(&dir.path().join("pipe.ndjson")));
    assert!(!dir.path().join("partners.json").exists());

    let frozen = dir.path().join("frozen.json");
    fs::write(&frozen, "keep").unwrap();
    fs::set_permissions(&frozen, fs::Permissions::from_mode(0o444)).unwrap();
    let o = gen_scenario(dir.path(), "events.ndjson", "frozen.json", "USD");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&frozen).unwrap(), "keep");
    assert!(!dir.path().join("events.ndjson").exists());

    // A symlinked output keeps its link; its target receives the text.
    fs::create_dir(dir.path().join("data")).unwrap();
    fs::write(dir.path().join("data/events.ndjson"), "old").unwrap();
    symlink("data/events.ndjson", dir.path().join("events.ndjson")).unwrap();
    let o = gen_scenario(dir.path(), "events.ndjson", "partners.json", "USD");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::symlink_metadata(dir.path().join("events.ndjson"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(dir.path().join("data/events.ndjson"))
        .unwrap()
        .starts_with("{\"date\""));
}

#[test]
fn gen_scenario_gives_new_files_the_ordinary_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("umask 027 && exec \"$0\" gen-scenario --events 10 --partners 2 --out e.ndjson --partners-out p.json")
        .arg(env!("CARGO_BIN_EXE_charter"))
        .current_dir(dir.path());
    let o = finish(command);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(mode(&dir.path().join("e.ndjson")), 0o640);
    assert_eq!(mode(&dir.path().join("p.json")), 0o640);
}
