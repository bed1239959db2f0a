//! `tongban bench store`: how fast cases can be taken in, against plain INSERTs.
//!
//! Four paths, each on a fresh database: plain INSERTs of the intake's rows (case, event,
//! audit record) one transaction per case, the same 1000 per transaction, the store's
//! `create_case` one by one, and `create_case` from many concurrent callers (group commit).

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use tongban_store::baseline::{self, PlainRows};
use tongban_store::conn::establish;
use tongban_store::{
    audit, AuditRecord, CaseIntake, CaseRecord, ConnectionOptions, DbUrl, NewAudit, NewEvent,
    Store, StoreOptions,
};

/// `tongban bench …`
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Case intake throughput of the store on SQLite and (when configured) PostgreSQL.
    Store(StoreBenchArgs),
    /// Supervision sweep time with many open cases stored.
    Sweep(crate::bench_sweep::SweepBenchArgs),
    /// End to end over HTTP: intakes, actions and public status queries against a running
    /// server with many cases stored, with latency and memory.
    Http(crate::bench_http::HttpBenchArgs),
    /// Re-projection of many open cases when a calendar year is loaded as official.
    Calendar(crate::bench_calendar::CalendarBenchArgs),
}

/// Arguments of `tongban bench store`.
#[derive(Debug, clap::Args)]
pub struct StoreBenchArgs {
    /// Cases per path.
    #[arg(long, default_value_t = 100_000)]
    cases: usize,
    /// A PostgreSQL server to bench too (a scratch database is created on it and dropped).
    #[arg(long, value_name = "URL", env = "TONGBAN_BENCH_PG_URL")]
    database_url: Option<String>,
    /// Concurrent callers on the group-commit path: as many as one batch of the writer holds
    /// (`StoreOptions::batch_limit`), as a busy server's in-flight requests would be.
    #[arg(long, default_value_t = 256)]
    threads: usize,
    /// Cases per transaction on the batched baseline.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCommand::Store(args) => bench_store(&args),
        BenchCommand::Sweep(args) => crate::bench_sweep::run(&args),
        BenchCommand::Http(args) => crate::bench_http::run(&args),
        BenchCommand::Calendar(args) => crate::bench_calendar::run(&args),
    }
}

