//! The CI files at the root of the repository, run against the built binary:
//! `action.yml`'s shell steps, in order, as a GitHub runner would run them
//! (inputs and step outputs passed through `env:`), and the hooks of
//! `.pre-commit-hooks.yaml` as pre-commit would call them.
//! (`tests/ci/precommit.sh` runs the hooks through pre-commit itself.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use yaml_rust2::{Yaml, YamlLoader};

const TYPO: &str = "program \"P\" {\n  currency EUR\n}\n\ntiers Registered < Select\n\nbenefit dedicated_partner_manager (support) for Selcet\n";
const CLEAN: &str = "program \"P\" {\n  currency EUR\n}\n\nregion DACH = [DE, AT, CH]\n\npartner alpen {\n  region DACH\n}\n";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn load(name: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(name)).unwrap();
    YamlLoader::load_from_str(&text)
        .unwrap()
        .into_iter()
        .next()
        .unwrap()
}

/// A folder holding only a `charter` link to the binary under test.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_charter"), dir.path().join("charter")).unwrap();
    dir
}

/// What the runner knows while it runs the action's steps.
struct Runner {
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// Folders added to PATH, the latest first (GITHUB_PATH).
    path: Vec<PathBuf>,
    work: PathBuf,
    /// Each step's RUNNER_TEMP, kept until the runner is dropped (a step may
    /// install something there for the next).
    temps: Vec<tempfile::TempDir>,
}

/// The result of one step: its name and what it printed and exited with.
struct Ran {
    name: String,
    output: Output,
}

impl Runner {
    fn new(work: &Path, given: &[(&str, &str)]) -> Runner {
        let action = load("action.yml");
        let mut inputs = BTreeMap::new();
        for (name, spec) in action["inputs"].as_hash().unwrap() {
            let name = name.as_str().unwrap().to_string();
            let default = spec["default"].as_str().unwrap_or("").to_string();
            inputs.insert(name, default);
        }
        for (name, value) in given {
            assert!(
                inputs.contains_key(*name),
                "action.yml has no input `{name}`"
            );
            inputs.insert(name.to_string(), value.to_string());
        }
        Runner {
            inputs,
            outputs: BTreeMap::new(),
            path: Vec::new(),
            work: work.to_path_buf(),
            temps: Vec::new(),
        }
    }

