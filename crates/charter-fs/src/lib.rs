//! How Charter touches the file system. Every policy, import, scenario and
//! partners file reaches Charter from pull requests, shared drives and exports,
//! so it is untrusted: reads go through [`read`] (regular files only, opened
//! without blocking, bounded while reading, identified by device and inode),
//! and writes through [`write`] (exclusive temporary files with unpredictable
//! names, renamed into place; modes and owners kept; links followed to their
//! target, never replaced).
//!
//! Nothing else in the workspace calls `std::fs::read*` or `std::fs::write`
//! on a path a user named.

pub mod read;
pub mod write;

pub use read::{
    describe_io, is_policy_name, open_bounded, read_bytes, read_policy, read_text, BoundedReader,
    FileIdentity, ReadError, ReadLimit, POLICY_EXTENSION,
};
pub use write::{write_bytes, WriteError, WriteTarget};
