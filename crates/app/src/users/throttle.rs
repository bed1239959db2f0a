//! Sign-in throttling: failed passwords slow further tries down, per account and address,
//! per address over all accounts, and per account over all addresses, with delays that grow
//! and end. A victim is never locked out for good: an attacker elsewhere can hold one
//! account back by at most [`ACCOUNT_CAP`] at a time. Kept in the process (a restart forgets
//! it), like the public rate limits.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failures allowed before delays start, for one account from one address.
const FREE_PAIR: u32 = 5;
/// The same for one address over all accounts (guessing many usernames).
const FREE_ADDRESS: u32 = 20;
/// The same for one account over all addresses (a distributed guess).
const FREE_ACCOUNT: u32 = 10;
/// The longest delay of a pair or an address, in seconds.
const CAP: i64 = 15 * 60;
/// The longest delay one account gets from failures elsewhere, in seconds.
pub const ACCOUNT_CAP: i64 = 30;
/// Failures older than this are forgotten, in seconds.
const MEMORY: i64 = 24 * 3600;

#[derive(Debug, Default, Clone, Copy)]
struct Record {
    failures: u32,
    /// Unix seconds before which no try is taken.
    until: i64,
    last: i64,
}

impl Record {
    fn fail(&mut self, now: i64, free: u32, cap: i64) {
        if now - self.last > MEMORY {
            *self = Record::default();
        }
        self.failures += 1;
        self.last = now;
        if self.failures > free {
            let doubling = (self.failures - free - 1).min(20);
            self.until = now + (1i64 << doubling).min(cap);
        }
    }
}

#[derive(Debug, Default)]
pub struct SignInThrottle {
    records: Mutex<HashMap<String, Record>>,
}

fn keys(username: &str, from: Option<IpAddr>) -> [(String, u32, i64); 3] {
    let user = username.trim().to_lowercase();
    let addr = from.map_or_else(|| "-".to_owned(), |a| a.to_string());
    [
        (format!("pair:{user}:{addr}"), FREE_PAIR, CAP),
        (format!("addr:{addr}"), FREE_ADDRESS, CAP),
        (format!("user:{user}"), FREE_ACCOUNT, ACCOUNT_CAP),
    ]
}

impl SignInThrottle {
    /// Seconds to wait before `username` may try again from `from`; `None` to go ahead.
    pub fn wait(&self, username: &str, from: Option<IpAddr>, now: i64) -> Option<u64> {
        let records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        keys(username, from)
            .iter()
            .filter_map(|(k, _, _)| records.get(k))
            .map(|r| r.until - now)
            .filter(|w| *w > 0)
            .max()
            .map(|w| w as u64)
    }

    pub fn failed(&self, username: &str, from: Option<IpAddr>, now: i64) {
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        if records.len() > 100_000 {
            // Never more memory than that: old records go first.
            records.retain(|_, r| now - r.last <= 3600);
        }
        for (k, free, cap) in keys(username, from) {
            records.entry(k).or_default().fail(now, free, cap);
        }
    }

    /// A right password clears the account's own records (not its address's).
    pub fn succeeded(&self, username: &str, from: Option<IpAddr>) {
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        let [pair, _, user] = keys(username, from);
        records.remove(&pair.0);
        records.remove(&user.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_tries_grow_and_end() {
        let t = SignInThrottle::default();
        let from: Option<IpAddr> = "203.0.113.9".parse().ok();
        for _ in 0..FREE_PAIR {
            t.failed("admin", from, 1000);
        }
        assert_eq!(t.wait("admin", from, 1000), None);
        t.failed("admin", from, 1000);
        assert_eq!(t.wait("admin", from, 1000), Some(1));
        t.failed("admin", from, 1001);
        assert_eq!(t.wait("admin", from, 1001), Some(2));
        for _ in 0..30 {
            t.failed("admin", from, 2000);
        }
        assert_eq!(t.wait("admin", from, 2000), Some(CAP as u64));
        assert_eq!(t.wait("admin", from, 2000 + CAP), None, "it ends");
        // From elsewhere the account waits at most the account cap.
        let other: Option<IpAddr> = "198.51.100.7".parse().ok();
        let w = t.wait("ADMIN", other, 2000).unwrap_or(0);
        assert!(w as i64 <= ACCOUNT_CAP, "{w}");
        t.succeeded("admin", other);
        assert_eq!(t.wait("admin", other, 2000), None);
    }
}
