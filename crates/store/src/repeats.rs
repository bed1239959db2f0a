//! Repeated errors logged once per interval with a count. When the disk fills or the
//! database goes away, every request fails the same way: one ERROR line per request would
//! fill the log disk next (30,000 lines in 25 s were seen). The first occurrence of an error
//! is logged at once; the rest of its interval is counted and summed up in one line when the
//! interval ends ("database or disk is full: 20,829 requests refused in the last 10 s").

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long repeats of one error are counted before their summary line.
pub const INTERVAL: Duration = Duration::from_secs(10);

/// At most this many distinct errors are counted at once; beyond it, an error is logged
/// each time (a flood of distinct messages is not what this guards against).
const DISTINCT: usize = 256;

/// What is being refused, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refused {
    /// Requests answered with an error.
    Requests,
    /// Write batches that did not commit.
    Batches,
    /// Attempts of a background task (the writer reconnecting, a scheduled job).
    Attempts,
}

impl Refused {
    fn noun(self) -> &'static str {
        match self {
            Refused::Requests => "requests refused",
            Refused::Batches => "write batches failed",
            Refused::Attempts => "attempts failed",
        }
    }
}

struct Pending {
    since: Instant,
    repeats: u64,
}

fn summary(what: Refused, message: &str, p: &Pending, interval: Duration) -> Option<String> {
    (p.repeats > 0).then(|| {
        format!(
            "{message}: {} {} in the last {} s",
            thousands(p.repeats + 1),
            what.noun(),
            interval.as_secs()
        )
    })
}

#[derive(Default)]
struct Counts {
    pending: HashMap<(Refused, String), Pending>,
    /// Summaries of intervals that a new occurrence ended before [`Repeats::ended`] ran.
    ended: Vec<String>,
}

/// The counts of the errors seen in their current interval. One per process ([`global`]);
/// tests make their own.
pub struct Repeats {
    counts: Mutex<Counts>,
    interval: Duration,
}

/// What [`Repeats::seen`] decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// First in its interval: log it now.
    Log,
    /// A repeat: counted for the summary.
    Counted,
}

impl Repeats {
    pub fn new(interval: Duration) -> Self {
        Repeats {
            counts: Mutex::new(Counts::default()),
            interval,
        }
    }

    /// Records one occurrence of `message` at `now`.
    pub fn seen(&self, what: Refused, message: &str, now: Instant) -> Verdict {
        let Ok(mut counts) = self.counts.lock() else {
            return Verdict::Log;
        };
        let counts = &mut *counts;
        let key = (what, message.to_owned());
        if let Some(p) = counts.pending.get_mut(&key) {
            if now.duration_since(p.since) < self.interval {
                p.repeats += 1;
                return Verdict::Counted;
            }
            counts
                .ended
                .extend(summary(what, message, p, self.interval));
        } else if counts.pending.len() >= DISTINCT {
            return Verdict::Log;
        }
        counts.pending.insert(
            key,
            Pending {
                since: now,
                repeats: 0,
            },
        );
        Verdict::Log
    }

    /// Takes the summaries of the intervals ended by `now` (each error with the repeats it
    /// had), forgetting them so that the error's next occurrence is logged again.
    pub fn ended(&self, now: Instant) -> Vec<String> {
        let Ok(mut counts) = self.counts.lock() else {
            return Vec::new();
        };
        let counts = &mut *counts;
        let mut lines = std::mem::take(&mut counts.ended);
        let interval = self.interval;
        counts.pending.retain(|(what, message), p| {
            if now.duration_since(p.since) < interval {
                return true;
            }
            lines.extend(summary(*what, message, p, interval));
            false
        });
        lines
    }
}

/// `20829` as `20,829`, as the operator reads counts.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The process's counts, with a thread that writes each summary when its interval ends.
fn global() -> &'static Repeats {
    static GLOBAL: OnceLock<Repeats> = OnceLock::new();
    GLOBAL.get_or_init(|| {
        // The summaries must come even when the errors stop (the last interval of a flood).
        let spawned = std::thread::Builder::new()
            .name("tongban-log-repeats".into())
            .spawn(|| loop {
                std::thread::sleep(Duration::from_secs(1));
                for line in global().ended(Instant::now()) {
                    tracing::error!(repeated = true, "{line}");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "repeated errors will not be summed up");
        }
        Repeats::new(INTERVAL)
    })
}

/// Logs `message` at ERROR unless it was logged less than [`INTERVAL`] ago; repeats are
/// summed up in one line when the interval ends.
pub fn error(what: Refused, message: &str) {
    if global().seen(what, message, Instant::now()) == Verdict::Log {
        tracing::error!("{message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_one_line_and_a_count() {
        let r = Repeats::new(INTERVAL);
        let t0 = Instant::now();
        assert_eq!(
            r.seen(Refused::Requests, "database or disk is full", t0),
            Verdict::Log
        );
        for i in 1..20_829u64 {
            let at = t0 + Duration::from_micros(i * 400);
            assert_eq!(
                r.seen(Refused::Requests, "database or disk is full", at),
                Verdict::Counted
            );
        }
        assert!(
            r.ended(t0 + Duration::from_secs(9)).is_empty(),
            "not before the interval ends"
        );
        assert_eq!(
            r.ended(t0 + INTERVAL),
            vec!["database or disk is full: 20,829 requests refused in the last 10 s".to_owned()]
        );
        assert!(r.ended(t0 + INTERVAL * 2).is_empty(), "summed up once");
        // After its interval, the error is news again.
        assert_eq!(
            r.seen(
                Refused::Requests,
                "database or disk is full",
                t0 + INTERVAL * 2
            ),
            Verdict::Log
        );
    }

    #[test]
    fn a_single_error_has_no_summary_and_distinct_errors_each_log() {
        let r = Repeats::new(INTERVAL);
        let t0 = Instant::now();
        assert_eq!(r.seen(Refused::Requests, "a", t0), Verdict::Log);
        assert_eq!(r.seen(Refused::Batches, "a", t0), Verdict::Log);
        assert_eq!(r.seen(Refused::Requests, "b", t0), Verdict::Log);
        assert!(r.ended(t0 + INTERVAL).is_empty());
    }

    #[test]
    fn an_interval_that_ended_unsummed_starts_again_on_the_next_repeat() {
        let r = Repeats::new(INTERVAL);
        let t0 = Instant::now();
        r.seen(Refused::Requests, "x", t0);
        r.seen(Refused::Requests, "x", t0 + Duration::from_secs(1));
        assert_eq!(r.seen(Refused::Requests, "x", t0 + INTERVAL), Verdict::Log);
        assert_eq!(
            r.ended(t0 + INTERVAL),
            vec!["x: 2 requests refused in the last 10 s".to_owned()],
            "the interval's repeats are not lost"
        );
    }

    #[test]
    fn distinct_errors_beyond_the_bound_are_logged_each_time() {
        let r = Repeats::new(INTERVAL);
        let t0 = Instant::now();
        for i in 0..DISTINCT {
            r.seen(Refused::Requests, &i.to_string(), t0);
        }
        assert_eq!(r.seen(Refused::Requests, "new", t0), Verdict::Log);
        assert_eq!(r.seen(Refused::Requests, "new", t0), Verdict::Log);
    }

    #[test]
    fn counts_read_with_separators() {
        assert_eq!(thousands(1), "1");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(20_829), "20,829");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