fn bench_store(args: &StoreBenchArgs) -> anyhow::Result<ExitCode> {
    let n = args.cases.max(1);
    println!("tongban bench store: {n} cases per path");
    let dir = tempfile::tempdir().context("cannot create a temp directory")?;
    let mut counter = 0;
    let mut sqlite_db = || {
        counter += 1;
        Ok(Scratch::Sqlite(
            dir.path()
                .join(format!("bench{counter}.sqlite"))
                .to_string_lossy()
                .into_owned(),
        ))
    };
    report(
        "sqlite (synchronous=FULL)",
        &run_paths(n, args, &mut sqlite_db)?,
    );

    match args.database_url.as_deref() {
        Some(admin) => {
            let mut counter = 0;
            let mut pg_db = || {
                counter += 1;
                Scratch::postgres(admin, &counter.to_string())
            };
            report("postgres", &run_paths(n, args, &mut pg_db)?);
        }
        None => println!("\npostgres: skipped (give --database-url or set TONGBAN_BENCH_PG_URL)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// A database that exists for one path of the bench.
pub(crate) enum Scratch {
    Sqlite(String),
    Pg {
        admin: String,
        name: String,
        url: String,
    },
}

impl Scratch {
    /// A scratch database on the PostgreSQL server of `admin`, dropped with the value.
    pub(crate) fn postgres(admin: &str, tag: &str) -> anyhow::Result<Scratch> {
        let name = format!("tongban_bench_{}_{tag}", std::process::id());
        let url = baseline::create_pg_database(admin, &name)
            .context("cannot create a scratch PostgreSQL database")?;
        Ok(Scratch::Pg {
            admin: admin.to_string(),
            name,
            url,
        })
    }

    pub(crate) fn url(&self) -> &str {
        match self {
            Scratch::Sqlite(url) => url,
            Scratch::Pg { url, .. } => url,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Scratch::Pg { admin, name, .. } = self {
            if let Err(e) = baseline::drop_pg_database(admin, name) {
                eprintln!("warning: cannot drop the scratch database {name}: {e}");
            }
        }
    }
}

pub(crate) struct Measured {
    pub(crate) path: &'static str,
    pub(crate) elapsed: Duration,
    pub(crate) cases: usize,
}

impl Measured {
    pub(crate) fn rate(&self) -> f64 {
        self.cases as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The raw ceiling: plain INSERTs of `n` intakes' rows, one transaction per case, then
/// `batch` cases per transaction, each on a fresh database.
pub(crate) fn raw_paths(
    n: usize,
    batch: usize,
    fresh: &mut dyn FnMut() -> anyhow::Result<Scratch>,
) -> anyhow::Result<Vec<Measured>> {
    let options = ConnectionOptions::default();
    let rows: Vec<PlainRows> = plain_rows(n);
    let mut out = Vec::new();
    for (path, per_txn) in [
        ("plain INSERT, 1 case/txn", 1),
        ("plain INSERT, batched", batch.max(1)),
    ] {
        let db = fresh()?;
        Store::migrate(db.url(), &options)?;
        let mut conn = establish(&DbUrl::parse(db.url()), &options)?;
        let start = Instant::now();
        for r in rows.chunks(per_txn) {
            baseline::insert_plain(&mut conn, r)?;
        }
        out.push(Measured {
            path,
            elapsed: start.elapsed(),
            cases: n,
        });
    }
    Ok(out)
}

fn run_paths(
    n: usize,
    args: &StoreBenchArgs,
    fresh: &mut dyn FnMut() -> anyhow::Result<Scratch>,
) -> anyhow::Result<Vec<Measured>> {
    let mut out = raw_paths(n, args.batch, fresh)?;

    let db = fresh()?;
    let store = Store::open(db.url(), StoreOptions::default())?;
    let start = Instant::now();
    for i in 0..n {
        store.create_case_blocking(intake(i))?;
    }
    out.push(Measured {
        path: "store create_case, 1 caller",
        elapsed: start.elapsed(),
        cases: n,
    });
    drop(store);
    drop(db);

    let db = fresh()?;
    let store = Store::open(db.url(), StoreOptions::default())?;
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let workers: Vec<_> = (0..args.threads.max(1))
            .map(|_| {
                s.spawn(|| -> anyhow::Result<()> {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            return Ok(());
                        }
                        store.create_case_blocking(intake(i))?;
                    }
                })
            })
            .collect();
        for w in workers {
            w.join()
                .map_err(|_| anyhow::anyhow!("a bench thread panicked"))??;
        }
        Ok(())
    })?;
    out.push(Measured {
        path: "store create_case, group commit",
        elapsed: start.elapsed(),
        cases: n,
    });
    let stats = store.writer().stats();
    println!(
        "  group commit: {} commits, {:.1} cases per commit",
        stats.batches,
        stats.mean_batch()
    );
    let verified = store.verify_audit()?.records;
    anyhow::ensure!(
        verified == n as u64,
        "audit chain has {verified} records, expected {n}"
    );
    drop(store);
    drop(db);
    Ok(out)
}

fn report(backend: &str, rows: &[Measured]) {
    let base = rows.first().map(Measured::rate).unwrap_or(1.0);
    println!("\n{backend}");
    println!(
        "{:<34} {:>9} {:>10} {:>12} {:>8}",
        "path", "cases", "seconds", "cases/s", "ratio"
    );
    for r in rows {
        println!(
            "{:<34} {:>9} {:>10.2} {:>12.0} {:>7.2}x",
            r.path,
            r.cases,
            r.elapsed.as_secs_f64(),
            r.rate(),
            r.rate() / base
        );
    }
}

const T0: i64 = 1_790_000_000_000;

fn case(i: usize) -> CaseRecord {
    let at = T0 + i as i64;
    CaseRecord {
        case_no: format!("BENCH{i:09}"),
        query_code: format!("{:06}", (i * 7919) % 1_000_000),
        item_code: "ITEM-001".into(),
        item_version: 1,
        department: format!("dept{}", i % 20),
        window_code: Some(format!("W{:02}", i % 30)),
        owner: None,
        status: tongban_core::case::CaseStatus::Received.into(),
        version: 1,
        received_at: at,
        acceptance_due: Some(at + 5 * 86_400_000),
        promised_due: None,
        legal_due: None,
        next_check_at: Some(at + 3 * 86_400_000),
        data: format!(
            r#"{{"case_no":"BENCH{i:09}","applicant":{{"kind":"person","name":"张三","id_number":"110101199001011234"}},"materials":[{{"code":"M1","copies":1}}]}}"#
        ),
        created_at: at,
        updated_at: at,
        applicant_name: "张三".into(),
        applicant_id_number: "110101199001011234".into(),
        applicant_phone: None,
    }
}

fn event(i: usize) -> NewEvent {
    NewEvent {
        at: T0 + i as i64,
        kind: "received".into(),
        actor: "clerk1".into(),
        window_code: Some(format!("W{:02}", i % 30)),
        grant_id: Some(1),
        data: r#"{"materials":["M1"]}"#.into(),
    }
}

fn new_audit(i: usize) -> NewAudit {
    NewAudit {
        at: T0 + i as i64,
        actor: "clerk1".into(),
        action: "case.receive".into(),
        subject: format!("BENCH{i:09}"),
        detail: r#"{"item":"ITEM-001"}"#.into(),
    }
}

fn intake(i: usize) -> CaseIntake {
    CaseIntake {
        idempotency_key: Some(format!("clerk1:bench-{i}")),
        request_hash: format!("{i:016x}"),
        case: case(i),
        event: event(i),
        audit: new_audit(i),
        outbox: Vec::new(),
        stage_tasks: Vec::new(),
    }
}

fn plain_rows(n: usize) -> Vec<PlainRows> {
    let mut prev = audit::GENESIS_HASH.to_string();
    (0..n)
        .map(|i| {
            let a = new_audit(i);
            let seq = i as i64 + 1;
            let hash =
                audit::record_hash(&prev, seq, a.at, &a.actor, &a.action, &a.subject, &a.detail);
            let record = AuditRecord {
                seq,
                at: a.at,
                actor: a.actor,
                action: a.action,
                subject: a.subject,
                detail: a.detail,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            };
            PlainRows {
                case: case(i),
                event: event(i),
                audit: record,
                idempotency_key: format!("plain-{i}"),
                request_hash: format!("{i:064x}"),
            }
        })
        .collect()
}
