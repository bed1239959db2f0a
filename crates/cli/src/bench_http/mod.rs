//! `tongban bench http`: Tongban end to end over HTTP on this machine, against honest
//! ceilings measured in the same run. For each backend it measures the database's ceiling
//! (SQLite: plain batched INSERTs of the rows an intake writes; PostgreSQL: pgbench's
//! concurrent single-row durable commits), preloads N accepted cases (default 1,000,000)
//! with their timelines, starts `tongban serve` on that database as its own process and
//! drives it with wrk (or, without wrk, from this process): `/healthz` as the HTTP ceiling,
//! window intakes, case actions (accept), public status queries as fast as they are answered
//! and at a fixed 1,000 a second, with p50/p99 latency, every failure with its cause, the CPU
//! of server and generator, and the server's peak memory.

mod load;
mod server;
mod wrk;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::{json, Value};
use tongban_store::{Store, StoreOptions};

use crate::bench_cmd::{raw_paths, Measured, Scratch};
use crate::bench_sweep::{load as preload, template, ITEM};
use load::{closed_loop, open_loop, Phase};
use server::Served;
use wrk::Wrk;

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
    /// Seconds per phase (the accept phase runs half as long, on the cases taken).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent connections of the closed-loop phases.
    #[arg(long, default_value_t = 256)]
    clients: usize,
    /// Requests a second of the fixed-rate public status phase.
    #[arg(long, default_value_t = 1000)]
    public_rate: u64,
    /// Cases per path of the SQLite ceiling (plain INSERTs).
    #[arg(long, default_value_t = 20_000)]
    raw_cases: usize,
    /// Concurrent connections of PostgreSQL's ceiling (pgbench).
    #[arg(long, default_value_t = 32)]
    pg_clients: usize,
    /// The load generator: wrk when installed (`auto`), or `builtin` (this process).
    #[arg(long, default_value = "auto")]
    generator: Generator,
    /// wrk's threads.
    #[arg(long, default_value_t = 1)]
    wrk_threads: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Generator {
    Auto,
    Builtin,
}

/// Every preloaded case's query code (the bench only reads them).
const QUERY_CODE: &str = "BENCH23456";
const WINDOW: &str = "A02";
const CLERK: &str = "clerk-a02";
const HEALTHZ: &str = "/healthz (HTTP ceiling)";
const INTAKE: &str = "intake (POST /cases)";
const ACCEPT: &str = "accept (POST /cases/{no}/accept)";
const PUBLIC: &str = "public status, as fast as answered";
const PUBLIC_AT: &str = "public status at";

/// The targets of issue "As fast as the machine allows", as ratios to ceilings.
const STATUS_TO_HEALTHZ: f64 = 0.30;
const INTAKE_TO_CEILING: f64 = 0.50;
const ACCEPT_TO_INTAKE: f64 = 0.50;
const P99_MS: f64 = 2.0;
const PEAK_MB: f64 = 150.0;

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
    let wrk = match args.generator {
        Generator::Auto => Wrk::find(args.wrk_threads)?,
        Generator::Builtin => None,
    };
    println!(
        "tongban bench http: {} preloaded cases, {} s a phase, {} connections, public status also at {}/s; load from {}",
        args.cases,
        args.seconds,
        args.clients,
        args.public_rate,
        match &wrk {
            Some(w) => format!("wrk ({} thread{})", w.threads, if w.threads == 1 { "" } else { "s" }),
            None => "this process (install wrk for a generator that takes less CPU)".to_owned(),
        }
    );
    println!(
        "targets: public status ≥ {STATUS_TO_HEALTHZ:.2}× /healthz; intake ≥ {INTAKE_TO_CEILING:.2}× the database ceiling; accept ≥ {ACCEPT_TO_INTAKE:.2}× intake; public status p99 ≤ {P99_MS} ms at 1,000/s; peak RSS ≤ {PEAK_MB} MB; no failed request"
    );
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
        wrk: wrk.as_ref(),
    };
    let mut all_met = bench.backend("sqlite (synchronous=FULL)", &mut sqlite)?;
    match args.database_url.as_deref() {
        Some(admin) => {
            let mut counter = 0;
            let mut pg = || {
                counter += 1;
                Scratch::postgres(admin, &format!("http{counter}"))
            };
            all_met &= bench.backend("postgres", &mut pg)?;
        }
        None => println!("\npostgres: skipped (give --database-url or set TONGBAN_BENCH_PG_URL)"),
    }
    println!(
        "\n{}",
        if all_met {
            "every target met"
        } else {
            "some targets missed (see above)"
        }
    );
    Ok(ExitCode::SUCCESS)
}

