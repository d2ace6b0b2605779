//! What every example starts with: a client for the live account when
//! `INTEGRATOR_API_TOKEN` is set, otherwise for a local sandbox seeded with a realistic
//! account (kept alive as long as the returned handle).

#![allow(dead_code)]

use integrator_io::Client;
use integrator_io_sandbox::{Sandbox, SandboxBuilder};

/// Where an example runs.
pub struct Target {
    pub client: Client,
    /// The local sandbox, when not live (dropping it stops it).
    pub sandbox: Option<Sandbox>,
}

impl Target {
    /// True when the example runs on a live account.
    pub fn live(&self) -> bool {
        self.sandbox.is_none()
    }

    /// True when it may change things: always in the sandbox, on a live account only
    /// with `INTEGRATOR_LIVE_WRITE=1`.
    pub fn may_write(&self) -> bool {
        !self.live() || std::env::var("INTEGRATOR_LIVE_WRITE").is_ok_and(|v| v == "1")
    }
}

/// The live account, or a sandbox built by `sandbox` (seeded).
pub async fn connect(
    sandbox: impl FnOnce(SandboxBuilder) -> SandboxBuilder,
) -> Result<Target, Box<dyn std::error::Error>> {
    if std::env::var_os(integrator_io::ENV_TOKEN).is_some() {
        let client = Client::from_env()?;
        eprintln!("live account at {}", client.base_url());
        return Ok(Target {
            client,
            sandbox: None,
        });
    }
    let started = sandbox(Sandbox::builder().seed(true)).start().await?;
    let client = started.client()?;
    eprintln!(
        "no INTEGRATOR_API_TOKEN: using a local sandbox at {}",
        client.base_url()
    );
    Ok(Target {
        client,
        sandbox: Some(started),
    })
}
