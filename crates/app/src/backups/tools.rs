//! PostgreSQL's client tools (`pg_dump`, `pg_restore`), found on PATH and run to their end.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::BackupError;

/// The full path of `tool` on PATH.
pub fn find(tool: &'static str) -> Result<PathBuf, BackupError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|candidate| is_executable(candidate))
        .ok_or(BackupError::ToolMissing { tool })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs `program` with `args`, calling `tick` about every 200 ms while it runs (progress),
/// and fails with its stderr unless it exits with 0.
pub fn run(
    tool: &'static str,
    program: &Path,
    args: &[String],
    tick: &mut dyn FnMut(),
) -> Result<(), BackupError> {
    let mut child = Command::new(program)
        // Never prompt for a password on the operator's terminal: fail instead.
        .arg("--no-password")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(BackupError::io(format!("cannot run {}", program.display())))?;
    // Read stderr on its own thread, so a tool that writes much of it never blocks on a
    // full pipe while this one waits for it to exit.
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = stderr {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
        }
        text
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {
                tick();
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => {
                let _ = child.kill();
                return Err(BackupError::io(format!("waiting for {tool}"))(e));
            }
        }
    };
    let stderr = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(BackupError::ToolFailed {
            tool,
            status: status.to_string(),
            stderr: stderr.trim().to_string(),
        });
    }
    Ok(())
}
