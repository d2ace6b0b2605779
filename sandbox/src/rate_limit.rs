//! The documented leaky bucket (burst 1000, refilled at 300 per second) per token and
//! account, with `governor`'s GCRA, which is the same algorithm.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::reply::Reply;

/// A keyed leaky bucket.
pub(crate) struct Limiter {
    buckets: RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>,
    clock: DefaultClock,
}

impl Limiter {
    /// `burst` requests at once, refilled at `per_second`; `None` when either is zero.
    pub(crate) fn new(burst: u32, per_second: u32) -> Option<Limiter> {
        let quota =
            Quota::per_second(NonZeroU32::new(per_second)?).allow_burst(NonZeroU32::new(burst)?);
        let clock = DefaultClock::default();
        Some(Limiter {
            buckets: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
        })
    }

    /// Takes one request from `key`'s bucket, or answers `429` with `Retry-After`.
    pub(crate) fn check(&self, key: &str) -> Result<(), Reply> {
        match self.buckets.check_key(&key.to_string()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let seconds = whole_seconds(wait);
                Err(Reply::error(
                    429,
                    "rate_limited",
                    format!(
                        "Too many requests: the rate limit is exhausted; retry in {seconds} s."
                    ),
                )
                .with_header("retry-after", seconds.to_string()))
            }
        }
    }
}

/// A wait rounded up to whole seconds, at least 1.
fn whole_seconds(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}