    /// `${{ … }}` replaced, for the expressions the action uses.
    fn expand(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").unwrap() + start;
            let expr = rest[start + 3..end].trim();
            let parts: Vec<&str> = expr.split('.').collect();
            let value = match parts.as_slice() {
                ["inputs", name] => self.inputs[*name].clone(),
                ["github", "action_path"] => root().display().to_string(),
                ["steps", id, "outputs", name] => self
                    .outputs
                    .get(*id)
                    .and_then(|o| o.get(*name))
                    .cloned()
                    .unwrap_or_default(),
                _ => panic!("unknown expression `{expr}`"),
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Runs every `run:` step in order, as GitHub's `bash` shell does, until
    /// one fails; `uses:` steps are skipped.
    fn run(&mut self, extra_path: &[&Path]) -> Vec<Ran> {
        let action = load("action.yml");
        assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
        let mut ran = Vec::new();
        for step in action["runs"]["steps"].as_vec().unwrap() {
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            assert!(
                !script.contains("${{"),
                "a script takes inputs through env:, not expressions"
            );
            assert_eq!(step["shell"].as_str(), Some("bash"));
            let state = tempfile::tempdir().unwrap();
            let output_file = state.path().join("output");
            let path_file = state.path().join("path");
            std::fs::write(&output_file, "").unwrap();
            std::fs::write(&path_file, "").unwrap();
            let mut path: Vec<PathBuf> = self.path.clone();
            path.extend(extra_path.iter().map(|p| p.to_path_buf()));
            path.push("/usr/local/bin".into());
            path.push("/usr/bin".into());
            path.push("/bin".into());
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .current_dir(&self.work)
                .env("PATH", std::env::join_paths(&path).unwrap())
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_PATH", &path_file)
                .env("RUNNER_TEMP", state.path())
                .env_remove("NO_COLOR")
                .env_remove("CLICOLOR_FORCE");
            if let Some(env) = step["env"].as_hash() {
                for (k, v) in env {
                    command.env(k.as_str().unwrap(), self.expand(v.as_str().unwrap()));
                }
            }
            let output = command.output().unwrap();
            if let Some(id) = step["id"].as_str() {
                let text = std::fs::read_to_string(&output_file).unwrap();
                let values = text
                    .lines()
                    .filter_map(|l| l.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                self.outputs.insert(id.to_string(), values);
            }
            for line in std::fs::read_to_string(&path_file).unwrap().lines().rev() {
                self.path.insert(0, PathBuf::from(line));
            }
            self.temps.push(state);
            let failed = !output.status.success();
            ran.push(Ran {
                name: step["name"].as_str().unwrap_or("").to_string(),
                output,
            });
            if failed {
                break;
            }
        }
        ran
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn work_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

#[test]
fn action_checks_with_the_charter_on_path_and_fails_on_findings() {
    let bin = bin_dir();
    let work = work_with(&[("policies/p.charter", TYPO)]);
    let mut runner = Runner::new(work.path(), &[("paths", "policies")]);
    let ran = runner.run(&[bin.path()]);
    let names: Vec<&str> = ran.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["Install charter", "Check policies", "Fail on findings"]
    );
    assert!(ran[0].output.status.success(), "{}", text(&ran[0].output));
    assert!(
        text(&ran[0].output).starts_with("using "),
        "{}",
        text(&ran[0].output)
    );
    assert!(ran[1].output.status.success(), "{}", text(&ran[1].output));
    assert_eq!(runner.outputs["check"]["exit-code"], "1");
    assert_eq!(runner.outputs["check"]["sarif-file"], "charter.sarif");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.path().join("charter.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "C0201");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "policies/p.charter"
    );
    assert_eq!(ran[2].output.status.code(), Some(1));
    assert!(text(&ran[2].output).contains("::error::charter check reported findings"));

    // Not failing on findings; arguments passed through.
    let mut runner = Runner::new(
        work.path(),
        &[
            ("paths", "policies"),
            ("fail-on-findings", "false"),
            ("sarif-file", "out.sarif"),
            ("args", "--deny-warnings"),
        ],
    );
    let ran = runner.run(&[bin.path()]);
    assert!(ran.iter().all(|r| r.output.status.success()));
    assert!(work.path().join("out.sarif").is_file());
}

#[test]
fn action_passes_a_clean_check_and_stops_on_unreadable_input() {
    let bin = bin_dir();
    let work = work_with(&[("a.charter", CLEAN), ("b/c.charter", CLEAN)]);
    let mut runner = Runner::new(work.path(), &[("paths", "a.charter b")]);
    let ran = runner.run(&[bin.path()]);
    assert_eq!(ran.len(), 3);
    assert!(ran.iter().all(|r| r.output.status.success()));
    assert_eq!(runner.outputs["check"]["exit-code"], "0");

    let mut runner = Runner::new(work.path(), &[("paths", "missing")]);
    let ran = runner.run(&[bin.path()]);
    assert_eq!(ran.len(), 2);
    assert_eq!(ran[1].output.status.code(), Some(2));
    assert!(text(&ran[1].output).contains("::error::charter check could not read"));

    let mut runner = Runner::new(work.path(), &[("install", "sometimes")]);
    let ran = runner.run(&[bin.path()]);
    assert_eq!(ran[0].output.status.code(), Some(2));
}

#[test]
fn action_builds_the_cli_from_its_own_source_with_cargo() {
    // A stand-in for cargo records what it was asked and installs the binary
    // under test where `cargo install --root` would.
    let tools = tempfile::tempdir().unwrap();
    let log = tools.path().join("cargo.log");
    let cargo = tools.path().join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\nln -s '{}' \"$2/bin/charter\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_charter")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let work = work_with(&[("p.charter", CLEAN)]);
    // `charter` is not on PATH: `auto` builds it.
    let mut runner = Runner::new(work.path(), &[]);
    let ran = runner.run(&[tools.path()]);
    assert_eq!(ran.len(), 3, "{}", text(&ran[0].output));
    assert!(ran.iter().all(|r| r.output.status.success()));
    let asked = std::fs::read_to_string(&log).unwrap();
    let source = root().join("crates/charter-cli");
    assert!(
        asked.starts_with("install --locked --quiet --root ")
            && asked
                .trim_end()
                .ends_with(&format!("--path {}", source.display())),
        "{asked}"
    );
    assert!(source.join("Cargo.toml").is_file());
    assert_eq!(runner.outputs["check"]["exit-code"], "0");
}

#[test]
fn action_uploads_the_sarif_of_the_check_step() {
    let action = load("action.yml");
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let upload = steps.iter().find(|s| s["uses"].as_str().is_some()).unwrap();
    assert!(upload["uses"]
        .as_str()
        .unwrap()
        .starts_with("github/codeql-action/upload-sarif@"));
    assert_eq!(
        upload["with"]["sarif_file"].as_str(),
        Some("${{ steps.check.outputs.sarif-file }}")
    );
    assert_eq!(
        upload["if"].as_str(),
        Some("${{ inputs.upload-sarif == 'true' }}")
    );
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    assert!(ids.contains(&"check"));
}

#[test]
fn pre_commit_hooks_run_check_and_fmt_on_the_files_given() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hooks = hooks.as_vec().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["charter-check", "charter-fmt"]);
    let bin = bin_dir();
    let work = work_with(&[
        ("ok.charter", CLEAN),
        ("bad.charter", TYPO),
        ("messy.charter", "program \"P\" {currency EUR}\n"),
    ]);
    // As pre-commit calls a hook: its entry, its args, then the file names.
    let call = |hook: &Yaml, files: &[&str]| {
        assert_eq!(hook["language"].as_str(), Some("system"));
        assert_eq!(hook["files"].as_str(), Some("\\.charter$"));
        let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
        Command::new(entry[0])
            .args(&entry[1..])
            .args(files)
            .current_dir(work.path())
            .env("PATH", bin.path())
            .output()
            .unwrap()
    };
    assert_eq!(call(&hooks[0], &["ok.charter"]).status.code(), Some(0));
    let o = call(&hooks[0], &["ok.charter", "bad.charter"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("C0201"), "{}", text(&o));
    // fmt rewrites (pre-commit fails a hook that changed files) quietly.
    let o = call(&hooks[1], &["ok.charter", "messy.charter"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(text(&o), "");
    assert_eq!(
        std::fs::read_to_string(work.path().join("messy.charter")).unwrap(),
        "program \"P\" {\n  currency EUR\n}\n"
    );
}
