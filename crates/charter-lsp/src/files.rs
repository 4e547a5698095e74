//! Every file the server reads itself: imports not open in the editor and the
//! scenarios of `charter.simulate`. Reads go through `charter-fs` (regular
//! files only, opened without blocking, bounded), and each analysis records
//! the path it is reading, so a missed deadline can name the file that does
//! not answer; a file that does not answer is not read again until its read
//! returns ([`InFlight`]). Scenario paths come from the client, so they are checked
//! against the workspace folders before anything is read.

use charter_fs::{FileIdentity, ReadError, ReadLimit};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Reads a policy: a `*.charter` regular file once links are followed.
pub type ReadPolicy = fn(&Path) -> Result<(String, FileIdentity), ReadError>;
/// Reads any regular file, at most `limit` bytes.
pub type ReadBytes = fn(&Path, ReadLimit) -> Result<(Vec<u8>, FileIdentity), ReadError>;

/// How files are read from disk: `charter-fs`, except in tests that stand
/// in a drive that does not answer.
#[derive(Clone, Copy, Debug)]
pub struct FileSystem {
    pub read_policy: ReadPolicy,
    pub read_bytes: ReadBytes,
}

impl Default for FileSystem {
    fn default() -> FileSystem {
        FileSystem {
            read_policy: charter_fs::read_policy,
            read_bytes: charter_fs::read_bytes,
        }
    }
}

/// The reads in progress across the server, by path. A file whose read has
/// not returned within the patience it was given (the server's deadline) is
/// not read again until that read returns: later reads of it fail at once, so
/// a drive that does not answer holds one thread per file, not one per edit.
/// When such a read returns, [`InFlight::returned`] changes, and the server
/// checks its documents again.
#[derive(Debug)]
pub struct InFlight {
    reads: Mutex<HashMap<PathBuf, Vec<(u64, Instant)>>>,
    next: AtomicU64,
    returned: watch::Sender<u64>,
}

impl Default for InFlight {
    fn default() -> InFlight {
        InFlight {
            reads: Mutex::new(HashMap::new()),
            next: AtomicU64::new(0),
            returned: watch::channel(0).0,
        }
    }
}

impl InFlight {
    /// Changes whenever a read that outlasted its patience returns.
    pub fn returned(&self) -> watch::Receiver<u64> {
        self.returned.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Vec<(u64, Instant)>>> {
        self.reads.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a read of `path`, unless an earlier one has been running
    /// longer than `patience` (then how long it has been running).
    fn begin(&self, path: &Path, patience: Duration) -> Result<u64, Duration> {
        let mut reads = self.lock();
        let running = reads.entry(path.to_path_buf()).or_default();
        if let Some(longest) = running.iter().map(|(_, start)| start.elapsed()).max() {
            if longest > patience {
                return Err(longest);
            }
        }
        let token = self.next.fetch_add(1, Ordering::SeqCst);
        running.push((token, Instant::now()));
        Ok(token)
    }

    fn end(&self, path: &Path, token: u64, patience: Duration) {
        let mut outlasted = false;
        {
            let mut reads = self.lock();
            if let Some(running) = reads.get_mut(path) {
                if let Some(at) = running.iter().position(|(t, _)| *t == token) {
                    outlasted = running[at].1.elapsed() > patience;
                    running.swap_remove(at);
                }
                if running.is_empty() {
                    reads.remove(path);
                }
            }
        }
        if outlasted {
            self.returned.send_modify(|n| *n += 1);
        }
    }
}

/// Ends a registered read however its thread leaves it.
struct ReadGuard<'a> {
    reads: &'a Reads,
    path: &'a Path,
    token: u64,
}

impl Drop for ReadGuard<'_> {
    fn drop(&mut self) {
        *self.reads.lock() = None;
        self.reads
            .in_flight
            .end(self.path, self.token, self.reads.patience);
    }
}

/// The reads of one analysis or one simulation.
#[derive(Debug)]
pub struct Reads {
    fs: FileSystem,
    in_flight: Arc<InFlight>,
    /// How long a read may run before the file counts as not answering.
    patience: Duration,
    /// The file being read now, if any.
    current: Mutex<Option<PathBuf>>,
}

impl Reads {
    pub fn new(fs: FileSystem, in_flight: Arc<InFlight>, patience: Duration) -> Reads {
        Reads {
            fs,
            in_flight,
            patience,
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

    /// Runs `read` on `path`, recording that `path` is being read; refuses at
    /// once a file whose earlier read has not returned.
    fn reading<T>(
        &self,
        path: &Path,
        read: impl FnOnce() -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        let token = self
            .in_flight
            .begin(path, self.patience)
            .map_err(|running| {
                ReadError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "an earlier read of it has not returned after {}",
                        crate::worker::seconds(running)
                    ),
                ))
            })?;
        *self.lock() = Some(path.to_path_buf());
        let _guard = ReadGuard {
            reads: self,
            path,
            token,
        };
        read()
    }

    /// Reads a regular file whole, at most `limit` bytes.
    pub fn read_bytes(&self, path: &Path, limit: ReadLimit) -> Result<Vec<u8>, ReadError> {
        self.reading(path, || (self.fs.read_bytes)(path, limit))
            .map(|(bytes, _)| bytes)
    }

    /// Reads a policy file (a `*.charter` regular file once links are followed).
    pub fn read_policy(&self, path: &Path) -> Result<(String, FileIdentity), ReadError> {
        self.reading(path, || (self.fs.read_policy)(path))
    }

    /// Which file on disk `path` names, if it names one (links followed).
    pub fn identity(&self, path: &Path) -> Option<FileIdentity> {
        self.reading(path, || Ok(FileIdentity::of(path)?)).ok()
    }
}

impl Default for Reads {
    fn default() -> Reads {
        Reads::new(
            FileSystem::default(),
            Arc::default(),
            Duration::from_secs(10),
        )
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
    fn a_file_whose_read_has_not_returned_is_not_read_again() {
        let in_flight = Arc::new(InFlight::default());
        let returned = in_flight.returned();
        let path = Path::new("/slow/roster.charter");
        let first = in_flight.begin(path, Duration::ZERO).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        // Within its patience, a second read runs beside the first.
        let second = in_flight.begin(path, Duration::from_secs(60)).unwrap();
        in_flight.end(path, second, Duration::from_secs(60));
        assert!(!returned.has_changed().unwrap());
        // Past it, the file is refused at once.
        let reads = Reads::new(FileSystem::default(), in_flight.clone(), Duration::ZERO);
        let e = reads.read_policy(path).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("an earlier read of it has not returned after"),
            "{e}"
        );
        // When the slow read returns, the file is read again, and it is said.
        in_flight.end(path, first, Duration::ZERO);
        assert!(returned.has_changed().unwrap());
        assert!(matches!(reads.read_policy(path), Err(ReadError::NotFound)));
    }

    #[test]
    fn reads_refuse_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let reads = Reads::default();
        let folder = dir.path().join("folder.charter");
        std::fs::create_dir(&folder).unwrap();
        let e = reads.read_policy(&folder).unwrap_err();
        assert_eq!(e.to_string(), "it is a folder, not a regular file");
        let e = reads.read_bytes(&folder, ReadLimit::SCENARIO).unwrap_err();
        assert_eq!(e.to_string(), "it is a folder, not a regular file");
        assert_eq!(reads.current(), None);
    }
}