struct Bench<'a> {
    args: &'a HttpBenchArgs,
    bulk: &'a tongban_store::baseline::BulkCases,
    materials: &'a [Value],
    workflows: &'a std::path::Path,
    wrk: Option<&'a Wrk>,
}

/// The database ceiling of one backend, the figure intake is judged against.
struct Ceiling {
    what: String,
    per_second: f64,
}

impl Bench<'_> {
    /// Measures one backend; answers whether every target was met.
    fn backend(
        &self,
        name: &str,
        fresh: &mut dyn FnMut() -> anyhow::Result<Scratch>,
    ) -> anyhow::Result<bool> {
        println!("\n{name}");
        let raw = raw_paths(self.args.raw_cases.max(1), 1000, fresh)?;
        let db = fresh()?;
        let ceiling = match &db {
            Scratch::Sqlite(_) => {
                let batched = raw.last().context("no raw path measured")?;
                Ceiling {
                    what: format!(
                        "plain batched INSERTs of the same four rows ({} a transaction)",
                        1000
                    ),
                    per_second: batched.rate(),
                }
            }
            Scratch::Pg { .. } => {
                let c = crate::bench_ceiling::postgres_commits(
                    db.url(),
                    self.args.pg_clients,
                    self.args.seconds.max(1),
                )?;
                Ceiling {
                    what: format!(
                        "single-row durable commits, {} connections, by {}",
                        c.clients, c.by
                    ),
                    per_second: c.per_second,
                }
            }
        };
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
        let phases = runtime.block_on(self.drive(&served, db.url()))?;
        let memory = served.memory();
        drop(served);
        report(&raw, &ceiling, &phases, memory);
        Ok(verdict(&ceiling, &phases, memory, self.args.public_rate))
    }

    /// The phases against the server, one after the other.
    async fn drive(&self, served: &Served, database_url: &str) -> anyhow::Result<Vec<Phase>> {
        let base = served.base.as_str();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(self.args.clients.max(1))
            .timeout(Duration::from_secs(60))
            .build()?;
        let token = sign_in(&client, base).await?;
        let duration = Duration::from_secs(self.args.seconds.max(1));
        let clients = self.args.clients.max(1);
        let mut phases = Vec::new();
        let bodies: Vec<Value> = (0..64).map(|n| application(n, self.materials)).collect();
        let run = std::process::id();

        phases.push(with_cpu(served, self.healthz(&client, base, clients, duration)).await?);
        phases.push(
            with_cpu(
                served,
                self.intake(&client, base, &token, &bodies, run, clients, duration),
            )
            .await?,
        );
        // Accept what was taken (version 1 → 2), as fast as answered, for half as long as
        // the intakes ran, so that the cases last while accepting runs up to twice as fast.
        let taken = received_cases(database_url)?;
        let half = Duration::from_secs((self.args.seconds / 2).max(1));
        phases.push(
            with_cpu(
                served,
                self.accept(&client, base, &token, taken, clients, half),
            )
            .await?,
        );
        phases.push(with_cpu(served, self.public(&client, base, clients, duration)).await?);
        let cases = self.args.cases.max(1);
        let seed = Arc::new(AtomicU64::new(0x9E37_79B9_7F4A_7C15));
        let (c, b) = (client.clone(), base.to_string());
        phases.push(
            with_cpu(
                served,
                open_loop(
                    &format!("{PUBLIC_AT} {}/s", self.args.public_rate),
                    self.args.public_rate,
                    duration,
                    move |_| public_query(&c, &b, next_random(&seed) % cases),
                ),
            )
            .await?,
        );
        Ok(phases)
    }

    async fn healthz(
        &self,
        client: &reqwest::Client,
        base: &str,
        clients: usize,
        duration: Duration,
    ) -> anyhow::Result<Phase> {
        if let Some(wrk) = self.wrk {
            return wrk.run(HEALTHZ, &format!("{base}/healthz"), "", clients, duration);
        }
        let (c, b) = (client.clone(), base.to_string());
        closed_loop(HEALTHZ, clients, duration, move |_| {
            let req = c.get(format!("{b}/healthz"));
            Some(async move { expect(send(req).await?, 200).await.map(|_| ()) })
        })
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn intake(
        &self,
        client: &reqwest::Client,
        base: &str,
        token: &str,
        bodies: &[Value],
        run: u32,
        clients: usize,
        duration: Duration,
    ) -> anyhow::Result<Phase> {
        if let Some(wrk) = self.wrk {
            let list: Vec<String> = bodies
                .iter()
                .map(|b| wrk::lua_string(&b.to_string()))
                .collect();
            let script = format!(
                r#"
bodies = {{ {} }}
n = 0
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/cases", {{
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer {token}",
    ["Idempotency-Key"] = string.format("wrk-{run}-%d-%d", tid, n),
  }}, bodies[(n % #bodies) + 1])
end
{}
"#,
                list.join(",\n"),
                wrk::RECORD_FAILURES
            );
            return wrk.run(INTAKE, base, &script, clients, duration);
        }
        let (c, b, t) = (client.clone(), base.to_string(), token.to_owned());
        let bodies: Arc<Vec<Value>> = Arc::new(bodies.to_vec());
        closed_loop(INTAKE, clients, duration, move |n| {
            let req = c
                .post(format!("{b}/api/v1/cases"))
                .bearer_auth(&t)
                .header("Idempotency-Key", format!("bench-{run}-{n}"))
                .json(&bodies[(n % 64) as usize]);
            Some(async move { expect(send(req).await?, 201).await.map(|_| ()) })
        })
        .await
    }

    async fn accept(
        &self,
        client: &reqwest::Client,
        base: &str,
        token: &str,
        taken: Vec<String>,
        clients: usize,
        duration: Duration,
    ) -> anyhow::Result<Phase> {
        if let Some(wrk) = self.wrk {
            let list = wrk.scratch("taken.txt");
            std::fs::write(&list, taken.join("\n") + "\n")?;
            let script = format!(
                r#"
{}
k = 0
function request()
  k = k + 1
  if k > #cases then
    -- Out of cases: stop this thread; the request sent meanwhile is not counted.
    extra = extra + 1
    wrk.thread:stop()
    if #cases == 0 then return wrk.format("GET", "/healthz") end
    k = #cases
  end
  return wrk.format("POST", "/api/v1/cases/" .. cases[k] .. "/accept", {{
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer {token}",
    ["If-Match"] = "1",
  }}, "{{}}")
end
{}
"#,
                wrk::share_of(&list, wrk.threads),
                wrk::RECORD_FAILURES
            );
            return wrk.run(ACCEPT, base, &script, clients, duration);
        }
        let taken = Arc::new(taken);
        let (c, b, t) = (client.clone(), base.to_string(), token.to_owned());
        closed_loop(ACCEPT, clients, duration, move |n| {
            let no = taken.get(n as usize)?.clone();
            let req = c
                .post(format!("{b}/api/v1/cases/{no}/accept"))
                .bearer_auth(&t)
                .header("If-Match", "1")
                .json(&json!({}));
            Some(async move { expect(send(req).await?, 200).await.map(|_| ()) })
        })
        .await
    }

    async fn public(
        &self,
        client: &reqwest::Client,
        base: &str,
        clients: usize,
        duration: Duration,
    ) -> anyhow::Result<Phase> {
        let cases = self.args.cases.max(1);
        if let Some(wrk) = self.wrk {
            let script = format!(
                r#"
function init(args)
  math.randomseed(tid * 7919 + os.time())
end
function request()
  return wrk.format("GET", string.format("/api/v1/public/cases/B%09d?query_code={QUERY_CODE}", math.random(0, {last})))
end
"#,
                last = cases - 1
            );
            return wrk.run(PUBLIC, base, &script, clients, duration);
        }
        let seed = Arc::new(AtomicU64::new(0x2545_F491_4F6C_DD1D));
        let (c, b) = (client.clone(), base.to_string());
        closed_loop(PUBLIC, clients, duration, move |_| {
            Some(public_query(&c, &b, next_random(&seed) % cases))
        })
        .await
    }
}

