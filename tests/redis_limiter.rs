//! The rate limit shared through Redis (the `redis` feature), against a real
//! `redis-server` each test starts on a free loopback port, and the sandbox enforcing a
//! scaled bucket. Timing bounds are lower bounds or generous upper ones; the sandbox's
//! own counters (`Sandbox::stats`) are the measure.
//!
//! `cargo test --features redis --test redis_limiter` (needs `redis-server`;
//! without it the tests are skipped locally and fail in CI).

mod redis_support;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures::StreamExt;
use integrator_io::{
    Client, ClientBuilder, Error, RateLimit, RedisFailMode, RedisRateLimit, RetryPolicy,
};
use integrator_io_sandbox::Sandbox;
use redis_support::{free_port, required, RedisServer};

/// Sends `count` `GET /tokenInfo` from `tasks` tasks; answers the errors.
async fn send(client: &Client, count: usize, tasks: usize) -> Vec<Error> {
    futures::stream::iter(0..count)
        .map(|_| {
            let client = client.clone();
            async move { client.get_token_info().send().await.err() }
        })
        .buffer_unordered(tasks)
        .filter_map(futures::future::ready)
        .collect()
        .await
}

/// A sandbox with the documented bucket (burst 1000, 300 a second).
async fn documented_sandbox() -> Sandbox {
    Sandbox::builder()
        .rate_limit(1000, 300)
        .start()
        .await
        .unwrap()
}

/// A sandbox client without retries (a `429` is an error, counted), limited to `limit`,
/// sharing it through `redis`.
fn shared_client(sandbox: &Sandbox, limit: RateLimit, redis: RedisRateLimit) -> Client {
    sandbox
        .client_builder()
        .retry(RetryPolicy::none())
        .rate_limit(limit)
        .redis_rate_limit(redis)
        .build()
        .unwrap()
}

/// A redis config that reconnects quickly, for the fault tests.
fn quick(url: &str) -> RedisRateLimit {
    RedisRateLimit::new(url)
        .unwrap()
        .timeout(Duration::from_millis(200))
        .reconnect_every(Duration::from_millis(200))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_sharing_a_key_stay_within_the_bucket() {
    let Some(()) = required() else { return };
    let redis = RedisServer::start();
    // The sandbox's bucket: 20 at once, 50/s. The clients' shared limit holds 4 back
    // (80 ms) for the skew between the sandbox's clock and Redis's, as the default
    // holds 10 of 1000.
    let limit = RateLimit::new(16, 50).unwrap();
    let sandbox = Sandbox::builder().rate_limit(20, 50).start().await.unwrap();
    let config = RedisRateLimit::new(&redis.url()).unwrap().key("acct-1");
    let a = shared_client(&sandbox, limit, config.clone());
    let b = shared_client(&sandbox, limit, config);
    let started = Instant::now();
    let (errors_a, errors_b) = tokio::join!(send(&a, 60, 8), send(&b, 60, 8));
    let wall = started.elapsed();
    let stats = sandbox.stats();
    assert!(
        errors_a.is_empty() && errors_b.is_empty(),
        "{errors_a:?} {errors_b:?}"
    );
    assert_eq!(stats.requests, 120, "{stats:?}");
    assert_eq!(stats.rate_limited, 0, "the shared bucket let a 429 through");
    // 120 requests, 16 at once, then 50/s: at least (120 - 16) / 50 = 2.08 s.
    assert!(wall >= Duration::from_millis(1900), "{wall:?}: not limited");

    // The same two clients with a limiter each overrun the account at once.
    let sandbox = Sandbox::builder().rate_limit(20, 50).start().await.unwrap();
    let alone = |s: &Sandbox| {
        s.client_builder()
            .retry(RetryPolicy::none())
            .rate_limit(limit)
            .build()
            .unwrap()
    };
    let (a, b) = (alone(&sandbox), alone(&sandbox));
    let (errors_a, errors_b) = tokio::join!(send(&a, 30, 8), send(&b, 30, 8));
    let refused = sandbox.stats().rate_limited;
    assert!(refused > 0, "in-process limiters alone got no 429");
    assert_eq!(refused as usize, errors_a.len() + errors_b.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_one_client_pauses_the_other() {
    let Some(()) = required() else { return };
    let redis = RedisServer::start();
    // 2 at once, 1 per second: the third request in a row is refused, `Retry-After: 1`.
    let sandbox = Sandbox::builder().rate_limit(2, 1).start().await.unwrap();
    // A client limit far above the sandbox's: only the pause can hold the other back.
    let limit = RateLimit::new(1000, 1000).unwrap();
    let config = RedisRateLimit::new(&redis.url()).unwrap().key("acct-429");
    let a = shared_client(&sandbox, limit, config.clone());
    let b = shared_client(&sandbox, limit, config);
    for _ in 0..2 {
        a.get_token_info().send().await.unwrap();
    }
    let refused = a.get_token_info().send().await.unwrap_err();
    assert!(
        matches!(refused, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(1)),
        "{refused:?}"
    );
    assert_eq!(redis.keys("*acct-429*:pause").len(), 1, "no pause in Redis");
    let started = Instant::now();
    b.get_token_info().send().await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(700),
        "the other client did not pause: it sent after {waited:?}"
    );
    assert_eq!(
        sandbox.stats().rate_limited,
        1,
        "the other client got a 429 too"
    );
    assert_eq!(sandbox.stats().requests, 4);
}

/// Everything the clients of this binary log, captured by one process-wide subscriber
/// (tracing caches per call site which subscribers want it, so a per-test subscriber
/// would race the other tests). A test reads the lines naming its own Redis port.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The captured log, installed on first use.
fn captured() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        log
    })
}

