//! Request overhead: the generated client against a bare `reqwest` call of the same
//! request to the same loopback server (a fixed answer, so the client's cost shows).
//!
//! `cargo bench --features sandbox --bench request_overhead`
//!
//! Each case sends one request per iteration: GET one export, PUT one export (a ~2.5 KB
//! body, answered with the same export), sequentially and from 16 concurrent tasks. Both
//! sides decode the answer into `types::Export`, so the difference is the client's own
//! cost (its hook: headers, rate limiter, retry bookkeeping, tracing span, body read).
//! `client` is the default client, whose limiter is the documented bucket (burst 1000,
//! 300/s): past the first 1000 requests it holds the client to 300 requests/s by
//! design. `client-no-limit` is the same client built with `.no_rate_limit()`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use integrator_io::{types, Client};

const ID: &str = "5f3c00000000000000000001";
const TOKEN: &str = "bench-token";

struct Setup {
    runtime: tokio::runtime::Runtime,
    base: String,
    export: types::Export,
    bare: reqwest::Client,
    bare_timeouts: reqwest::Client,
    client: Client,
    no_limit: Client,
}

fn setup() -> Setup {
    let record = common::export_record(1);
    let body = Bytes::from(serde_json::to_vec(&record).unwrap());
    // The server has its own thread and runtime, apart from the client's.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            tx.send(common::fixed_answer_server(body).await).unwrap();
            std::future::pending::<()>().await
        });
    });
    let addr = rx.recv().unwrap();
    let base = format!("http://{addr}/v1");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let builder = || Client::builder().token(TOKEN).base_url(base.clone());
    Setup {
        export: serde_json::from_value(record).unwrap(),
        bare: reqwest::Client::builder().build().unwrap(),
        // The client's own reqwest settings (its timeouts and User-Agent), to tell their
        // cost from the hook's.
        bare_timeouts: reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(integrator_io::DEFAULT_USER_AGENT)
            .build()
            .unwrap(),
        client: builder().build().unwrap(),
        no_limit: builder().no_rate_limit().build().unwrap(),
        runtime,
        base,
    }
}

#[derive(Clone, Copy)]
enum Call {
    Get,
    Put,
}

#[derive(Clone, Copy)]
enum Who {
    Bare,
    BareTimeouts,
    Client,
    NoLimit,
}

async fn one(setup: &Setup, who: Who, call: Call) {
    let export: types::Export = match who {
        Who::Bare | Who::BareTimeouts => {
            let bare = match who {
                Who::Bare => &setup.bare,
                _ => &setup.bare_timeouts,
            };
            let url = format!("{}/exports/{ID}", setup.base);
            let request = match call {
                Call::Get => bare.get(url),
                Call::Put => bare
                    .put(url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(serde_json::to_vec(&setup.export).unwrap()),
            };
            let response = request
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap();
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
        }
        Who::Client | Who::NoLimit => {
            let client = match who {
                Who::Client => &setup.client,
                _ => &setup.no_limit,
            };
            match call {
                Call::Get => client.get_export().id(ID).send().await,
                Call::Put => {
                    client
                        .update_export()
                        .id(ID)
                        .body(setup.export.clone())
                        .send()
                        .await
                }
            }
            .unwrap()
            .into_inner()
        }
    };
    std::hint::black_box(export);
}

/// `iters` requests, one after another or spread over `tasks` tasks; the wall time.
fn run(setup: &Arc<Setup>, who: Who, call: Call, tasks: u64, iters: u64) -> Duration {
    let shared = setup.clone();
    setup.runtime.block_on(async move {
        let started = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|t| {
                let setup = shared.clone();
                let n = iters / tasks + u64::from(t < iters % tasks);
                tokio::spawn(async move {
                    for _ in 0..n {
                        one(&setup, who, call).await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
        started.elapsed()
    })
}

fn request_overhead(c: &mut Criterion) {
    let setup = Arc::new(setup());
    for (call, call_name) in [(Call::Get, "get"), (Call::Put, "put")] {
        for (tasks, mode) in [(1, "sequential"), (16, "16-tasks")] {
            let mut group = c.benchmark_group(format!("{call_name}-{mode}"));
            group.throughput(Throughput::Elements(1));
            for (who, name) in [
                (Who::Bare, "bare-reqwest"),
                (Who::BareTimeouts, "bare-reqwest-timeouts"),
                (Who::NoLimit, "client-no-limit"),
                (Who::Client, "client"),
            ] {
                group.bench_function(BenchmarkId::from_parameter(name), |b| {
                    b.iter_custom(|iters| run(&setup, who, call, tasks, iters))
                });
            }
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(4));
    targets = request_overhead
}
criterion_main!(benches);
