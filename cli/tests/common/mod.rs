//! A sandbox started in-process for each test, and the `integrator` binary pointed at it
//! with a private configuration directory and none of the caller's `INTEGRATOR_*`
//! variables.
#![allow(dead_code)]

use std::path::PathBuf;

use integrator_io_sandbox::{Sandbox, SandboxBuilder};
use serde_json::Value;

/// A running sandbox and a temporary configuration directory.
pub struct Env {
    pub sandbox: Sandbox,
    pub runtime: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A seeded sandbox.
    pub fn seeded() -> Env {
        Env::with(Sandbox::builder().seed(true))
    }

    /// A sandbox from `builder` (a free port).
    pub fn with(builder: SandboxBuilder) -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let sandbox = runtime
            .block_on(builder.port(0).start())
            .expect("sandbox starts");
        Env {
            sandbox,
            runtime,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `integrator` against the sandbox (token and base URL from the environment).
    pub fn cli(&self) -> assert_cmd::Command {
        let mut cmd = self.bare();
        cmd.env("INTEGRATOR_BASE_URL", self.sandbox.base_url())
            .env("INTEGRATOR_API_TOKEN", self.sandbox.token());
        cmd
    }

    /// `integrator` with no token nor base URL, only the private config directory.
    pub fn bare(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_integrator"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("INTEGRATOR_") {
                cmd.env_remove(&name);
            }
        }
        cmd.env("INTEGRATOR_CONFIG_DIR", self.config_dir())
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE");
        cmd
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Writes `text` to a file in the temp dir and gives its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    /// Requests the sandbox answered so far.
    pub fn requests(&self) -> u64 {
        self.sandbox.stats().requests
    }

    /// The export `id` read through the client library; `None` when it does not exist.
    pub fn export(&self, id: &str) -> Option<Value> {
        let client = self.sandbox.client().expect("client");
        let id = id.to_string();
        self.runtime.block_on(async move {
            match client
                .raw(&integrator_io::operations::GET_EXPORT)
                .path_param("id", id)
                .send()
                .await
            {
                Ok(answer) => Some(answer.into_inner()),
                Err(e) if e.is_not_found() => None,
                Err(e) => panic!("{e}"),
            }
        })
    }
}

/// stdout as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

/// stderr as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// Every line of stdout as JSON.
pub fn ndjson(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}
