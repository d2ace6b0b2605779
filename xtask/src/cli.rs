//! The command line, parsed by clap: the subcommands, their arguments and their help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The maintainers' tools for the spec, the generated client and the API docs.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true
)]
pub struct Cli {
    /// The spec to read [default: the workspace's openapi/integrator.yaml].
    #[arg(long, global = true, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// One command.
#[derive(Debug, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Write the generated client to DIR/integrator.rs, or check DIR is up to date.
    #[command(long_about = CODEGEN, after_help = CODEGEN_EXAMPLE)]
    Codegen(Codegen),
    /// The spec's own checks.
    #[command(subcommand)]
    Spec(SpecCommand),
    /// Compare the endpoints the docs list with the spec's operations.
    #[command(long_about = DOCS_DIFF, after_help = DOCS_DIFF_EXAMPLE)]
    DocsDiff(DocsPaths),
    /// Check the docs' HTTP examples against the spec's operations and schemas.
    #[command(long_about = DOCS_EXAMPLES, after_help = DOCS_EXAMPLES_EXAMPLE)]
    DocsExamples(DocsPaths),
    /// Run the live contract tests (tests/live_contract.rs) against a real account.
    #[command(long_about = LIVE)]
    Live,
    /// Compare two OpenAPI documents; exit 1 when the change breaks clients of OLD.
    #[command(long_about = SPEC_DIFF, after_help = SPEC_DIFF_EXAMPLE)]
    SpecDiff(SpecDiff),
}

/// The two documents `spec-diff` compares.
#[derive(Debug, PartialEq, Eq, Args)]
pub struct SpecDiff {
    /// The document clients were written against (YAML or JSON, OpenAPI 3.0 or 3.1).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The document to compare with it.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
}

/// `codegen`'s directory: where to write, or what to check.
#[derive(Debug, PartialEq, Eq, Args)]
pub struct Codegen {
    /// Write DIR/integrator.rs and DIR/integrator_mock.rs (default: target/generated).
    #[arg(long, value_name = "DIR", conflicts_with = "check")]
    pub out: Option<PathBuf>,
    /// Exit 1 when either file in DIR differs from what the spec generates.
    #[arg(long, value_name = "DIR")]
    pub check: Option<PathBuf>,
}

/// `spec`'s subcommands.
#[derive(Debug, PartialEq, Eq, Subcommand)]
pub enum SpecCommand {
    /// Check the spec: every rule build.rs enforces, and its examples against their schemas.
    #[command(long_about = SPEC_LINT)]
    Lint,
}

/// The documentation files and directories `docs-diff` and `docs-examples` read.
#[derive(Debug, PartialEq, Eq, Args)]
pub struct DocsPaths {
    /// Documentation files, and directories whose .md and .txt files are read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// What `codegen` does with its directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodegenMode {
    /// Write the client there.
    Write,
    /// Compare with what is there.
    Check,
}

impl Codegen {
    /// The mode and the directory given, if any.
    pub fn mode(&self) -> (CodegenMode, Option<PathBuf>) {
        match (&self.out, &self.check) {
            (_, Some(dir)) => (CodegenMode::Check, Some(dir.clone())),
            (out, None) => (CodegenMode::Write, out.clone()),
        }
    }
}

const CODEGEN: &str = "\
Writes the client generated from the spec, formatted, to DIR/integrator.rs, and the
typed mocks (the integrator-io-mock crate) to DIR/integrator_mock.rs (default DIR:
target/generated), for reading and review. Nothing generated is committed: build.rs
(and mock/build.rs) generate the same code into OUT_DIR.";

const CODEGEN_EXAMPLE: &str = "\
Diff two runs to review what a spec change does to the client:
  cargo xtask codegen --out target/generated-old
  (edit openapi/integrator.yaml)
  cargo xtask codegen --out target/generated-new
  diff -ru target/generated-old target/generated-new";

const SPEC_LINT: &str = "\
Runs the rules build.rs enforces before generating (OpenAPI 3.0, operationIds, tags,
path parameters, shapes that break generation or drop data) and validates every
example attached to the spec against its schema. Exits 1 with one finding per
problem: the operation or schema, the rule, and the fix.";

