//! Per-client rate limits (governor) for the routes anyone can call without an account: the
//! public status query, evaluations and complaints. With 10-character query codes from a
//! 31-letter alphabet (about 49 bits) and 30 guesses a minute, finding one code takes longer
//! than the age of the universe.

use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use tongban_app::Code;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::problem::{Problem, Text};

/// Requests a minute per client address, and the burst allowed at once.
pub const PER_MINUTE: u32 = 30;
const BURST: u32 = 10;
/// Forget idle clients once this many are remembered.
const REMEMBERED: usize = 10_000;

pub struct RateLimit {
    /// `None`: no limit (`serve --public-rate-limit 0`, for load tests from one address).
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::per_minute(PER_MINUTE)
    }
}

impl RateLimit {
    /// `per_minute` requests a minute per client (bursts of up to 10); 0 turns the limit off.
    pub fn per_minute(per_minute: u32) -> Self {
        let limiter = NonZeroU32::new(per_minute).map(|rate| {
            let burst = NonZeroU32::new(BURST.min(per_minute)).unwrap_or(NonZeroU32::MIN);
            RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))
        });
        RateLimit { limiter }
    }

    /// Counts one request of the client of `req`; 429 with `Retry-After` when over the limit.
    /// The client is its address as [`crate::state::AppState::client_ip`] finds it.
    pub fn check(&self, req: &HttpRequest) -> Result<(), Problem> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if limiter.len() > REMEMBERED {
            limiter.retain_recent();
        }
        let ip = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .and_then(|s| s.client_ip(req))
            .or_else(|| req.peer_addr().map(|a| a.ip()))
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1);
            let mut p = Problem::new(
                Code::RateLimited,
                Text::new("请求过于频繁", "Too many requests"),
                Text::new(
                    format!("查询过于频繁，请 {wait} 秒后再试。"),
                    format!("Too many requests; retry in {wait} seconds."),
                ),
            );
            p.retry_after = Some(wait);
            p
        })
    }
}
