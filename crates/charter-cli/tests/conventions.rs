//! The CLI conventions of issue 14, end to end on the `charter` binary:
//! standard input, `--color` and `--quiet`, completions and man pages,
//! `charter.toml`, `--fix`, `fmt --diff`, the CI output formats and their
//! schemas, and what `--help` lists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CLEAN: &str = "program \"P\" {\n  currency EUR\n}\n\nregion DACH = [DE, AT, CH]\n\npartner alpen {\n  region DACH\n}\n";
/// C0203: `NORDICS` is unused (a warning).
const UNUSED: &str = "program \"P\" { currency EUR }\n\nregion NORDICS = [SE, NO, DK, FI]\nregion DACH = [DE, AT, CH]\n\npartner alpen { region DACH }\n";
/// C0201 with a fix: `Selcet` is `Select`.
const TYPO: &str = "program \"P\" { currency EUR }\n\ntiers Registered < Select\n\nbenefit dedicated_partner_manager (support) for Selcet\n";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `charter ARGS` in `dir` with `stdin` as standard input, without
/// color variables from the caller's environment.
fn run_in(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    // A command that exits without reading its input closes the pipe: the
    // write then fails, and what matters is what the command did.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    run_in(dir, args, "", &[])
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}", out(o)))
}

fn assert_valid(schema: &str, value: &serde_json::Value) {
    let text = std::fs::read_to_string(root().join("schemas").join(schema)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:#?}");
}

// ---- standard input -------------------------------------------------------

#[test]
fn check_dash_reads_standard_input_and_names_it() {
    let dir = dir_with(&[]);
    let o = run_in(dir.path(), &["check", "-"], CLEAN, &[]);
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("checked 1 file: 0 errors"), "{}", out(&o));

    let o = run_in(dir.path(), &["check", "--format", "json", "-"], UNUSED, &[]);
    assert_eq!(json(&o)["diagnostics"][0]["file"], "<stdin>");
    let named = [
        "check",
        "--format",
        "json",
        "--stdin-filename",
        "drafts/p.charter",
        "-",
    ];
    let o = run_in(dir.path(), &named, UNUSED, &[]);
    assert_eq!(json(&o)["diagnostics"][0]["file"], "drafts/p.charter");
}

