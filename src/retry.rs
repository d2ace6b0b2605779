//! [`RetryPolicy`]: which failed requests are sent again, and how long to wait.
//!
//! - `429`: wait `Retry-After` (whole seconds), then send again, whatever the method:
//!   the API did not process the request.
//! - `502`, `503`, `504`, timeouts and broken connections: exponential backoff with
//!   equal jitter (a random wait between half and all of the backoff), for `GET`, `PUT`
//!   and `DELETE` only.
//! - A `POST` (a create, a run) is sent again only when it provably was not processed:
//!   a `429`, or a connection that could not be opened. A create is never duplicated.
//! - Bounded by attempts and by total time; every retry is a `tracing` event.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// When and how often to send a failed request again.
///
/// ```
/// use std::time::Duration;
/// use integrator_io::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .token("my-api-token")
///     .retry(RetryPolicy::default().max_attempts(6).max_elapsed(Duration::from_secs(120)))
///     .build()?;
/// // One call without retries, sharing the connection pool and the rate limiter:
/// let once = client.with_retry(RetryPolicy::none());
/// # Ok::<(), integrator_io::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Up to 4 attempts, backoff from 200 ms doubling to at most 10 s, at most 60 s in
    /// all, and a `Retry-After` of at most 60 s honoured.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// How many times a request may be sent in all (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff; each later one doubles, up to [`max_backoff`](Self::max_backoff).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest single backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The most time a request may spend, waits included, before its last failure is
    /// returned instead of another wait.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The longest `Retry-After` waited for; a longer one is returned to the caller as
    /// [`Error::RateLimited`](crate::Error::RateLimited).
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether, and after how long, to send again after `attempt` (1-based) ended in
    /// `outcome`, `elapsed` after the first attempt started.
    pub(crate) fn decide(
        &self,
        method: &Method,
        outcome: Outcome,
        attempt: u32,
        elapsed: Duration,
    ) -> Option<(Duration, &'static str)> {
        if attempt >= self.max_attempts {
            return None;
        }
        let idempotent = idempotent(method);
        let (wait, reason) = match outcome {
            Outcome::Status(StatusCode::TOO_MANY_REQUESTS, retry_after) => {
                let wait = match retry_after {
                    Some(wait) if wait > self.max_retry_after => return None,
                    Some(wait) => wait,
                    None => self.backoff(attempt),
                };
                (wait, "rate limited (429)")
            }
            Outcome::Status(status, _)
                if idempotent
                    && matches!(
                        status,
                        StatusCode::BAD_GATEWAY
                            | StatusCode::SERVICE_UNAVAILABLE
                            | StatusCode::GATEWAY_TIMEOUT
                    ) =>
            {
                (self.backoff(attempt), "server unavailable (502/503/504)")
            }
            Outcome::Status(..) => return None,
            Outcome::NotConnected => (self.backoff(attempt), "connection failed"),
            Outcome::Broken if idempotent => {
                (self.backoff(attempt), "timeout or broken connection")
            }
            Outcome::Broken => return None,
        };
        // Checked: a server may send any `Retry-After`, and a wait the clock cannot
        // represent is not waited for.
        let fits = elapsed
            .checked_add(wait)
            .is_some_and(|total| total <= self.max_elapsed)
            && std::time::Instant::now().checked_add(wait).is_some();
        fits.then_some((wait, reason))
    }

    /// Whether a connection that breaks during `method`'s attempt `attempt` could be
    /// retried (time allowing).
    pub(crate) fn retries_broken(&self, method: &Method, attempt: u32) -> bool {
        attempt < self.max_attempts && idempotent(method)
    }

    /// Exponential backoff with "equal jitter": a random wait between half and all of
    /// `initial * 2^(n-1)`, capped at `max_backoff`. Never panics, whatever the settings.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max_backoff);
        let half = ceiling / 2;
        half.saturating_add(
            Duration::try_from_secs_f64(half.as_secs_f64() * fastrand::f64()).unwrap_or(half),
        )
    }
}

/// Methods whose request can be sent twice with the effect of once.
fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD
    )
}

