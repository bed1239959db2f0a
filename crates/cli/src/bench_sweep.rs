//! `tongban bench sweep`: how long the supervision sweep takes with many open cases stored
//! (default 1,000,000): with nothing due, with 10,000 cases changing state, and catching up
//! after a day of downtime. The sweep reads only rows whose `next_check_at` has come, so its
//! time should follow the cases due, not the cases stored.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use tongban_app::supervision::case_record;
use tongban_app::supervision::sweep::{sweep, ItemVersions};
use tongban_core::calendar::Calendar;
use tongban_core::case::{
    decide, open_case, Actor, Applicant, ApplicantKind, Command, GrantRef, NewCase,
    SubmittedMaterial,
};
use tongban_core::clock::HallTime;
use tongban_core::item::Item;
use tongban_core::role::Role;
use tongban_store::baseline::{self, BulkCases};
use tongban_store::{Store, StoreOptions};

use crate::bench_cmd::Scratch;

/// Arguments of `tongban bench sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepBenchArgs {
    /// Open cases stored before the sweeps.
    #[arg(long, default_value_t = 1_000_000)]
    cases: u64,
    /// A PostgreSQL server to bench too (a scratch database is created on it and dropped).
    #[arg(long, value_name = "URL", env = "TONGBAN_BENCH_PG_URL")]
    database_url: Option<String>,
    /// The workflow files (the bench's cases are of item GA-QR-01 of the demo catalogue).
    #[arg(long, default_value = "workflows")]
    workflows: PathBuf,
}

pub(crate) const ITEM: &str = "GA-QR-01";
const PLACEHOLDER: &str = "CASE-NO-PLACEHOLDER";
/// Rows per INSERT … SELECT while loading.
const CHUNK: u64 = 100_000;

struct OneItem(Item);

impl ItemVersions for OneItem {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        (self.0.code == code && self.0.version == version).then_some(&self.0)
    }
}

/// An accepted case, serialised, and its stored columns, as every bench case will be;
/// `query_code` is every case's query code.
pub(crate) fn template(item: &Item, query_code: &str) -> anyhow::Result<BulkCases> {
    let t0 = chrono::FixedOffset::east_opt(8 * 3600)
        .and_then(|tz| tz.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).single())
        .map(|t| t.with_timezone(&Utc))
        .context("start instant")?;
    template_at(item, query_code, t0, None)
}

/// The same, received at `t0` (accepted ten minutes later) by an applicant with `email`.
pub(crate) fn template_at(
    item: &Item,
    query_code: &str,
    t0: DateTime<Utc>,
    email: Option<&str>,
) -> anyhow::Result<BulkCases> {
    let hall = HallTime::shanghai();
    let calendar = Calendar::china();
    let clerk = Actor {
        role: Role::Clerk,
        user: "clerk-a02".into(),
        department: None,
        window: Some("A02".into()),
        grant: Some(GrantRef {
            id: 1,
            document_no: "bench".into(),
        }),
    };
    let new = NewCase {
        case_no: PLACEHOLDER.into(),
        query_code: query_code.into(),
        applicant: Applicant {
            kind: ApplicantKind::Person,
            name: "张三".into(),
            id_number: "110101199001011234".into(),
            phone: None,
            email: email.map(str::to_owned),
        },
        materials: item
            .materials
            .iter()
            .map(|m| SubmittedMaterial {
                code: m.code.clone(),
                copies: 1,
            })
            .collect(),
        form: None,
    };
    let opened = open_case(new, item, &clerk, t0, &calendar, hall)?;
    let at = t0 + chrono::Duration::minutes(10);
    let accepted = decide(
        &opened.case,
        item,
        Command::Accept,
        &clerk,
        at,
        &calendar,
        hall,
    )?;
    let record = case_record(&accepted.case, item, &calendar, hall);
    Ok(BulkCases {
        template: record.data,
        query_code: query_code.into(),
        placeholder: PLACEHOLDER.into(),
        item_code: record.item_code,
        department: record.department,
        window_code: record.window_code.unwrap_or_default(),
        received_at: record.received_at,
        promised_due: record.promised_due.context("promised due")?,
        legal_due: record.legal_due.context("legal due")?,
        first_check: record.next_check_at.context("first check")?,
    })
}

struct Row {
    what: &'static str,
    due: usize,
    raised: usize,
    elapsed: Duration,
}

/// Stores `n` bench cases (with their timelines when `timelines`), with a progress bar.
pub(crate) fn load(
    store: &Store,
    bulk: &BulkCases,
    n: u64,
    timelines: bool,
) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let bar = indicatif::ProgressBar::new(n);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "  loading open cases [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut from = 0;
    while from < n {
        let to = (from + CHUNK).min(n);
        let b = bulk.clone();
        store.write_blocking(move |c| {
            baseline::bulk_open_cases(c, &b, from, to)?;
            if timelines {
                baseline::bulk_timelines(c, &b, from, to)?;
            }
            Ok(())
        })?;
        from = to;
        bar.set_position(from);
    }
    bar.finish_and_clear();
    store.write_blocking(baseline::analyze)?;
    Ok(start.elapsed())
}

