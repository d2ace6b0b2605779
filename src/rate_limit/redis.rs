//! The bucket in Redis: one script call per request reserves the request's turn on
//! Redis's clock and answers how long to wait; a `429` pauses every process of the
//! account. Redis out of reach or too slow never holds a request longer than the
//! configured timeout: the fail mode decides, and the connection is tried again at most
//! every `reconnect_every`.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Script};
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};

use super::local::LocalLimiter;
use super::redis_config::{redacted, RedisFailMode, RedisRateLimit};
use super::{RateLimit, Refused};

/// A wait longer than this from Redis is taken as a broken answer, not obeyed.
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// The longest pause a `429` imposes on the account (a longer `Retry-After` is cut).
const MAX_PAUSE: Duration = Duration::from_secs(15 * 60);

/// Who the bucket belongs to, when no key was configured: asked of `GET /tokenInfo`
/// once, on the first request.
pub(crate) struct AccountSource {
    /// The API's host (and port), standing for the region.
    pub(crate) region: String,
    /// The client's default `Integrator-AShareId`.
    pub(crate) ashare_id: Option<HeaderValue>,
    /// The client's HTTP client (its timeouts, its pool).
    pub(crate) http: reqwest::Client,
    /// `<base URL>/tokenInfo`.
    pub(crate) token_info_url: String,
    /// The `Authorization` header.
    pub(crate) authorization: HeaderValue,
}

/// The Redis keys of one account's bucket; the `{…}` hash tag keeps both in one
/// cluster slot.
#[derive(Debug)]
struct Keys {
    tat: String,
    pause: String,
}

impl Keys {
    fn new(region: &str, account: &str) -> Keys {
        let base = format!(
            "integrator-io:ratelimit:{{{}|{}}}",
            key_part(region),
            key_part(account)
        );
        Keys {
            tat: format!("{base}:tat"),
            pause: format!("{base}:pause"),
        }
    }
}

