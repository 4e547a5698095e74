//! `charter_check::compile_set` and `compile` over an in-memory tree of up to
//! eight files (the input split at U+0001 into `f0.charter`, `f1.charter`, …
//! and `sub/…`), where every folder holds a link `loop` to itself, as
//! `ln -s . loop` makes on disk: `sub/loop/../f1.charter` is `f1.charter`.
//!
//! Whatever the files import, through however many aliases: nothing panics,
//! no file that exists is read twice, every file named is in the result, and each import
//! closing a cycle is reported once (never a duplicate definition from a file
//! read again under another name). Seeds: `f0` importing `loop/f0.charter`,
//! two aliases, x → y → z → y.

#![no_main]

use charter_check::{compile, compile_set, FileKey, FileReader};
use charter_diagnostics::{Code, SourceDb};
use libfuzzer_sys::fuzz_target;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

struct AliasFs {
    files: BTreeMap<PathBuf, String>,
    reads: HashMap<PathBuf, usize>,
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

impl FileReader for AliasFs {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        let canonical = canonical(path);
        let text = self
            .files
            .get(&canonical)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))?;
        let reads = self.reads.entry(canonical.clone()).or_default();
        *reads += 1;
        assert!(*reads == 1, "`{}` read twice", canonical.display());
        Ok(text)
    }

    fn key(&mut self, path: &Path) -> FileKey {
        FileKey::Name(canonical(path))
    }
}

fn tree(data: &str) -> BTreeMap<PathBuf, String> {
    data.split('\u{1}')
        .take(8)
        .enumerate()
        .map(|(i, text)| {
            let name = if i % 3 == 2 {
                format!("sub/f{i}.charter")
            } else {
                format!("f{i}.charter")
            };
            (PathBuf::from(name), text.to_string())
        })
        .collect()
}

fuzz_target!(|data: &str| {
    let files = tree(data);
    let names: Vec<PathBuf> = files.keys().cloned().collect();

    let mut fs = AliasFs {
        files: files.clone(),
        reads: HashMap::new(),
    };
    let set = compile_set(&names, &mut fs);
    assert_eq!(set.named.len(), names.len());
    assert!(set.unreadable.is_empty());
    for d in &set.diagnostics {
        assert!(d.primary.span.start <= d.primary.span.end, "{d:?}");
    }

    // One root alone: no file read twice, each cycle-closing import once.
    let Some((root_name, root_text)) = files.iter().next() else {
        return;
    };
    let mut fs = AliasFs {
        files: files.clone(),
        reads: HashMap::from([(root_name.clone(), 1)]),
    };
    let mut db = SourceDb::new();
    let root = db.add(root_name.display().to_string(), root_text.clone());
    let compilation = compile(db, root, &mut fs);
    let mut imports: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Import)
        .map(|d| d.primary.span)
        .collect();
    let count = imports.len();
    imports.sort();
    imports.dedup();
    assert_eq!(imports.len(), count, "an import reported twice");
    let _ = compilation.into_checked();
});
