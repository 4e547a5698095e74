//! Bounded reads of regular files.
//!
//! A path is opened without blocking (a FIFO with no writer cannot hang the
//! open), then the *opened* file is checked to be a regular file (no race
//! between a check and the open), then read up to a limit (an endless stream
//! cannot exhaust memory).

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The most bytes one read may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimit(pub u64);

impl ReadLimit {
    /// Policy files and their imports: 64 MiB.
    pub const POLICY: ReadLimit = ReadLimit(64 * 1024 * 1024);
    /// Scenario event files and partner lists: 8 GiB.
    pub const SCENARIO: ReadLimit = ReadLimit(8 * 1024 * 1024 * 1024);
}

/// Which file a path names, whatever the path: two paths with one identity
/// (a symlink alias, `a/../b`, a hard link) are one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileIdentity {
    pub device: u64,
    pub inode: u64,
}

impl FileIdentity {
    /// The identity of the file at `path` (links followed).
    pub fn of(path: &Path) -> std::io::Result<FileIdentity> {
        Ok(Self::from_metadata(&std::fs::metadata(path)?))
    }

    #[cfg(unix)]
    pub(crate) fn from_metadata(meta: &std::fs::Metadata) -> FileIdentity {
        use std::os::unix::fs::MetadataExt;
        FileIdentity {
            device: meta.dev(),
            inode: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    pub(crate) fn from_metadata(_meta: &std::fs::Metadata) -> FileIdentity {
        FileIdentity {
            device: 0,
            inode: 0,
        }
    }
}

/// Why a read was refused or failed. Messages are lowercase, without the path
/// (the caller names the file).
#[derive(Debug)]
pub enum ReadError {
    /// Nothing at that path.
    NotFound,
    /// A folder, FIFO, socket or device: `kind` says which.
    NotRegular { kind: &'static str },
    /// Larger than the limit (the read stopped there).
    TooLarge { limit: u64 },
    /// The bytes are not UTF-8 (`read_text` only); `offset` of the first bad byte.
    NotUtf8 { offset: usize },
    /// Not a policy: the file (after following links) is not named `*.charter`
    /// ([`read_policy`] only). Nothing of it was read.
    NotPolicy,
    /// Anything else the operating system said.
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "no such file"),
            ReadError::NotRegular { kind } => write!(f, "it is a {kind}, not a regular file"),
            ReadError::TooLarge { limit } => {
                write!(f, "it is larger than the {limit} bytes Charter reads")
            }
            ReadError::NotUtf8 { offset } => {
                write!(f, "it is not UTF-8 text (invalid byte at offset {offset})")
            }
            ReadError::NotPolicy => write!(f, "it is not a `.charter` file"),
            ReadError::Io(e) => f.write_str(&describe_io(e)),
        }
    }
}

impl std::error::Error for ReadError {}

/// What an operating-system error says, in Charter's style: lowercase, no
/// error number (`permission denied`, not `Permission denied (os error 13)`).
pub fn describe_io(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            ReadError::NotFound
        } else {
            ReadError::Io(e)
        }
    }
}

impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            ReadError::NotFound => {
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")
            }
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
        }
    }
}

/// Opens `path` for reading without blocking, and checks what was opened.
fn open_regular(path: &Path) -> Result<(File, std::fs::Metadata), ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO with no writer returns at once instead of
        // waiting; it has no effect on regular files, which are all we read.
        options.custom_flags(nonblock_flag());
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_of(&meta),
        });
    }
    Ok((file, meta))
}

#[cfg(all(unix, any(target_os = "linux", target_os = "android")))]
fn nonblock_flag() -> i32 {
    0o4000
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn nonblock_flag() -> i32 {
    0x0004
}

pub(crate) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
    }
    "special file"
}

/// A regular file opened for reading piece by piece, with the guarantees of
/// [`read_bytes`]: opened without blocking, a regular file only, and never
/// more than its limit read (a file larger than the limit when opened is
/// refused at once; one that grows past it fails the read that crosses it).
#[derive(Debug)]
pub struct BoundedReader {
    file: File,
    limit: u64,
    read: u64,
    len: u64,
    identity: FileIdentity,
}

