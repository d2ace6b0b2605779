//! Shared test support: the spec, and a loopback HTTP server that records every request
//! exactly as received and answers from a script.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use integrator_io::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

mod bare_http;
mod spec;
#[allow(unused_imports)]
pub use bare_http::bare_http;
#[allow(unused_imports)]
pub use spec::{branches, spec, COMBINERS};

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    /// Path and query, as sent (still percent-encoded).
    pub target: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Option<std::time::Duration>,
    /// Send only this many bytes of the body (the declared length stays), then close.
    pub cut_after: Option<usize>,
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: serde_json::to_vec(body).unwrap(),
            delay: None,
            cut_after: None,
        }
    }

    pub fn raw(status: u16, content_type: &str, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
            delay: None,
            cut_after: None,
        }
    }

    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: vec![],
            body: vec![],
            delay: None,
            cut_after: None,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers after `delay`.
    pub fn delayed(mut self, delay: std::time::Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Sends the head and `bytes` bytes of the body, then closes the connection.
    pub fn cut_after(mut self, bytes: usize) -> Self {
        self.cut_after = Some(bytes);
        self
    }
}

type Responder = dyn Fn(&Captured) -> Reply + Send + Sync;

/// A loopback server recording requests; it stops when dropped.
pub struct CaptureServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Captured>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CaptureServer {
    /// Starts a server answering every request with `respond`.
    pub async fn start(respond: impl Fn(&Captured) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let respond: Arc<Responder> = Arc::new(respond);
        let log = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let _ = socket.set_nodelay(true);
                let log = log.clone();
                let respond = respond.clone();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    loop {
                        let Some(request) = read_request(&mut socket, &mut buffer).await else {
                            return;
                        };
                        let reply = respond(&request);
                        log.lock().unwrap().push(request);
                        let mut head = format!(
                            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
                            reply.status,
                            reply.body.len()
                        );
                        for (name, value) in &reply.headers {
                            head.push_str(&format!("{name}: {value}\r\n"));
                        }
                        head.push_str("\r\n");
                        if let Some(delay) = reply.delay {
                            tokio::time::sleep(delay).await;
                        }
                        let body = &reply.body
                            [..reply.cut_after.unwrap_or(usize::MAX).min(reply.body.len())];
                        // One write: a head and body in two would meet Nagle's delay.
                        let mut bytes = head.into_bytes();
                        bytes.extend_from_slice(body);
                        if socket.write_all(&bytes).await.is_err() || reply.cut_after.is_some() {
                            return;
                        }
                    }
                });
            }
        });
        CaptureServer {
            base_url: format!("http://{address}/v1"),
            requests,
            task,
        }
    }

    /// Answers every request with the same reply.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_| reply.clone()).await
    }

    /// Answers each request knowing how many came before it (0 for the first).
    pub async fn numbered(
        respond: impl Fn(usize, &Captured) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let count = std::sync::atomic::AtomicUsize::new(0);
        Self::start(move |request| {
            respond(
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
                request,
            )
        })
        .await
    }

    /// Answers the replies in order, then the last one for ever.
    pub async fn scripted(replies: Vec<Reply>) -> Self {
        Self::numbered(move |n, _| replies[n.min(replies.len() - 1)].clone()).await
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().unwrap().clone()
    }

    /// A client for this server, without retries (each test sees each answer once).
    pub fn client(&self) -> Client {
        self.client_with(|b| b.retry(integrator_io::RetryPolicy::none()))
    }

    /// A client for this server, configured further by `configure`.
    pub fn client_with(
        &self,
        configure: impl FnOnce(integrator_io::ClientBuilder) -> integrator_io::ClientBuilder,
    ) -> Client {
        configure(
            Client::builder()
                .token("test-token-123")
                .base_url(&self.base_url),
        )
        .build()
        .unwrap()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

async fn read_request(
    socket: &mut tokio::net::TcpStream,
    buffer: &mut Vec<u8>,
) -> Option<Captured> {
    let header_end = loop {
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let mut chunk = [0u8; 8192];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = header_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(Captured {
        method,
        target,
        headers,
        body,
    })
}

/// A JSON value with an unknown field added to every object, recursively (the
/// "fields the spec does not model" of the round-trip tests).
pub fn with_unknown_fields(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut out: serde_json::Map<String, serde_json::Value> = map
                .iter()
                .map(|(k, v)| (k.clone(), with_unknown_fields(v)))
                .collect();
            out.insert(
                "zzFutureField".into(),
                serde_json::json!({"nested": [1, null, "x"], "flag": true}),
            );
            out.insert("zzNullField".into(), serde_json::Value::Null);
            serde_json::Value::Object(out)
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(with_unknown_fields).collect())
        }
        other => other.clone(),
    }
}

/// JSON equality "in meaning": equal, except that two RFC 3339 timestamps naming the
/// same instant (`…00.000Z` and `…00Z`) count as equal. Returns the first difference.
pub fn same_meaning(a: &serde_json::Value, b: &serde_json::Value) -> Result<(), String> {
    fn walk(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Result<(), String> {
        use serde_json::Value::*;
        match (a, b) {
            (Object(x), Object(y)) => {
                for key in x.keys().chain(y.keys()) {
                    match (x.get(key), y.get(key)) {
                        (Some(p), Some(q)) => walk(p, q, &format!("{at}/{key}"))?,
                        (p, q) => return Err(format!("{at}/{key}: {p:?} vs {q:?}")),
                    }
                }
                Ok(())
            }
            (Array(x), Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .try_for_each(|(i, (p, q))| walk(p, q, &format!("{at}/{i}"))),
            (String(x), String(y)) if x != y => {
                match (
                    chrono::DateTime::parse_from_rfc3339(x),
                    chrono::DateTime::parse_from_rfc3339(y),
                ) {
                    (Ok(p), Ok(q)) if p == q => Ok(()),
                    _ => Err(format!("{at}: {x:?} vs {y:?}")),
                }
            }
            (Number(x), Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
            (x, y) if x == y => Ok(()),
            (x, y) => Err(format!("{at}: {x} vs {y}")),
        }
    }
    walk(a, b, "")
}