/// The captured lines that mention `needle`.
fn logged(needle: &str) -> String {
    let all = String::from_utf8_lossy(&captured().0.lock().unwrap()).into_owned();
    all.lines()
        .filter(|line| line.contains(needle))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_at_start_fails_open_with_one_warning_and_comes_back() {
    let Some(()) = required() else { return };
    captured();
    let port = free_port();
    let here = format!("127.0.0.1:{port}");
    let url = format!("redis://:hunter2-secret@127.0.0.1:{port}/");
    let sandbox = documented_sandbox().await;
    let client = shared_client(
        &sandbox,
        RateLimit::DEFAULT,
        quick(&url).key("acct-down").fail_mode(RedisFailMode::Open),
    );
    let started = Instant::now();
    for _ in 0..20 {
        client.get_token_info().send().await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.stats().requests, 20);
    let text = logged(&here);
    assert_eq!(
        text.matches("WARN").count(),
        1,
        "one warning per outage, not one per request:\n{text}"
    );
    assert!(text.contains("out of reach"), "{text}");
    assert!(
        !text.contains("hunter2-secret"),
        "the password was logged:\n{text}"
    );

    // Redis comes up: the client returns to it within `reconnect_every`.
    let redis = RedisServer::start_on(port, &["--requirepass", "hunter2-secret"]).unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    for _ in 0..3 {
        client.get_token_info().send().await.unwrap();
    }
    assert_eq!(
        redis.keys("*acct-down*").len(),
        1,
        "the client did not return to Redis"
    );
    let text = logged(&here);
    assert!(text.contains("answers again"), "{text}");
    assert!(
        !text.contains("hunter2-secret"),
        "the password was logged:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_midway_fail_open_keeps_sending() {
    let Some(()) = required() else { return };
    let mut redis = RedisServer::start();
    let sandbox = documented_sandbox().await;
    let client = shared_client(
        &sandbox,
        RateLimit::DEFAULT,
        quick(&redis.url()).key("acct-mid"),
    );
    assert!(send(&client, 40, 8).await.is_empty());
    assert_eq!(redis.keys("*acct-mid*").len(), 1);
    redis.stop();
    let started = Instant::now();
    let errors = send(&client, 40, 8).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    redis.restart().unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(send(&client, 10, 2).await.is_empty());
    assert_eq!(
        redis.keys("*acct-mid*").len(),
        1,
        "the client did not return to Redis"
    );
    assert_eq!(sandbox.stats().requests, 90);
    assert_eq!(sandbox.stats().rate_limited, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_closed_refuses_clearly_while_redis_is_down() {
    let Some(()) = required() else { return };
    let port = free_port();
    let url = format!("redis://:hunter2-secret@127.0.0.1:{port}/");
    let sandbox = documented_sandbox().await;
    let client = shared_client(
        &sandbox,
        RateLimit::DEFAULT,
        quick(&url)
            .key("acct-closed")
            .fail_mode(RedisFailMode::Closed),
    );
    assert!(!format!("{client:?}").contains("hunter2-secret"));
    // Down at start: refused at once, nothing sent.
    let started = Instant::now();
    let err = client.get_token_info().send().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, Error::RateLimiterUnavailable { .. }),
        "{err:?}"
    );
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("shared rate limiter"), "{shown}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
    assert_eq!(sandbox.stats().requests, 0, "a request was sent");

    // Up: requests go through; killed midway: refused again.
    let mut redis = RedisServer::start_on(port, &["--requirepass", "hunter2-secret"]).unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(send(&client, 10, 4).await.is_empty());
    assert_eq!(redis.keys("*acct-closed*").len(), 1);
    redis.stop();
    let started = Instant::now();
    let errors = send(&client, 10, 4).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(errors.len(), 10, "{errors:?}");
    assert!(errors
        .iter()
        .all(|e| matches!(e, Error::RateLimiterUnavailable { .. })));
    assert_eq!(sandbox.stats().requests, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_redis_holds_no_request_past_the_timeout() {
    let Some(()) = required() else { return };
    let redis = RedisServer::start();
    let sandbox = documented_sandbox().await;
    let open = shared_client(
        &sandbox,
        RateLimit::DEFAULT,
        quick(&redis.url()).key("acct-slow"),
    );
    let closed = shared_client(
        &sandbox,
        RateLimit::DEFAULT,
        quick(&redis.url())
            .key("acct-slow")
            .fail_mode(RedisFailMode::Closed),
    );
    open.get_token_info().send().await.unwrap();
    closed.get_token_info().send().await.unwrap();
    // Redis stops answering for 6 s.
    redis.command_in_background(&["DEBUG", "SLEEP", "6"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    open.get_token_info().send().await.unwrap();
    let err = closed.get_token_info().send().await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, Error::RateLimiterUnavailable { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("did not answer within 200 ms"),
        "{err}"
    );
    assert!(
        took < Duration::from_secs(4),
        "held for {took:?} by a hung Redis"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_keep_their_own_buckets() {
    let Some(()) = required() else { return };
    let redis = RedisServer::start();
    // Configured keys on one API host: 10 at once, 2 per second each.
    let sandbox = Sandbox::builder().no_rate_limit().start().await.unwrap();
    let limit = RateLimit::new(10, 2).unwrap();
    let base = RedisRateLimit::new(&redis.url()).unwrap();
    let a = shared_client(&sandbox, limit, base.clone().key("acct-a"));
    let b = shared_client(&sandbox, limit, base.clone().key("acct-b"));
    let started = Instant::now();
    let (errors_a, errors_b) = tokio::join!(send(&a, 10, 4), send(&b, 10, 4));
    let both = started.elapsed();
    assert!(errors_a.is_empty() && errors_b.is_empty());
    // One shared bucket would hold the last 10 for 5 s.
    assert!(
        both < Duration::from_secs(4),
        "{both:?}: the accounts shared a bucket"
    );
    // acct-a's bucket is empty now: another of its clients waits for a refill.
    let a2 = shared_client(&sandbox, limit, base.clone().key("acct-a"));
    let started = Instant::now();
    a2.get_token_info().send().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );

    // Derived keys: each token's `_userId` names its account.
    let one = Sandbox::builder()
        .user_id("user-one")
        .start()
        .await
        .unwrap();
    let two = Sandbox::builder()
        .user_id("user-two")
        .start()
        .await
        .unwrap();
    shared_client(&one, limit, base.clone())
        .get_token_info()
        .send()
        .await
        .unwrap();
    shared_client(&two, limit, base.clone())
        .get_token_info()
        .send()
        .await
        .unwrap();
    let keys = redis.keys("integrator-io:ratelimit:*:tat");
    assert!(
        keys.iter().any(|k| k.contains("|user:user-one}")),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.contains("|user:user-two}")),
        "{keys:?}"
    );
    assert_eq!(keys.len(), 4, "{keys:?}");
}

#[test]
fn the_environment_configures_the_shared_limiter_and_hides_the_password() {
    let vars = |name: &str| match name {
        "INTEGRATOR_API_TOKEN" => Some("t0ken".to_string()),
        "INTEGRATOR_RATE_LIMIT_REDIS_URL" => Some("redis://:hunter2-secret@10.1.2.3:6379/2".into()),
        "INTEGRATOR_RATE_LIMIT_REDIS_KEY" => Some("acme-prod".into()),
        "INTEGRATOR_RATE_LIMIT_REDIS_FAIL" => Some("closed".into()),
        "INTEGRATOR_RATE_LIMIT_REDIS_TIMEOUT_MS" => Some("150".into()),
        _ => None,
    };
    let builder = ClientBuilder::from_vars(vars).unwrap();
    let shown = format!("{builder:?}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
    assert!(shown.contains("10.1.2.3:6379"), "{shown}");
    assert!(
        shown.contains("acme-prod") && shown.contains("Closed") && shown.contains("150ms"),
        "{shown}"
    );
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("hunter2-secret"));
    let wrong = ClientBuilder::from_vars(|name| match name {
        "INTEGRATOR_RATE_LIMIT_REDIS_URL" => Some("redis://127.0.0.1".into()),
        "INTEGRATOR_RATE_LIMIT_REDIS_FAIL" => Some("maybe".into()),
        _ => None,
    });
    assert!(matches!(wrong, Err(Error::Config { .. })));
}

#[test]
fn a_request_with_the_shared_limiter_is_send() {
    fn send_future<F: std::future::Future + Send>(_: &F) {}
    fn shared<T: Send + Sync>(_: &T) {}
    let client = Client::builder()
        .token("t")
        .redis_rate_limit(RedisRateLimit::new("redis://127.0.0.1:1").unwrap())
        .build()
        .unwrap();
    shared(&client);
    let request = client.get_token_info().send();
    send_future(&request);
}
