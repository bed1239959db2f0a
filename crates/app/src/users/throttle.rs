//! Sign-in throttling: failed passwords slow further tries down, per account and address,
//! per address over all accounts, and per account over all addresses, with delays that grow
//! and end. A victim is never locked out for good: an attacker elsewhere can hold one
//! account back by at most [`ACCOUNT_CAP`] at a time. The failures live in the database, so
//! every process behind a balancer counts the same tries.

use std::net::IpAddr;

use tongban_store::sign_in_failures::{self as store, SignInFailure};

use crate::error::AppResult;
use crate::App;

/// Failures allowed before delays start, for one account from one address.
const FREE_PAIR: i64 = 5;
/// The same for one address over all accounts (guessing many usernames).
const FREE_ADDRESS: i64 = 20;
/// The same for one account over all addresses (a distributed guess).
const FREE_ACCOUNT: i64 = 10;
/// The longest delay of a pair or an address, in seconds.
const CAP: i64 = 15 * 60;
/// The longest delay one account gets from failures elsewhere, in seconds.
pub const ACCOUNT_CAP: i64 = 30;
/// Failures older than this are forgotten, in seconds.
const MEMORY: i64 = 24 * 3600;

/// One more failure of a key with `free` tries and delays up to `cap`.
fn fail(record: Option<&SignInFailure>, key: &str, now: i64, free: i64, cap: i64) -> SignInFailure {
    let mut r = match record {
        Some(r) if now - r.last_at <= MEMORY => r.clone(),
        _ => SignInFailure {
            key: key.to_owned(),
            failures: 0,
            blocked_until: 0,
            last_at: now,
        },
    };
    r.failures += 1;
    r.last_at = now;
    if r.failures > free {
        let doubling = (r.failures - free - 1).min(20);
        r.blocked_until = now + (1i64 << doubling).min(cap);
    }
    r
}

fn keys(username: &str, from: Option<IpAddr>) -> [(String, i64, i64); 3] {
    let user = username.trim().to_lowercase();
    let addr = from.map_or_else(|| "-".to_owned(), |a| a.to_string());
    [
        (format!("pair:{user}:{addr}"), FREE_PAIR, CAP),
        (format!("addr:{addr}"), FREE_ADDRESS, CAP),
        (format!("user:{user}"), FREE_ACCOUNT, ACCOUNT_CAP),
    ]
}

fn names(username: &str, from: Option<IpAddr>) -> Vec<String> {
    keys(username, from).into_iter().map(|k| k.0).collect()
}

/// What the throttle knows of one try before the password is checked.
#[derive(Debug, Default)]
pub struct Looked {
    /// Seconds to wait before trying again; `None` to go ahead.
    pub wait: Option<u64>,
    /// Whether the account has failures to clear when the password is right.
    pub account_failed: bool,
}

/// What `records` (those of `username` from `from`) say of a try at `now`.
pub fn looked(records: &[SignInFailure], username: &str, from: Option<IpAddr>, now: i64) -> Looked {
    let [pair, _, user] = keys(username, from);
    Looked {
        wait: records
            .iter()
            .map(|r| r.blocked_until - now)
            .filter(|w| *w > 0)
            .max()
            .map(|w| w as u64),
        account_failed: records.iter().any(|r| r.key == pair.0 || r.key == user.0),
    }
}

pub async fn look(app: &App, username: &str, from: Option<IpAddr>, now: i64) -> AppResult<Looked> {
    let keys = names(username, from);
    let records = app
        .store
        .read(move |conn| store::get_many(conn, &keys))
        .await?;
    Ok(looked(&records, username, from, now))
}

/// Records a wrong password, and forgets failures a day old (an indexed delete).
pub async fn failed(app: &App, username: &str, from: Option<IpAddr>, now: i64) -> AppResult<()> {
    let keys = keys(username, from);
    app.store
        .write(move |conn| {
            let names: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
            let before = store::get_many(conn, &names)?;
            for (key, free, cap) in &keys {
                let old = before.iter().find(|r| &r.key == key);
                store::put(conn, &fail(old, key, now, *free, *cap))?;
            }
            store::forget_before(conn, now - MEMORY)?;
            Ok(())
        })
        .await?;
    Ok(())
}

/// A right password clears the account's own records (not its address's).
pub async fn succeeded(app: &App, username: &str, from: Option<IpAddr>) -> AppResult<()> {
    let [pair, _, user] = keys(username, from);
    let clear = vec![pair.0, user.0];
    app.store
        .write(move |conn| store::delete(conn, &clear))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records after `n` failures at `now`, as the store would hold them.
    fn after(records: &mut Vec<SignInFailure>, username: &str, from: Option<IpAddr>, now: i64) {
        for (key, free, cap) in keys(username, from) {
            let new = fail(records.iter().find(|r| r.key == key), &key, now, free, cap);
            records.retain(|r| r.key != key);
            records.push(new);
        }
    }

    fn relevant(
        records: &[SignInFailure],
        username: &str,
        from: Option<IpAddr>,
    ) -> Vec<SignInFailure> {
        let names = names(username, from);
        records
            .iter()
            .filter(|r| names.contains(&r.key))
            .cloned()
            .collect()
    }

    #[test]
    fn delays_start_after_the_free_tries_grow_and_end() {
        let mut all = Vec::new();
        let from: Option<IpAddr> = "203.0.113.9".parse().ok();
        let wait = |all: &Vec<SignInFailure>, user: &str, from, now| {
            looked(&relevant(all, user, from), user, from, now).wait
        };
        for _ in 0..FREE_PAIR {
            after(&mut all, "admin", from, 1000);
        }
        assert_eq!(wait(&all, "admin", from, 1000), None);
        after(&mut all, "admin", from, 1000);
        assert_eq!(wait(&all, "admin", from, 1000), Some(1));
        after(&mut all, "admin", from, 1001);
        assert_eq!(wait(&all, "admin", from, 1001), Some(2));
        for _ in 0..30 {
            after(&mut all, "admin", from, 2000);
        }
        assert_eq!(wait(&all, "admin", from, 2000), Some(CAP as u64));
        assert_eq!(wait(&all, "admin", from, 2000 + CAP), None, "it ends");
        // From elsewhere the account waits at most the account cap.
        let other: Option<IpAddr> = "198.51.100.7".parse().ok();
        let w = wait(&all, "ADMIN", other, 2000).unwrap_or(0);
        assert!(w as i64 <= ACCOUNT_CAP, "{w}");
        assert!(looked(&relevant(&all, "admin", other), "admin", other, 2000).account_failed);
        // A day later it starts again from nothing.
        after(&mut all, "admin", from, 2000 + MEMORY + 1);
        assert_eq!(wait(&all, "admin", from, 2000 + MEMORY + 1), None);
    }
}
