//! `tongban backup` and `tongban restore`, and the daily backup `serve` and `supervise` take
//! when `--backup-at` is set (`tongban_app::backups`, docs/operations.md).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio_cron_scheduler::JobScheduler;
use tongban_app::backups::manifest::show_time;
use tongban_app::backups::retention::{self, Retention};
use tongban_app::backups::schedule::{self, DailyAt, Plan};
use tongban_app::backups::{self, Progress, Taken};
use tongban_app::App;
use tongban_core::clock::HallTime;
use tongban_store::DbUrl;

use crate::db_args::{redact, DbArgs};

/// Arguments of `tongban backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Directory to write the backup into, as a new `tongban-backup-YYYYMMDDTHHMMSSZ`
    /// directory. Default: `backups` in the data directory.
    #[arg(long, value_name = "PATH")]
    to: Option<PathBuf>,
    /// After the backup, prune the backups in that directory, keeping the newest of each of
    /// the last N days that have one (see --keep-weekly; without either nothing is pruned).
    #[arg(long, value_name = "N")]
    keep_daily: Option<usize>,
    /// With pruning, also keep the newest of each of the last N ISO weeks that have one.
    #[arg(long, value_name = "N")]
    keep_weekly: Option<usize>,
}

/// Arguments of `tongban restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup directory (`tongban-backup-…`), or its manifest.json.
    path: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

/// The daily backup of `serve` and `supervise`.
#[derive(Debug, Clone, clap::Args)]
pub struct ScheduleArgs {
    /// Take a backup every day at this hall time (HH:MM, e.g. 02:30), and at start when none
    /// was taken since the last such time. Off when unset. Of several processes on one
    /// database, one takes it.
    #[arg(long, value_name = "HH:MM", env = "TONGBAN_BACKUP_AT")]
    pub backup_at: Option<DailyAt>,
    /// Directory of the scheduled backups. Default: `backups` in the data directory.
    #[arg(long, value_name = "DIR", env = "TONGBAN_BACKUP_TO")]
    pub backup_to: Option<PathBuf>,
    /// Keep the newest backup of each of the last N days that have one.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 7,
        env = "TONGBAN_BACKUP_KEEP_DAILY"
    )]
    pub backup_keep_daily: usize,
    /// Keep the newest backup of each of the last N ISO weeks that have one.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 4,
        env = "TONGBAN_BACKUP_KEEP_WEEKLY"
    )]
    pub backup_keep_weekly: usize,
}

/// How often each process looks whether the daily backup is due.
const CHECK_EVERY: Duration = Duration::from_secs(60);

pub fn run_backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.url()?;
    let to = args
        .to
        .clone()
        .unwrap_or_else(|| args.db.data_dir.join("backups"));
    let backend = DbUrl::parse(&url).backend();
    eprintln!(
        "backing up {backend} {} into {}",
        redact(&url),
        to.display()
    );
    let mut shown = Shown::new();
    let taken = backups::take(&url, &to, &mut |p| shown.update(p));
    shown.finish();
    let taken = taken.with_context(|| format!("backup of {} failed", redact(&url)))?;
    match backups::record(&url, &taken) {
        Ok(true) => {}
        Ok(false) => eprintln!(
            "note: this database's schema has no backups table yet (run `tongban migrate`); \
             the backup is good but not counted in /metrics"
        ),
        Err(e) => eprintln!("warning: the backup is good but could not be recorded: {e}"),
    }
    print_taken(&taken);
    if args.keep_daily.is_some() || args.keep_weekly.is_some() {
        let rule = Retention {
            daily: args.keep_daily.unwrap_or(0),
            weekly: args.keep_weekly.unwrap_or(0),
        };
        let pruned = retention::prune(&to, HallTime::shanghai().offset(), rule)?;
        for dir in &pruned.removed {
            println!("pruned {}", dir.display());
        }
        println!("kept {} backups in {}", pruned.kept, to.display());
    }
    if backend == tongban_store::Backend::Postgres {
        println!(
            "For point-in-time recovery, run pg_basebackup with WAL archiving as well \
             (docs/operations.md, \"PostgreSQL\"); a dump restores to its moment only."
        );
    }
    // Last line: the path alone, for scripts.
    println!("{}", taken.dir.display());
    Ok(ExitCode::SUCCESS)
}

fn print_taken(taken: &Taken) {
    let m = &taken.manifest;
    println!(
        "{} backup taken at {}: {} cases, {} attachments, audit head {} ({}), schema {}",
        m.backend,
        show_time(m.taken_at),
        m.cases,
        m.attachments,
        m.audit_head.seq,
        short(&m.audit_head.hash),
        m.schema_version
    );
    println!(
        "wrote {} ({}) in {:.1} s, sha256 {}",
        m.payload.file,
        mib(m.payload.bytes),
        taken.elapsed.as_secs_f64(),
        m.payload.sha256
    );
}

