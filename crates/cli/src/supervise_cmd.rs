//! `tongban supervise`: the supervision scheduler alone, for operators who run it apart from
//! the HTTP instances; and the sweep schedule `serve` starts by default.

use std::process::ExitCode;
use std::time::Duration;

use actix_web::web;
use tokio_cron_scheduler::JobScheduler;
use tongban_api::clock::Clock;
use tongban_api::routes::supervision::run_sweep;
use tongban_api::{hall, state::AppState};
use tongban_core::calendar::CalendarBook;
use tongban_core::clock::HallTime;

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
            })
        })
        .await?,
    )
}

pub fn run(args: SuperviseArgs) -> anyhow::Result<ExitCode> {
    crate::serve_cmd::init_logs();
    let url = args.db.url()?;
    let store = args.db.open()?;
    let view = hall::load_view(&store)?;
    let state = web::Data::new(AppState::new(
        store,
        Clock::System,
        HallTime::shanghai(),
        CalendarBook::builtin(),
        view,
    ));
    println!("Supervising {}", redact(&url));
    actix_web::rt::System::new().block_on(async move {
        if args.once {
            let r = run_sweep(&state)
                .await
                .map_err(|p| anyhow::anyhow!("{p}"))?;
            println!("swept {} cases, raised {} alerts", r.cases, r.raised);
            return anyhow::Ok(());
        }
        let _scheduler = schedule_sweeps(state, args.sweep_every).await?;
        println!("Sweeping every {} s; stop with Ctrl-C.", args.sweep_every);
        tokio::signal::ctrl_c().await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