impl BoundedReader {
    /// The file's size when it was opened.
    pub fn len_when_opened(&self) -> u64 {
        self.len
    }

    /// Whether the file was empty when it was opened.
    pub fn is_empty_when_opened(&self) -> bool {
        self.len == 0
    }

    pub fn identity(&self) -> FileIdentity {
        self.identity
    }

    /// Appends up to `max` more bytes of the file to `buf`; returns how many
    /// (0 at the end of the file).
    pub fn read_into(&mut self, buf: &mut Vec<u8>, max: usize) -> Result<usize, ReadError> {
        // One byte past the limit tells a file that grew too large.
        let allowed = self.limit.saturating_add(1).saturating_sub(self.read);
        let want = (max as u64).min(allowed);
        let got = (&mut self.file).take(want).read_to_end(buf)?;
        self.read += got as u64;
        if self.read > self.limit {
            return Err(ReadError::TooLarge { limit: self.limit });
        }
        Ok(got)
    }
}

/// Opens the regular file at `path` to be read piece by piece through
/// [`BoundedReader::read_into`], refusing anything else and anything larger
/// than `limit`.
pub fn open_bounded(path: &Path, limit: ReadLimit) -> Result<BoundedReader, ReadError> {
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit.0 {
        return Err(ReadError::TooLarge { limit: limit.0 });
    }
    Ok(BoundedReader {
        file,
        limit: limit.0,
        read: 0,
        len: meta.len(),
        identity: FileIdentity::from_metadata(&meta),
    })
}

/// Reads the regular file at `path` whole, refusing anything else and anything
/// larger than `limit`. Returns its bytes and its identity.
pub fn read_bytes(path: &Path, limit: ReadLimit) -> Result<(Vec<u8>, FileIdentity), ReadError> {
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit.0 {
        return Err(ReadError::TooLarge { limit: limit.0 });
    }
    let identity = FileIdentity::from_metadata(&meta);
    // The size can change while reading (a growing log): read one byte past
    // the limit to tell.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.0.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit.0 {
        return Err(ReadError::TooLarge { limit: limit.0 });
    }
    Ok((bytes, identity))
}

/// [`read_bytes`], then UTF-8 text.
pub fn read_text(path: &Path, limit: ReadLimit) -> Result<(String, FileIdentity), ReadError> {
    let (bytes, identity) = read_bytes(path, limit)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, identity)),
        Err(e) => Err(ReadError::NotUtf8 {
            offset: e.utf8_error().valid_up_to(),
        }),
    }
}

/// The extension of policy files.
pub const POLICY_EXTENSION: &str = "charter";

/// Whether `path` is named like a policy file (`*.charter`).
pub fn is_policy_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == POLICY_EXTENSION)
}

