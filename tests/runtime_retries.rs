//! Fault injection: 429 bursts, 5xx storms, resets mid-body, slow answers, refused
//! connections. Each test checks the result, the attempts, the time waited, and that
//! no POST was sent twice unless it provably was not processed.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use integrator_io::{Error, RetryPolicy};
use serde_json::json;
use support::{CaptureServer, Reply};

const ID: &str = "5a6b7c8d9e0f1a2b3c4d5e6f";

fn export() -> Reply {
    Reply::json(200, &json!({"_id": ID, "name": "ok"}))
}

fn rate_limited(seconds: &str) -> Reply {
    Reply::json(
        429,
        &json!({"errors": [{"code": "rate_limited", "message": "slow down"}]}),
    )
    .with_header("Retry-After", seconds)
}

fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(80))
}

#[tokio::test]
async fn a_burst_of_429s_waits_retry_after_each_time_then_succeeds() {
    let server =
        CaptureServer::scripted(vec![rate_limited("1"), rate_limited("0"), export()]).await;
    let client = server.client_with(|b| b.retry(quick()));
    let started = Instant::now();
    let got = client.get_export().id(ID).send().await.unwrap();
    assert_eq!(got.name.value().map(String::as_str), Some("ok"));
    assert_eq!(server.count(), 3);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1),
        "Retry-After: 1 was honoured ({waited:?})"
    );
    // Retry-After honoured once per answer, not compounded with backoff into minutes.
    assert!(waited < Duration::from_secs(20), "{waited:?}");
}

#[tokio::test]
async fn a_429_is_returned_when_retry_after_exceeds_the_policy_or_attempts_run_out() {
    let server = CaptureServer::scripted(vec![rate_limited("3600")]).await;
    let client = server.client_with(|b| b.retry(quick()));
    let err = client.get_export().id(ID).send().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(server.count(), 1, "an hour is not waited for");

    let server = CaptureServer::scripted(vec![rate_limited("0")]).await;
    let client = server.client_with(|b| b.retry(quick().max_attempts(3)));
    let err = client.get_export().id(ID).send().await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_5xx_storm_is_retried_with_backoff_for_reads_and_writes_that_repeat_safely() {
    for status in [502, 503, 504] {
        let storm = Reply::raw(status, "text/html", "<html>busy</html>");
        let server =
            CaptureServer::scripted(vec![storm.clone(), storm.clone(), storm, export()]).await;
        let client = server.client_with(|b| b.retry(quick()));
        client.get_export().id(ID).send().await.unwrap();
        assert_eq!(server.count(), 4, "{status}");

        let body = integrator_io::types::Export::default();
        let server =
            CaptureServer::scripted(vec![Reply::raw(status, "text/html", "x"), export()]).await;
        let client = server.client_with(|b| b.retry(quick()));
        client
            .update_export()
            .id(ID)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(server.count(), 2, "PUT {status} is retried");
    }
    // The storm outlasts the attempts: the last answer is the error.
    let server = CaptureServer::scripted(vec![Reply::raw(503, "text/html", "down")]).await;
    let client = server.client_with(|b| b.retry(quick().max_attempts(3)));
    let err = client.get_export().id(ID).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 3);
    // A 500 may have done something: not retried.
    let server = CaptureServer::scripted(vec![Reply::json(500, &json!({"errors": []}))]).await;
    let client = server.client_with(|b| b.retry(quick()));
    client.get_export().id(ID).send().await.unwrap_err();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn total_time_bounds_the_retries() {
    let server = CaptureServer::scripted(vec![Reply::raw(503, "text/html", "down")]).await;
    let policy = RetryPolicy::default()
        .max_attempts(100)
        .initial_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_millis(100))
        .max_elapsed(Duration::from_millis(500));
    let client = server.client_with(|b| b.retry(policy));
    let started = Instant::now();
    client.get_export().id(ID).send().await.unwrap_err();
    let waited = started.elapsed();
    // Without the 500 ms budget, 100 attempts 100 ms apart would take 10 s.
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    let attempts = server.count();
    assert!(
        (3..=12).contains(&attempts),
        "{attempts} attempts in {waited:?}"
    );
}

