//! Ids (24 lowercase hex characters, like MongoDB ObjectIds; 32 for retry data keys),
//! timestamps (ISO-8601 UTC with milliseconds) and a small random source.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};

/// Makes ids and random numbers; shared by every request.
#[derive(Debug)]
pub(crate) struct Ids {
    machine: u64,
    counter: AtomicU64,
    random: AtomicU64,
}

impl Ids {
    /// A source seeded from the process's random hasher keys and the clock.
    pub(crate) fn new() -> Ids {
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
        let seed = RandomState::new().hash_one(nanos);
        Ids {
            machine: seed >> 24,
            counter: AtomicU64::new(seed & 0xff_ffff),
            random: AtomicU64::new(seed | 1),
        }
    }

    /// A new id: 8 hex digits of seconds, 10 of this process, 6 of a counter.
    pub(crate) fn object_id(&self) -> String {
        let secs = Utc::now().timestamp() as u64 & 0xffff_ffff;
        let count = self.counter.fetch_add(1, Ordering::Relaxed) & 0xff_ffff;
        format!(
            "{secs:08x}{:010x}{count:06x}",
            self.machine & 0xff_ffff_ffff
        )
    }

    /// A new 32-hex-digit key (retry data keys, search ids).
    pub(crate) fn key32(&self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    /// A random number (xorshift64*).
    pub(crate) fn next_u64(&self) -> u64 {
        let step = |mut x: u64| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x
        };
        let previous = self
            .random
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(step(x)))
            .unwrap_or(1);
        step(previous).wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A random number in `[0, 1)`.
    pub(crate) fn next_f64(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Now, as the API writes it (`2017-11-28T19:37:04.180Z`).
pub(crate) fn now() -> String {
    iso(Utc::now())
}

/// A time as the API writes it.
pub(crate) fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a time filter: ISO-8601, or epoch milliseconds.
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(ms) = text.parse::<i64>() {
        return DateTime::from_timestamp_millis(ms);
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
