//! Imports through an in-memory file system with aliases: files are told
//! apart by [`FileKey`], never by path; cycles anywhere are reported once at
//! the import that closes them; several named files are all reported.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter_check::{compile, compile_set, FileKey, FileReader, ReadError, MAX_IMPORTED_FILES};
use charter_diagnostics::{Code, Diagnostic, SourceDb};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

/// Files by canonical name; every folder holds a link `loop` to itself
/// (`a/loop/b.charter` is `a/b.charter`), as `ln -s . loop` makes on disk.
#[derive(Default)]
struct AliasFs {
    files: BTreeMap<PathBuf, String>,
    reads: HashMap<PathBuf, usize>,
}

impl AliasFs {
    fn new(files: &[(&str, &str)]) -> AliasFs {
        AliasFs {
            files: files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), (*t).to_string()))
                .collect(),
            reads: HashMap::new(),
        }
    }

    fn canonical(path: &Path) -> PathBuf {
        let mut out = PathBuf::new();
        for c in path.components() {
            match c {
                Component::Normal(n) if n == "loop" => {}
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    }

    fn most_reads(&self) -> usize {
        self.reads.values().copied().max().unwrap_or(0)
    }
}

impl FileReader for AliasFs {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        let canonical = Self::canonical(path);
        *self.reads.entry(canonical.clone()).or_default() += 1;
        self.files
            .get(&canonical)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }

    fn key(&mut self, path: &Path) -> FileKey {
        FileKey::Name(Self::canonical(path))
    }
}

fn check_root(fs: &mut AliasFs, root: &str) -> Vec<Diagnostic> {
    let mut db = SourceDb::new();
    let text = fs.read(Path::new(root)).unwrap();
    let id = db.add(root, text);
    compile(db, id, fs).diagnostics
}

fn messages(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

const PROGRAM: &str = "program \"P\" { currency EUR }\n";

#[test]
fn an_alias_of_the_importing_file_is_that_file() {
    let r = format!(
        "{PROGRAM}import \"loop/r.charter\"\ntiers Gold\nbenefit badge (marketing) for Gold\n"
    );
    let mut fs = AliasFs::new(&[("r.charter", &r)]);
    let diagnostics = check_root(&mut fs, "r.charter");
    assert_eq!(
        messages(&diagnostics),
        ["C0102 `loop/r.charter` imports itself"],
        "no duplicate definitions from reading the file again"
    );
    assert_eq!(
        fs.most_reads(),
        1,
        "read by the test only: the import is the root itself"
    );
}

#[test]
fn many_aliases_read_each_file_once() {
    // Before file keys, two aliases doubled the paths at every level: 2^n reads.
    let mut roster = String::new();
    for i in 0..50 {
        let via = "loop/".repeat(i % 5 + 1);
        roster.push_str(&format!("import \"{via}roster.charter\"\n"));
    }
    let main = format!("{PROGRAM}import \"roster.charter\"\n");
    let mut fs = AliasFs::new(&[("main.charter", &main), ("roster.charter", &roster)]);
    let diagnostics = check_root(&mut fs, "main.charter");
    assert_eq!(fs.reads[Path::new("roster.charter")], 1);
    let cycles = diagnostics
        .iter()
        .filter(|d| d.code == Code::Import)
        .count();
    assert_eq!(cycles, 50, "{:#?}", messages(&diagnostics));
    assert!(diagnostics
        .iter()
        .all(|d| d.code != Code::DuplicateDefinition));
}

#[test]
fn a_cycle_that_does_not_pass_through_the_root_is_reported_once() {
    let x = format!("{PROGRAM}import \"y.charter\"\n");
    let mut fs = AliasFs::new(&[
        ("x.charter", &x),
        ("y.charter", "import \"z.charter\"\n"),
        ("z.charter", "import \"y.charter\"\n"),
    ]);
    let mut db = SourceDb::new();
    let root = db.add("x.charter", x.clone());
    let c = compile(db, root, &mut fs);
    let cycles: Vec<&Diagnostic> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Import)
        .collect();
    assert_eq!(cycles.len(), 1, "{:#?}", c.diagnostics);
    assert_eq!(c.db.path(cycles[0].primary.span.file), "z.charter");
    assert!(cycles[0].message.contains("`y.charter` closes a cycle"));
}

