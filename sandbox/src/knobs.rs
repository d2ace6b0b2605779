//! Knobs for tests: added latency and injected server errors.

use std::time::Duration;

use super::ids::Ids;
use super::reply::Reply;

/// The latency and error-rate settings.
#[derive(Debug)]
pub(crate) struct Knobs {
    latency: Duration,
    error_rate: f64,
}

impl Knobs {
    /// Knobs with these settings.
    pub(crate) fn new(latency: Duration, error_rate: f64) -> Knobs {
        Knobs {
            latency,
            error_rate,
        }
    }

    /// Waits the configured latency.
    pub(crate) async fn delay(&self) {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }

    /// An injected `500` or `503`, as often as the error rate says.
    pub(crate) fn injected_error(&self, ids: &Ids) -> Option<Reply> {
        if self.error_rate <= 0.0 || ids.next_f64() >= self.error_rate {
            return None;
        }
        Some(if ids.next_u64().is_multiple_of(2) {
            Reply::error(
                500,
                "internal_error",
                "An injected internal error (sandbox error rate).",
            )
        } else {
            Reply::error(
                503,
                "service_unavailable",
                "An injected unavailability (sandbox error rate).",
            )
        })
    }
}
