//! `tongban bench http`: Tongban end to end over HTTP on this machine. For each backend it
//! measures the raw database ceiling, preloads N accepted cases (default 1,000,000) with their
//! timelines, starts `tongban serve` on that database as its own process and drives it from
//! this one: window intakes, case actions (accept), public status queries as fast as they
//! are answered and at a fixed 1,000 a second, with p50/p99 latency and the server's peak
//! memory.

mod load;
mod server;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use serde_json::{json, Value};
use tongban_store::{Store, StoreOptions};

use crate::bench_cmd::{raw_paths, Scratch};
use crate::bench_sweep::{load as preload, template, ITEM};
use load::{closed_loop, open_loop, Phase};
use server::Served;

/// Arguments of `tongban bench http`.
#[derive(Debug, clap::Args)]
pub struct HttpBenchArgs {
    /// Accepted cases stored before the load.
    #[arg(long, default_value_t = 1_000_000)]
    cases: u64,
    /// A PostgreSQL server to bench too (a scratch database is created on it and dropped).
    #[arg(long, value_name = "URL", env = "TONGBAN_BENCH_PG_URL")]
    database_url: Option<String>,
    /// The workflow files (the demo catalogue; the load is on item GA-QR-01 at window A02).
    #[arg(long, default_value = "workflows")]
    workflows: PathBuf,
    /// Seconds per phase.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent clients of the closed-loop phases.
    #[arg(long, default_value_t = 256)]
    clients: usize,
    /// Requests a second of the fixed-rate public status phase.
    #[arg(long, default_value_t = 1000)]
    public_rate: u64,
    /// Cases per path of the raw database ceiling.
    #[arg(long, default_value_t = 20_000)]
    raw_cases: usize,
}

/// Every preloaded case's query code (the bench only reads them).
const QUERY_CODE: &str = "BENCH23456";
const WINDOW: &str = "A02";
const CLERK: &str = "clerk-a02";
const INTAKE: &str = "intake (POST /cases)";
const PUBLIC_AT: &str = "public status at";

pub fn run(args: &HttpBenchArgs) -> anyhow::Result<ExitCode> {
    let catalogue = crate::workflows_cmd::load_dir(&args.workflows)
        .with_context(|| format!("loading {}", args.workflows.display()))?;
    let item = catalogue
        .item(ITEM)
        .cloned()
        .with_context(|| format!("the catalogue has no item {ITEM}"))?;
    let bulk = template(&item, QUERY_CODE)?;
    let materials: Vec<Value> = item
        .materials
        .iter()
        .map(|m| json!({"code": m.code, "copies": 1}))
        .collect();
    let workflows = std::fs::canonicalize(&args.workflows)?;
    println!(
        "tongban bench http: {} preloaded cases, {} s a phase, {} clients, public status also at {}/s",
        args.cases, args.seconds, args.clients, args.public_rate
    );
    println!("targets: intakes ≥ 5,000/s (SQLite), ≥ 2,500/s (PostgreSQL); public status p99 ≤ 5 ms at 1,000/s; peak RSS ≤ 200 MB");
    let dir = tempfile::tempdir().context("cannot create a temp directory")?;
    let mut counter = 0;
    let mut sqlite = || {
        counter += 1;
        Ok(Scratch::Sqlite(
            dir.path()
                .join(format!("http{counter}.sqlite"))
                .to_string_lossy()
                .into_owned(),
        ))
    };
    let bench = Bench {
        args,
        bulk: &bulk,
        materials: &materials,
        workflows: &workflows,
    };
    bench.backend("sqlite (synchronous=FULL)", 5_000.0, &mut sqlite)?;
    match args.database_url.as_deref() {
        Some(admin) => {
            let mut counter = 0;
            let mut pg = || {
                counter += 1;
                Scratch::postgres(admin, &format!("http{counter}"))
            };
            bench.backend("postgres", 2_500.0, &mut pg)?;
        }
        None => println!("\npostgres: skipped (give --database-url or set TONGBAN_BENCH_PG_URL)"),
    }
    Ok(ExitCode::SUCCESS)
}

struct Bench<'a> {
    args: &'a HttpBenchArgs,
    bulk: &'a tongban_store::baseline::BulkCases,
    materials: &'a [Value],
    workflows: &'a std::path::Path,
}

