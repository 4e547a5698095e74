//! Atomic, exclusive writes.
//!
//! A write never opens the file it replaces. The new bytes go to a fresh
//! temporary file in the target's folder, created exclusively (`O_CREAT |
//! O_EXCL`: a file or symlink planted under its name is never followed or
//! reused) under an unpredictable name (`.NAME.XXXXXXXXXXXX.tmp`), readable by
//! its owner only (0600) until it is complete. It is written, given the
//! replaced file's owner and mode, synced, and renamed over the target: a
//! reader sees the old file or the new one, never a mix, and a crash leaves
//! the old file (and at worst a stray temporary file).
//!
//! What the path names decides what is written:
//! - a symbolic link: the file at the end of its chain is rewritten and the
//!   link is kept;
//! - a regular file: it is replaced, keeping its mode, owner and group;
//! - nothing: a new file is created with the mode any new file in that folder
//!   gets (0666 less the umask, or what the folder's default ACL says);
//! - anything else (folder, FIFO, socket, device) is refused without being
//!   opened, so a FIFO with no reader cannot hang a write.
//!
//! Also refused, with the file untouched: a read-only file (see
//! [`WriteError::ReadOnly`]), a file the user may not write, and a file with
//! several hard links (renaming over one name would leave the others holding
//! the old text).

use crate::read::kind_of;
use crate::FileIdentity;
use std::fmt;
use std::fs::{self, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: [`WriteTarget::resolve`], then
/// [`WriteTarget::write`].
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    WriteTarget::resolve(path)?.write(bytes)
}

/// Why a write was refused or failed. Messages are lowercase, without the
/// path (the caller names the file).
#[derive(Debug)]
pub enum WriteError {
    /// A folder, FIFO, socket or device: `kind` says which.
    NotRegular { kind: &'static str },
    /// The owner's write bit is clear (`ls -l` shows `r--` first), as in
    /// `chmod 0444`. The bit decides, not whether the system would let us
    /// write: root may write any file, and a formatter run as root (in CI, in
    /// a container) must not rewrite a file its owner marked read-only.
    ReadOnly { mode: u32 },
    /// The system does not let this user write the file (its permissions, a
    /// read-only mount, an immutable attribute).
    NotWritable(io::Error),
    /// The file has several names (hard links).
    HardLinked { links: u64 },
    /// The symbolic links loop or are nested more than 40 deep.
    SymlinkLoop,
    /// The folder the file would go in does not exist.
    NoFolder,
    /// The temporary file could not be created beside the target.
    TempFile(io::Error),
    /// Anything else the operating system said.
    Io(io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotRegular { kind } => write!(f, "it is a {kind}, not a regular file"),
            WriteError::ReadOnly { mode } => write!(
                f,
                "it is read-only (mode {mode:04o}); Charter does not rewrite read-only files"
            ),
            WriteError::NotWritable(e) => write!(f, "it is not writable: {e}"),
            WriteError::HardLinked { links } => write!(
                f,
                "it has {links} hard links, and replacing it would leave the other names holding the old text"
            ),
            WriteError::SymlinkLoop => {
                write!(f, "its symbolic links loop or are nested too deeply")
            }
            WriteError::NoFolder => write!(f, "its folder does not exist"),
            WriteError::TempFile(e) => {
                write!(f, "cannot create a temporary file in its folder: {e}")
            }
            WriteError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// How many symbolic links a path may go through (Linux's `MAXSYMLINKS`).
const MAX_SYMLINKS: usize = 40;

/// The file a write to a path lands in, symbolic links followed: the same
/// file whatever spelling of the path (`./a`, `a`, a link to `a`) was given.
#[derive(Debug)]
pub struct WriteTarget {
    /// The file to replace or create: its folder canonical, its name not a
    /// symbolic link.
    path: PathBuf,
    /// The file there now, if any (a regular file).
    existing: Option<Metadata>,
}

impl WriteTarget {
    /// Follows `path` through its symbolic links to the file a write must
    /// replace or create, refusing what is not a regular file.
    pub fn resolve(path: &Path) -> Result<WriteTarget, WriteError> {
        // What the system reaches through the links, first: a link to a pipe
        // or a terminal (`/dev/stdout`) ends in a name that cannot be walked.
        if let Ok(meta) = fs::metadata(path) {
            if !meta.is_file() {
                return Err(WriteError::NotRegular {
                    kind: kind_of(&meta),
                });
            }
        }
        let mut current = path.to_path_buf();
        for _ in 0..=MAX_SYMLINKS {
            let meta = match fs::symlink_metadata(&current) {
                Ok(meta) => Some(meta),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => return Err(WriteError::Io(e)),
            };
            match meta {
                Some(meta) if meta.file_type().is_symlink() => {
                    // A relative link is read from the link's own folder; the
                    // path is not normalised, so `..` means what it means to
                    // the system.
                    let link = fs::read_link(&current)?;
                    current = folder_of(&current).join(link);
                }
                Some(meta) if !meta.is_file() => {
                    return Err(WriteError::NotRegular {
                        kind: kind_of(&meta),
                    })
                }
                existing => return WriteTarget::in_canonical_folder(&current, existing),
            }
        }
        Err(WriteError::SymlinkLoop)
    }

    fn in_canonical_folder(
        path: &Path,
        existing: Option<Metadata>,
    ) -> Result<WriteTarget, WriteError> {
        if let Some(existing) = &existing {
            // Refused now, before the caller does any work for nothing.
            check_replaceable(path, existing)?;
        }
        let Some(name) = path.file_name() else {
            return Err(WriteError::NotRegular { kind: "folder" });
        };
        let folder = fs::canonicalize(folder_of(path)).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                WriteError::NoFolder
            } else {
                WriteError::Io(e)
            }
        })?;
        Ok(WriteTarget {
            path: folder.join(name),
            existing,
        })
    }