#[tokio::test]
async fn a_create_is_never_sent_twice_after_it_may_have_been_processed() {
    let body = || integrator_io::types::Export::default();
    for reply in [
        Reply::raw(503, "text/html", "busy"),
        Reply::raw(502, "text/html", "bad gateway"),
        Reply::json(500, &json!({"errors": [{"code": "oops", "message": "m"}]})),
        // The answer breaks off mid-body: the export may exist now.
        Reply::json(201, &json!({"_id": ID, "name": "created"})).cut_after(5),
    ] {
        let server = CaptureServer::scripted(vec![reply, export()]).await;
        let client = server.client_with(|b| b.retry(quick()));
        client
            .create_export()
            .body(body())
            .send()
            .await
            .unwrap_err();
        let posts = server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count();
        assert_eq!(posts, 1, "POST sent once");
    }
    // A 429 says the create was not processed: it is sent again.
    let server = CaptureServer::scripted(vec![
        rate_limited("0"),
        Reply::json(201, &json!({"_id": ID})),
    ])
    .await;
    let client = server.client_with(|b| b.retry(quick()));
    client.create_export().body(body()).send().await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_create_is_retried_when_the_connection_could_not_be_opened() {
    // Nothing listens on the port at first; the server comes up a little later.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = probe.local_addr().unwrap();
    drop(probe);
    let posts = Arc::new(AtomicUsize::new(0));
    let counted = posts.clone();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            counted.fetch_add(1, Ordering::SeqCst);
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut buf = vec![0u8; 65536];
            let _ = socket.read(&mut buf).await;
            let body = format!("{{\"_id\":\"{ID}\"}}");
            let head = format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
        }
    });
    let client = integrator_io::Client::builder()
        .token("t")
        .base_url(format!("http://{address}/v1"))
        .retry(
            RetryPolicy::default()
                .max_attempts(20)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_millis(100)),
        )
        .build()
        .unwrap();
    let created = client
        .create_export()
        .body(integrator_io::types::Export::default())
        .send()
        .await
        .unwrap();
    assert_eq!(created.id.value().map(String::as_str), Some(ID));
    assert_eq!(
        posts.load(Ordering::SeqCst),
        1,
        "the POST reached the server once"
    );
    server.abort();
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_retried_for_reads() {
    let full = Reply::json(200, &json!({"_id": ID, "name": "whole"}));
    let server = CaptureServer::scripted(vec![full.clone().cut_after(10), full]).await;
    let client = server.client_with(|b| b.retry(quick()));
    let got = client.get_export().id(ID).send().await.unwrap();
    assert_eq!(got.name.value().map(String::as_str), Some("whole"));
    assert_eq!(server.count(), 2);

    // Without retries it is a transport error naming the operation.
    let server =
        CaptureServer::scripted(vec![Reply::json(200, &json!({"_id": ID})).cut_after(3)]).await;
    let err = server
        .client()
        .get_export()
        .id(ID)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "getExport",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_slow_answer_hits_the_timeout_and_is_retried_within_the_budget() {
    // Answers slower than any bound below: waiting for one instead of timing out shows.
    let slow = export().delayed(Duration::from_secs(60));
    let server = CaptureServer::scripted(vec![slow, export()]).await;
    let client = server.client_with(|b| b.timeout(Duration::from_millis(300)).retry(quick()));
    let started = Instant::now();
    client.get_export().id(ID).send().await.unwrap();
    assert_eq!(server.count(), 2);
    assert!(started.elapsed() < Duration::from_secs(20));

    let server = CaptureServer::scripted(vec![export().delayed(Duration::from_secs(60))]).await;
    let client = server.client_with(|b| {
        b.timeout(Duration::from_millis(200))
            .retry(quick().max_attempts(2))
    });
    let err = client.get_export().id(ID).send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retries_can_be_switched_off_per_client_and_per_call() {
    let server = CaptureServer::scripted(vec![Reply::raw(503, "text/html", "x"), export()]).await;
    let client = server.client_with(|b| b.retry(quick()));
    let once = client.with_retry(RetryPolicy::none());
    once.get_export().id(ID).send().await.unwrap_err();
    assert_eq!(server.count(), 1);
    client.get_export().id(ID).send().await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn no_retry_after_a_server_sends_panics_the_client() {
    // With a policy that would wait for anything: the wait cannot be represented, so
    // the 429 is returned instead of overflowing a clock.
    for seconds in ["18446744073709551615", "9223372036854775807"] {
        let server = CaptureServer::scripted(vec![rate_limited(seconds), export()]).await;
        let client = server.client_with(|b| {
            b.retry(
                RetryPolicy::default()
                    .max_retry_after(Duration::MAX)
                    .max_elapsed(Duration::MAX)
                    .max_backoff(Duration::MAX),
            )
        });
        let err = client.get_export().id(ID).send().await.unwrap_err();
        assert!(
            matches!(err, Error::RateLimited { .. }),
            "{seconds}: {err:?}"
        );
        assert_eq!(server.count(), 1);
    }
}

/// A loopback address whose connections never open: a listener with a backlog of one
/// whose queue is full, so that further connection attempts hang unanswered.
async fn unanswered_address() -> (
    std::net::SocketAddr,
    Vec<tokio::net::TcpStream>,
    tokio::net::TcpListener,
) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let address = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..64 {
        match tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(address),
        )
        .await
        {
            Ok(Ok(stream)) => held.push(stream),
            Ok(Err(e)) => panic!("connecting to fill the backlog failed: {e}"),
            Err(_) => return (address, held, listener),
        }
    }
    panic!("the listen backlog never filled up");
}

#[tokio::test]
async fn a_create_is_retried_when_connecting_times_out_even_with_equal_timeouts() {
    let (address, _held, _listener) = unanswered_address().await;
    let timeout = Duration::from_millis(300);
    let client = integrator_io::Client::builder()
        .token("t")
        .base_url(format!("http://{address}/v1"))
        .connect_timeout(timeout)
        .timeout(timeout)
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .create_export()
        .body(integrator_io::types::Export::default())
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    let Error::Transport { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        source.is_connect(),
        "a connect failure, not a timed-out attempt: {err:?}"
    );
    // Three attempts of about 270 ms each (the connect timeout is kept below the
    // attempt's); one attempt alone would take 300 ms.
    assert!(
        elapsed >= Duration::from_millis(700),
        "the POST was retried ({elapsed:?})"
    );
}