impl Bench<'_> {
    fn backend(
        &self,
        name: &str,
        intake_target: f64,
        fresh: &mut dyn FnMut() -> anyhow::Result<Scratch>,
    ) -> anyhow::Result<()> {
        println!("\n{name}");
        let raw = raw_paths(self.args.raw_cases.max(1), 1000, fresh)?;
        let db = fresh()?;
        let loaded = {
            let store = Store::open(db.url(), StoreOptions::default())?;
            preload(&store, self.bulk, self.args.cases, true)?
        };
        println!(
            "  preloaded {} accepted cases with their timelines in {:.1} s",
            self.args.cases,
            loaded.as_secs_f64()
        );
        let data_dir = tempfile::tempdir().context("cannot create a temp directory")?;
        let served = Served::start(db.url(), data_dir.path(), self.workflows)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let phases = runtime.block_on(self.drive(&served))?;
        let memory = served.memory();
        drop(served);
        report(&raw, &phases, memory);
        verdict(&raw, &phases, memory, intake_target, self.args.public_rate);
        Ok(())
    }

    /// The phases against the server at `base`, one after the other.
    async fn drive(&self, served: &Served) -> anyhow::Result<Vec<Phase>> {
        let base = served.base.as_str();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(self.args.clients.max(1))
            .timeout(Duration::from_secs(60))
            .build()?;
        let token = sign_in(&client, base).await?;
        let duration = Duration::from_secs(self.args.seconds.max(1));
        let clients = self.args.clients.max(1);
        let mut phases = Vec::new();

        // Window intakes; every case taken is accepted in the next phase.
        let taken = Arc::new(Mutex::new(Vec::<String>::new()));
        let run = std::process::id();
        let (c, b, t, kept) = (
            client.clone(),
            base.to_string(),
            token.clone(),
            Arc::clone(&taken),
        );
        let bodies: Arc<Vec<Value>> =
            Arc::new((0..64).map(|n| application(n, self.materials)).collect());
        phases.push(
            with_cpu(
                served,
                closed_loop(INTAKE, clients, duration, move |n| {
                    let (c, b, t, kept) = (c.clone(), b.clone(), t.clone(), Arc::clone(&kept));
                    let body = bodies[(n % 64) as usize].clone();
                    Some(async move {
                        let res = c
                            .post(format!("{b}/api/v1/cases"))
                            .bearer_auth(&t)
                            .header("Idempotency-Key", format!("bench-{run}-{n}"))
                            .json(&body)
                            .send()
                            .await
                            .map_err(|e| e.to_string())?;
                        let v = expect(res, 201).await?;
                        let no = v["case_no"].as_str().ok_or("no case_no")?.to_string();
                        kept.lock().map_err(|e| e.to_string())?.push(no);
                        Ok(())
                    })
                }),
            )
            .await?,
        );

        // Accept what was taken (version 1 → 2), as fast as answered.
        let taken: Arc<Vec<String>> = Arc::new(std::mem::take(
            &mut *taken.lock().map_err(|e| anyhow::anyhow!("{e}"))?,
        ));
        let (c, b, t) = (client.clone(), base.to_string(), token.clone());
        phases.push(
            with_cpu(
                served,
                closed_loop(
                    "accept (POST /cases/{no}/accept)",
                    clients,
                    duration,
                    move |n| {
                        let no = taken.get(n as usize)?.clone();
                        let (c, b, t) = (c.clone(), b.clone(), t.clone());
                        Some(async move {
                            let res = c
                                .post(format!("{b}/api/v1/cases/{no}/accept"))
                                .bearer_auth(&t)
                                .header("If-Match", "1")
                                .json(&json!({}))
                                .send()
                                .await
                                .map_err(|e| e.to_string())?;
                            expect(res, 200).await.map(|_| ())
                        })
                    },
                ),
            )
            .await?,
        );

        // Public status of random preloaded cases: as fast as answered, then at a fixed rate.
        let cases = self.args.cases.max(1);
        let seed = Arc::new(AtomicU64::new(0x9E37_79B9_7F4A_7C15));
        let query = move |c: &reqwest::Client, b: &str| {
            let i = next_random(&seed) % cases;
            let req = c.get(format!(
                "{b}/api/v1/public/cases/B{i:09}?query_code={QUERY_CODE}"
            ));
            async move {
                let res = req.send().await.map_err(|e| e.to_string())?;
                expect(res, 200).await.map(|_| ())
            }
        };
        let query = Arc::new(query);
        let (c, b, q) = (client.clone(), base.to_string(), Arc::clone(&query));
        phases.push(
            with_cpu(
                served,
                closed_loop(
                    "public status, as fast as answered",
                    clients,
                    duration,
                    move |_| Some(q(&c, &b)),
                ),
            )
            .await?,
        );
        let (c, b) = (client.clone(), base.to_string());
        phases.push(
            with_cpu(
                served,
                open_loop(
                    &format!("{PUBLIC_AT} {}/s", self.args.public_rate),
                    self.args.public_rate,
                    duration,
                    move |_| query(&c, &b),
                ),
            )
            .await?,
        );
        Ok(phases)
    }
}

