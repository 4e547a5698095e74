//! Every file the server reads itself: imports not open in the editor and the
//! scenarios of `charter.simulate`. Reads go through `charter-fs` (regular
//! files only, opened without blocking, bounded), and each analysis records
//! the path it is reading, so a missed deadline can name the file that does
//! not answer. Scenario paths come from the client, so they are checked
//! against the workspace folders before anything is read.

use charter_fs::{FileIdentity, ReadError, ReadLimit};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// How a file is read from disk: [`charter_fs::read_bytes`], except in tests
/// that stand in for a drive that does not answer.
pub type ReadFile = fn(&Path, ReadLimit) -> Result<(Vec<u8>, FileIdentity), ReadError>;

/// The reads of one analysis or one simulation.
#[derive(Debug)]
pub struct Reads {
    read_file: ReadFile,
    /// The file being read now, if any.
    current: Mutex<Option<PathBuf>>,
}

impl Reads {
    pub fn new(read_file: ReadFile) -> Reads {
        Reads {
            read_file,
            current: Mutex::new(None),
        }
    }

    /// The file being read now: after a missed deadline, the one that does not answer.
    pub fn current(&self) -> Option<PathBuf> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<PathBuf>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads a regular file whole, at most `limit` bytes.
    pub fn read_bytes(&self, path: &Path, limit: ReadLimit) -> Result<Vec<u8>, ReadError> {
        *self.lock() = Some(path.to_path_buf());
        let read = (self.read_file)(path, limit);
        *self.lock() = None;
        read.map(|(bytes, _)| bytes)
    }

    /// Reads a policy file as UTF-8 text.
    pub fn read_policy(&self, path: &Path) -> Result<String, ReadError> {
        let bytes = self.read_bytes(path, ReadLimit::POLICY)?;
        String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
            offset: e.utf8_error().valid_up_to(),
        })
    }
}

impl Default for Reads {
    fn default() -> Reads {
        Reads::new(charter_fs::read_bytes)
    }
}

/// The file extensions of scenario files.
pub const SCENARIO_EXTENSIONS: [&str; 3] = ["json", "ndjson", "jsonl"];

/// The scenario file a client named, once it is known to be a scenario inside
/// one of `folders`. A relative `requested` path is taken from `base` (the
/// policy's folder). The path is made canonical (links and `..` resolved)
/// before the check, so neither can leave the folders. Errors name the path
/// and the problem, never anything read from the file.
///
/// Touches the file system (canonical paths): call it off the request loop.
pub fn scenario_in_workspace(
    requested: &str,
    base: Option<&Path>,
    folders: &[PathBuf],
) -> Result<PathBuf, String> {
    let path = Path::new(requested);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match base {
            Some(base) => base.join(path),
            None => {
                return Err(format!(
                    "`{requested}` is a relative path and the policy is not a file on disk"
                ))
            }
        }
    };
    let canonical = std::fs::canonicalize(&path)
        .map_err(|e| format!("cannot read `{requested}`: {}", ReadError::from(e)))?;
    let inside = folders
        .iter()
        .filter_map(|folder| std::fs::canonicalize(folder).ok())
        .any(|folder| canonical.starts_with(folder));
    if !inside {
        return Err(if folders.is_empty() {
            format!("cannot read `{requested}`: the client named no workspace folder")
        } else {
            format!(
                "cannot read `{requested}`: it is outside the workspace folders, \
                 and the server reads scenarios only inside them"
            )
        });
    }
    let is_scenario = canonical
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SCENARIO_EXTENSIONS.contains(&e));
    if !is_scenario {
        return Err(format!(
            "cannot read `{requested}`: a scenario is a `.json`, `.ndjson` or `.jsonl` file"
        ));
    }
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn scenarios_must_be_inside_the_folders() {
        let root = tempfile::tempdir().unwrap();
        let workspace = root.path().join("w");
        std::fs::create_dir_all(workspace.join("sub")).unwrap();
        std::fs::write(workspace.join("sub/s.json"), "{}").unwrap();
        std::fs::write(workspace.join("notes.txt"), "secret").unwrap();
        std::fs::write(root.path().join("outside.json"), "{}").unwrap();
        let folders = [workspace.clone()];
        let base = workspace.join("sub");
        let found = scenario_in_workspace("s.json", Some(&base), &folders).unwrap();
        assert_eq!(
            found,
            std::fs::canonicalize(workspace.join("sub/s.json")).unwrap()
        );
        for outside in ["../../outside.json", "../../w/../outside.json"] {
            let e = scenario_in_workspace(outside, Some(&base), &folders).unwrap_err();
            assert!(e.contains("outside the workspace"), "{e}");
        }
        let e = scenario_in_workspace("../notes.txt", Some(&base), &folders).unwrap_err();
        assert!(e.contains("a scenario is a `.json`"), "{e}");
        assert!(!e.contains("secret"));
        let e = scenario_in_workspace("s.json", None, &folders).unwrap_err();
        assert!(e.contains("relative path"), "{e}");
        let e = scenario_in_workspace("missing.json", Some(&base), &folders).unwrap_err();
        assert_eq!(e, "cannot read `missing.json`: no such file");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_workspace_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let workspace = root.path().join("w");
        std::fs::create_dir_all(&workspace).unwrap();
        std::fs::write(root.path().join("outside.json"), "{}").unwrap();
        std::os::unix::fs::symlink(root.path().join("outside.json"), workspace.join("in.json"))
            .unwrap();
        let e = scenario_in_workspace(
            "in.json",
            Some(&workspace),
            std::slice::from_ref(&workspace),
        )
        .unwrap_err();
        assert!(e.contains("outside the workspace"), "{e}");
    }

    #[test]
    fn reads_refuse_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let reads = Reads::default();
        let e = reads.read_policy(dir.path()).unwrap_err();
        assert_eq!(e.to_string(), "it is a folder, not a regular file");
        assert_eq!(reads.current(), None);
    }
}