    /// The file a write replaces or creates: its folder canonical, its name
    /// not a symbolic link.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The identity of the file there now, if there is one.
    pub fn identity(&self) -> Option<FileIdentity> {
        self.existing.as_ref().map(FileIdentity::from_metadata)
    }

    /// Whether two writes would land in one file: one path, or one existing
    /// file under two names (as `A` and `a` are on a case-insensitive file
    /// system).
    pub fn is_same_file(&self, other: &WriteTarget) -> bool {
        self.path == other.path
            || matches!((self.identity(), other.identity()), (Some(a), Some(b)) if a == b)
    }

    /// Replaces (or creates) the file with `bytes`, atomically. What is at
    /// the path is looked at again (time may have passed since
    /// [`WriteTarget::resolve`]): its mode and owner now are the ones kept.
    pub fn write(&self, bytes: &[u8]) -> Result<(), WriteError> {
        let existing = match fs::symlink_metadata(&self.path) {
            Ok(meta) if meta.is_file() => {
                check_replaceable(&self.path, &meta)?;
                Some(meta)
            }
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(WriteError::NotRegular {
                    kind: "symbolic link",
                })
            }
            Ok(meta) => {
                return Err(WriteError::NotRegular {
                    kind: kind_of(&meta),
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(WriteError::Io(e)),
        };
        let folder = folder_of(&self.path);
        let prefix = temp_prefix(&self.path);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp").rand_bytes(12);
        #[cfg(unix)]
        if existing.is_none() {
            // Asking for 0666 lets the system apply the umask (or a default
            // ACL) as it does for any new file; the result is read back below
            // and the file narrowed to 0600 before a byte is written.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let mut temp = builder.tempfile_in(folder).map_err(WriteError::TempFile)?;
        let mode = match &existing {
            Some(existing) => permission_bits(existing),
            None => {
                let given = permission_bits(&temp.as_file().metadata()?);
                set_mode(temp.as_file(), 0o600)?;
                given
            }
        };
        temp.write_all(bytes)?;
        if let Some(existing) = &existing {
            keep_owner(temp.as_file(), existing);
        }
        // After the owner: changing the owner clears set-user-id bits.
        set_mode(temp.as_file(), mode)?;
        temp.as_file().sync_all()?;
        temp.persist(&self.path)
            .map_err(|e| WriteError::Io(e.error))?;
        // Make the rename itself durable; a folder that cannot be opened or
        // synced (some network file systems) still has the new file.
        if let Ok(dir) = fs::File::open(folder) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// The folder of `path`, `.` for a bare name.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `.NAME.`, the name cut to at most 100 bytes (on a character boundary) so
/// that the temporary name stays within the 255 bytes a file name may have.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut end = name.len().min(100);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}.", &name[..end])
}

/// Refuses to replace a file that is read-only, not writable by this user, or
/// hard-linked.
fn check_replaceable(path: &Path, existing: &Metadata) -> Result<(), WriteError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if existing.mode() & 0o200 == 0 {
            return Err(WriteError::ReadOnly {
                mode: permission_bits(existing),
            });
        }
        // Renaming over a file needs no permission on the file itself, only
        // on its folder: ask the system whether this user (its effective ids,
        // ACLs, a read-only mount) may write the file, as `access(W_OK)` does.
        use rustix::fs::{accessat, Access, AtFlags, CWD};
        accessat(CWD, path, Access::WRITE_OK, AtFlags::EACCESS)
            .map_err(|e| WriteError::NotWritable(e.into()))?;
        if existing.nlink() > 1 {
            return Err(WriteError::HardLinked {
                links: existing.nlink(),
            });
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        if existing.permissions().readonly() {
            return Err(WriteError::ReadOnly { mode: 0o444 });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn permission_bits(meta: &Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.mode() & 0o7777
}

#[cfg(not(unix))]
fn permission_bits(meta: &Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o666
    }
}

#[cfg(unix)]
fn set_mode(file: &fs::File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(file: &fs::File, mode: u32) -> io::Result<()> {
    let mut permissions = file.metadata()?.permissions();
    permissions.set_readonly(mode & 0o200 == 0);
    file.set_permissions(permissions)
}

/// Gives the new file the replaced file's owner and group, as far as this
/// user may: root keeps both; a user who may write someone else's file (a
/// group-writable one) cannot give the new file away, and keeps at least the
/// group when they belong to it. That is what any editor saving by rename
/// does; refusing instead would make such shared files unformattable.
#[cfg(unix)]
fn keep_owner(file: &fs::File, existing: &Metadata) {
    use std::os::unix::fs::{fchown, MetadataExt};
    let Ok(now) = file.metadata() else {
        return;
    };
    if now.uid() == existing.uid() && now.gid() == existing.gid() {
        return;
    }
    if fchown(file, Some(existing.uid()), Some(existing.gid())).is_err() {
        let _ = fchown(file, None, Some(existing.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &fs::File, _existing: &Metadata) {}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
    use std::process::Command;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().mode() & 0o7777
    }

    fn mkfifo(path: &Path) {
        let status = Command::new("mkfifo").arg(path).status().unwrap();
        assert!(status.success());
    }

    fn is_root(dir: &Path) -> bool {
        let probe = dir.join("probe");
        fs::write(&probe, "").unwrap();
        let root = fs::metadata(&probe).unwrap().uid() == 0;
        fs::remove_file(probe).unwrap();
        root
    }

    /// The names in `dir`, sorted (to see that no temporary file is left).
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_a_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.charter");
        fs::write(&path, "old").unwrap();
        write_bytes(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["a.charter"]);
    }

    #[test]
    fn a_symlink_is_kept_and_its_target_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        let target = real.join("policy.charter");
        fs::write(&target, "old").unwrap();
        // A chain of two links, the second relative to its own folder.
        let inner = real.join("inner.charter");
        symlink("policy.charter", &inner).unwrap();
        let outer = dir.path().join("outer.charter");
        symlink(&inner, &outer).unwrap();
        write_bytes(&outer, b"new").unwrap();
        assert!(fs::symlink_metadata(&outer)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(fs::symlink_metadata(&inner)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(names(&real), ["inner.charter", "policy.charter"]);
    }

    #[test]
    fn a_dangling_symlink_creates_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("out.ndjson");
        symlink("made.ndjson", &link).unwrap();
        write_bytes(&link, b"x").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(dir.path().join("made.ndjson")).unwrap(),
            "x"
        );
    }

    #[test]
    fn a_symlink_loop_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        symlink("b", &a).unwrap();
        symlink("a", dir.path().join("b")).unwrap();
        assert!(matches!(
            write_bytes(&a, b"x"),
            Err(WriteError::SymlinkLoop)
        ));
    }

    #[test]
    fn the_mode_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.charter");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_bytes(&path, b"new").unwrap();
        assert_eq!(mode(&path), 0o640);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o604)).unwrap();
        write_bytes(&path, b"newer").unwrap();
        assert_eq!(mode(&path), 0o604);
    }

    #[test]
    fn the_owner_is_kept_when_root_rewrites_a_users_file() {
        let dir = tempfile::tempdir().unwrap();
        if !is_root(dir.path()) {
            eprintln!("not root: the owner cannot be changed, so this test checks nothing");
            return;
        }
        let path = dir.path().join("a.charter");
        fs::write(&path, "old").unwrap();
        std::os::unix::fs::chown(&path, Some(1234), Some(1234)).unwrap();
        write_bytes(&path, b"new").unwrap();
        let meta = fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (1234, 1234));
    }

