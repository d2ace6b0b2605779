//! `integrator-sandbox`: a local, stateful stand-in for integrator.io on 127.0.0.1.
//!
//! ```text
//! cargo run -p integrator-io-sandbox -- --port 8080 --token secret --seed
//! ```

#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Duration;

use integrator_io_sandbox::{Sandbox, SandboxBuilder};

const HELP: &str = "\
integrator-sandbox: a local, stateful stand-in for the integrator.io API (127.0.0.1 only)

USAGE:
    integrator-sandbox [OPTIONS]

OPTIONS:
    --port N            port to listen on (default 8080; 0 picks a free one)
    --token T           bearer token to accept (default sandbox-token)
    --seed              start with a realistic account (integrations, flows, jobs, errors...)
    --seed-records N    records a virtual export yields (default 250)
    --seed-list-items N add N exports and N jobs to the seeded account
    --no-rate-limit     turn the leaky bucket (burst 1000, 300/s) off
    --rate-limit B,R    a bucket of B requests refilled at R per second
    --latency-ms N      add N milliseconds to every answer
    --error-rate F      answer a share F (0..1) of requests with an injected 500/503
    --ashare-id ID      behave as an account shared with the token's user
    --user-id ID        the _userId that /tokenInfo answers
    --quiet             do not log requests to stderr
    -h, --help          this help

Every request is logged to stderr as: METHOD PATH STATUS MILLISECONDS.
";

fn parse(args: &[String]) -> Result<Option<SandboxBuilder>, String> {
    let mut builder = Sandbox::builder().port(8080).log_requests(true);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
            text.parse()
                .map_err(|_| format!("{name}: {text:?} is not a valid number"))
        }
        builder = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => builder.port(number("--port", &value("--port")?)?),
            "--token" => builder.token(value("--token")?),
            "--seed" => builder.seed(true),
            "--seed-records" => {
                builder.seed_records(number("--seed-records", &value("--seed-records")?)?)
            }
            "--seed-list-items" => {
                builder.seed_list_items(number("--seed-list-items", &value("--seed-list-items")?)?)
            }
            "--no-rate-limit" => builder.no_rate_limit(),
            "--rate-limit" => {
                let text = value("--rate-limit")?;
                let (burst, rate) = text
                    .split_once(',')
                    .ok_or("--rate-limit takes BURST,RATE (e.g. 1000,300)")?;
                builder.rate_limit(number("burst", burst)?, number("rate", rate)?)
            }
            "--latency-ms" => builder.latency(Duration::from_millis(number(
                "--latency-ms",
                &value("--latency-ms")?,
            )?)),
            "--error-rate" => builder.error_rate(number("--error-rate", &value("--error-rate")?)?),
            "--ashare-id" => builder.ashare_id(value("--ashare-id")?),
            "--user-id" => builder.user_id(value("--user-id")?),
            "--quiet" => builder.log_requests(false),
            other => return Err(format!("unknown argument {other:?}; see --help")),
        };
    }
    Ok(Some(builder))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let builder = match parse(&args) {
        Ok(Some(builder)) => builder,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("integrator-sandbox: {message}");
            return ExitCode::from(2);
        }
    };
    match builder.start().await {
        Ok(sandbox) => {
            eprintln!(
                "integrator-sandbox listening on {} (token: as given; Ctrl-C stops it)",
                sandbox.base_url()
            );
            sandbox.serve_forever().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("integrator-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}