/// One public status query of preloaded case `i`.
fn public_query(
    client: &reqwest::Client,
    base: &str,
    i: u64,
) -> impl std::future::Future<Output = load::Outcome> + Send + 'static {
    let req = client.get(format!(
        "{base}/api/v1/public/cases/B{i:09}?query_code={QUERY_CODE}"
    ));
    async move { expect(send(req).await?, 200).await.map(|_| ()) }
}

/// The numbers of the cases the intake phase took, read from the database.
fn received_cases(database_url: &str) -> anyhow::Result<Vec<String>> {
    let options = tongban_store::conn::ConnectionOptions::default();
    let mut conn =
        tongban_store::conn::establish(&tongban_store::conn::DbUrl::parse(database_url), &options)?;
    Ok(tongban_store::baseline::received_case_numbers(&mut conn)?)
}

/// Sends `req`; a failure says why, down to its root cause (refused, reset, timed out).
async fn send(req: reqwest::RequestBuilder) -> Result<reqwest::Response, String> {
    req.send().await.map_err(|e| {
        let mut why = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            why.push_str(": ");
            why.push_str(&s.to_string());
            source = s.source();
        }
        why
    })
}

/// `phase` with the CPU seconds the server and the load generator (this process and the
/// wrk it ran) used while it ran.
async fn with_cpu(
    served: &Served,
    phase: impl std::future::Future<Output = anyhow::Result<Phase>>,
) -> anyhow::Result<Phase> {
    let before = (served.cpu_seconds(), server::own_cpu_seconds());
    let mut phase = phase.await?;
    phase.cpu = match (before, (served.cpu_seconds(), server::own_cpu_seconds())) {
        ((Some(s0), Some(g0)), (Some(s1), Some(g1))) => Some((s1 - s0, g1 - g0)),
        _ => None,
    };
    Ok(phase)
}