    #[test]
    fn a_new_file_gets_the_mode_of_any_new_file_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let reference = dir.path().join("reference");
        fs::write(&reference, "").unwrap();
        let path = dir.path().join("new.ndjson");
        write_bytes(&path, b"x").unwrap();
        assert_eq!(mode(&path), mode(&reference));
        assert_ne!(mode(&path), 0o600, "the temporary file's mode leaked");
    }

    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.charter");
        mkfifo(&fifo);
        // Opening a FIFO with no reader for writing would block forever; the
        // write runs in a thread so that such a hang fails the test.
        let (send, receive) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = send.send(write_bytes(&path, b"x"));
        });
        let result = receive
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("writing to a FIFO hangs");
        assert!(
            matches!(result, Err(WriteError::NotRegular { kind: "FIFO" })),
            "{result:?}"
        );
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(
            &fs::symlink_metadata(&fifo).unwrap().file_type()
        ));
        assert_eq!(names(dir.path()), ["pipe.charter"]);
    }

    #[test]
    fn a_symlink_to_a_fifo_or_a_device_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("null.charter");
        symlink("/dev/null", &link).unwrap();
        assert!(matches!(
            write_bytes(&link, b"x"),
            Err(WriteError::NotRegular { kind: "device" })
        ));
        assert!(matches!(
            write_bytes(dir.path(), b"x"),
            Err(WriteError::NotRegular { kind: "folder" })
        ));
    }

    #[test]
    fn a_read_only_file_is_refused_even_for_root() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.charter");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        assert!(matches!(
            write_bytes(&path, b"new"),
            Err(WriteError::ReadOnly { mode: 0o444 })
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(mode(&path), 0o444);
        assert_eq!(names(dir.path()), ["a.charter"]);
    }

    #[test]
    fn a_hard_linked_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.charter");
        fs::write(&path, "old").unwrap();
        fs::hard_link(&path, dir.path().join("b.charter")).unwrap();
        assert!(matches!(
            write_bytes(&path, b"new"),
            Err(WriteError::HardLinked { links: 2 })
        ));
        assert_eq!(
            fs::read_to_string(dir.path().join("b.charter")).unwrap(),
            "old"
        );
    }

    #[test]
    fn a_symlink_planted_under_the_old_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let path = dir.path().join("a.charter");
        fs::write(&path, "old").unwrap();
        // The name `charter fmt` used to write through, without O_EXCL.
        let planted = dir
            .path()
            .join(format!(".a.charter.charter-fmt-{}", std::process::id()));
        symlink(&victim, &planted).unwrap();
        write_bytes(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn spellings_of_one_file_are_one_target() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let dotted = dir.path().join(".").join("a");
        let link = dir.path().join("link");
        symlink("a", &link).unwrap();
        // Before the file exists: one path.
        let new = WriteTarget::resolve(&a).unwrap();
        assert!(new.is_same_file(&WriteTarget::resolve(&dotted).unwrap()));
        assert!(new.is_same_file(&WriteTarget::resolve(&link).unwrap()));
        // Once it exists, its identity decides too (two names of one file
        // on a case-insensitive file system).
        fs::write(&a, "x").unwrap();
        let existing = WriteTarget::resolve(&a).unwrap();
        assert!(existing.is_same_file(&WriteTarget::resolve(&link).unwrap()));
        assert!(!existing.is_same_file(&WriteTarget::resolve(&dir.path().join("b")).unwrap()));
        // A second name (a hard link) is refused before anything is written.
        fs::hard_link(&a, dir.path().join("hard")).unwrap();
        assert!(matches!(
            WriteTarget::resolve(&dir.path().join("hard")),
            Err(WriteError::HardLinked { links: 2 })
        ));
    }

    #[test]
    fn a_file_with_the_longest_name_can_be_replaced() {
        let dir = tempfile::tempdir().unwrap();
        // 255 bytes: 85 three-byte characters.
        let path = dir.path().join("\u{20ac}".repeat(85));
        fs::write(&path, "old").unwrap();
        write_bytes(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            write_bytes(&dir.path().join("no/such/a.charter"), b"x"),
            Err(WriteError::NoFolder)
        ));
    }
}
