//! Tracing: one span per request with its attempts, a `retrying` event per retry,
//! never the token. Alone in its binary: tracing caches which call sites are enabled
//! process-wide, so a subscriber set for one test thread must not race other tests.

mod support;

use std::sync::Arc;
use std::time::Duration;

use integrator_io::RetryPolicy;
use serde_json::json;
use support::{CaptureServer, Reply};

#[tokio::test]
async fn every_retry_is_traced_and_the_token_never_is() {
    use std::io::Write;
    #[derive(Clone, Default)]
    struct Buffer(Arc<std::sync::Mutex<Vec<u8>>>);
    impl Write for Buffer {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let replies = [
        Reply::raw(503, "text/html", "x"),
        Reply::json(429, &json!({"errors": []})).with_header("Retry-After", "0"),
        Reply::json(200, &json!({"_id": "5a6b7c8d9e0f1a2b3c4d5e6f"})),
    ];
    let server = CaptureServer::scripted(replies.to_vec()).await;
    let client = server.client_with(|b| {
        b.retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
    });
    client
        .get_export()
        .id("5a6b7c8d9e0f1a2b3c4d5e6f")
        .send()
        .await
        .unwrap();
    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert_eq!(log.matches("retrying").count(), 2, "{log}");
    assert!(
        log.contains("operation=\"getExport\"") || log.contains("operation=getExport"),
        "{log}"
    );
    assert!(log.contains("attempts=3"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(
        !log.contains("test-token-123"),
        "the token leaked into traces"
    );
    assert!(!log.contains("Bearer"), "{log}");
}