#[test]
fn a_long_cycle_is_named_by_its_ends() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..100 {
        let mut text = if i == 0 {
            PROGRAM.to_string()
        } else {
            String::new()
        };
        text.push_str(&format!("import \"f{}.charter\"\n", (i + 1) % 100));
        files.push((format!("f{i}.charter"), text));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut fs = AliasFs::new(&refs);
    let diagnostics = check_root(&mut fs, "f0.charter");
    assert_eq!(diagnostics.len(), 1, "{:#?}", messages(&diagnostics));
    assert_eq!(
        diagnostics[0].help.as_deref(),
        Some("`f0.charter` imports `f1.charter` imports `f2.charter` imports 95 more files imports `f98.charter` imports `f99.charter` imports `f0.charter`; a file cannot import a file that imports it, directly or not: remove one of these imports")
    );
}

#[test]
fn a_diamond_is_not_a_cycle() {
    let a = format!("{PROGRAM}import \"b.charter\"\nimport \"c.charter\"\ntiers Gold\n");
    let mut fs = AliasFs::new(&[
        ("a.charter", &a),
        ("b.charter", "import \"d.charter\"\n"),
        ("c.charter", "import \"loop/d.charter\"\n"),
        ("d.charter", "benefit badge (marketing) for Gold\n"),
    ]);
    let diagnostics = check_root(&mut fs, "a.charter");
    assert!(diagnostics.is_empty(), "{:#?}", messages(&diagnostics));
    assert_eq!(fs.reads[Path::new("d.charter")], 1);
}

#[test]
fn files_that_import_each_other_are_all_reported() {
    let a = format!("{PROGRAM}import \"b.charter\"\ntiers A < B\n");
    let b = "import \"a.charter\"\nbenefit x (support) for Nope\n";
    let paths = [PathBuf::from("a.charter"), PathBuf::from("b.charter")];
    for order in [[0, 1], [1, 0]] {
        let mut fs = AliasFs::new(&[("a.charter", &a), ("b.charter", b)]);
        let named: Vec<PathBuf> = order.iter().map(|&i| paths[i].clone()).collect();
        let set = compile_set(&named, &mut fs);
        assert_eq!(set.named.len(), 2);
        assert_eq!(
            set.policies.len(),
            1,
            "one policy: the two files are one cycle"
        );
        let codes: Vec<Code> = set.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::UnknownName), "{:#?}", set.diagnostics);
        assert!(codes.contains(&Code::Import), "{:#?}", set.diagnostics);
        assert_eq!(fs.most_reads(), 1);
    }
}

#[test]
fn a_roster_named_with_its_policy_is_checked_as_part_of_it() {
    let p = format!("{PROGRAM}import \"roster.charter\"\n");
    let mut fs = AliasFs::new(&[("p.charter", &p), ("roster.charter", "partner acme { }\n")]);
    // The roster comes first in sorted order; it has no program block alone.
    let set = compile_set(
        &[PathBuf::from("roster.charter"), PathBuf::from("p.charter")],
        &mut fs,
    );
    assert!(set.diagnostics.is_empty(), "{:#?}", set.diagnostics);
    assert_eq!(set.policies.len(), 1);
    assert_eq!(set.db.path(set.policies[0].root), "p.charter");
}

#[test]
fn a_file_imported_by_two_policies_reports_its_findings_once() {
    let one = "program \"One\" { currency EUR }\nimport \"roster.charter\"\n";
    let two = "program \"Two\" { currency EUR }\nimport \"loop/roster.charter\"\n";
    let mut fs = AliasFs::new(&[
        ("one.charter", one),
        ("two.charter", two),
        ("roster.charter", "partner acme { region NOWHERE }\n"),
    ]);
    let set = compile_set(
        &[PathBuf::from("one.charter"), PathBuf::from("two.charter")],
        &mut fs,
    );
    assert_eq!(set.policies.len(), 2);
    let unknown: Vec<&Diagnostic> = set
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownCountry)
        .collect();
    assert_eq!(unknown.len(), 1, "{:#?}", set.diagnostics);
}

#[test]
fn one_file_named_through_two_paths_is_checked_once() {
    let a = format!("{PROGRAM}benefit x (support) for Nope\n");
    let mut fs = AliasFs::new(&[("a.charter", &a)]);
    let set = compile_set(
        &[
            PathBuf::from("a.charter"),
            PathBuf::from("loop/a.charter"),
            PathBuf::from("./loop/loop/a.charter"),
        ],
        &mut fs,
    );
    assert_eq!(set.named.len(), 1);
    assert_eq!(set.diagnostics.len(), 1, "{:#?}", set.diagnostics);
    assert_eq!(fs.most_reads(), 1);
}

/// Fails the test if anything but the named files is read.
struct OnlyPolicies(AliasFs);

impl FileReader for OnlyPolicies {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        assert!(
            path.extension().is_some_and(|e| e == "charter") && !path.is_absolute(),
            "read `{}`",
            path.display()
        );
        self.0.read(path)
    }

    fn key(&mut self, path: &Path) -> FileKey {
        self.0.key(path)
    }
}

