//! A local, stateful stand-in for integrator.io, for testing code that uses the
//! [`integrator_io`] client without an account.
//!
//! [`Sandbox::start`] serves every operation of the spec on a free `127.0.0.1` port:
//! resources are created, read, changed, cloned and deleted, flows run into jobs and
//! errors, state keys and audit entries are kept, virtual exports page with a signed
//! state. It behaves like the API: a bearer token is required, failures answer the
//! error envelope, query parameters and request bodies are validated against the
//! spec's schemas (`400` and `422` with `field` errors), a wrong method answers `405`
//! with `Allow`, secrets are answered masked as `"******"`, lists page with
//! `limit`/`skip` and a `Link` header and answer `204` when empty, and a leaky bucket
//! answers `429` with `Retry-After`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use integrator_io_sandbox::Sandbox;
//!
//! let sandbox = Sandbox::builder().seed(true).start().await?;
//! let client = sandbox.client()?;
//! let me = client.get_token_info().send().await?;
//! assert_eq!(me.scope.as_deref(), Some("*"));
//! assert!(!client.list_integrations().send().await?.is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! The same server runs as a program:
//! `cargo run -p integrator-io-sandbox -- --port 8080 --token secret --seed`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod access_tokens;
mod account_views;
mod api_spec;
mod app;
mod auth;
mod connections;
mod dispatch;
mod error_kinds;
mod error_triage;
mod errors_em;
mod ids;
mod integration_children;
mod integration_clone;
mod job_actions;
mod jobs;
mod json_patch;
mod knobs;
mod lookup_caches;
mod paging;
mod projection;
mod rate_limit;
mod recycle_bin;
mod reply;
mod resource_extras;
mod resource_links;
mod resources;
mod router;
mod secrets;
mod seed;
mod seed_current;
mod server;
mod state_keys;
mod store;
mod syncs;
mod users;
mod validation;
mod virtual_export;

pub use seed_current::{SSO_CLIENT_ID, SYNC_ID};

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use integrator_io::{Client, ClientBuilder, Error};

/// The token a sandbox accepts unless another is set.
pub const DEFAULT_TOKEN: &str = "sandbox-token";

/// The documented leaky bucket: a burst of 1000 requests.
pub const DEFAULT_BURST: u32 = 1000;

/// The documented leaky bucket: refilled at 300 requests per second.
pub const DEFAULT_RATE_PER_SECOND: u32 = 300;

/// How many records a seeded virtual export yields unless set otherwise.
pub const DEFAULT_SEED_RECORDS: usize = 250;

/// Why a sandbox could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The embedded spec could not be read (a broken build).
    Spec(String),
    /// The port could not be bound.
    Bind(std::io::Error),
    /// A setting is out of range.
    Setting(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Spec(e) => write!(f, "the embedded spec cannot be read: {e}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Setting(e) => write!(f, "invalid setting: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// How a sandbox behaves; built by [`Sandbox::builder`].
#[derive(Clone, Debug)]
pub struct SandboxBuilder {
    pub(crate) port: u16,
    pub(crate) token: String,
    pub(crate) ashare_id: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) seed: bool,
    pub(crate) seed_records: usize,
    pub(crate) seed_list_items: usize,
    pub(crate) rate_limit: Option<(u32, u32)>,
    pub(crate) latency: Duration,
    pub(crate) error_rate: f64,
    pub(crate) error_page_size: usize,
    pub(crate) log_requests: bool,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            port: 0,
            token: DEFAULT_TOKEN.to_string(),
            ashare_id: None,
            user_id: None,
            seed: false,
            seed_records: DEFAULT_SEED_RECORDS,
            seed_list_items: 0,
            rate_limit: Some((DEFAULT_BURST, DEFAULT_RATE_PER_SECOND)),
            latency: Duration::ZERO,
            error_rate: 0.0,
            error_page_size: 1000,
            log_requests: false,
        }
    }
}

impl SandboxBuilder {
    /// The port to listen on (`127.0.0.1` only); `0`, the default, picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The bearer token the sandbox accepts (default [`DEFAULT_TOKEN`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// Behaves as an account shared with the token's user: every request must send
    /// `Integrator-AShareId: id`, or gets `403` with code `missing_header`.
    pub fn ashare_id(mut self, id: impl Into<String>) -> Self {
        self.ashare_id = Some(id.into());
        self
    }