async fn sign_in(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let req = client.post(format!("{base}/api/v1/auth/token")).json(
        &json!({"username": CLERK, "password": crate::demo::DEMO_PASSWORD, "window": WINDOW}),
    );
    let res = send(req)
        .await
        .map_err(|e| anyhow::anyhow!("sign-in: {e}"))?;
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

fn report(raw: &[Measured], ceiling: &Ceiling, phases: &[Phase], memory: Option<(f64, f64)>) {
    for r in raw {
        println!(
            "  raw, {:<36} {:>10.0} cases/s ({} cases)",
            r.path,
            r.rate(),
            r.cases
        );
    }
    println!(
        "  database ceiling: {:.0}/s, {}",
        ceiling.per_second, ceiling.what
    );
    println!(
        "  {:<40} {:>9} {:>7} {:>8} {:>8} {:>8} {:>11}  generator",
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
            "  {:<40} {:>9} {:>7} {:>8.0} {:>8.2} {:>8.2} {:>11}  {}",
            p.what,
            p.ok,
            p.failed,
            p.rate(),
            p.p50_ms,
            p.p99_ms,
            cores,
            p.generator
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
        "  (cores s/g: CPU cores busy in the server / in the load generator, on the same machine)"
    );
}

/// The figures against the targets, each a ratio to a ceiling of the same run; latency and
/// failures judged apart. Answers whether every target was met.
fn verdict(
    ceiling: &Ceiling,
    phases: &[Phase],
    memory: Option<(f64, f64)>,
    public_rate: u64,
) -> bool {
    let mut all = true;
    let mut judge = |what: String, ok: bool| {
        all &= ok;
        println!("  target {what}: {}", if ok { "met" } else { "MISSED" });
    };
    let phase = |name: &str| phases.iter().find(|p| p.what.starts_with(name));
    let ratio = |a: f64, b: f64| a / b.max(1e-9);
    if let (Some(s), Some(h)) = (phase(PUBLIC), phase(HEALTHZ)) {
        let r = ratio(s.rate(), h.rate());
        judge(
            format!(
                "public status ≥ {STATUS_TO_HEALTHZ:.2}× /healthz ({:.0}/s ÷ {:.0}/s = {r:.2})",
                s.rate(),
                h.rate()
            ),
            r >= STATUS_TO_HEALTHZ,
        );
    }
    if let Some(i) = phase(INTAKE) {
        let r = ratio(i.rate(), ceiling.per_second);
        judge(
            format!(
                "intake ≥ {INTAKE_TO_CEILING:.2}× database ceiling ({:.0}/s ÷ {:.0}/s = {r:.2})",
                i.rate(),
                ceiling.per_second
            ),
            r >= INTAKE_TO_CEILING,
        );
        if let Some(a) = phase(ACCEPT) {
            let r = ratio(a.rate(), i.rate());
            judge(
                format!(
                    "accept ≥ {ACCEPT_TO_INTAKE:.2}× intake ({:.0}/s ÷ {:.0}/s = {r:.2})",
                    a.rate(),
                    i.rate()
                ),
                r >= ACCEPT_TO_INTAKE,
            );
        }
    }
    if let Some(p) = phase(PUBLIC_AT) {
        let at_rate = public_rate >= 1000;
        judge(
            format!(
                "public status p99 ≤ {P99_MS} ms at 1,000/s ({:.2} ms over {} answered at {public_rate}/s{})",
                p.p99_ms,
                p.ok,
                if at_rate { "" } else { ", below the target's rate" }
            ),
            at_rate && p.p99_ms <= P99_MS,
        );
    }
    if let Some((peak, _)) = memory {
        // The target is in MB (10^6 bytes); /proc gives KiB.
        let mb = peak * 1.048_576;
        judge(
            format!("peak RSS ≤ {PEAK_MB} MB ({mb:.0} MB)"),
            mb <= PEAK_MB,
        );
    }
    let failed: Vec<String> = phases
        .iter()
        .filter(|p| p.failed > 0)
        .map(|p| format!("{} in {}", p.failed, p.what))
        .collect();
    judge(
        if failed.is_empty() {
            "no failed request (0 in every phase)".to_owned()
        } else {
            format!("no failed request ({}; causes above)", failed.join(", "))
        },
        failed.is_empty(),
    );
    all
}
