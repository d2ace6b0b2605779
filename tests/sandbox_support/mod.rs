//! Shared by the sandbox tests: raw HTTP calls to a sandbox, and the spec.
#![allow(dead_code)]

use integrator_io_sandbox::Sandbox;
use serde_json::Value;

#[path = "../support/bare_http.rs"]
mod bare_http;
#[path = "../support/spec.rs"]
mod spec;
#[allow(unused_imports)]
pub use bare_http::bare_http;
#[allow(unused_imports)]
pub use spec::spec;

/// An answer as received.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "HTTP {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first error code of an error envelope.
    pub fn code(&self) -> String {
        self.json()
            .pointer("/errors/0/code")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }
}

/// Raw requests to one sandbox, authenticated.
pub struct Raw {
    pub base: String,
    pub token: String,
    pub ashare_id: Option<String>,
    pub http: reqwest::Client,
}

impl Raw {
    pub fn new(sandbox: &Sandbox) -> Raw {
        Raw {
            base: sandbox.base_url().to_string(),
            token: sandbox.token().to_string(),
            ashare_id: sandbox.ashare_id().map(str::to_string),
            http: bare_http().build().expect("a reqwest client"),
        }
    }

    /// `path` is after `/v1` (`/exports?limit=2`), or an absolute URL.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let mut request = self
            .http
            .request(method.parse().expect("a method"), url)
            .bearer_auth(&self.token);
        if let Some(id) = &self.ashare_id {
            request = request.header("Integrator-AShareId", id);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(body).expect("JSON"));
        }
        let response = request.send().await.expect("the sandbox answers");
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("a body").to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None).await
    }

    /// The `_id` of the first item of a list.
    pub async fn first_id(&self, path: &str) -> String {
        let answer = self.get(path).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
        answer.json()[0]["_id"]
            .as_str()
            .expect("an _id")
            .to_string()
    }
}

/// A seeded sandbox without rate limit (kept alive by the caller) and raw calls to it.
pub async fn seeded_raw() -> (Sandbox, Raw) {
    let sandbox = Sandbox::builder()
        .seed(true)
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&sandbox);
    (sandbox, raw)
}
