//! The load generator of `tongban bench http`: closed-loop phases (N clients, each sends its
//! next request when the last is answered: the most the server does) and an open-loop phase
//! (requests at a fixed rate whatever the answers: latency at a given load). Latencies go
//! into an HDR histogram in microseconds; an open-loop request's latency counts from when it
//! was due, so a stalled server cannot hide its queue (coordinated omission).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};

/// What one phase measured.
pub struct Phase {
    pub what: String,
    pub elapsed: Duration,
    pub ok: u64,
    pub failed: u64,
    /// Latency of the answered requests, milliseconds: median and 99th percentile.
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The first failures with their causes, to show why.
    pub examples: Vec<String>,
    /// CPU seconds used during the phase by the server and by the load generator (both
    /// run on the same two cores).
    pub cpu: Option<(f64, f64)>,
    /// What generated the load: `wrk`, or this process.
    pub generator: &'static str,
}

impl Phase {
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The answer of one request: `Ok` when it did what was asked.
pub type Outcome = Result<(), String>;

struct Tally {
    latency: Mutex<Histogram<u64>>,
    ok: AtomicU64,
    failed: AtomicU64,
    examples: Mutex<Vec<String>>,
}

impl Tally {
    fn new() -> anyhow::Result<Tally> {
        Ok(Tally {
            latency: Mutex::new(Histogram::new_with_bounds(1, 120_000_000, 3)?),
            ok: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            examples: Mutex::new(Vec::new()),
        })
    }

    fn record(&self, started: Instant, outcome: Outcome) {
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        match outcome {
            Ok(()) => {
                self.ok.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut h) = self.latency.lock() {
                    h.saturating_record(micros.max(1));
                }
            }
            Err(e) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut examples) = self.examples.lock() {
                    // The first of each kind of failure, with a count of all.
                    if examples.len() < 5 && !examples.contains(&e) {
                        examples.push(e);
                    }
                }
            }
        }
    }

    fn into_phase(self, what: &str, elapsed: Duration) -> Phase {
        let latency = self.latency.into_inner().unwrap_or_else(|p| p.into_inner());
        let millis = |q: f64| latency.value_at_quantile(q) as f64 / 1000.0;
        Phase {
            what: what.to_string(),
            elapsed,
            ok: self.ok.into_inner(),
            failed: self.failed.into_inner(),
            p50_ms: millis(0.5),
            p99_ms: millis(0.99),
            examples: self
                .examples
                .into_inner()
                .unwrap_or_else(|p| p.into_inner()),
            cpu: None,
            generator: "this process",
        }
    }
}

fn progress(what: &str, seconds: u64) -> ProgressBar {
    let bar = ProgressBar::new(seconds);
    bar.set_style(
        ProgressStyle::with_template("  {prefix:<34} [{bar:30}] {pos}/{len} s  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(what.to_string());
    bar
}

/// Ticks `bar` once a second with the answers so far until `done`.
async fn watch(bar: ProgressBar, tally: Arc<Tally>, start: Instant, done: Arc<AtomicBool>) {
    while !done.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        bar.set_position(start.elapsed().as_secs());
        bar.set_message(format!(
            "{} ok, {} failed",
            tally.ok.load(Ordering::Relaxed),
            tally.failed.load(Ordering::Relaxed)
        ));
    }
    bar.finish_and_clear();
}

/// A phase under way: its tally, its progress bar and when it started.
struct Running {
    what: String,
    tally: Arc<Tally>,
    done: Arc<AtomicBool>,
    start: Instant,
    watcher: tokio::task::JoinHandle<()>,
}

impl Running {
    fn begin(what: &str, duration: Duration) -> anyhow::Result<Running> {
        let tally = Arc::new(Tally::new()?);
        let done = Arc::new(AtomicBool::new(false));
        let start = Instant::now();
        let watcher = tokio::spawn(watch(
            progress(what, duration.as_secs()),
            Arc::clone(&tally),
            start,
            Arc::clone(&done),
        ));
        Ok(Running {
            what: what.to_string(),
            tally,
            done,
            start,
            watcher,
        })
    }

    /// Waits for `tasks`, stops the progress bar and returns what the phase measured.
    async fn finish(self, tasks: Vec<tokio::task::JoinHandle<()>>) -> anyhow::Result<Phase> {
        for t in tasks {
            t.await?;
        }
        let elapsed = self.start.elapsed();
        self.done.store(true, Ordering::Relaxed);
        self.watcher.await?;
        let tally = Arc::try_unwrap(self.tally)
            .map_err(|_| anyhow::anyhow!("a request outlived its phase"))?;
        Ok(tally.into_phase(&self.what, elapsed))
    }
}

/// `clients` concurrent clients call `request(n)` (n counts up from 0 across all clients)
/// until `duration` has passed or `request` answers `None` (nothing left to do).
pub async fn closed_loop<F, Fut>(
    what: &str,
    clients: usize,
    duration: Duration,
    request: F,
) -> anyhow::Result<Phase>
where
    F: Fn(u64) -> Option<Fut> + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let running = Running::begin(what, duration)?;
    let (start, request) = (running.start, Arc::new(request));
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients.max(1) {
        let tally = Arc::clone(&running.tally);
        let (request, next) = (Arc::clone(&request), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            while start.elapsed() < duration {
                let Some(call) = request(next.fetch_add(1, Ordering::Relaxed)) else {
                    return;
                };
                let sent = Instant::now();
                tally.record(sent, call.await);
            }
        }));
    }
    running.finish(tasks).await
}

/// `request(n)` sent `per_second` times a second for `duration`, each on its own task.
pub async fn open_loop<F, Fut>(
    what: &str,
    per_second: u64,
    duration: Duration,
    request: F,
) -> anyhow::Result<Phase>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let running = Running::begin(what, duration)?;
    let start = running.start;
    let interval = Duration::from_secs_f64(1.0 / per_second.max(1) as f64);
    let total = (duration.as_secs_f64() * per_second.max(1) as f64) as u64;
    let mut tasks = Vec::with_capacity(total as usize);
    for n in 0..total {
        let due = start + interval.mul_f64(n as f64);
        tokio::time::sleep_until(due.into()).await;
        let (tally, call) = (Arc::clone(&running.tally), request(n));
        tasks.push(tokio::spawn(async move {
            tally.record(due, call.await);
        }));
    }
    let mut phase = running.finish(tasks).await?;
    // The phase lasts as long as its schedule, not as long as its slowest answer.
    phase.elapsed = phase.elapsed.min(duration.max(Duration::from_millis(1)));
    Ok(phase)
}
