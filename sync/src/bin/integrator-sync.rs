//! `integrator-sync`: `pull`, `diff`, `plan` and `apply` as a program of their own,
//! until the `integrator` program mounts them (the same commands, the same exit codes).
//!
//! Accounts come from the environment: the current account from `INTEGRATOR_API_TOKEN`,
//! `INTEGRATOR_REGION`, `INTEGRATOR_BASE_URL` and `INTEGRATOR_ASHARE_ID`; a profile
//! `NAME` (`--account NAME`, `NAME:ID`, `--to NAME`) from the same variables suffixed
//! with `_NAME` in upper case (`INTEGRATOR_API_TOKEN_PROD`, `INTEGRATOR_REGION_PROD`…).
//!
//! ```text
//! integrator-sync --account dev pull "Shopify - NetSuite" shopify-netsuite
//! integrator-sync diff shopify-netsuite prod:5f0c…
//! integrator-sync apply shopify-netsuite --to prod
//! ```

use clap::Parser;
use integrator_io::{Client, ClientBuilder};
use integrator_io_sync::cli::{run, SyncCommand};

/// Integrations as code: pull, diff, plan and apply integrator.io integrations.
#[derive(Parser)]
#[command(name = "integrator-sync", version)]
struct Cli {
    /// The profile to act as (`pull`, and `:ID` in `diff`); default: the unsuffixed variables.
    #[arg(long, global = true)]
    account: Option<String>,
    #[command(subcommand)]
    command: SyncCommand,
}

/// The client of `profile` (`None`: the unsuffixed variables).
fn client(profile: Option<&str>) -> Result<Client, String> {
    let suffix = profile
        .map(|p| format!("_{}", p.to_ascii_uppercase().replace('-', "_")))
        .unwrap_or_default();
    let var = |name: &str| std::env::var(format!("{name}{suffix}")).ok();
    let failed = |e: integrator_io::Error| match profile {
        Some(name) => format!("profile {name}: {e} (its variables end in {suffix})"),
        None => e.to_string(),
    };
    ClientBuilder::from_vars(var)
        .and_then(ClientBuilder::build)
        .map_err(failed)
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let current = cli.account.clone();
    let accounts = move |profile: Option<&str>| -> Result<Client, String> {
        client(profile.or(current.as_deref()))
    };
    let code = run(
        &cli.command,
        &accounts,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
    .await;
    std::process::exit(code);
}
