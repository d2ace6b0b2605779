//! Rate-limit utilization: 2,500 requests from 32 concurrent tasks against the sandbox
//! enforcing the documented bucket (burst 1000, refilled at 300/s). The theoretical
//! minimum is (2500 - 1000) / 300 = 5 s. Prints, for each client setup, the wall time,
//! its share of the theoretical rate, the `429`s the sandbox answered (its own counter,
//! `Sandbox::stats`), and the requests that failed after the client's retries.
//!
//! `cargo bench --bench rate_limit_utilization`
//! (`RUNS=n` repeats each setup n times; default 3.)

use std::time::{Duration, Instant};

use futures::StreamExt;
use integrator_io::{Client, RateLimit, RetryPolicy};
use integrator_io_sandbox::Sandbox;

const REQUESTS: usize = 2500;
const TASKS: usize = 32;
const BURST: u32 = 1000;
const PER_SECOND: u32 = 300;

struct Outcome {
    wall: Duration,
    rate_limited: u64,
    sent: u64,
    failed: usize,
}

async fn run(setup: fn(integrator_io::ClientBuilder) -> integrator_io::ClientBuilder) -> Outcome {
    // The sandbox runs on its own runtime and thread, as a server would.
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let sandbox = Sandbox::builder()
                .rate_limit(BURST, PER_SECOND)
                .start()
                .await
                .unwrap();
            let (stats_tx, stats_rx) = std::sync::mpsc::channel();
            tx.send((sandbox.client_builder(), stats_rx)).ok();
            let _ = stop_rx.await;
            stats_tx.send(sandbox.stats()).unwrap();
        });
    });
    let (builder, stats) = rx.await.unwrap();
    let client: Client = setup(builder).build().unwrap();
    let started = Instant::now();
    let failed = futures::stream::iter(0..REQUESTS)
        .map(|_| {
            let client = client.clone();
            async move { client.get_token_info().send().await.is_err() }
        })
        .buffer_unordered(TASKS)
        .filter(|failed| futures::future::ready(*failed))
        .count()
        .await;
    let wall = started.elapsed();
    stop_tx.send(()).unwrap();
    let stats = stats.recv().unwrap();
    server.join().unwrap();
    Outcome {
        wall,
        rate_limited: stats.rate_limited,
        sent: stats.requests,
        failed,
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and the like: nothing to list.
    }
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let minimum = (REQUESTS as f64 - BURST as f64) / PER_SECOND as f64;
    println!(
        "{REQUESTS} GET /tokenInfo from {TASKS} tasks against the sandbox's bucket \
         (burst {BURST}, {PER_SECOND}/s); theoretical minimum {minimum:.2} s"
    );
    type Setup = fn(integrator_io::ClientBuilder) -> integrator_io::ClientBuilder;
    let setups: [(&str, Setup); 4] = [
        ("default client (limiter 990 at once, 300/s)", |b| b),
        ("client limiter = documented bucket (1000, 300/s)", |b| {
            b.rate_limit(RateLimit::DOCUMENTED)
        }),
        ("client limiter 999 at once, 300/s", |b| {
            b.rate_limit(RateLimit::new(999, 300).unwrap())
        }),
        (
            "no client limiter, retry on 429 only (Retry-After), up to 50 attempts",
            |b| {
                b.no_rate_limit().retry(
                    RetryPolicy::default()
                        .max_attempts(50)
                        .max_elapsed(Duration::from_secs(120)),
                )
            },
        ),
    ];
    for (name, setup) in setups {
        for run_index in 1..=runs {
            let outcome = runtime.block_on(run(setup));
            println!(
                "{name} | run {run_index}: wall {:.3} s, {:.1} % of the theoretical rate, \
                 {} x 429 ({} requests answered), {} failed",
                outcome.wall.as_secs_f64(),
                100.0 * minimum / outcome.wall.as_secs_f64(),
                outcome.rate_limited,
                outcome.sent,
                outcome.failed,
            );
        }
    }
}