/// A key component with only `[A-Za-z0-9._:@-]` (others become `_`), at most 200 bytes.
fn key_part(text: &str) -> String {
    text.chars()
        .take(200)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._:@-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The connection and when it may be tried again after a failure.
#[derive(Default)]
struct Connection {
    open: Option<MultiplexedConnection>,
    retry_at: Option<Instant>,
}

/// One client's handle on the shared bucket (shared by its clones).
pub(crate) struct SharedLimiter {
    client: redis::Client,
    connection_config: AsyncConnectionConfig,
    connection: tokio::sync::Mutex<Connection>,
    keys: OnceLock<Keys>,
    /// When a failed derivation of the account may be tried again.
    deriving: tokio::sync::Mutex<Option<Instant>>,
    account: Option<AccountSource>,
    region: String,
    acquire: Script,
    pause: Script,
    interval_us: String,
    burst: u32,
    fail_mode: RedisFailMode,
    timeout: Duration,
    reconnect_every: Duration,
    /// The URL's password, scrubbed from every message.
    secrets: Vec<String>,
    /// The URL with its password redacted, for messages.
    shown_url: String,
    /// True from a failure until Redis answers again: one warning per outage.
    out_of_reach: AtomicBool,
    /// True when the request that derived the account is yet to be counted in Redis.
    unmetered: AtomicBool,
}

impl SharedLimiter {
    /// A limiter of `limit`'s shape in the Redis `config` names, keyed by its key or by
    /// the account `account` describes. Nothing is contacted yet.
    pub(crate) fn new(
        limit: RateLimit,
        config: RedisRateLimit,
        account: AccountSource,
    ) -> Result<SharedLimiter, crate::Error> {
        let config = config.checked()?;
        let secrets = config.secrets();
        let shown_url = redacted(config.url());
        let client =
            redis::Client::open(config.url().as_str()).map_err(|e| crate::Error::Config {
                setting: "Redis URL",
                message: scrub(&format!("{shown_url}: {e}"), &secrets),
            })?;
        let timeout = config.configured_timeout();
        let keys = OnceLock::new();
        if let Some(key) = config.configured_key() {
            let _ = keys.set(Keys::new(&account.region, key));
        }
        let needs_account = keys.get().is_none();
        Ok(SharedLimiter {
            client,
            connection_config: AsyncConnectionConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout)),
            connection: tokio::sync::Mutex::new(Connection::default()),
            keys,
            deriving: tokio::sync::Mutex::new(None),
            region: account.region.clone(),
            account: needs_account.then_some(account),
            acquire: Script::new(include_str!("acquire.lua")),
            pause: Script::new(include_str!("pause.lua")),
            interval_us: format!("{:.3}", 1e6 / f64::from(limit.per_second())),
            burst: limit.burst(),
            fail_mode: config.configured_fail_mode(),
            timeout,
            reconnect_every: config.reconnect_interval(),
            secrets,
            shown_url,
            out_of_reach: AtomicBool::new(false),
            unmetered: AtomicBool::new(false),
        })
    }

    /// Waits for one request's turn in the shared bucket; when Redis cannot be used,
    /// waits on `local` (fail open) or refuses (fail closed).
    pub(crate) async fn acquire(&self, local: &LocalLimiter) -> Result<Duration, Refused> {
        let started = Instant::now();
        match self.reserve(local).await {
            Ok(wait) => {
                self.reached();
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                // Counted when it goes out: should Redis fail while requests granted
                // earlier are still waiting for their turn, the in-process fallback
                // leaves room for them.
                local.take_if_free();
                Ok(started.elapsed())
            }
            Err(problem) => {
                self.failed(&problem);
                match self.fail_mode {
                    RedisFailMode::Open => {
                        local.acquire().await;
                        Ok(started.elapsed())
                    }
                    RedisFailMode::Closed => Err(Refused(problem)),
                }
            }
        }
    }

    /// A `429`: pauses every process of the account for `retry_after` (1 s when
    /// unknown). A failure only counts toward the outage warning.
    pub(crate) async fn pause(&self, retry_after: Option<Duration>) {
        let Some(keys) = self.keys.get() else {
            return;
        };
        let pause = retry_after.unwrap_or(Duration::from_secs(1)).min(MAX_PAUSE);
        let call = async {
            let mut connection = self.connection().await?;
            self.pause
                .key(&keys.tat)
                .key(&keys.pause)
                .arg(&self.interval_us)
                .arg(self.burst)
                .arg(pause.as_micros() as u64)
                .invoke_async::<i64>(&mut connection)
                .await
                .map_err(|e| self.broken(self.call_failed("the pause script", &e)))
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(_)) => tracing::debug!(
                pause_ms = pause.as_millis() as u64,
                "paused every process of the account after a 429"
            ),
            Ok(Err(problem)) => self.failed(&problem),
            Err(_) => {
                let problem = self.broken(self.too_slow());
                self.failed(&problem);
            }
        }
    }

    /// Reserves the request's turn: the wait Redis answers.
    async fn reserve(&self, local: &LocalLimiter) -> Result<Duration, String> {
        let keys = self.keys(local).await?;
        let call = async {
            let mut connection = self.connection().await?;
            // The `GET /tokenInfo` that keyed the bucket went out on the in-process
            // limiter: it is counted in the shared bucket now (its wait is past).
            if self.unmetered.swap(false, Ordering::Relaxed) {
                let _ = self
                    .acquire
                    .key(&keys.tat)
                    .key(&keys.pause)
                    .arg(&self.interval_us)
                    .arg(self.burst)
                    .invoke_async::<i64>(&mut connection)
                    .await;
            }
            self.acquire
                .key(&keys.tat)
                .key(&keys.pause)
                .arg(&self.interval_us)
                .arg(self.burst)
                .invoke_async::<i64>(&mut connection)
                .await
                .map_err(|e| self.broken(self.call_failed("the rate-limit script", &e)))
        };
        let wait_us = match tokio::time::timeout(self.timeout, call).await {
            Ok(answer) => answer?,
            Err(_) => return Err(self.broken(self.too_slow())),
        };
        let wait = Duration::from_micros(u64::try_from(wait_us).unwrap_or(0));
        if wait > MAX_WAIT {
            return Err(format!(
                "Redis answered a wait of {} s, more than the {} s any bucket needs",
                wait.as_secs(),
                MAX_WAIT.as_secs()
            ));
        }
        Ok(wait)
    }

    /// The connection, opened if needed (at most once every `reconnect_every`).
    async fn connection(&self) -> Result<MultiplexedConnection, String> {
        let mut connection = self.connection.lock().await;
        if let Some(open) = &connection.open {
            return Ok(open.clone());
        }
        let now = Instant::now();
        if let Some(retry_at) = connection.retry_at {
            if now < retry_at {
                return Err(format!(
                    "Redis at {} was out of reach; trying again in {} ms",
                    self.shown_url,
                    (retry_at - now).as_millis()
                ));
            }
        }
        connection.retry_at = Some(now + self.reconnect_every);
        match self
            .client
            .get_multiplexed_async_connection_with_config(&self.connection_config)
            .await
        {
            Ok(open) => {
                connection.open = Some(open.clone());
                connection.retry_at = None;
                Ok(open)
            }
            Err(e) => Err(self.scrubbed(format!(
                "cannot connect to Redis at {}: {e}",
                self.shown_url
            ))),
        }
    }

    /// A call failed or took too long: the connection is dropped and tried again after
    /// `reconnect_every`. Answers `problem`, scrubbed.
    fn broken(&self, problem: String) -> String {
        if let Ok(mut connection) = self.connection.try_lock() {
            connection.open = None;
            connection.retry_at = Some(Instant::now() + self.reconnect_every);
        }
        // When the lock is busy, another task is opening a new connection right now.
        self.scrubbed(problem)
    }

    fn call_failed(&self, what: &str, e: &redis::RedisError) -> String {
        if e.is_timeout() {
            self.too_slow()
        } else {
            format!("{what} failed: {e}")
        }
    }

    fn too_slow(&self) -> String {
        format!(
            "Redis at {} did not answer within {} ms",
            self.shown_url,
            self.timeout.as_millis()
        )
    }

    /// The account's keys, derived from `GET /tokenInfo` on first use when none was
    /// configured (a failure is tried again after `reconnect_every`).
    async fn keys(&self, local: &LocalLimiter) -> Result<&Keys, String> {
        if let Some(keys) = self.keys.get() {
            return Ok(keys);
        }
        let mut retry_at = self.deriving.lock().await;
        if let Some(keys) = self.keys.get() {
            return Ok(keys);
        }
        let now = Instant::now();
        if let Some(at) = *retry_at {
            if now < at {
                return Err(
                    "the account's key could not be derived from GET /tokenInfo; \
                            trying again shortly"
                        .to_string(),
                );
            }
        }
        let Some(source) = &self.account else {
            return Err("no key and no way to derive one".to_string());
        };
        match derive_account(source, local).await {
            Ok(account) => {
                tracing::debug!(account = %account, "shared rate limit keyed by account");
                let _ = self.keys.set(Keys::new(&self.region, &account));
                self.unmetered.store(true, Ordering::Relaxed);
                *retry_at = None;
                self.keys
                    .get()
                    .ok_or_else(|| "the account's key was not kept".to_string())
            }
            Err(problem) => {
                *retry_at = Some(now + self.reconnect_every);
                Err(self.scrubbed(problem))
            }
        }
    }

    /// Redis answered: ends an outage (logged once).
    fn reached(&self) {
        if self.out_of_reach.swap(false, Ordering::Relaxed) {
            tracing::info!(redis = %self.shown_url, "the shared rate limiter in Redis answers again");
        }
    }

    /// Redis could not be used: the first failure of an outage is a warning, the
    /// others debug events.
    fn failed(&self, problem: &str) {
        let fallback = match self.fail_mode {
            RedisFailMode::Open => "falling back on the in-process limiter",
            RedisFailMode::Closed => "refusing requests (fail closed)",
        };
        if self.out_of_reach.swap(true, Ordering::Relaxed) {
            tracing::debug!(problem, "shared rate limiter still out of reach");
        } else {
            tracing::warn!(
                problem,
                "the shared rate limiter in Redis is out of reach; {fallback} until it answers"
            );
        }
    }

    fn scrubbed(&self, text: String) -> String {
        scrub(&text, &self.secrets)
    }
}