/// How one attempt ended, as far as retrying goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Outcome {
    /// An answer with this status, and its `Retry-After`.
    Status(StatusCode, Option<Duration>),
    /// The connection could not be opened: nothing was sent.
    NotConnected,
    /// A timeout or a connection that broke after the request may have been sent.
    Broken,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn retries_broken_agrees_with_decide() {
        let policy = RetryPolicy::default().max_attempts(3);
        for method in [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::POST,
            Method::PATCH,
        ] {
            for attempt in 1..=4 {
                let decided = policy
                    .decide(&method, Outcome::Broken, attempt, Duration::ZERO)
                    .is_some();
                assert_eq!(
                    policy.retries_broken(&method, attempt),
                    decided,
                    "{method} attempt {attempt}"
                );
            }
        }
        assert!(!RetryPolicy::none().retries_broken(&Method::GET, 1));
    }

    #[test]
    fn posts_are_retried_only_when_not_processed() {
        let policy = RetryPolicy::default();
        let post = Method::POST;
        assert!(policy
            .decide(
                &post,
                Outcome::Status(StatusCode::TOO_MANY_REQUESTS, Some(SECOND)),
                1,
                Duration::ZERO
            )
            .is_some());
        assert!(policy
            .decide(&post, Outcome::NotConnected, 1, Duration::ZERO)
            .is_some());
        assert!(policy
            .decide(&post, Outcome::Broken, 1, Duration::ZERO)
            .is_none());
        assert!(policy
            .decide(
                &post,
                Outcome::Status(StatusCode::SERVICE_UNAVAILABLE, None),
                1,
                Duration::ZERO
            )
            .is_none());
        assert!(policy
            .decide(
                &Method::PUT,
                Outcome::Status(StatusCode::SERVICE_UNAVAILABLE, None),
                1,
                Duration::ZERO
            )
            .is_some());
    }

    #[test]
    fn bounded_by_attempts_time_and_retry_after() {
        let policy = RetryPolicy::default()
            .max_attempts(2)
            .max_elapsed(10 * SECOND);
        let get = Method::GET;
        let busy = Outcome::Status(StatusCode::BAD_GATEWAY, None);
        assert!(policy.decide(&get, busy, 1, Duration::ZERO).is_some());
        assert!(policy.decide(&get, busy, 2, Duration::ZERO).is_none());
        let limited = |s| Outcome::Status(StatusCode::TOO_MANY_REQUESTS, Some(s));
        assert_eq!(
            policy
                .decide(&get, limited(3 * SECOND), 1, Duration::ZERO)
                .map(|d| d.0),
            Some(3 * SECOND)
        );
        assert!(policy
            .decide(&get, limited(3 * SECOND), 1, 8 * SECOND)
            .is_none());
        assert!(policy
            .decide(&get, limited(120 * SECOND), 1, Duration::ZERO)
            .is_none());
        assert!(RetryPolicy::none()
            .decide(&get, busy, 1, Duration::ZERO)
            .is_none());
        assert!(policy
            .decide(
                &get,
                Outcome::Status(StatusCode::INTERNAL_SERVER_ERROR, None),
                1,
                Duration::ZERO
            )
            .is_none());
    }

    #[test]
    fn no_setting_or_retry_after_overflows() {
        let permissive = RetryPolicy::default()
            .max_attempts(u32::MAX)
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .max_elapsed(Duration::MAX)
            .max_retry_after(Duration::MAX);
        let huge = Duration::from_secs(u64::MAX);
        for attempt in [1, 2, 33, u32::MAX - 1] {
            let limited = Outcome::Status(StatusCode::TOO_MANY_REQUESTS, Some(huge));
            assert!(permissive
                .decide(&Method::GET, limited, attempt, Duration::from_secs(5))
                .is_none());
            // The backoff itself is capped at what the clock can hold, not a panic.
            let _ = permissive.decide(&Method::GET, Outcome::Broken, attempt, huge);
            let _ = permissive.backoff(attempt);
        }
        assert!(RetryPolicy::default().backoff(0) <= Duration::from_millis(200));
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(150) && third <= Duration::from_millis(300));
        }
    }
}
