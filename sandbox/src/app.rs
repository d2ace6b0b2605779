//! [`App`]: everything a request handler can reach (settings, the account's data, the
//! rate limiter, the knobs).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::api_spec::ApiSpec;
use super::ids::Ids;
use super::knobs::Knobs;
use super::rate_limit::Limiter;
use super::store::World;
use super::virtual_export::Signer;
use super::{SandboxBuilder, SandboxStats};

/// The shared state of one running sandbox.
pub(crate) struct App {
    /// The settings it was started with.
    pub(crate) config: SandboxBuilder,
    /// The spec it serves.
    pub(crate) api: &'static ApiSpec,
    /// `http://127.0.0.1:<port>/v1`.
    pub(crate) base_url: String,
    /// The `_userId` of the token.
    pub(crate) user_id: String,
    /// The account's data.
    world: RwLock<World>,
    /// The leaky bucket, unless turned off.
    pub(crate) limiter: Option<Limiter>,
    /// Added latency and injected errors.
    pub(crate) knobs: Knobs,
    /// Ids, timestamps and randomness.
    pub(crate) ids: Ids,
    /// Signs and checks `pagedExportState`.
    pub(crate) signer: Signer,
    /// Requests answered.
    requests: AtomicU64,
    /// Requests answered `429` by the leaky bucket.
    rate_limited: AtomicU64,
}

impl App {
    /// A sandbox's state, seeded when asked.
    pub(crate) fn new(config: SandboxBuilder, api: &'static ApiSpec, base_url: String) -> App {
        let ids = Ids::new();
        let user_id = config.user_id.clone().unwrap_or_else(|| ids.object_id());
        let mut world = World::default();
        if config.seed {
            super::seed::seed(&mut world, &ids, &config);
        }
        App {
            limiter: config
                .rate_limit
                .and_then(|(burst, rate)| Limiter::new(burst, rate)),
            knobs: Knobs::new(config.latency, config.error_rate),
            signer: Signer::new(&ids),
            world: RwLock::new(world),
            user_id,
            config,
            api,
            base_url,
            ids,
            requests: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
        }
    }

    /// Counts one answered request, and whether the leaky bucket refused it.
    pub(crate) fn count(&self, rate_limited: bool) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if rate_limited {
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counters so far.
    pub(crate) fn stats(&self) -> SandboxStats {
        SandboxStats {
            requests: self.requests.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
        }
    }

    /// The data, for reading (a poisoned lock is recovered: the data stays consistent
    /// because handlers do not panic half-way).
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The data, for changing.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(|e| e.into_inner())
    }
}
