//! One account's rate limit shared by a fleet: 4 client processes (this program
//! re-executed as children) x 16 tasks send 5,000 `GET /tokenInfo` in all to the sandbox
//! enforcing the documented bucket (burst 1000, refilled at 300/s), with a real
//! `redis-server` on loopback. The theoretical minimum is (5000 - 1000) / 300 = 13.33 s.
//!
//! - (a) the shared limiter in Redis (`RedisRateLimit`, key derived from `tokenInfo`,
//!   the default bucket 990 at once, 300/s): the sandbox's `429`s and the wall time
//!   against the minimum;
//! - (b) today's in-process limiter in each process (the default client): the same;
//! - (c) the shared limiter's added latency per request on loopback: sequential
//!   requests alternating between a client sharing a limit in Redis and one with the
//!   in-process limiter (both far above the rate, so neither waits), to the sandbox
//!   without a bucket; median and p99 of each and of the difference;
//! - (d) as (a), with Redis killed 5 s in: the clients fall back on in-process limiters
//!   of a quarter of the bucket each (fail open); requests keep flowing.
//!
//! `cargo bench --features redis --bench shared_rate_limit` (needs
//! `redis-server` on the PATH).

#[path = "../tests/redis_support/mod.rs"]
mod redis_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use integrator_io::{Client, Error, RateLimit, RedisRateLimit};
use integrator_io_sandbox::Sandbox;
use redis_support::RedisServer;

const PROCESSES: usize = 4;
const TASKS: usize = 16;
const REQUESTS: usize = 5000;
const BURST: u32 = 1000;
const PER_SECOND: u32 = 300;
/// Sequential request pairs for the latency case.
const LATENCY_PAIRS: usize = 4000;
/// When Redis is killed in case (d).
const KILL_AFTER: Duration = Duration::from_secs(5);

/// The child's settings, passed in its environment.
const CHILD: &str = "SHARED_RATE_LIMIT_CHILD";

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and the like: nothing to list.
    }
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    if let Err(reason) = redis_support::available() {
        eprintln!("shared_rate_limit needs redis-server: {reason}");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let minimum = (REQUESTS as f64 - BURST as f64) / PER_SECOND as f64;
    println!(
        "{PROCESSES} processes x {TASKS} tasks, {REQUESTS} GET /tokenInfo in all, against the \
         sandbox's bucket (burst {BURST}, {PER_SECOND}/s); theoretical minimum {minimum:.2} s"
    );
    let mut redis = RedisServer::start();
    for (name, mode) in [
        ("(a) shared limiter in Redis", "shared"),
        ("(b) in-process limiter per process", "local"),
        ("(d) shared limiter, Redis killed 5 s in", "shared-kill"),
    ] {
        if mode == "shared-kill" {
            redis.restart().expect("redis-server again");
        }
        let fleet = runtime.block_on(async {
            let sandbox = Sandbox::builder()
                .rate_limit(BURST, PER_SECOND)
                .start()
                .await
                .expect("the sandbox");
            let fleet = run_fleet(&sandbox, mode, &mut redis);
            (fleet, sandbox.stats())
        });
        let (outcome, stats) = fleet;
        println!(
            "{name}: wall {:.3} s = {:.4} x the minimum; {} x 429 ({} requests answered); \
             {} failed ({} for want of the shared limiter)",
            outcome.wall.as_secs_f64(),
            outcome.wall.as_secs_f64() / minimum,
            stats.rate_limited,
            stats.requests,
            outcome.failed,
            outcome.unavailable,
        );
    }
    redis.restart().expect("redis-server again");
    runtime.block_on(latency(&redis));
}

struct Fleet {
    wall: Duration,
    failed: usize,
    unavailable: usize,
}

/// Runs the children against `sandbox` and waits for them (killing Redis midway in
/// `shared-kill`).
fn run_fleet(sandbox: &Sandbox, mode: &str, redis: &mut RedisServer) -> Fleet {
    // Every child starts sending at the same instant, after building its client.
    let start_ms = unix_ms() + 1500;
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            // 1250 each: REQUESTS is a multiple of PROCESSES.
            let share = REQUESTS / PROCESSES;
            Command::new(std::env::current_exe().expect("this program"))
                .env(CHILD, mode)
                .env("CHILD_BASE_URL", sandbox.base_url())
                .env("CHILD_TOKEN", sandbox.token())
                .env("CHILD_REDIS_URL", redis.url())
                .env("CHILD_REQUESTS", share.to_string())
                .env("CHILD_START_MS", start_ms.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .expect("a child")
        })
        .collect();
    if mode == "shared-kill" {
        let kill_at = start_ms + KILL_AFTER.as_millis() as u64;
        std::thread::sleep(Duration::from_millis(kill_at.saturating_sub(unix_ms())));
        redis.stop();
        println!(
            "    (redis-server killed at {:.1} s)",
            KILL_AFTER.as_secs_f64()
        );
    }
    let mut end_ms = start_ms;
    let (mut failed, mut unavailable) = (0, 0);
    for mut child in children {
        let stdout = child.stdout.take().expect("piped");
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // RESULT end_ms failed unavailable
            let fields: Vec<u64> = line
                .strip_prefix("RESULT ")
                .map(|rest| rest.split(' ').filter_map(|f| f.parse().ok()).collect())
                .unwrap_or_default();
            if let [end, f, u] = fields[..] {
                end_ms = end_ms.max(end);
                failed += f as usize;
                unavailable += u as usize;
            }
        }
        let status = child.wait().expect("the child's status");
        assert!(status.success(), "a child failed: {status}");
    }
    Fleet {
        wall: Duration::from_millis(end_ms - start_ms),
        failed,
        unavailable,
    }
}