/// Reads a policy file: [`read_text`] with [`ReadLimit::POLICY`], for a file
/// that is named `*.charter` once every link on its path is followed.
///
/// Policies are the only files Charter quotes in its diagnostics, so a link
/// named `roster.charter` that leads to `.env` is refused before anything of
/// it is read: neither its lines nor whether it is text ever reach an output.
pub fn read_policy(path: &Path) -> Result<(String, FileIdentity), ReadError> {
    if !is_policy_name(path) {
        return Err(ReadError::NotPolicy);
    }
    let real = std::fs::canonicalize(path)?;
    if !is_policy_name(&real) {
        return Err(ReadError::NotPolicy);
    }
    // The resolved path: a link swapped in after the check is not followed
    // to a file that was not checked.
    read_text(&real, ReadLimit::POLICY)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_a_regular_file_and_refuses_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.charter");
        std::fs::write(&path, "program p\n").unwrap();
        let (text, id) = read_text(&path, ReadLimit::POLICY).unwrap();
        assert_eq!(text, "program p\n");
        assert_eq!(id, FileIdentity::of(&path).unwrap());
        assert!(matches!(
            read_text(dir.path(), ReadLimit::POLICY),
            Err(ReadError::NotRegular { kind: "folder" })
        ));
        assert!(matches!(
            read_text(&dir.path().join("missing"), ReadLimit::POLICY),
            Err(ReadError::NotFound)
        ));
    }

    #[test]
    fn operating_system_errors_read_like_charter_messages() {
        let e = std::io::Error::from_raw_os_error(13);
        assert_eq!(describe_io(&e), "permission denied");
        let e = std::io::Error::other("Odd thing");
        assert_eq!(describe_io(&e), "odd thing");
    }

    #[test]
    fn stops_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'x'; 101]).unwrap();
        assert!(matches!(
            read_bytes(&path, ReadLimit(100)),
            Err(ReadError::TooLarge { limit: 100 })
        ));
        assert!(read_bytes(&path, ReadLimit(101)).is_ok());
    }

    #[test]
    fn reads_piece_by_piece_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'x'; 101]).unwrap();
        assert!(matches!(
            open_bounded(&path, ReadLimit(100)),
            Err(ReadError::TooLarge { limit: 100 })
        ));
        let mut reader = open_bounded(&path, ReadLimit(101)).unwrap();
        assert_eq!(reader.len_when_opened(), 101);
        assert_eq!(reader.identity(), FileIdentity::of(&path).unwrap());
        let mut buf = Vec::new();
        assert_eq!(reader.read_into(&mut buf, 60).unwrap(), 60);
        assert_eq!(reader.read_into(&mut buf, 60).unwrap(), 41);
        assert_eq!(reader.read_into(&mut buf, 60).unwrap(), 0);
        assert_eq!(buf, vec![b'x'; 101]);
        // A file that grows past the limit after it was opened.
        let mut reader = open_bounded(&path, ReadLimit(101)).unwrap();
        std::fs::write(&path, vec![b'y'; 150]).unwrap();
        let mut buf = Vec::new();
        assert!(matches!(
            reader.read_into(&mut buf, 200),
            Err(ReadError::TooLarge { limit: 101 })
        ));
        assert!(buf.len() <= 102);
        assert!(matches!(
            open_bounded(dir.path(), ReadLimit(100)),
            Err(ReadError::NotRegular { kind: "folder" })
        ));
        assert!(matches!(
            open_bounded(Path::new("/dev/zero"), ReadLimit(100)),
            Err(ReadError::NotRegular { kind: "device" })
        ));
    }

    #[test]
    fn an_endless_device_is_refused_without_reading() {
        assert!(matches!(
            read_bytes(Path::new("/dev/zero"), ReadLimit(100)),
            Err(ReadError::NotRegular { kind: "device" })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_policy_is_a_charter_file_after_following_links() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "DB_PASSWORD=hunter2\n").unwrap();
        let link = dir.path().join("roster.charter");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert!(matches!(read_policy(&secret), Err(ReadError::NotPolicy)));
        assert!(matches!(read_policy(&link), Err(ReadError::NotPolicy)));
        let policy = dir.path().join("p.charter");
        std::fs::write(&policy, "program p\n").unwrap();
        let alias = dir.path().join("alias.charter");
        std::os::unix::fs::symlink(&policy, &alias).unwrap();
        let (text, id) = read_policy(&alias).unwrap();
        assert_eq!(text, "program p\n");
        assert_eq!(id, FileIdentity::of(&policy).unwrap());
        assert!(matches!(
            read_policy(&dir.path().join("missing.charter")),
            Err(ReadError::NotFound)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f.charter");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(
            read_policy(&fifo),
            Err(ReadError::NotRegular { kind: "FIFO" })
        ));
    }

    #[test]
    fn refuses_invalid_utf8_with_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad");
        std::fs::write(&path, b"ab\xffcd").unwrap();
        assert!(matches!(
            read_text(&path, ReadLimit::POLICY),
            Err(ReadError::NotUtf8 { offset: 2 })
        ));
    }
}