pub fn run_restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.url()?;
    let backend = DbUrl::parse(&url).backend();
    eprintln!(
        "restoring {} into {backend} {}",
        args.path.display(),
        redact(&url)
    );
    let started = Instant::now();
    let restored = backups::restore(&args.path, &url, &mut |step| eprintln!("  {step}…"))
        .with_context(|| format!("restore of {} failed", args.path.display()))?;
    let m = &restored.manifest;
    println!(
        "restored {} (taken at {} by tongban {}) into {backend} {}",
        restored.from.display(),
        show_time(m.taken_at),
        m.tongban_version,
        redact(&url)
    );
    println!(
        "checksum: ok (sha256 {}, {})",
        m.payload.sha256,
        mib(m.payload.bytes)
    );
    if let Some(integrity) = &restored.integrity {
        println!("integrity_check: {integrity}");
    }
    if restored.applied.is_empty() {
        println!(
            "migrations: none pending (schema {})",
            restored.schema_version
        );
    } else {
        println!(
            "migrations: applied {} (schema {} -> {})",
            restored.applied.join(", "),
            m.schema_version,
            restored.schema_version
        );
    }
    println!(
        "audit chain: ok, {} records, head {} ({})",
        restored.audit_records,
        m.audit_head.seq,
        short(&m.audit_head.hash)
    );
    println!("cases: {}, attachments: {}", m.cases, m.attachments);
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// Starts the daily backup of a long-running process when `--backup-at` is set; keep the
/// scheduler alive for as long as it should run.
pub async fn schedule(
    app: App,
    url: &str,
    data_dir: &Path,
    args: &ScheduleArgs,
) -> anyhow::Result<Option<JobScheduler>> {
    let Some(at) = args.backup_at else {
        return Ok(None);
    };
    let plan = Plan {
        url: url.to_string(),
        at,
        to: args
            .backup_to
            .clone()
            .unwrap_or_else(|| data_dir.join("backups")),
        keep: Retention {
            daily: args.backup_keep_daily,
            weekly: args.backup_keep_weekly,
        },
    };
    println!(
        "Backups daily at {at} (hall time) into {}, keeping {} daily and {} weekly.",
        plan.to.display(),
        plan.keep.daily,
        plan.keep.weekly
    );
    let holder = std::sync::Arc::new(schedule::holder_name());
    let check = move || {
        let (app, plan, holder) = (app.clone(), plan.clone(), holder.clone());
        Box::pin(async move { check_once(&app, &plan, &holder).await })
            as tongban_supervision::scheduler::Tick
    };
    // The first check at once: a backup missed while no process ran is taken at start.
    tokio::spawn(check());
    Ok(Some(
        tongban_supervision::scheduler::start_every(CHECK_EVERY, check).await?,
    ))
}

async fn check_once(app: &App, plan: &Plan, holder: &str) {
    match schedule::run_if_due(app, plan, holder).await {
        Ok(None) => {}
        Ok(Some(done)) => {
            let m = &done.taken.manifest;
            tracing::info!(
                path = %done.taken.dir.display(),
                cases = m.cases,
                bytes = m.payload.bytes,
                seconds = done.taken.elapsed.as_secs_f64(),
                pruned = done.pruned.removed.len(),
                kept = done.pruned.kept,
                "scheduled backup taken"
            );
        }
        // Tried again at the next check, a minute later.
        Err(e) => tracing::error!(error = %e, "scheduled backup failed"),
    }
}

/// Progress on stderr: a bar on a terminal, else a line every ten seconds (a log).
struct Shown {
    bar: Option<indicatif::ProgressBar>,
    last_line: Instant,
    started: Instant,
}

impl Shown {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {elapsed_precise} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Shown {
            bar,
            last_line: Instant::now(),
            started: Instant::now(),
        }
    }

    fn update(&mut self, p: Progress) {
        let (done, total) = match p {
            Progress::Pages(p) => (p.done * p.page_size, Some(p.total * p.page_size)),
            Progress::Bytes(b) => (b, None),
        };
        if let Some(bar) = &self.bar {
            match total {
                Some(t) => bar.set_length(t),
                // pg_dump cannot say how much will come: the bar follows what it wrote.
                None => bar.set_length(done),
            }
            bar.set_position(done);
        } else if self.last_line.elapsed() >= Duration::from_secs(10) {
            self.last_line = Instant::now();
            let of = total.map(|t| format!(" of {}", mib(t))).unwrap_or_default();
            eprintln!(
                "  {}{of} after {:.0} s",
                mib(done),
                self.started.elapsed().as_secs_f64()
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
