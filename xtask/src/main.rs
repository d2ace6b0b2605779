//! `cargo xtask`: the maintainers' tools for the spec, the generated client and the
//! API docs. `cargo xtask --help` lists the commands; [`cli`] holds their help.
//!
//! - `codegen` ([`generate`]), `spec lint` ([`spec_lint`]): the spec and the client.
//! - `docs-diff` ([`docs_diff`]), `docs-examples` ([`docs_examples`]): the spec against
//!   the API documentation ([`docs`] reads it).
//! - `live` ([`live`]): the live contract tests against a real account.
//! - `msrv` ([`msrv`]): the declared rust-version against the locked dependencies.

/// `println!` that ignores a closed output (`cargo xtask docs-diff ... | head`) instead
/// of panicking.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod cli;
mod docs;
mod docs_diff;
mod docs_examples;
mod generate;
mod live;
mod msrv;
mod spec_lint;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cli::Command;
use integrator_io_codegen::Spec;

/// Exit status for a usage error or an unreadable input.
const USAGE_ERROR: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let invocation = match cli::parse(&args) {
        Ok(invocation) => invocation,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::usage());
            return ExitCode::from(USAGE_ERROR);
        }
    };
    match run(invocation) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

/// The workspace root (the parent of this crate).
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Runs one parsed command; the spec is read only by the commands that need it.
fn run(invocation: cli::Invocation) -> Result<ExitCode, String> {
    let root = workspace_root();
    let spec = || {
        let path = invocation
            .spec
            .clone()
            .unwrap_or_else(|| root.join("openapi/integrator.yaml"));
        Spec::load(&path).map_err(|e| e.to_string())
    };
    match &invocation.command {
        Command::Help(None) => outln!("{}", cli::usage()),
        Command::Help(Some(command)) => outln!("{}", cli::command_help(command)),
        Command::Codegen(mode, dir) => {
            let dir = dir.clone().unwrap_or_else(|| root.join("target/generated"));
            return generate::run(&spec()?, mode, &dir);
        }
        Command::SpecLint => return Ok(spec_lint::run(&spec()?)),
        Command::DocsDiff(paths) => return docs_diff::run(&spec()?, paths),
        Command::DocsExamples(paths) => return docs_examples::run(&spec()?, paths),
        Command::Live => return live::run(&root),
        Command::Msrv => return msrv::run(&root),
    }
    Ok(ExitCode::SUCCESS)
}
