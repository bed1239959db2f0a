//! The server under test: this same binary's `serve`, as its own process, so that what is
//! measured is what runs in production (HTTP parsing, the writer, the pools) and its memory
//! is its own.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

pub struct Served {
    child: Child,
    pub base: String,
}

impl Served {
    /// Starts `serve` on `database_url` with the demo accounts, the test clock (the demo
    /// catalogue's limits then fall inside the shipped calendar), no scheduled sweep (its
    /// cost is measured by `bench sweep`) and no per-client limit on the public routes (the
    /// load comes from one address).
    pub fn start(database_url: &str, data_dir: &Path, workflows: &Path) -> anyhow::Result<Served> {
        let exe = std::env::current_exe().context("cannot find the tongban binary")?;
        let mut child = Command::new(exe)
            .arg("serve")
            .args(["--bind", "127.0.0.1:0", "--demo", "--test-clock"])
            .args(["--sweep-every", "0", "--public-rate-limit", "0"])
            .arg("--database-url")
            .arg(database_url)
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--workflows")
            .arg(workflows)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start tongban serve")?;
        let stdout = child.stdout.take().context("no stdout of tongban serve")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                    let _ = tx.send(url.trim_end_matches('/').to_owned());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(120))
            .context("tongban serve did not print its address")?;
        let served = Served { child, base };
        served.wait_ready()?;
        Ok(served)
    }

    fn wait_ready(&self) -> anyhow::Result<()> {
        let client = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send() {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        anyhow::bail!("tongban serve at {} did not become ready", self.base)
    }

    /// CPU seconds (user + system) the server has used so far (Linux `/proc`).
    pub fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(&format!("/proc/{}/stat", self.child.id()))
    }

    /// Peak and current resident memory of the server process, in MiB (Linux `/proc`).
    pub fn memory(&self) -> Option<(f64, f64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kib = |key: &str| -> Option<f64> {
            let line = status.lines().find(|l| l.starts_with(key))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        };
        Some((kib("VmHWM:")? / 1024.0, kib("VmRSS:")? / 1024.0))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User + system CPU seconds of the process whose `/proc/…/stat` is `path`: fields 14 and
/// 15, in clock ticks of 1/100 s (`USER_HZ`, fixed by the Linux ABI).
pub fn cpu_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |n: usize| fields.get(n - 3)?.parse::<f64>().ok();
    Some((ticks(14)? + ticks(15)?) / 100.0)
}

/// CPU seconds of this process and of the children it has waited for (wrk): fields 14 to 17
/// of `/proc/self/stat`.
pub fn own_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |n: usize| fields.get(n - 3)?.parse::<f64>().ok();
    Some((ticks(14)? + ticks(15)? + ticks(16)? + ticks(17)?) / 100.0)
}