const DOCS_DIFF: &str = "\
Reads the endpoint tables (| Relative URI | Method | Success Code | Description |)
and the request lines of the HTTP examples of the given documentation files, and of
the .md and .txt files under the given directories, and compares them with the spec:

  - documented but missing from the spec,
  - in the spec but not in the given docs,
  - documented with a different success code (the spec's decoded success code).

Paths are compared with parameter names erased (/exports/<_id>, /exports/:_id and
/exports/{id} are all /exports/{}), relative to the /v1 base. Known slips of the
docs are corrected by name and listed as \"tolerated\"; table rows that cannot be
read are listed too.

A file that starts with the header method<TAB>path<TAB>success_code is read as an
endpoint inventory in the format of current-api.tsv: one endpoint a row, `?` for an
undocumented success code; third-party rows are listed as not read.

Exits 1 when an endpoint is documented but missing or documented with another
success code, 2 when a file cannot be read.";

const SPEC_DIFF: &str = "\
Compares two OpenAPI documents (3.0 or 3.1, YAML or JSON), as oasdiff does: operations
added or removed; per operation, parameters added, removed, retyped or made required,
request and success-response schema properties added, removed or retyped (local $refs
followed, allOf merged), success responses added or removed. Operations are matched
by method and path with parameter names erased.

A change is BREAKING when a client written against OLD stops working: a removed
operation, parameter or response property; a new required parameter or required
request property; another type anywhere; another success status.

Exits 1 when a change is breaking, 0 otherwise, 2 when a document cannot be read.";

const SPEC_DIFF_EXAMPLE: &str = "\
Examples:
  cargo xtask spec-diff ../integrator-api-specs/dist/v1/openapi.yaml openapi/integrator.yaml
  git show main:openapi/integrator.yaml > /tmp/old.yaml && cargo xtask spec-diff /tmp/old.yaml openapi/integrator.yaml";

const DOCS_DIFF_EXAMPLE: &str = "\
Example:
  cargo xtask docs-diff ../shared/seeds ../shared/reference/integrator-api-docs
  cargo xtask docs-diff ../shared/notes/current-api.tsv";

const DOCS_EXAMPLES: &str = "\
Extracts every HTTP example of the given documentation files and directories (a
request line such as GET /v1/exports/55ea HTTP/1.1 or POST https://api.integrator.io/v1/...,
its JSON body, and the sample response after it), finds the spec operation by method
and path, and validates the request body and the response against the operation's
schemas (the spec converted to JSON Schema). A response with no status line is
checked against the success response, then against the error responses.

JSON samples that do not parse are reported as unparseable in the docs, not as
errors of the spec. Known slips are corrected by name and listed as \"tolerated\".

Exits 1 when an example names no operation of the spec or a parseable sample is
invalid against the spec, 2 when a file cannot be read.";

const DOCS_EXAMPLES_EXAMPLE: &str = "\
Example:
  cargo xtask docs-examples ../shared/seeds ../shared/reference/integrator-api-docs";

const LIVE: &str = "\
Checks the environment, then runs, in the workspace root,
  cargo test --locked --test live_contract -- --nocapture --test-threads=1
streaming its output, and ends with a summary: the live: and drift: lines of the
output, the test result, and the exit status.

Environment:
  INTEGRATOR_API_TOKEN    required; never printed (only its length)
  INTEGRATOR_REGION       na (default) or eu
  INTEGRATOR_BASE_URL     another base URL (overrides the region)
  INTEGRATOR_ASHARE_ID    the Integrator-AShareId of a shared account
  INTEGRATOR_LIVE_WRITE   1 to let the tests create, change and delete resources

Exits 1 when the token is missing, a value is invalid, the live contract tests are
not present, or the tests fail.";

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(words: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("xtask").chain(words.split_whitespace()))
    }

    fn command(words: &str) -> Command {
        parse(words).expect(words).command
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(
            command("codegen"),
            Command::Codegen(Codegen {
                out: None,
                check: None
            })
        );
        let Command::Codegen(codegen) = command("codegen --check target/g") else {
            panic!("codegen");
        };
        assert_eq!(
            codegen.mode(),
            (CodegenMode::Check, Some("target/g".into()))
        );
        assert_eq!(command("spec lint"), Command::Spec(SpecCommand::Lint));
        assert_eq!(
            command("spec-diff old.yaml new.json"),
            Command::SpecDiff(SpecDiff {
                old: "old.yaml".into(),
                new: "new.json".into()
            })
        );
        assert!(parse("spec-diff only-one.yaml").is_err());
        assert_eq!(
            command("docs-diff a b/c"),
            Command::DocsDiff(DocsPaths {
                paths: vec!["a".into(), "b/c".into()]
            })
        );
        assert_eq!(
            command("docs-examples a"),
            Command::DocsExamples(DocsPaths {
                paths: vec!["a".into()]
            })
        );
        assert_eq!(command("live"), Command::Live);
        assert_eq!(
            parse("--spec other.yaml spec lint").unwrap().spec,
            Some(PathBuf::from("other.yaml"))
        );
        assert_eq!(parse("spec lint").unwrap().spec, None);
    }

    #[test]
    fn every_command_has_its_help() {
        for (words, says) in [
            ("docs-diff --help", "endpoint tables"),
            ("docs-diff a -h", "Compare the endpoints"),
            ("docs-examples --help", "HTTP example"),
            ("live --help", "INTEGRATOR_LIVE_WRITE"),
            ("codegen --help", "--check <DIR>"),
            ("spec lint --help", "validates every"),
            ("spec --help", "lint"),
            ("help docs-diff", "endpoint tables"),
            ("help spec lint", "validates every"),
        ] {
            let error = parse(words).expect_err(words);
            assert_eq!(error.kind(), clap::error::ErrorKind::DisplayHelp, "{words}");
            assert!(error.to_string().contains(says), "{words}: {error}");
        }
    }

    #[test]
    fn mistakes_are_explained() {
        for (words, says) in [
            ("docs-diff", "<PATH>"),
            ("docs-examples", "<PATH>"),
            ("docs-diff --out x", "--out"),
            ("codegen --out", "a value is required for '--out <DIR>'"),
            ("codegen --out a --check b", "cannot be used with"),
            ("spec", "Usage: cargo xtask spec"),
            ("live now", "unexpected argument 'now'"),
            ("frobnicate", "unrecognized subcommand 'frobnicate'"),
            ("--spec", "a value is required for '--spec <FILE>'"),
        ] {
            let error = parse(words).expect_err(words);
            assert!(error.to_string().contains(says), "{words}: {error}");
        }
    }
}