    /// The `_userId` that `GET /tokenInfo` answers (default: a generated id).
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.user_id = Some(id.into());
        self
    }

    /// Starts with a realistic account: integrations, connections, exports, imports,
    /// flows, jobs, open errors with retry data, state keys, a connector with a license.
    pub fn seed(mut self, seed: bool) -> Self {
        self.seed = seed;
        self
    }

    /// How many records a virtual export (`POST /connections/{id}/export[/pages]`)
    /// yields (default [`DEFAULT_SEED_RECORDS`]); records are generated page by page,
    /// so millions cost no memory.
    pub fn seed_records(mut self, records: usize) -> Self {
        self.seed_records = records;
        self
    }

    /// Adds `n` exports and `n` flow jobs to the seeded account (implies
    /// [`seed`](Self::seed)), for paging benchmarks.
    pub fn seed_list_items(mut self, n: usize) -> Self {
        self.seed_list_items = n;
        if n > 0 {
            self.seed = true;
        }
        self
    }

    /// The leaky bucket per token and account: `burst` requests at once, refilled at
    /// `per_second` (default 1000 and 300, as documented). A zero turns it off.
    pub fn rate_limit(mut self, burst: u32, per_second: u32) -> Self {
        self.rate_limit = (burst > 0 && per_second > 0).then_some((burst, per_second));
        self
    }

    /// No rate limit at all.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// Added to every answer's time (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The share of authenticated requests (0.0 to 1.0) answered with an injected
    /// `500` or `503` error envelope instead (default 0).
    pub fn error_rate(mut self, rate: f64) -> Self {
        self.error_rate = rate;
        self
    }

    /// How many EM 2.0 errors one page of `GET /flows/{flowId}/{stepId}/errors` holds
    /// before `nextPageURL` points at the next (default 1000).
    pub fn error_page_size(mut self, size: usize) -> Self {
        self.error_page_size = size.max(1);
        self
    }

    /// Writes one line per request (method, path, status, milliseconds) to stderr.
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// Binds the port, seeds the account if asked, and starts serving on the current
    /// tokio runtime. The server stops when the returned handle is dropped.
    pub async fn start(self) -> Result<Sandbox, StartError> {
        if !(0.0..=1.0).contains(&self.error_rate) || self.error_rate.is_nan() {
            return Err(StartError::Setting(format!(
                "the error rate must be between 0 and 1, not {}",
                self.error_rate
            )));
        }
        let api = api_spec::ApiSpec::get().map_err(StartError::Spec)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let base_url = format!("http://{addr}/v1");
        let app = Arc::new(app::App::new(self.clone(), api, base_url.clone()));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(server::serve(listener, app.clone(), stopped));
        Ok(Sandbox {
            app,
            addr,
            base_url,
            token: self.token,
            ashare_id: self.ashare_id,
            stop,
            task: Some(task),
        })
    }
}

/// Counters of a running sandbox ([`Sandbox::stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SandboxStats {
    /// Requests answered (any status).
    pub requests: u64,
    /// Of those, the ones refused by the leaky bucket (`429`).
    pub rate_limited: u64,
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    app: Arc<app::App>,
    addr: SocketAddr,
    base_url: String,
    token: String,
    ashare_id: Option<String>,
    stop: tokio::sync::watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("ashare_id", &self.ashare_id)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox with the defaults: an empty account, token
    /// [`DEFAULT_TOKEN`], the documented rate limit, a free port.
    pub async fn start() -> Result<Sandbox, StartError> {
        SandboxBuilder::default().start().await
    }

    /// A builder for the other settings.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The base URL, `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token it accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// How many requests it has answered so far, and how many of them the leaky bucket
    /// refused with `429`.
    pub fn stats(&self) -> SandboxStats {
        self.app.stats()
    }

    /// The account share it requires, if configured as one.
    pub fn ashare_id(&self) -> Option<&str> {
        self.ashare_id.as_deref()
    }

    /// A [`Client`] for this sandbox (with its token, and its account share if any),
    /// with the client's default rate limit and retry policy.
    pub fn client(&self) -> Result<Client, Error> {
        self.client_builder().build()
    }

    /// A [`ClientBuilder`] set up for this sandbox, to change other settings (a
    /// [`RetryPolicy`](integrator_io::RetryPolicy), timeouts) before building.
    pub fn client_builder(&self) -> ClientBuilder {
        let mut builder = Client::builder()
            .token(self.token.clone())
            .base_url(self.base_url.clone());
        if let Some(id) = &self.ashare_id {
            builder = builder.ashare_id(id.clone());
        }
        builder
    }

    /// Serves until the process ends (for the `integrator-sandbox` program).
    pub async fn serve_forever(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
