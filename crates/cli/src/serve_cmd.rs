//! `tongban serve`: runs the HTTP service on the configured database.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use actix_web::web;
use anyhow::Context;
use tongban_api::auth::caller::Authenticator;
use tongban_api::state::AppState;
use tongban_app::auth::keys::{self, KeyRing, RingOrigin, SigningKey};
use tongban_app::clock::Clock;
use tongban_app::hall;
use tongban_core::clock::HallTime;

use crate::db_args::{redact, DbArgs};
use crate::demo;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; a port of 0 lets the system choose one (printed at start).
    #[arg(long, default_value = "127.0.0.1:8080", env = "TONGBAN_BIND")]
    pub bind: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Directory of the workflow files (item catalogue, hall) imported into an empty database.
    #[arg(long, default_value = "workflows", env = "TONGBAN_WORKFLOWS")]
    pub workflows: PathBuf,
    /// Also create demo users (one per role and window) and print their logins.
    #[arg(long)]
    pub demo: bool,
    /// Take the time from `PUT /api/v1/admin/clock` instead of the system clock (tests only).
    #[arg(long)]
    pub test_clock: bool,
    /// Where the test clock starts: a fixed instant, so that tests are repeatable and their
    /// deadlines fall inside the shipped calendar years.
    #[arg(
        long,
        default_value = "2026-03-02T09:00:00+08:00",
        requires = "test_clock"
    )]
    pub test_clock_start: chrono::DateTime<chrono::FixedOffset>,
    /// Seconds between two supervision sweeps of the built-in scheduler; 0 turns it off
    /// (run `tongban supervise` elsewhere then).
    #[arg(long, default_value_t = 60, env = "TONGBAN_SWEEP_EVERY")]
    pub sweep_every: u64,
    #[command(flatten)]
    pub mail: crate::supervise_cmd::MailArgs,
    #[command(flatten)]
    pub backup: crate::backup_cmd::ScheduleArgs,
    /// Lifetime of access tokens, in seconds (default: one working day).
    #[arg(long, default_value_t = 8 * 3600, env = "TONGBAN_TOKEN_LIFETIME")]
    pub token_lifetime: i64,
    /// Public status queries, evaluations and complaints a minute per client address (bursts
    /// of up to 10); 0 turns the limit off (load tests from one address only).
    #[arg(long, default_value_t = tongban_api::rate_limit::PER_MINUTE, env = "TONGBAN_PUBLIC_RATE_LIMIT")]
    pub public_rate_limit: u32,
    /// Largest file an applicant or a clerk may upload, in MiB (PDF, JPEG or PNG).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1024), env = "TONGBAN_MAX_UPLOAD_MIB")]
    pub max_upload_mib: u32,
    /// Address of a reverse proxy whose X-Forwarded-Proto is believed (repeat, or
    /// comma-separated); the session cookie is Secure only under TLS such a proxy vouches for.
    #[arg(
        long = "trusted-proxy",
        value_delimiter = ',',
        env = "TONGBAN_TRUSTED_PROXIES"
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Addresses that may read /metrics (repeat, or comma-separated); none: anyone who
    /// reaches the port.
    #[arg(
        long = "metrics-from",
        value_delimiter = ',',
        env = "TONGBAN_METRICS_FROM"
    )]
    pub metrics_from: Vec<std::net::IpAddr>,
    /// Cases one applicant may file online in a hall day; 0 turns the quota off (load tests
    /// with one account).
    #[arg(
        long,
        default_value_t = tongban_app::cases::intake::APPLICANT_CASES_PER_DAY,
        env = "TONGBAN_APPLICANT_CASES_PER_DAY"
    )]
    pub applicant_cases_per_day: i64,
    /// Most MiB of files one case holds, all uploads together.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000), env = "TONGBAN_MAX_CASE_MIB")]
    pub max_case_mib: u32,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logs();
    let url = args.db.url()?;
    let store = args.db.open()?;
    let clock = if args.test_clock {
        Clock::test(args.test_clock_start.with_timezone(&chrono::Utc))
    } else {
        Clock::System
    };
    let hall = HallTime::shanghai();
    let now = clock.now();

    let catalogue = crate::workflows_cmd::load_dir(&args.workflows).with_context(|| {
        format!(
            "loading the workflow files from {}",
            args.workflows.display()
        )
    })?;
    if hall::import_if_empty(&store, &catalogue, hall, now)? {
        println!(
            "Imported the catalogue from {}: {} departments, {} windows, {} grants, {} items.",
            args.workflows.display(),
            catalogue.departments.len(),
            catalogue.windows.len(),
            catalogue.grants.len(),
            catalogue.items.len()
        );
    }
    let fixed = fixed_signing_keys()?;
    if fixed.is_none() {
        // The key ring lives in the database, shared by every process; an older data
        // directory's keys.json is imported once, so its tokens stay valid.
        let legacy = args.db.data_dir.join("keys.json");
        if let RingOrigin::Imported(path) =
            keys::ensure_ring(&store, &legacy, now.timestamp_millis())?
        {
            println!("Imported the token signing keys of {path} into the database.");
        }
    }
    let mut app = tongban_app::App::open(store, clock, hall)?;
    app.applicant_cases_per_day = args.applicant_cases_per_day;
    app.max_case_bytes = i64::from(args.max_case_mib) * 1024 * 1024;
    if args.demo {
        demo::create_users(&app, &catalogue)?;
    }
    let auth = Authenticator {
        app: app.clone(),
        fixed: fixed.map(Arc::new),
        token_lifetime_secs: args.token_lifetime,
    };
    let mut state = AppState::new(app);
    state.public_limit = tongban_api::rate_limit::RateLimit::per_minute(args.public_rate_limit);
    state.uploads.max_file_bytes = args.max_upload_mib as usize * 1024 * 1024;
    state.trusted_proxies = args.trusted_proxies.clone();
    state.metrics_from = args.metrics_from.clone();
    let state = web::Data::new(state);
    println!("Database: {}", redact(&url));
    let sweep_every = args.sweep_every;
    actix_web::rt::System::new().block_on(async move {
        // A re-projection a killed process left unfinished is resumed at once.
        actix_web::rt::spawn(tongban_app::calendars::reproject::keep_working(
            state.app.clone(),
        ));
        // Kept alive for as long as the server runs.
        let _scheduler = match sweep_every {
            0 => None,
            secs => Some(crate::supervise_cmd::schedule_sweeps(state.app.clone(), secs).await?),
        };
        let _mail = crate::supervise_cmd::schedule_mail(state.app.clone(), &args.mail).await?;
        let _backups =
            crate::backup_cmd::schedule(state.app.clone(), &url, &args.db.data_dir, &args.backup)
                .await?;
        tongban_api::server::run(state, auth, &args.bind, |addrs| {
            for addr in addrs {
                println!("Tongban 通办 listening on http://{addr}/");
            }
        })
        .await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Structured logs on stderr; `RUST_LOG` filters them, `TONGBAN_LOG_FORMAT=json` writes one
/// JSON object per line for a log collector.
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_web=info,tokio_cron_scheduler=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::io::stderr);
    if std::env::var("TONGBAN_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// `TONGBAN_JWT_SECRET` when set (an operator who keeps the key outside the database);
/// otherwise `None`: the database's key ring.
fn fixed_signing_keys() -> anyhow::Result<Option<KeyRing>> {
    if let Ok(secret) = std::env::var("TONGBAN_JWT_SECRET") {
        let mut ring = KeyRing::new(SigningKey::from_secret(&secret)?);
        // After changing the shared secret, the previous ones (comma-separated) keep
        // verifying the tokens they signed until they are removed from the variable.
        for old in std::env::var("TONGBAN_JWT_SECRET_PREVIOUS")
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.trim().is_empty())
        {
            let mut key = SigningKey::from_secret(old.trim())?;
            key.retired_until = Some(i64::MAX);
            ring.previous.push(key);
        }
        return Ok(Some(ring));
    }
    Ok(None)
}
