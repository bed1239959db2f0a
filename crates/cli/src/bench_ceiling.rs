//! The ceilings the benches measure Tongban against, each the best a plain client gets from
//! this machine (quality.md, "Benchmarks"): for PostgreSQL its own concurrent single-row
//! durable commits, by `pgbench` when installed, else by as many connections of this process
//! with prepared statements; for SQLite, plain batched INSERTs of the rows an intake writes
//! (see [`crate::bench_cmd::raw_paths`]).

use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tongban_store::baseline;
use tongban_store::conn::{establish, ConnectionOptions, DbUrl};

/// About the bytes an intake writes over its four rows, as one row's payload.
const PAYLOAD: usize = 1_000;

/// Durable single-row commits a second on the PostgreSQL database `url` from `clients`
/// concurrent connections for `seconds`, and what measured them.
pub struct Commits {
    pub per_second: f64,
    pub clients: usize,
    pub by: &'static str,
}

pub fn postgres_commits(url: &str, clients: usize, seconds: u64) -> anyhow::Result<Commits> {
    let mut conn = establish(&DbUrl::parse(url), &ConnectionOptions::default())?;
    baseline::create_commit_table(&mut conn)?;
    drop(conn);
    if let Some(rate) = pgbench(url, clients, seconds)? {
        return Ok(Commits {
            per_second: rate,
            clients,
            by: "pgbench -M prepared",
        });
    }
    Ok(Commits {
        per_second: in_process(url, clients, seconds)?,
        clients,
        by: "prepared INSERTs from this process",
    })
}

/// `pgbench` itself, one prepared INSERT a transaction; `None` when it is not installed.
fn pgbench(url: &str, clients: usize, seconds: u64) -> anyhow::Result<Option<f64>> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("commit.sql");
    std::fs::write(
        &script,
        format!("INSERT INTO bench_commits (payload) VALUES (repeat('x', {PAYLOAD}));\n"),
    )?;
    let out = match Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "2"])
        .arg(format!("-c{clients}"))
        .arg(format!("-T{}", seconds.max(1)))
        .arg("-f")
        .arg(&script)
        .arg(url)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context("cannot run pgbench"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(
        out.status.success(),
        "pgbench failed: {}{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let tps = stdout
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l["tps = ".len()..].split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok())
        .with_context(|| format!("no tps in pgbench's output:\n{stdout}"))?;
    Ok(Some(tps))
}

/// The same from `clients` threads of this process, each on its own connection.
fn in_process(url: &str, clients: usize, seconds: u64) -> anyhow::Result<f64> {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds.max(1));
    let payload = "x".repeat(PAYLOAD);
    let start = Instant::now();
    let threads: Vec<_> = (0..clients.max(1))
        .map(|_| {
            let (url, done, payload) = (url.to_owned(), Arc::clone(&done), payload.clone());
            std::thread::spawn(move || -> anyhow::Result<()> {
                let mut conn = establish(&DbUrl::parse(&url), &ConnectionOptions::default())?;
                while Instant::now() < deadline {
                    baseline::single_row_commit(&mut conn, &payload)?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    for t in threads {
        t.join()
            .map_err(|_| anyhow::anyhow!("a commit thread panicked"))??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64().max(1e-9))
}
