//! Durable file steps of a backup or restore: checksums, fsync of files and directories.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

/// SHA-256 (hex) and size of the file at `path`.
pub fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    hash_stream(&mut file, |_| Ok(()))
}

/// Copies `from` into a new file `to` (never over an existing one), fsyncs it, and returns
/// the SHA-256 and size of what was written.
pub fn copy_hashing(from: &Path, to: &Path) -> std::io::Result<(String, u64)> {
    let mut source = File::open(from)?;
    let mut dest = File::options().write(true).create_new(true).open(to)?;
    let out = hash_stream(&mut source, |chunk| dest.write_all(chunk))?;
    dest.sync_all()?;
    Ok(out)
}

fn hash_stream(
    from: &mut impl Read,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        sink(&buf[..n])?;
        bytes += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), bytes))
}

/// Flushes a file's content to the disk.
pub fn fsync_file(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// Flushes a directory's entries (a new or renamed name in it) to the disk.
pub fn fsync_dir(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// Writes `text` to a new file `path` and fsyncs it.
pub fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = File::options().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
