//! The request-overhead cases shared by `request_overhead` (criterion) and
//! `request_overhead_paired` (paired rounds, and fixed counts for callgrind): a
//! fixed-answer loopback server, bare `reqwest` clients and `Client`s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use integrator_io::{types, Client};

const ID: &str = "5f3c00000000000000000001";
const TOKEN: &str = "bench-token";

/// The server, the runtime the requests run on, and every side's client.
pub struct Setup {
    runtime: tokio::runtime::Runtime,
    base: String,
    export: types::Export,
    bare: reqwest::Client,
    bare_timeouts: reqwest::Client,
    client: Client,
    no_limit: Client,
    no_retry: Client,
}

/// Starts the fixed-answer server (answering one export) and builds the clients.
pub fn setup() -> Setup {
    let record = super::export_record(1);
    let body = Bytes::from(serde_json::to_vec(&record).unwrap());
    // The server has its own thread and runtime, apart from the client's.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            tx.send(super::fixed_answer_server(body).await).unwrap();
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
    // The default TLS feature leaves reqwest without a crypto provider of its own (the
    // client hands it a ring-backed configuration); the bare clients need one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
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
        no_retry: builder()
            .no_rate_limit()
            .retry(integrator_io::RetryPolicy::none())
            .build()
            .unwrap(),
        runtime,
        base,
    }
}

/// GET one export, or PUT one.
#[derive(Clone, Copy)]
pub enum Call {
    Get,
    Put,
}

/// Which side sends: bare reqwest (default, or with the client's timeouts), or the
/// client (default, without its limiter, or also without retries).
#[derive(Clone, Copy, PartialEq)]
pub enum Who {
    Bare,
    BareTimeouts,
    Client,
    NoLimit,
    NoRetry,
}

/// One request. A PUT sends `body`, which the caller owns, as a user of either client
/// would: the bare side serializes it, the client takes it.
pub async fn one(setup: &Setup, who: Who, body: Option<types::Export>) {
    let export: types::Export = match who {
        Who::Bare | Who::BareTimeouts => {
            let bare = match who {
                Who::Bare => &setup.bare,
                _ => &setup.bare_timeouts,
            };
            let url = format!("{}/exports/{ID}", setup.base);
            let request = match body {
                None => bare.get(url),
                Some(body) => bare
                    .put(url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(serde_json::to_vec(&body).unwrap()),
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
        Who::Client | Who::NoLimit | Who::NoRetry => {
            let client = match who {
                Who::Client => &setup.client,
                Who::NoRetry => &setup.no_retry,
                _ => &setup.no_limit,
            };
            match body {
                None => client.get_export().id(ID).send().await,
                Some(body) => client.update_export().id(ID).body(body).send().await,
            }
            .unwrap()
            .into_inner()
        }
    };
    std::hint::black_box(export);
}

/// The bodies of `iters` requests split over `tasks` tasks: a copy of the export for
/// each PUT, nothing for a GET.
pub fn bodies(
    setup: &Setup,
    call: Call,
    tasks: u64,
    iters: u64,
) -> Vec<Vec<Option<types::Export>>> {
    (0..tasks)
        .map(|t| {
            let n = iters / tasks + u64::from(t < iters % tasks);
            (0..n)
                .map(|_| match call {
                    Call::Get => None,
                    Call::Put => Some(setup.export.clone()),
                })
                .collect()
        })
        .collect()
}

/// `iters` requests, one after another or spread over `tasks` tasks; the wall time. The
/// PUT bodies are copied before the clock starts, so neither side pays for the copy.
pub fn run(setup: &Arc<Setup>, who: Who, call: Call, tasks: u64, iters: u64) -> Duration {
    let shared = setup.clone();
    let bodies = bodies(setup, call, tasks, iters);
    setup.runtime.block_on(async move {
        let started = Instant::now();
        let handles: Vec<_> = bodies
            .into_iter()
            .map(|bodies| {
                let setup = shared.clone();
                tokio::spawn(async move {
                    for body in bodies {
                        one(&setup, who, body).await;
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
