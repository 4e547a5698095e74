//! Whole `charter` commands over small file trees: `tests/regressions/cli/<case>/`.
//!
//! Each case folder holds the input files and:
//! - `args`: the command line after `charter`, split at spaces;
//! - `setup` (optional): what a repository cannot hold, made in the copy
//!   before the run, one per line: `link NAME TARGET` (a symlink), `fifo NAME`,
//!   `deny NAME` (a folder made unreadable: `chmod 000`, and when the tests run
//!   as root, who reads it anyway, the command runs as `nobody` through
//!   `setpriv` if it can, else the case is skipped with a note), `deep NAME`
//!   (a folder whose path is longer than the system allows, unreadable even
//!   for root);
//! - `expected`: the exit code, standard output and standard error; or the
//!   exit code alone (one line), for outputs that hold the whole registry of
//!   codes, like SARIF.
//!
//! The case is copied to a temporary folder and run there, so paths in the
//! output are relative and the same everywhere. No output may contain
//! `SECRET`: cases plant it in files Charter must never quote. A command that
//! does not end within a minute (a read blocked on a FIFO) fails the case.
//! `UPDATE_EXPECT=1` rewrites the `expected` files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/regressions/cli")
}

/// A folder name of 250 characters: twenty of them nested exceed `PATH_MAX`.
const LONG_NAME_LEN: usize = 250;

struct Setup {
    /// Folders made unreadable; restored before the copy is removed.
    denied: Vec<PathBuf>,
    /// The command must run as `nobody` for a denied folder to be unreadable.
    needs_nobody: bool,
}

fn copy_case(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel == Path::new("args") || rel == Path::new("setup") || rel == Path::new("expected") {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn setup(case: &Path, dir: &Path) -> Setup {
    let mut done = Setup {
        denied: Vec::new(),
        needs_nobody: false,
    };
    let Ok(text) = std::fs::read_to_string(case.join("setup")) else {
        return done;
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["link", name, target] => {
                let at = dir.join(name);
                std::fs::create_dir_all(at.parent().unwrap()).unwrap();
                std::os::unix::fs::symlink(target, at).unwrap();
            }
            ["fifo", name] => {
                let made = Command::new("mkfifo").arg(dir.join(name)).status().unwrap();
                assert!(made.success(), "mkfifo {name}");
            }
            ["deny", name] => {
                let at = dir.join(name);
                set_mode(&at, 0o000);
                if std::fs::read_dir(&at).is_ok() {
                    done.needs_nobody = true;
                }
                done.denied.push(at);
            }
            ["deep", name] => {
                // Built from the bottom up by renames, so that no call names
                // a path longer than the system allows.
                let long = "d".repeat(LONG_NAME_LEN);
                let stage = dir.join(".deep");
                std::fs::create_dir_all(stage.join("level")).unwrap();
                std::fs::write(
                    stage.join("level/deep.charter"),
                    "program \"Deep\" { currency EUR }\n",
                )
                .unwrap();
                for _ in 0..20 {
                    std::fs::create_dir(stage.join("next")).unwrap();
                    std::fs::rename(stage.join("level"), stage.join("next").join(&long)).unwrap();
                    std::fs::rename(stage.join("next"), stage.join("level")).unwrap();
                }
                std::fs::rename(stage.join("level"), dir.join(name)).unwrap();
                std::fs::remove_dir(stage).unwrap();
            }
            _ => panic!("{}: unknown setup line `{line}`", case.display()),
        }
    }
    done
}

/// Runs `charter` with `args` in `dir`, as `nobody` if asked; `None` if it
/// cannot run as `nobody` here.
fn run(dir: &Path, args: &[&str], as_nobody: bool) -> Option<(i32, String, String)> {
    let mut command = if as_nobody {
        // `nobody` may not reach the build folder: run a copy from the case's.
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|p| Path::new(p).exists())?;
        let bin = dir.join(".charter-bin");
        std::fs::copy(env!("CARGO_BIN_EXE_charter"), &bin).ok()?;
        set_mode(&bin, 0o755);
        let mut c = Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_charter"))
    };
    let mut child = command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            r.read_to_end(&mut bytes).unwrap();
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let (stdout, stderr) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!(
                "`charter {}` in {} did not end",
                args.join(" "),
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    if as_nobody && stderr.starts_with("setpriv:") {
        return None;
    }
    Some((status.code().unwrap_or(-1), stdout, stderr))
}

fn run_case(case: &Path) {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let args_text = std::fs::read_to_string(case.join("args"))
        .unwrap_or_else(|_| panic!("{name}: no `args` file"));
    let args: Vec<&str> = args_text.split_whitespace().collect();
    let temp = tempfile::tempdir().unwrap();
    set_mode(temp.path(), 0o755);
    let dir = temp.path().join(&name);
    std::fs::create_dir(&dir).unwrap();
    copy_case(case, &dir);
    let done = setup(case, &dir);
    let outcome = run(&dir, &args, done.needs_nobody);
    for path in &done.denied {
        set_mode(path, 0o755);
    }
    let Some((code, stdout, stderr)) = outcome else {
        eprintln!("{name}: skipped: a folder denied to root is readable, and `setpriv` cannot run `charter` as `nobody` here");
        return;
    };
    let long = "d".repeat(LONG_NAME_LEN);
    let tidy = |s: &str| s.replace(&long, "<250 characters>");
    let actual = format!(
        "exit {code}\n--- stdout\n{}--- stderr\n{}",
        tidy(&stdout),
        tidy(&stderr)
    );
    assert!(
        !actual.contains("SECRET"),
        "{name}: the output quotes a file that is not a policy:\n{actual}"
    );
    let expected_path = case.join("expected");
    let one_line = std::fs::read_to_string(&expected_path).is_ok_and(|e| e.lines().count() == 1);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let text = if one_line {
            format!("exit {code}\n")
        } else {
            actual
        };
        std::fs::write(&expected_path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if expected.lines().count() == 1 {
        // The exit code only, for outputs that hold the whole registry of
        // codes (SARIF): the SECRET check above still applies.
        assert_eq!(
            expected.trim_end(),
            format!("exit {code}"),
            "{name}:\n{actual}"
        );
        return;
    }
    assert!(
        expected == actual,
        "{name} differs (rerun with UPDATE_EXPECT=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn cli_cases() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let result = std::panic::catch_unwind(|| run_case(case));
        if let Err(e) = result {
            let message = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            failures.push(message);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