impl fmt::Debug for SharedLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedLimiter")
            .field("redis", &self.shown_url)
            .field("keys", &self.keys.get())
            .field("fail_mode", &self.fail_mode)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// `text` with every secret replaced.
fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_string(), |text, secret| {
        text.replace(secret.as_str(), "<redacted>")
    })
}

/// The account a token acts for: `user:<_userId>`, plus `:ashare:<id>` when the client
/// acts in an account share. The request draws from the in-process bucket.
async fn derive_account(source: &AccountSource, local: &LocalLimiter) -> Result<String, String> {
    local.acquire().await;
    let mut request = source
        .http
        .get(&source.token_info_url)
        .header(AUTHORIZATION, source.authorization.clone())
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(id) = &source.ashare_id {
        request = request.header(HeaderName::from_static("integrator-ashareid"), id.clone());
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("GET /tokenInfo (to key the shared rate limit) failed: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!(
            "GET /tokenInfo (to key the shared rate limit) answered HTTP {status}"
        ));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("GET /tokenInfo (to key the shared rate limit) failed: {e}"))?;
    let user = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("_userId")?.as_str().map(str::to_string))
        .filter(|id| !id.is_empty())
        .ok_or("GET /tokenInfo named no _userId to key the shared rate limit by")?;
    Ok(
        match source.ashare_id.as_ref().and_then(|v| v.to_str().ok()) {
            Some(share) => format!("user:{user}:ashare:{share}"),
            None => format!("user:{user}"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hold_only_safe_characters_and_one_hash_tag() {
        let keys = Keys::new("127.0.0.1:8080", "acme {prod}\n");
        assert_eq!(
            keys.tat,
            "integrator-io:ratelimit:{127.0.0.1:8080|acme__prod__}:tat"
        );
        assert_eq!(
            keys.pause,
            "integrator-io:ratelimit:{127.0.0.1:8080|acme__prod__}:pause"
        );
        assert_eq!(key_part(&"x".repeat(500)).len(), 200);
    }

    #[test]
    fn secrets_are_scrubbed() {
        let secrets = vec!["hunter2".to_string()];
        assert_eq!(
            scrub("auth hunter2 failed", &secrets),
            "auth <redacted> failed"
        );
    }
}
