//! The contract suite: every operation of the spec, driven through the generated
//! client with inputs and answers generated from the spec (proptest), checked on the
//! wire (a loopback recorder), against httpmock answers, and against JSON Schema.
//!
//! - request contracts: method, exact path with escaped ids, query, headers, body;
//! - response contracts: valid answers decode and keep every field, 204 lists are `[]`;
//!   invalid answers are `Error::Decode` naming the operation;
//! - error contracts: 400, 401 (both shapes), 403, 404, 422, 429, 500, 502-504;
//! - the coverage gate: the operations come from the spec, and each must pass its
//!   request and response contracts: `contract coverage: N/M operations`.
//!
//! `PROPTEST_CASES` sets the cases per operation and property (default 24);
//! `CONTRACT_SEED` replays a run (a failure prints it with the minimal case).

#[path = "../support/mod.rs"]
mod support;

mod cases;
mod errors;
mod requests;
mod responses;
mod runner;
mod values;

use std::io::Write;
use std::time::Instant;

use integrator_io::{Client, RetryPolicy};
use integrator_io_codegen::json_schema::SchemaSet;
use integrator_io_codegen::spec::Operation;
use support::{spec, CaptureServer, Reply};

/// What every contract runs with.
pub struct Harness {
    pub rt: tokio::runtime::Runtime,
    pub schemas: SchemaSet,
}

impl Harness {
    fn new() -> Harness {
        Harness {
            rt: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
            schemas: SchemaSet::new(spec()),
        }
    }

    /// A client for `base_url`: no retries (each answer is seen once), no rate limit.
    fn client(&self, base_url: &str) -> Client {
        Client::builder()
            .token("test-token-123")
            .base_url(base_url)
            .retry(RetryPolicy::none())
            .no_rate_limit()
            .build()
            .unwrap()
    }
}

fn operations() -> Vec<Operation> {
    spec().operations()
}

/// Runs `contract` on every operation; answers the cases per operation and failures.
fn on_every_operation(
    contract: impl Fn(&Operation) -> Result<u32, String>,
) -> (Vec<(String, u32)>, Vec<String>) {
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    for op in operations() {
        match contract(&op) {
            Ok(cases) => passed.push((op.id.clone(), cases)),
            Err(message) => failed.push(message),
        }
    }
    (passed, failed)
}

#[test]
fn contract_coverage_every_operation_has_request_and_response_contracts() {
    let started = Instant::now();
    let h = Harness::new();
    let recorder = h.rt.block_on(CaptureServer::always(Reply::json(
        200,
        &serde_json::json!({}),
    )));
    let recording = h.client(&recorder.base_url);
    let mock = httpmock::MockServer::start();
    let mocked = h.client(&mock.url("/v1"));

    let (requests, mut failed) =
        on_every_operation(|op| requests::check(&h, &recorder, &recording, op));
    let (responses, response_failures) =
        on_every_operation(|op| responses::check(&h, &mock, &mocked, op));
    failed.extend(response_failures);

    let all = operations();
    let covered = all
        .iter()
        .filter(|op| {
            requests.iter().any(|(id, _)| *id == op.id)
                && responses.iter().any(|(id, _)| *id == op.id)
        })
        .count();
    let request_cases: u32 = requests.iter().map(|(_, n)| n).sum();
    let response_cases: u32 = responses.iter().map(|(_, n)| n).sum();
    // Straight to the process's stderr: libtest captures `print!`/`eprint!` of passing
    // tests, and this line belongs in every `cargo test --workspace` log.
    let mut stderr = std::io::stderr();
    writeln!(
        stderr,
        "contract coverage: {covered}/{} operations",
        all.len()
    )
    .expect("stderr is writable");
    writeln!(
        stderr,
        "contract cases: {request_cases} requests, {response_cases} responses ({} per operation and property, seed {:x}) in {:.1?}",
        runner::cases(),
        runner::seed(),
        started.elapsed()
    )
    .expect("stderr is writable");
    assert_eq!(
        all.len(),
        integrator_io::operations::ALL.len(),
        "the client has every operation of the spec"
    );
    assert!(
        failed.is_empty(),
        "{} contract failures:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert_eq!(covered, all.len(), "operations without contracts");
}

#[test]
fn invalid_answers_are_decode_errors_naming_the_operation() {
    let h = Harness::new();
    let mock = httpmock::MockServer::start();
    let client = h.client(&mock.url("/v1"));
    let (passed, failed) =
        on_every_operation(|op| responses::check_invalid(&h, &mock, &client, op));
    let total: u32 = passed.iter().map(|(_, n)| n).sum();
    println!(
        "invalid-answer contracts: {total} cases on {} operations",
        passed.iter().filter(|(_, n)| *n > 0).count()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(total > 200, "only {total} invalid answers were checked");
}

#[test]
fn error_answers_are_typed_on_every_operation() {
    let h = Harness::new();
    let (server, slot) = h.rt.block_on(errors::switchable());
    let client = h.client(&server.base_url);
    let (passed, failed) = on_every_operation(|op| errors::check(&h, &slot, &client, op));
    let total: u32 = passed.iter().map(|(_, n)| n).sum();
    println!(
        "error contracts: {total} cases on {} operations",
        passed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert_eq!(passed.len(), operations().len());
}