/// `phase` with the CPU seconds the server and this process used while it ran.
async fn with_cpu(
    served: &Served,
    phase: impl std::future::Future<Output = anyhow::Result<Phase>>,
) -> anyhow::Result<Phase> {
    let own = || server::cpu_seconds("/proc/self/stat");
    let before = (served.cpu_seconds(), own());
    let mut phase = phase.await?;
    phase.cpu = match (before, (served.cpu_seconds(), own())) {
        ((Some(s0), Some(g0)), (Some(s1), Some(g1))) => Some((s1 - s0, g1 - g0)),
        _ => None,
    };
    Ok(phase)
}

async fn sign_in(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let res = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": CLERK, "password": crate::demo::DEMO_PASSWORD, "window": WINDOW}))
        .send()
        .await?;
    let v = expect(res, 200)
        .await
        .map_err(|e| anyhow::anyhow!("sign-in: {e}"))?;
    v["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access_token in the sign-in answer")
}

/// The answer's JSON when its status is `status`; otherwise why not.
async fn expect(res: reqwest::Response, status: u16) -> Result<Value, String> {
    let got = res.status().as_u16();
    let body = res.text().await.map_err(|e| e.to_string())?;
    if got != status {
        return Err(format!(
            "{got}: {}",
            body.chars().take(200).collect::<String>()
        ));
    }
    serde_json::from_str(&body).map_err(|e| e.to_string())
}

fn application(n: u64, materials: &[Value]) -> Value {
    json!({
        "item_code": ITEM,
        "applicant": {
            "kind": "person",
            "name": format!("申请人{n}"),
            "id_number": format!("3301{n:014}"),
            "phone": "13800000000",
        },
        "materials": materials,
    })
}

/// xorshift64*: spreads the queries over all cases without a dependency or a lock.
fn next_random(state: &AtomicU64) -> u64 {
    let mut x = state.load(Ordering::Relaxed);
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    state.store(x, Ordering::Relaxed);
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn report(raw: &[crate::bench_cmd::Measured], phases: &[Phase], memory: Option<(f64, f64)>) {
    for r in raw {
        println!(
            "  raw ceiling, {:<28} {:>10.0} cases/s ({} cases)",
            r.path,
            r.rate(),
            r.cases
        );
    }
    println!(
        "  {:<40} {:>9} {:>7} {:>8} {:>8} {:>8} {:>11}",
        "over HTTP", "answered", "failed", "per s", "p50 ms", "p99 ms", "cores s/g"
    );
    for p in phases {
        let cores = p.cpu.map_or_else(
            || "-".to_string(),
            |(server, generator)| {
                let secs = p.elapsed.as_secs_f64().max(1e-9);
                format!("{:.2}/{:.2}", server / secs, generator / secs)
            },
        );
        println!(
            "  {:<40} {:>9} {:>7} {:>8.0} {:>8.2} {:>8.2} {:>11}",
            p.what,
            p.ok,
            p.failed,
            p.rate(),
            p.millis(0.5),
            p.millis(0.99),
            cores
        );
        for e in &p.examples {
            println!("    failed: {e}");
        }
    }
    match memory {
        Some((peak, now)) => println!("  server memory: peak RSS {peak:.0} MiB (now {now:.0} MiB)"),
        None => println!("  server memory: not available (no /proc)"),
    }
    println!(
        "  (cores s/g: CPU cores busy in the server / in this load generator, on the same machine)"
    );
}

/// The figures against the targets, met or missed, with the intake rate as a ratio
/// of the raw ceilings measured in the same run.
fn verdict(
    raw: &[crate::bench_cmd::Measured],
    phases: &[Phase],
    memory: Option<(f64, f64)>,
    intake_target: f64,
    public_rate: u64,
) {
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    if let Some(p) = phases.iter().find(|p| p.what == INTAKE) {
        let ratios: Vec<String> = raw
            .iter()
            .map(|r| format!("{:.2}× {}", p.rate() / r.rate().max(1e-9), r.path))
            .collect();
        println!(
            "  target intakes ≥ {intake_target:.0}/s: {} ({:.0}/s; {})",
            met(p.rate() >= intake_target),
            p.rate(),
            ratios.join(", ")
        );
    }
    if let Some(p) = phases.iter().find(|p| p.what.starts_with(PUBLIC_AT)) {
        let p99 = p.millis(0.99);
        let on_time = p.failed == 0 && public_rate >= 1000;
        println!(
            "  target public status p99 ≤ 5 ms at 1,000/s: {} ({p99:.2} ms at {public_rate}/s)",
            met(on_time && p99 <= 5.0)
        );
    }
    if let Some((peak, _)) = memory {
        // The target is in MB (10^6 bytes); /proc gives KiB.
        let mb = peak * 1.048_576;
        println!(
            "  target peak RSS ≤ 200 MB: {} ({mb:.0} MB)",
            met(mb <= 200.0)
        );
    }
}