#[test]
fn files_that_are_not_policies_are_refused_unread() {
    let p = format!(
        "{PROGRAM}import \"../outside/secret.txt\"\nimport \"/etc/roster.charter\"\nimport \"../outside/.env\"\nimport \"..\"\n"
    );
    let mut fs = OnlyPolicies(AliasFs::new(&[
        ("policy/p.charter", &p),
        ("outside/secret.txt", "DB_PASSWORD=SECRET"),
    ]));
    let mut db = SourceDb::new();
    let root = db.add("policy/p.charter", p.clone());
    let c = compile(db, root, &mut fs);
    let imports: Vec<&Diagnostic> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Import)
        .collect();
    assert_eq!(imports.len(), 4, "{:#?}", c.diagnostics);
    assert!(c.diagnostics.iter().all(|d| !d.message.contains("SECRET")
        && d.help.as_deref().is_none_or(|h| !h.contains("SECRET"))));
}

#[test]
fn the_import_limit_holds() {
    let mut files: Vec<(String, String)> = Vec::new();
    let count = MAX_IMPORTED_FILES + 10;
    for i in 0..count {
        let mut text = if i == 0 {
            PROGRAM.to_string()
        } else {
            String::new()
        };
        text.push_str(&format!("import \"f{}.charter\"\n", i + 1));
        files.push((format!("f{i}.charter"), text));
    }
    files.push((format!("f{count}.charter"), String::new()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut fs = AliasFs::new(&refs);
    let diagnostics = check_root(&mut fs, "f0.charter");
    let limits: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Code::Limit)
        .collect();
    assert_eq!(limits.len(), 1, "{:#?}", messages(&diagnostics));
}

#[test]
fn an_unreadable_named_file_is_reported_and_the_others_are_checked() {
    let a = format!("{PROGRAM}benefit x (support) for Nope\n");
    let mut fs = AliasFs::new(&[("a.charter", &a)]);
    let set = compile_set(
        &[PathBuf::from("missing.charter"), PathBuf::from("a.charter")],
        &mut fs,
    );
    assert_eq!(set.unreadable.len(), 1);
    assert!(matches!(set.unreadable[0].1, ReadError::NotFound));
    assert_eq!(set.diagnostics.len(), 1);
}

mod random_graphs {
    use super::*;
    use proptest::prelude::*;

    /// Whether the graph (file -> imported files) has a cycle.
    fn has_cycle(edges: &[Vec<usize>]) -> bool {
        let n = edges.len();
        let mut reach = vec![vec![false; n]; n];
        for (i, targets) in edges.iter().enumerate() {
            for &j in targets {
                reach[i][j] = true;
            }
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if reach[i][k] && reach[k][j] {
                        reach[i][j] = true;
                    }
                }
            }
        }
        (0..n).any(|i| reach[i][i])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any graph of imports, each through 0 to 2 `loop` aliases: each
        /// file read once, cycles reported exactly when there is one, and no
        /// import reported twice.
        #[test]
        fn any_import_graph(
            imports in prop::collection::vec(
                prop::collection::vec((0..6usize, 0..3usize), 0..4),
                1..6,
            )
        ) {
            let n = imports.len();
            let edges: Vec<Vec<usize>> = imports
                .iter()
                .map(|targets| targets.iter().map(|&(j, _)| j % n).collect())
                .collect();
            let texts: Vec<(String, String)> = imports
                .iter()
                .enumerate()
                .map(|(i, targets)| {
                    let mut text = String::new();
                    for &(j, aliases) in targets {
                        let via = "loop/".repeat(aliases);
                        text.push_str(&format!("import \"{via}f{}.charter\"\n", j % n));
                    }
                    (format!("f{i}.charter"), text)
                })
                .collect();
            let refs: Vec<(&str, &str)> =
                texts.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            let mut fs = AliasFs::new(&refs);
            let named: Vec<PathBuf> = texts.iter().map(|(p, _)| PathBuf::from(p)).collect();
            let set = compile_set(&named, &mut fs);
            prop_assert_eq!(fs.most_reads(), 1);
            prop_assert_eq!(set.named.len(), n);
            let cycles: Vec<&Diagnostic> = set
                .diagnostics
                .iter()
                .filter(|d| d.code == Code::Import)
                .collect();
            prop_assert_eq!(!cycles.is_empty(), has_cycle(&edges), "{:#?}", cycles);
            let mut spans: Vec<_> = cycles.iter().map(|d| d.primary.span).collect();
            spans.sort();
            spans.dedup();
            prop_assert_eq!(spans.len(), cycles.len());
            prop_assert!(set.diagnostics.iter().all(|d| d.code != Code::DuplicateDefinition));
        }
    }
}
