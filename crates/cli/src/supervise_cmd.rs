//! `tongban supervise`: the supervision scheduler alone, for operators who run it apart from
//! the HTTP instances; and the sweep schedule `serve` starts by default.

use std::process::ExitCode;
use std::time::Duration;

use tokio_cron_scheduler::JobScheduler;
use tongban_app::clock::Clock;
use tongban_app::supervision::sweep;
use tongban_app::App;
use tongban_core::clock::HallTime;
use tongban_supervision::scheduler;

use crate::db_args::{redact, DbArgs};

#[derive(Debug, clap::Args)]
pub struct SuperviseArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Seconds between two sweeps.
    #[arg(long, default_value_t = 60, env = "TONGBAN_SWEEP_EVERY")]
    pub sweep_every: u64,
    /// Sweep once and exit (for cron or a catch-up by hand).
    #[arg(long)]
    pub once: bool,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub backup: crate::backup_cmd::ScheduleArgs,
}

/// Outgoing e-mail (notices to applicants, urges to departments).
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// SMTP server, e.g. `smtp://mail.example.gov.cn:25` or
    /// `smtp://user:password@host:587?tls=required`; without it e-mails wait in the outbox.
    #[arg(long, env = "TONGBAN_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender address of notices.
    #[arg(
        long,
        env = "TONGBAN_MAIL_FROM",
        default_value = "通办 <noreply@tongban.local>"
    )]
    pub mail_from: String,
    /// Seconds between two rounds of sending from the outbox.
    #[arg(long, default_value_t = 10, env = "TONGBAN_MAIL_EVERY")]
    pub mail_every: u64,
}

/// Sends the outbox every `mail_every` seconds when an SMTP server is configured.
pub async fn schedule_mail(app: App, args: &MailArgs) -> anyhow::Result<Option<JobScheduler>> {
    let Some(url) = &args.smtp_url else {
        println!("E-mail is off: set TONGBAN_SMTP_URL (or --smtp-url) to send notices.");
        return Ok(None);
    };
    let every = Duration::from_secs(args.mail_every);
    Ok(Some(
        scheduler::schedule_mail(app, url, &args.mail_from, every).await?,
    ))
}

/// Sweeps (and queues the daily digest) every `secs` seconds on the application's clock.
pub async fn schedule_sweeps(app: App, secs: u64) -> anyhow::Result<JobScheduler> {
    Ok(scheduler::schedule_sweeps(app, Duration::from_secs(secs)).await?)
}

pub fn run(args: SuperviseArgs) -> anyhow::Result<ExitCode> {
    crate::serve_cmd::init_logs();
    let url = args.db.url()?;
    let store = args.db.open()?;
    let app = App::open(store, Clock::System, HallTime::shanghai())?;
    println!("Supervising {}", redact(&url));
    if args.once {
        let r = sweep::run_blocking(&app)?.report;
        println!(
            "swept {} cases, raised {} alerts, accepted {} by operation of law (art. 32)",
            r.cases, r.raised, r.deemed
        );
        if r.skipped > 0 {
            println!(
                "{} cases were skipped: their item version is not in the catalogue (see the log)",
                r.skipped
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let _mail = schedule_mail(app.clone(), &args.mail).await?;
        tokio::spawn(tongban_app::calendars::reproject::keep_working(app.clone()));
        let _backups =
            crate::backup_cmd::schedule(app.clone(), &url, &args.db.data_dir, &args.backup).await?;
        let _scheduler = schedule_sweeps(app, args.sweep_every).await?;
        println!("Sweeping every {} s; stop with Ctrl-C.", args.sweep_every);
        tokio::signal::ctrl_c().await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
