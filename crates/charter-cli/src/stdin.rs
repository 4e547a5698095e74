//! `-` as a path: a policy read from standard input, and the reader that
//! serves texts held in memory (standard input, `check --fix`'s fixed texts)
//! before the files on disk.

use charter_check::{FileKey, FileReader, FsReader, ReadError};
use charter_fs::ReadLimit;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The path that names standard input.
pub const DASH: &str = "-";

/// The name standard input gets in messages without `--stdin-filename`.
pub const DEFAULT_NAME: &str = "<stdin>";

/// Whether `path` is `-`.
pub fn is_dash(path: &Path) -> bool {
    path.as_os_str() == DASH
}

/// Reads standard input whole: at most as much as a policy file may hold,
/// UTF-8 text.
pub fn read() -> Result<String, ReadError> {
    let limit = ReadLimit::POLICY.0;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// The name standard input goes by: `--stdin-filename`, else `<stdin>`.
pub fn name(stdin_filename: Option<&Path>) -> PathBuf {
    stdin_filename.map_or_else(|| PathBuf::from(DEFAULT_NAME), Path::to_path_buf)
}

/// Reads policies from disk like [`FsReader`], except the files it holds in
/// memory: those are served from there, by path or by what file they are.
#[derive(Default)]
pub struct OverlayReader {
    texts: Vec<(PathBuf, FileKey, String)>,
}

impl OverlayReader {
    /// Serves `text` for `path` (and for every other path to that file on disk).
    pub fn insert(&mut self, path: &Path, text: String) {
        let key = FsReader.key(path);
        self.texts.retain(|(p, k, _)| p != path && *k != key);
        self.texts.push((path.to_path_buf(), key, text));
    }

    fn find(&mut self, path: &Path) -> Option<(String, FileKey)> {
        if let Some((_, key, text)) = self.texts.iter().find(|(p, _, _)| p == path) {
            return Some((text.clone(), key.clone()));
        }
        if self.texts.is_empty() {
            return None;
        }
        let key = FsReader.key(path);
        self.texts
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(_, k, text)| (text.clone(), k.clone()))
    }
}

impl FileReader for OverlayReader {
    fn read(&mut self, path: &Path) -> std::io::Result<String> {
        match self.find(path) {
            Some((text, _)) => Ok(text),
            None => FsReader.read(path),
        }
    }

    fn key(&mut self, path: &Path) -> FileKey {
        if let Some((_, key, _)) = self.texts.iter().find(|(p, _, _)| p == path) {
            return key.clone();
        }
        FsReader.key(path)
    }

    fn read_file(&mut self, path: &Path) -> Result<(String, FileKey), ReadError> {
        match self.find(path) {
            Some(found) => Ok(found),
            None => FsReader.read_file(path),
        }
    }
}