/// A child process: its share of the requests from 16 tasks, then one `RESULT` line.
fn child() {
    let var = |name: &str| std::env::var(name).expect(name);
    let mode = var(CHILD);
    let requests: usize = var("CHILD_REQUESTS").parse().expect("a count");
    let start_ms: u64 = var("CHILD_START_MS").parse().expect("a time");
    // The shared limiter's one warning per outage shows on stderr.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut builder = Client::builder()
            .token(var("CHILD_TOKEN"))
            .base_url(var("CHILD_BASE_URL"));
        if mode.starts_with("shared") {
            builder = builder.redis_rate_limit(
                RedisRateLimit::new(&var("CHILD_REDIS_URL"))
                    .expect("the Redis URL")
                    // During an outage each of the 4 processes keeps to a quarter.
                    .fallback_rate_limit(RateLimit::new(247, 75).expect("a limit")),
            );
        }
        let client = builder.build().expect("the client");
        tokio::time::sleep(Duration::from_millis(start_ms.saturating_sub(unix_ms()))).await;
        let errors: Vec<Error> = futures::stream::iter(0..requests)
            .map(|_| {
                let client = client.clone();
                async move { client.get_token_info().send().await.err() }
            })
            .buffer_unordered(TASKS)
            .filter_map(futures::future::ready)
            .collect()
            .await;
        let end = unix_ms();
        let unavailable = errors
            .iter()
            .filter(|e| matches!(e, Error::RateLimiterUnavailable { .. }))
            .count();
        if let Some(e) = errors.first() {
            eprintln!("    a child's first failure: {e}");
        }
        println!("RESULT {end} {} {unavailable}", errors.len());
    });
}

/// (c): the shared limiter's cost per request, sequential requests in alternation.
async fn latency(redis: &RedisServer) {
    let sandbox = Sandbox::builder()
        .no_rate_limit()
        .start()
        .await
        .expect("the sandbox");
    let never_waits = RateLimit::new(1_000_000, 1_000_000).expect("a limit");
    let shared = sandbox
        .client_builder()
        .rate_limit(never_waits)
        .redis_rate_limit(
            RedisRateLimit::new(&redis.url())
                .expect("the Redis URL")
                .key("latency"),
        )
        .build()
        .expect("the client");
    let local = sandbox
        .client_builder()
        .rate_limit(never_waits)
        .build()
        .expect("the client");
    for client in [&shared, &local] {
        for _ in 0..200 {
            client
                .get_token_info()
                .send()
                .await
                .expect("a warm-up request");
        }
    }
    let (mut with_redis, mut without, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..LATENCY_PAIRS {
        // Each side first in turn.
        let order = if i % 2 == 0 {
            [&shared, &local]
        } else {
            [&local, &shared]
        };
        let mut took = [Duration::ZERO; 2];
        for (slot, client) in order.iter().enumerate() {
            let started = Instant::now();
            client.get_token_info().send().await.expect("a request");
            took[slot] = started.elapsed();
        }
        let (s, l) = if i % 2 == 0 {
            (took[0], took[1])
        } else {
            (took[1], took[0])
        };
        with_redis.push(s.as_secs_f64() * 1e6);
        without.push(l.as_secs_f64() * 1e6);
        added.push((s.as_secs_f64() - l.as_secs_f64()) * 1e6);
    }
    let (s, l, a) = (
        quantiles(&mut with_redis),
        quantiles(&mut without),
        quantiles(&mut added),
    );
    println!(
        "(c) latency per request on loopback, {LATENCY_PAIRS} sequential pairs: \
         shared limiter median {:.0} us, p99 {:.0} us; in-process limiter median {:.0} us, \
         p99 {:.0} us; added (paired difference) median {:.0} us, p99 {:.0} us",
        s.0, s.1, l.0, l.1, a.0, a.1
    );
}

/// Median and 99th percentile.
fn quantiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
