//! `cargo xtask`: the maintainers' tools for the spec, the generated client and the
//! API docs. `cargo xtask --help` lists the commands; [`cli`] holds their arguments and
//! help (clap).
//!
//! - `codegen` ([`generate`]), `spec lint` ([`spec_lint`]): the spec and the client.
//! - `docs-diff` ([`docs_diff`]), `docs-examples` ([`docs_examples`]): the spec against
//!   the API documentation ([`docs`] reads it).
//! - `spec-diff` ([`spec_diff`]): two OpenAPI documents, breaking changes flagged.
//! - `live` ([`live`]): the live contract tests against a real account.
#![forbid(unsafe_code)]

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
mod spec_diff;
mod spec_lint;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, SpecCommand};
use integrator_io_codegen::Spec;

/// Exit status for a usage error or an unreadable input.
const USAGE_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
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
fn run(cli: Cli) -> Result<ExitCode, String> {
    let root = workspace_root();
    let spec = || {
        let path = cli
            .spec
            .clone()
            .unwrap_or_else(|| root.join("openapi/integrator.yaml"));
        Spec::load(&path).map_err(|e| e.to_string())
    };
    match &cli.command {
        Command::Codegen(codegen) => {
            let (mode, dir) = codegen.mode();
            let dir = dir.unwrap_or_else(|| root.join("target/generated"));
            generate::run(&spec()?, &mode, &dir)
        }
        Command::Spec(SpecCommand::Lint) => Ok(spec_lint::run(&spec()?)),
        Command::DocsDiff(docs) => docs_diff::run(&spec()?, &docs.paths),
        Command::DocsExamples(docs) => docs_examples::run(&spec()?, &docs.paths),
        Command::Live => live::run(&root),
        Command::SpecDiff(files) => {
            let load = |path: &Path| Spec::load(path).map_err(|e| e.to_string());
            Ok(spec_diff::run(&load(&files.old)?, &load(&files.new)?))
        }
    }
}