fn measure(
    store: &Store,
    item: &OneItem,
    what: &'static str,
    at: DateTime<Utc>,
) -> anyhow::Result<Row> {
    let calendar = Calendar::china();
    let start = Instant::now();
    let report = sweep(store, &mut &*item, &calendar, HallTime::shanghai(), at)?;
    Ok(Row {
        what,
        due: report.cases,
        raised: report.raised,
        elapsed: start.elapsed(),
    })
}

fn bench_backend(
    name: &str,
    url: &str,
    item: &OneItem,
    bulk: &BulkCases,
    n: u64,
) -> anyhow::Result<()> {
    let store = Store::open(url, StoreOptions::default())?;
    let loaded = load(&store, bulk, n, false)?;
    let first = DateTime::from_timestamp_millis(bulk.first_check).context("first check")?;
    let ms = chrono::Duration::milliseconds;
    // Nothing is due a millisecond before the first check: the best of five, since this
    // sweep runs every minute and its cost is the floor of supervision.
    let mut idle = measure(&store, item, "sweep, nothing due", first - ms(1))?;
    for _ in 0..4 {
        let again = measure(&store, item, "sweep, nothing due", first - ms(1))?;
        if again.elapsed < idle.elapsed {
            idle = again;
        }
    }
    // Day 0's checks are cases i % 100 == 0, spread over n / 100 milliseconds.
    let spread = ms(i64::try_from(n / 100).unwrap_or(i64::MAX) + 1);
    let busy = measure(&store, item, "sweep, one day's checks due", first + spread)?;
    // Down for a day: the next sweep catches up on day 1's checks (and re-checks of day 0).
    let catch_up = measure(
        &store,
        item,
        "catch-up after a day of downtime",
        first + chrono::Duration::days(1) + spread,
    )?;
    // The ceiling, on day 2's checks (as many cases as the busy sweep, none touched yet).
    let plain_at = (first + chrono::Duration::days(2) + spread).timestamp_millis();
    let start = Instant::now();
    let moved = store.write_blocking(move |c| baseline::plain_sweep(c, plain_at, 10_000))?;
    let plain = Row {
        what: "ceiling: plain set-based SQL",
        due: moved,
        raised: moved,
        elapsed: start.elapsed(),
    };
    println!(
        "\n{name}: {n} open cases (loaded in {:.1} s)",
        loaded.as_secs_f64()
    );
    println!(
        "{:<36} {:>10} {:>10} {:>12}",
        "sweep", "due cases", "alerts", "time"
    );
    for r in [&idle, &busy, &catch_up, &plain] {
        println!(
            "{:<36} {:>10} {:>10} {:>9.1} ms",
            r.what,
            r.due,
            r.raised,
            r.elapsed.as_secs_f64() * 1000.0
        );
    }
    println!(
        "one day's checks: {:.2} × the ceiling's time (the ceiling writes the same rows with \
         none of the domain's work)",
        busy.elapsed.as_secs_f64() / plain.elapsed.as_secs_f64().max(1e-9)
    );
    Ok(())
}

pub fn run(args: &SweepBenchArgs) -> anyhow::Result<ExitCode> {
    let catalogue = crate::workflows_cmd::load_dir(&args.workflows)
        .with_context(|| format!("loading {}", args.workflows.display()))?;
    let item = catalogue
        .item(ITEM)
        .cloned()
        .with_context(|| format!("the catalogue has no item {ITEM}"))?;
    let bulk = template(&item, "Q")?;
    let item = OneItem(item);
    let n = args.cases.max(100);
    println!("tongban bench sweep: {n} open cases of {ITEM}; targets: nothing due ≤ 10 ms, 10,000 due ≤ 1 s");
    let dir = tempfile::tempdir().context("cannot create a temp directory")?;
    let sqlite = Scratch::Sqlite(
        dir.path()
            .join("sweep.sqlite")
            .to_string_lossy()
            .into_owned(),
    );
    bench_backend("sqlite", sqlite.url(), &item, &bulk, n)?;
    drop(sqlite);
    match args.database_url.as_deref() {
        Some(admin) => {
            let pg = Scratch::postgres(admin, "sweep")?;
            bench_backend("postgres", pg.url(), &item, &bulk, n)?;
        }
        None => println!("\npostgres: skipped (give --database-url or set TONGBAN_BENCH_PG_URL)"),
    }
    Ok(ExitCode::SUCCESS)
}
