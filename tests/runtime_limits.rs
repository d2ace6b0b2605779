//! The client-side rate limiter and the hardening around redirects.

mod support;

use std::time::{Duration, Instant};

use integrator_io::{Client, RateLimit, RetryPolicy};
use serde_json::json;
use support::{CaptureServer, Reply};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_tasks_on_clones_share_one_bucket() {
    let server = CaptureServer::always(Reply::json(200, &json!({"_userId": "u"}))).await;
    // A bucket of 20 refilled at 50/s: 120 requests need at least (120 - 20) / 50 = 2 s.
    let client = server.client_with(|b| b.rate_limit(RateLimit::new(20, 50).unwrap()));
    let started = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            // Clones and scoped clients draw from the same bucket.
            let client = if i % 2 == 0 {
                client.clone()
            } else {
                client.with_ashare_id("5d4e3f2a1b0c9d8e7f6a5b4c").unwrap()
            };
            tokio::spawn(async move {
                for _ in 0..(120 / 16 + usize::from(i < 120 % 16)) {
                    client.get_token_info().send().await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 120);
    assert!(
        elapsed >= Duration::from_millis(1900),
        "the bucket held: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
}

#[tokio::test]
async fn the_burst_goes_out_at_once_and_the_limit_can_be_turned_off() {
    let server = CaptureServer::always(Reply::json(200, &json!({"_userId": "u"}))).await;
    let client = server.client_with(|b| b.rate_limit(RateLimit::new(50, 1).unwrap()));
    let started = Instant::now();
    for _ in 0..50 {
        client.get_token_info().send().await.unwrap();
    }
    let burst = started.elapsed();
    assert!(
        burst < Duration::from_secs(2),
        "the burst is not throttled: {burst:?}"
    );
    let strict = server.client_with(|b| b.rate_limit(RateLimit::new(1, 5).unwrap()));
    let started = Instant::now();
    for _ in 0..4 {
        strict.get_token_info().send().await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );
    let free = server.client_with(|b| b.no_rate_limit());
    let started = Instant::now();
    for _ in 0..200 {
        free.get_token_info().send().await.unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(RateLimit::new(0, 300).is_err());
    assert_eq!(RateLimit::default(), RateLimit::DEFAULT);
    assert_eq!(
        (RateLimit::DEFAULT.burst(), RateLimit::DEFAULT.per_second()),
        (990, 300)
    );
    assert_eq!(
        (
            RateLimit::DOCUMENTED.burst(),
            RateLimit::DOCUMENTED.per_second()
        ),
        (1000, 300)
    );
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_token() {
    let elsewhere = CaptureServer::always(Reply::json(200, &json!({"_userId": "moved"}))).await;
    // Same port family, another host name: localhost instead of 127.0.0.1.
    let target = elsewhere.base_url.replace("127.0.0.1", "localhost") + "/tokenInfo";
    let server = CaptureServer::always(Reply::empty(302).with_header("Location", &target)).await;
    let client = server.client_with(|b| b.retry(RetryPolicy::none()));
    let info = client.get_token_info().send().await.unwrap();
    assert_eq!(info.user_id.value().map(String::as_str), Some("moved"));
    let arrived = elsewhere.requests();
    assert_eq!(arrived.len(), 1);
    assert_eq!(
        arrived[0].header("authorization"),
        None,
        "no token for another host"
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer test-token-123")
    );
}

#[tokio::test]
async fn a_redirect_to_plain_http_elsewhere_is_refused() {
    let server = CaptureServer::always(
        Reply::empty(301).with_header("Location", "http://api.integrator.invalid/v1/tokenInfo"),
    )
    .await;
    let err = server.client().get_token_info().send().await.unwrap_err();
    let text = format!("{err} {:?}", std::error::Error::source(&err));
    assert!(text.contains("not https"), "{text}");
}

#[test]
fn retry_and_limit_settings_show_in_debug_without_the_token() {
    let client = Client::builder()
        .token("s3cret-token")
        .rate_limit(RateLimit::new(10, 2).unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("s3cret"), "{debug}");
    assert!(debug.contains("burst: 10"), "{debug}");
    assert!(debug.contains("max_attempts: 1"), "{debug}");
}
