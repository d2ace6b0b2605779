//! `integrator`: the integrator.io REST API from the command line. Every operation of
//! `openapi/integrator.yaml` is a command `integrator <area> <verb>` (the command table
//! is derived from the spec at build time), sent through the `integrator-io` client
//! (token, region, account share, rate limit, retries, paging, masked-secret refusal).
//!
//! The binary is a thin `main` around [`run`]; the command tree ([`command::command`])
//! and the table ([`table::OPERATIONS`]) are public for the tests and for crates that
//! mount commands of their own.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod builtin;
mod columns;
pub mod command;
pub mod exit;
mod jq;
mod operation;
mod output;
mod params;
pub mod profile;
mod progress;
mod set;
pub mod settings;
pub mod table;

use std::ffi::OsString;

use clap::FromArgMatches;

use command::{Builtin, Globals};
use exit::CliError;

pub use settings::client_for_profile;

/// Runs the command line on `args` (the program name first) and gives the exit code.
pub fn run(args: Vec<OsString>) -> u8 {
    let (globals, matches) = match command::parse(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    if globals.verbose {
        init_tracing();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return exit::report(&CliError::other(format!("cannot start: {e}"))),
    };
    match runtime.block_on(dispatch(&globals, &matches)) {
        Ok(()) => exit::OK,
        Err(error) => exit::report(&error),
    }
}

async fn dispatch(globals: &Globals, matches: &clap::ArgMatches) -> Result<(), CliError> {
    let Some((area, area_matches)) = matches.subcommand() else {
        return Err(CliError::usage("no command given (see integrator --help)"));
    };
    if let Some((verb, verb_matches)) = area_matches.subcommand() {
        if let Some(op) = table::find(area, verb) {
            return operation::run(globals, op, verb_matches).await;
        }
    }
    let builtin = Builtin::from_arg_matches(matches).map_err(|e| CliError::usage(e.to_string()))?;
    builtin::run(globals, builtin).await
}

/// `--verbose`: each request's operation, method, path, status, attempts and time on
/// stderr. The client's spans never hold the token.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::new("integrator_io=debug");
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
