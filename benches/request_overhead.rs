//! Request overhead: the generated client against a bare `reqwest` call of the same
//! request to the same loopback server (a fixed answer, so the client's cost shows).
//!
//! `cargo bench --bench request_overhead`
//!
//! Each case sends one request per iteration: GET one export, PUT one export (a ~2.5 KB
//! body, answered with the same export), sequentially and from 16 concurrent tasks. Both
//! sides decode the answer into `types::Export`, so the difference is the client's own
//! cost (its hook: headers, rate limiter, retry bookkeeping, tracing span, body read).
//! `client` is the default client, whose limiter is the documented bucket (burst 1000,
//! 300/s): past the first 1000 requests it holds the client to 300 requests/s by
//! design. `client-no-limit` is the same client built with `.no_rate_limit()`, and
//! `client-no-limit-no-retry` also with `.retry(RetryPolicy::none())` (no copy of the
//! request for a retry, no early body read). `bare-reqwest-timeouts` is bare reqwest
//! with the client's own reqwest settings (timeouts, User-Agent).
//!
//! `request_overhead_paired` measures the same cases in alternating rounds, which holds
//! up better on a busy machine; `scripts/request_instructions.sh` counts instructions.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::requests::{run, setup, Call, Who};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

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
                (Who::NoRetry, "client-no-limit-no-retry"),
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
