//! Finding Debian's `chromium` and `chromedriver`, and running one chromedriver per test.
//!
//! Where either is missing the test is skipped with a line on stderr, except under CI
//! (`CI` set), where a missing browser fails the test: CI must not pass by skipping.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The two programs a browser test needs.
pub struct Chrome {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// The first executable called `name` on `PATH`.
fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether this run is CI's: `CI` set to anything but empty, `0` or `false`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The browser for `test`, or `None` after saying on stderr why the test is skipped.
/// Panics under CI when a program is missing.
pub fn chrome(test: &str) -> Option<Chrome> {
    let chromium = find("chromium");
    let chromedriver = find("chromedriver");
    if let (Some(chromium), Some(chromedriver)) = (chromium.clone(), chromedriver.clone()) {
        return Some(Chrome {
            chromium,
            chromedriver,
        });
    }
    let missing: Vec<&str> = [("chromium", chromium), ("chromedriver", chromedriver)]
        .into_iter()
        .filter(|(_, found)| found.is_none())
        .map(|(name, _)| name)
        .collect();
    let why = format!(
        "no {} on PATH (install chromium and chromium-driver)",
        missing.join(" and ")
    );
    assert!(!in_ci(), "browser test {test}: {why}; CI must run it");
    // Straight to stderr: the test harness captures `eprintln!` of passing tests, and a
    // skip must be seen.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("browser test {test}: SKIPPED: {why}\n").as_bytes(),
    );
    None
}

/// A running chromedriver on a port of its own choosing; killed when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    pub fn start(chrome: &Chrome) -> Driver {
        // Port 0: chromedriver picks a free port and says which, so parallel tests never
        // race for one.
        let mut child = Command::new(&chrome.chromedriver)
            .args(["--port=0", "--log-level=WARNING"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", chrome.chromedriver.display()));
        let stdout = child.stdout.take().expect("chromedriver stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line
                    .strip_prefix("ChromeDriver was started successfully on port ")
                    .map(|p| p.trim_end_matches('.').to_owned())
                {
                    let _ = tx.send(port);
                }
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromedriver said its port");
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