#[test]
fn standard_input_imports_from_the_folder_of_its_name() {
    let dir = dir_with(&[("team/regions.charter", "region DACH = [DE, AT, CH]\n")]);
    let policy =
        "program \"P\" { currency EUR }\nimport \"regions.charter\"\npartner alpen { region DACH }\n";
    let o = run_in(
        dir.path(),
        &["check", "--stdin-filename", "team/p.charter", "-"],
        policy,
        &[],
    );
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    // Without the name, the import is looked for in the working folder.
    let o = run_in(dir.path(), &["check", "-"], policy, &[]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert!(out(&o).contains("C0102"), "{}", out(&o));
}

#[test]
fn fmt_dash_prints_the_formatted_text_and_ir_dash_the_ir() {
    let dir = dir_with(&[]);
    let messy = "program   \"P\" {   currency EUR }\nregion DACH = [DE,AT,CH]\n";
    let o = run_in(dir.path(), &["fmt", "-"], messy, &[]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        out(&o).contains("region DACH = [DE, AT, CH]"),
        "{}",
        out(&o)
    );
    let o = run_in(dir.path(), &["fmt", "--check", "-"], messy, &[]);
    assert_eq!(code(&o), 1);
    let o = run_in(dir.path(), &["fmt", "--check", "-"], CLEAN, &[]);
    assert_eq!(code(&o), 0, "{}", out(&o));

    let o = run_in(dir.path(), &["ir", "-"], CLEAN, &[]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let ir = json(&o);
    assert_eq!(ir["version"], 1);
    assert_valid("ir.schema.json", &ir);
    let o = run_in(
        dir.path(),
        &["ir", "--stdin-filename", "x.charter", "-"],
        TYPO,
        &[],
    );
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("x.charter"), "{}", err(&o));
}

#[test]
fn standard_input_follows_the_charter_toml_of_its_name_and_is_read_once() {
    let dir = dir_with(&[("quiet/charter.toml", "[diagnostics]\nC0203 = \"off\"\n")]);
    let o = run_in(dir.path(), &["check", "-"], UNUSED, &[]);
    assert!(out(&o).contains("1 warning"), "{}", out(&o));
    let named = ["check", "--stdin-filename", "quiet/p.charter", "-"];
    let o = run_in(dir.path(), &named, UNUSED, &[]);
    assert!(out(&o).contains("0 warnings"), "{}", out(&o));
    let o = run_in(dir.path(), &["check", "-", "-"], CLEAN, &[]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("more than once"), "{}", err(&o));
}

// ---- --color and --quiet --------------------------------------------------

#[test]
fn color_follows_the_flag_then_no_color_and_clicolor_force() {
    let dir = dir_with(&[("p.charter", UNUSED)]);
    let esc = |o: &Output| out(o).contains('\u{1b}');
    let check = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "p.charter"];
        all.extend_from_slice(args);
        run_in(dir.path(), &all, "", env)
    };
    // Not a terminal: no color unless asked.
    assert!(!esc(&check(&[], &[])));
    assert!(esc(&check(&["--color", "always"], &[])));
    assert!(esc(&check(&[], &[("CLICOLOR_FORCE", "1")])));
    assert!(!esc(&check(
        &["--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    )));
    assert!(!esc(&check(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(esc(&check(&["--color=always"], &[("NO_COLOR", "1")])));
    // Every command takes it (a global flag), before or after the command.
    for args in [
        &["--color", "never", "explain", "C0401"][..],
        &["explain", "--color", "never", "C0401"],
        &["test", "--color", "never", "--help"],
        &["simulate", "--quiet", "--help"],
    ] {
        let o = run(dir.path(), args);
        assert_eq!(code(&o), 0, "{args:?}: {}", err(&o));
    }
    // Messages of the CLI itself too.
    let o = run(
        dir.path(),
        &["--color", "always", "check", "missing.charter"],
    );
    assert!(
        err(&o).contains("\u{1b}[1m\u{1b}[31merror\u{1b}[0m: no such file"),
        "{:?}",
        err(&o)
    );
    let o = run(dir.path(), &["check", "missing.charter"]);
    assert!(err(&o).starts_with("error: no such file"), "{:?}", err(&o));
    let o = run(dir.path(), &["check", "--color", "sometimes", "p.charter"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn quiet_prints_nothing_on_success_and_still_reports_findings() {
    let dir = dir_with(&[("ok.charter", CLEAN), ("bad/p.charter", TYPO)]);
    let o = run(dir.path(), &["check", "--quiet", "ok.charter"]);
    assert_eq!(
        (code(&o), out(&o), err(&o)),
        (0, String::new(), String::new())
    );
    let o = run(dir.path(), &["-q", "check", "bad"]);
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("C0201"), "{}", out(&o));
    let o = run_in(dir.path(), &["fmt", "--quiet", "-"], CLEAN, &[]);
    assert_eq!(out(&o), CLEAN);
    std::fs::write(
        dir.path().join("ok.charter"),
        "program \"P\" {currency EUR}\n",
    )
    .unwrap();
    let o = run(dir.path(), &["fmt", "--quiet", "ok.charter"]);
    assert_eq!((code(&o), out(&o)), (0, String::new()));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ok.charter")).unwrap(),
        "program \"P\" {\n  currency EUR\n}\n"
    );
}

// ---- completions and man pages ---------------------------------------------

#[test]
fn completions_for_every_shell_know_the_commands_and_flags() {
    let dir = dir_with(&[]);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(dir.path(), &["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}: {}", err(&o));
        let script = out(&o);
        for word in ["check", "fmt", "simulate", "stdin-filename", "print-config"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    assert_eq!(code(&run(dir.path(), &["completions", "tcsh"])), 2);
}

#[test]
fn man_prints_the_page_or_writes_one_per_command() {
    let dir = dir_with(&[]);
    let o = run(dir.path(), &["man"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).contains(".TH charter 1"), "{}", out(&o));
    assert!(out(&o).contains("completions"));
    let o = run(dir.path(), &["man", "--out", "."]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let check = std::fs::read_to_string(dir.path().join("charter-check.1")).unwrap();
    assert!(check.contains(".TH charter-check 1"), "{check}");
    assert!(check.contains("print\\-config"), "{check}");
    assert!(dir.path().join("charter-fmt.1").is_file());
    let o = run(dir.path(), &["man", "--out", "missing/folder"]);
    assert_eq!(code(&o), 2);
}

// ---- charter.toml -----------------------------------------------------------

#[test]
fn charter_toml_sets_severities_by_code_or_name_and_flags_win() {
    let dir = dir_with(&[
        (
            "charter.toml",
            "format = \"json\"\n[diagnostics]\nunused-definition = \"error\"\n",
        ),
        ("p.charter", UNUSED),
        ("quiet/charter.toml", "[diagnostics]\nC0203 = \"off\"\n"),
        ("quiet/p.charter", UNUSED),
    ]);
    // The working folder's format, and its severity for p.charter.
    let o = run(dir.path(), &["check", "p.charter"]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let report = json(&o);
    assert_eq!(report["diagnostics"][0]["code"], "C0203");
    assert_eq!(report["diagnostics"][0]["severity"], "error");
    // The file's own folder's charter.toml governs it.
    let o = run(dir.path(), &["check", "quiet/p.charter"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert_eq!(json(&o)["summary"]["warnings"], 0);
    // Found upward from a subfolder used as the working folder.
    let o = run(
        &dir.path().join("quiet"),
        &["check", "--format", "human", "p.charter"],
    );
    assert!(out(&o).contains("0 warnings"), "{}", out(&o));
    // The flag wins over the file.
    let o = run(dir.path(), &["check", "--format", "human", "p.charter"]);
    assert!(out(&o).contains("checked 1 file: 1 error"), "{}", out(&o));
}

#[test]
fn charter_toml_globs_choose_what_folder_walks_take() {
    let dir = dir_with(&[
        (
            "charter.toml",
            "include = [\"policies/**\"]\nexclude = [\"drafts\", \"*.old.charter\"]\n",
        ),
        ("policies/a.charter", CLEAN),
        ("policies/a.old.charter", TYPO),
        ("policies/drafts/b.charter", TYPO),
        ("elsewhere/c.charter", TYPO),
    ]);
    let o = run(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("checked 1 file"), "{}", out(&o));
    // A file named is checked whatever the globs say.
    let o = run(dir.path(), &["check", "policies/drafts/b.charter"]);
    assert_eq!(code(&o), 1);
    // fmt walks the same way.
    let o = run(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
}

#[test]
fn print_config_shows_the_settings_in_force() {
    let dir = dir_with(&[
        ("charter.toml", "format = \"github\"\nexclude = [\"drafts\"]\n[diagnostics]\ntier-not-monotone = \"error\"\nC0203 = \"off\"\n"),
        ("sub/charter.toml", "[diagnostics]\nC0104 = \"error\"\n"),
    ]);
    let o = run(dir.path(), &["check", "--print-config"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let text = out(&o);
    assert!(text.starts_with("# from charter.toml\n"), "{text}");
    assert!(text.contains("format = \"github\"\n"), "{text}");
    assert!(text.contains("exclude = [\"drafts\"]\n"), "{text}");
    assert!(
        text.contains("C0701 = \"error\"  # tier-not-monotone, set here\n"),
        "{text}"
    );
    assert!(
        text.contains("C0203 = \"off\"  # unused-definition, set here\n"),
        "{text}"
    );
    assert!(
        text.contains("C0104 = \"warning\"  # text-direction-control\n"),
        "{text}"
    );
    // It is valid TOML a user could copy.
    assert!(text.parse::<toml::Table>().is_ok(), "{text}");
    let o = run(
        dir.path(),
        &["check", "--print-config", "--format", "sarif", "sub"],
    );
    let text = out(&o);
    assert!(text.contains("# from sub/charter.toml"), "{text}");
    assert!(text.contains("format = \"sarif\""), "{text}");
    assert!(text.contains("C0104 = \"error\""), "{text}");
    let empty = dir_with(&[]);
    let o = run(empty.path(), &["check", "--print-config"]);
    assert!(
        out(&o).starts_with("# no charter.toml found"),
        "{}",
        out(&o)
    );
}

#[test]
fn a_bad_charter_toml_is_exit_2_and_says_what_and_where() {
    for (toml, wanted) in [
        ("[diagnostics]\nC0203 = \"loud\"\n", "line 2"),
        (
            "[diagnostics]\nunused-definitoin = \"off\"\n",
            "did you mean `unused-definition`?",
        ),
        ("[diagnostics]\nsyntax-error = \"off\"\n", "always an error"),
        ("formats = \"json\"\n", "unknown field `formats`"),
        ("exclude = [\"a[\"]\n", "bad glob"),
    ] {
        let dir = dir_with(&[("charter.toml", toml), ("p.charter", CLEAN)]);
        let o = run(dir.path(), &["check", "p.charter"]);
        assert_eq!(code(&o), 2, "{toml}: {}", out(&o));
        assert!(err(&o).contains("charter.toml"), "{toml}: {}", err(&o));
        assert!(err(&o).contains(wanted), "{toml}: {}", err(&o));
    }
}

// ---- --fix and --fix --dry-run ---------------------------------------------

#[test]
fn fix_applies_every_fix_and_reports_what_it_changed() {
    let two = "program \"P\" { currency EUR }\n\nbenefit referral_fee (financial)\nbenefit subscription_discount (financial)\nchoose one of referral_fee, subscription_discount as financial_benefit\n\npartner acme {\n  elect referral_fee, subscription_discount\n}\n";
    let dir = dir_with(&[
        ("a.charter", TYPO),
        ("b.charter", two),
        ("ok.charter", CLEAN),
    ]);
    let before = std::fs::read_to_string(dir.path().join("b.charter")).unwrap();
    let o = run(dir.path(), &["check", "--fix", "--dry-run", "."]);
    assert_eq!(code(&o), 1, "{}{}", out(&o), err(&o));
    let diff = out(&o);
    assert!(diff.contains("--- a.charter\n+++ a.charter\n"), "{diff}");
    assert!(diff.contains("-benefit dedicated_partner_manager (support) for Selcet\n+benefit dedicated_partner_manager (support) for Select\n"), "{diff}");
    assert!(
        diff.contains("-  elect referral_fee, subscription_discount\n+  elect referral_fee\n"),
        "{diff}"
    );
    assert!(
        err(&o).contains("would fix 2 findings in 2 files"),
        "{}",
        err(&o)
    );
    // A dry run writes nothing.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.charter")).unwrap(),
        before
    );

    let o = run(dir.path(), &["check", "--fix", "."]);
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert!(
        err(&o).contains("fixed a.charter\n  C0201: replace with `Select`\n"),
        "{}",
        err(&o)
    );
    assert!(
        out(&o).contains("checked 3 files: 0 errors, 0 warnings (2 fixed)"),
        "{}",
        out(&o)
    );
    assert!(std::fs::read_to_string(dir.path().join("a.charter"))
        .unwrap()
        .contains("for Select\n"));
    // Nothing left to fix.
    let o = run(dir.path(), &["check", "--fix", "--dry-run", "."]);
    assert_eq!((code(&o), out(&o)), (0, String::new()));
}

#[test]
fn fix_writes_nothing_when_one_file_cannot_be_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(&[("a.charter", TYPO), ("b.charter", TYPO)]);
    let b = dir.path().join("b.charter");
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = run(dir.path(), &["check", "--fix", "."]);
    assert_eq!(code(&o), 2, "{}{}", out(&o), err(&o));
    assert!(err(&o).contains("cannot write `b.charter`"), "{}", err(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.charter")).unwrap(),
        TYPO
    );
}

#[test]
fn fix_of_standard_input_prints_the_fixed_text() {
    let dir = dir_with(&[]);
    let o = run_in(dir.path(), &["check", "--fix", "-"], TYPO, &[]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(out(&o), TYPO.replace("Selcet", "Select"));
    assert!(err(&o).contains("(1 fixed)"), "{}", err(&o));
}

// ---- fmt --diff --------------------------------------------------------------

#[test]
fn fmt_diff_prints_a_unified_diff_and_writes_nothing() {
    let messy = "program \"P\" {currency EUR}\n";
    let dir = dir_with(&[("a.charter", messy), ("ok.charter", CLEAN)]);
    let o = run(dir.path(), &["fmt", "--diff", "a.charter", "ok.charter"]);
    assert_eq!(code(&o), 1, "{}", err(&o));
    assert_eq!(
        out(&o),
        "--- a.charter\n+++ a.charter\n@@ -1 +1,3 @@\n-program \"P\" {currency EUR}\n+program \"P\" {\n+  currency EUR\n+}\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.charter")).unwrap(),
        messy
    );
    let o = run(dir.path(), &["fmt", "--diff", "ok.charter"]);
    assert_eq!((code(&o), out(&o)), (0, String::new()));
    let o = run_in(
        dir.path(),
        &["fmt", "--diff", "--stdin-filename", "s.charter", "-"],
        messy,
        &[],
    );
    assert_eq!(code(&o), 1);
    assert!(
        out(&o).starts_with("--- s.charter\n+++ s.charter\n"),
        "{}",
        out(&o)
    );
}

// ---- output formats for CI -------------------------------------------------------

#[test]
fn github_format_prints_workflow_commands() {
    let dir = dir_with(&[("p.charter", UNUSED), ("t.charter", TYPO)]);
    let o = run(dir.path(), &["check", "--format", "github", "."]);
    assert_eq!(code(&o), 1);
    let lines: Vec<String> = out(&o).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with("::warning file=p.charter,line=3,col=8,endLine=3,endColumn=15,title=C0203 (unused-definition)::"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::error file=t.charter,line=5,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("%0Ahelp: did you mean `Select`?"),
        "{}",
        lines[1]
    );
}

#[test]
fn gitlab_format_is_a_code_quality_report() {
    let dir = dir_with(&[("p.charter", UNUSED), ("t.charter", TYPO)]);
    let o = run(dir.path(), &["check", "--format", "gitlab", "."]);
    assert_eq!(code(&o), 1);
    let report = json(&o);
    assert_valid("gitlab.schema.json", &report);
    assert_eq!(report[0]["check_name"], "C0203");
    assert_eq!(report[0]["severity"], "minor");
    assert_eq!(report[1]["severity"], "major");
    assert_eq!(report[1]["location"]["path"], "t.charter");
    assert_eq!(report[1]["location"]["lines"]["begin"], 5);
}

#[test]
fn json_output_carries_version_1_and_matches_its_schema() {
    let dir = dir_with(&[
        ("p.charter", UNUSED),
        ("t.charter", TYPO),
        ("ok.charter", CLEAN),
    ]);
    let o = run(dir.path(), &["check", "--format", "json", "."]);
    let report = json(&o);
    assert_eq!(report["version"], 1);
    assert_valid("check.schema.json", &report);
    assert_eq!(
        report["diagnostics"][1]["fixes"][0]["edits"][0]["replacement"],
        "Select"
    );
    // Every failing policy of the test data matches it too.
    let fail = root().join("tests/check/fail");
    let mut names: Vec<_> = std::fs::read_dir(&fail)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    names.sort();
    let mut args = vec!["check".to_string(), "--format".into(), "json".into()];
    args.extend(names.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&root(), &args);
    let report = json(&o);
    assert!(report["diagnostics"].as_array().unwrap().len() > 40);
    assert_valid("check.schema.json", &report);
    // `check --emit ir` is versioned like `charter ir`.
    let o = run(dir.path(), &["check", "--emit", "ir", "ok.charter"]);
    assert_valid("ir.schema.json", &json(&o));
    // A change that breaks the schema is caught.
    let mut broken = report.clone();
    broken["version"] = serde_json::json!(2);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/check.schema.json")).unwrap(),
    )
    .unwrap();
    assert!(!jsonschema::is_valid(&schema, &broken));
}

#[test]
fn sarif_rules_carry_the_explanations_and_link_language_md() {
    let dir = dir_with(&[("t.charter", TYPO)]);
    let o = run(dir.path(), &["check", "--format", "sarif", "t.charter"]);
    let sarif = json(&o);
    assert_valid("sarif.schema.json", &sarif);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let explained = run(dir.path(), &["explain", id]);
        assert_eq!(rule["help"]["text"], out(&explained), "{id}");
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.starts_with(&format!("**{id}**")), "{markdown}");
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with("/LANGUAGE.md#5-diagnostics"),
            "{rule}"
        );
    }
    let c0201 = rules.iter().find(|r| r["id"] == "C0201").unwrap();
    assert!(c0201["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("```charter\n"));
    // The linked section exists in LANGUAGE.md.
    let language = std::fs::read_to_string(root().join("LANGUAGE.md")).unwrap();
    assert!(language.contains("\n## 5. Diagnostics\n"));
}

// ---- help ----------------------------------------------------------------------

#[test]
fn help_lists_the_conventions() {
    let dir = dir_with(&[]);
    let top = out(&run(dir.path(), &["--help"]));
    for word in ["completions", "man", "--color", "--quiet", "charter.toml"] {
        assert!(top.contains(word), "charter --help lacks {word}:\n{top}");
    }
    let check = out(&run(dir.path(), &["check", "--help"]));
    for word in [
        "--fix",
        "--dry-run",
        "--print-config",
        "--stdin-filename",
        "github",
        "gitlab",
        "sarif",
        "--color",
    ] {
        assert!(check.contains(word), "check --help lacks {word}:\n{check}");
    }
    let fmt = out(&run(dir.path(), &["fmt", "--help"]));
    for word in ["--diff", "--stdin-filename", "--quiet"] {
        assert!(fmt.contains(word), "fmt --help lacks {word}:\n{fmt}");
    }
    let ir = out(&run(dir.path(), &["ir", "--help"]));
    assert!(ir.contains("--stdin-filename"), "{ir}");
}
