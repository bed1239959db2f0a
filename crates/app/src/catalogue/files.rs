//! The workflow files (the item catalogue, the hall) as the program reads them: a directory
//! of `*.toml` files, read recursively, or one file; checked by the core's parser. `serve`
//! imports what this loads; `tongban workflows check` reports its problems.

use std::path::{Path, PathBuf};

use tongban_core::catalogue::{self, Catalogue, CatalogueError};

/// Why the catalogue could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no workflow files (*.toml) under {0}")]
    NoFiles(PathBuf),
    #[error("{} error(s) in the workflow files; run `tongban workflows check` to list them", .0.len())]
    Invalid(Vec<CatalogueError>),
}

/// Loads and validates the catalogue from a directory (recursively, `*.toml`, skipping
/// `calendars/` and `schema/`) or from one file.
pub fn load_dir(path: &Path) -> Result<Catalogue, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };
    let meta = std::fs::metadata(path).map_err(io(path))?;
    let mut paths = Vec::new();
    if meta.is_dir() {
        collect(path, &mut paths)?;
    } else {
        paths.push(path.to_path_buf());
    }
    if paths.is_empty() {
        return Err(LoadError::NoFiles(path.to_path_buf()));
    }
    // Sorted, so that error order and grant numbering do not depend on the file system.
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for p in &paths {
        let text = std::fs::read_to_string(p).map_err(io(p))?;
        files.push((p.display().to_string(), text));
    }
    catalogue::parse(&files).map_err(LoadError::Invalid)
}

/// Directories that hold other files than the catalogue: the holiday calendars and the schema.
const SKIPPED: [&str; 2] = ["calendars", "schema"];

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            let skipped = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| SKIPPED.contains(&n) || n.starts_with('.'));
            if !skipped {
                collect(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}
