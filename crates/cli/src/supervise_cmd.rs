//! `tongban supervise`: the supervision scheduler alone, for operators who run it apart from
//! the HTTP instances; and the sweep schedule `serve` starts by default.

use std::process::ExitCode;
use std::time::Duration;

use actix_web::web;
use tokio_cron_scheduler::JobScheduler;
use tongban_app::clock::Clock;
use tongban_api::routes::supervision::run_sweep;
use tongban_api::state::AppState;
use tongban_core::clock::HallTime;
use tongban_supervision::mailer::Mailer;

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
pub async fn schedule_mail(
    state: web::Data<AppState>,
    args: &MailArgs,
) -> anyhow::Result<Option<JobScheduler>> {
    let Some(url) = &args.smtp_url else {
        println!("E-mail is off: set TONGBAN_SMTP_URL (or --smtp-url) to send notices.");
        return Ok(None);
    };
    let mailer = std::sync::Arc::new(Mailer::new(url, &args.mail_from)?);
    let scheduler = tongban_supervision::scheduler::start_every(
        Duration::from_secs(args.mail_every.max(1)),
        move || {
            let (state, mailer) = (state.clone(), mailer.clone());
            Box::pin(async move {
                let now = state.clock.now();
                let store = state.store.clone();
                match web::block(move || mailer.deliver_due(&store, now)).await {
                    Ok(Ok(r)) if r.sent + r.failed > 0 => {
                        tracing::info!(sent = r.sent, failed = r.failed, "outbox")
                    }
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "outbox round failed"),
                    Err(e) => tracing::warn!(error = %e, "outbox round failed"),
                }
            })
        },
    )
    .await?;
    Ok(Some(scheduler))
}

/// Sweeps every `secs` seconds on the state's clock; failures are logged and retried at the
/// next tick (a sweep catches up on everything due).
pub async fn schedule_sweeps(
    state: web::Data<AppState>,
    secs: u64,
) -> anyhow::Result<JobScheduler> {
    Ok(
        tongban_supervision::scheduler::start_every(Duration::from_secs(secs.max(1)), move || {
            let state = state.clone();
            Box::pin(async move {
                match run_sweep(&state).await {
                    Ok(r) if r.cases > 0 => {
                        tracing::info!(cases = r.cases, raised = r.raised, "supervision sweep")
                    }
                    Ok(_) => {}
                    Err(p) => tracing::warn!(error = %p, "supervision sweep failed"),
                }
                queue_digest(&state).await;
            })
        })
        .await?,
    )
}

/// From 08:00 hall time on, the day's digest for supervisors is queued (once per day across
/// instances; after downtime it goes out as soon as the scheduler runs again).
async fn queue_digest(state: &web::Data<AppState>) {
    let now = state.clock.now();
    let hall = state.hall;
    if chrono::Timelike::hour(&now.with_timezone(&hall.offset())) < DIGEST_HOUR {
        return;
    }
    let store = state.store.clone();
    match web::block(move || tongban_supervision::digest::queue_daily_digest(&store, hall, now))
        .await
    {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::info!(messages = n, "daily supervision digest queued"),
        Ok(Err(e)) => tracing::warn!(error = %e, "daily digest failed"),
        Err(e) => tracing::warn!(error = %e, "daily digest failed"),
    }
}

/// Local hour from which the daily digest is sent.
const DIGEST_HOUR: u32 = 8;

pub fn run(args: SuperviseArgs) -> anyhow::Result<ExitCode> {
    crate::serve_cmd::init_logs();
    let url = args.db.url()?;
    let store = args.db.open()?;
    let app = tongban_app::App::open(store, Clock::System, HallTime::shanghai())?;
    let state = web::Data::new(AppState::new(app));
    println!("Supervising {}", redact(&url));
    actix_web::rt::System::new().block_on(async move {
        if args.once {
            let r = run_sweep(&state)
                .await
                .map_err(|p| anyhow::anyhow!("{p}"))?;
            println!("swept {} cases, raised {} alerts", r.cases, r.raised);
            return anyhow::Ok(());
        }
        let _mail = schedule_mail(state.clone(), &args.mail).await?;
        let _scheduler = schedule_sweeps(state, args.sweep_every).await?;
        println!("Sweeping every {} s; stop with Ctrl-C.", args.sweep_every);
        tokio::signal::ctrl_c().await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
