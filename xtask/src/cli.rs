//! The command line: the subcommands, their help, and parsing.

use std::path::PathBuf;

/// One subcommand, for the usage and its `--help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Help {
    /// How it is invoked.
    pub name: &'static str,
    /// Its arguments, for the usage line.
    pub args: &'static str,
    /// One line for the top-level usage.
    pub summary: &'static str,
    /// The full help after the usage line.
    pub details: &'static str,
}

/// Every subcommand, in the order of the usage.
pub const COMMANDS: [Help; 6] = [
    Help {
        name: "codegen",
        args: "[--out DIR | --check DIR]",
        summary: "Write the generated client to DIR/integrator.rs, or check DIR is up to date.",
        details: "\
Writes the client generated from the spec, formatted, to DIR/integrator.rs, and the
typed mocks (the `mock` feature) to DIR/integrator_mock.rs (default DIR:
target/generated), for reading and review. Nothing generated is committed: build.rs
generates the same code into OUT_DIR.

  --out DIR     write DIR/integrator.rs and DIR/integrator_mock.rs
  --check DIR   exit 1 when either differs from what the spec generates

Diff two runs to review what a spec change does to the client:
  cargo xtask codegen --out target/generated-old
  (edit openapi/integrator.yaml)
  cargo xtask codegen --out target/generated-new
  diff -ru target/generated-old target/generated-new",
    },
    Help {
        name: "msrv",
        args: "",
        summary: "Check no locked dependency declares a newer rust-version than the workspace.",
        details: "\
Reads `cargo metadata --all-features --locked` and checks that every workspace
package declares the same rust-version and that no package of the locked
dependency graph declares a newer one (a dependency without a rust-version is
counted, not judged). Exits 1 naming each offending package and what to do.
This stands in for building with the MSRV toolchain, which CI cannot download.",
    },
    Help {
        name: "spec lint",
        args: "",
        summary:
            "Check the spec: every rule build.rs enforces, and its examples against their schemas.",
        details: "\
Runs the rules build.rs enforces before generating (OpenAPI 3.0, operationIds, tags,
path parameters, shapes that break generation or drop data) and validates every
example attached to the spec against its schema. Exits 1 with one finding per
problem: the operation or schema, the rule, and the fix.",
    },
    Help {
        name: "docs-diff",
        args: "PATH...",
        summary: "Compare the endpoints the docs list with the spec's operations.",
        details: "\
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

Exits 1 when an endpoint is documented but missing or documented with another
success code, 2 when a file cannot be read.

Example:
  cargo xtask docs-diff ../shared/seeds ../shared/reference/integrator-api-docs",
    },
    Help {
        name: "docs-examples",
        args: "PATH...",
        summary: "Check the docs' HTTP examples against the spec's operations and schemas.",
        details: "\
Extracts every HTTP example of the given documentation files and directories (a
request line such as GET /v1/exports/55ea HTTP/1.1 or POST https://api.integrator.io/v1/...,
its JSON body, and the sample response after it), finds the spec operation by method
and path, and validates the request body and the response against the operation's
schemas (the spec converted to JSON Schema). A response with no status line is
checked against the success response, then against the error responses.

JSON samples that do not parse are reported as unparseable in the docs, not as
errors of the spec. Known slips are corrected by name and listed as \"tolerated\".

Exits 1 when an example names no operation of the spec or a parseable sample is
invalid against the spec, 2 when a file cannot be read.

Example:
  cargo xtask docs-examples ../shared/seeds ../shared/reference/integrator-api-docs",
    },
    Help {
        name: "live",
        args: "",
        summary: "Run the live contract tests (tests/live_contract.rs) against a real account.",
        details: "\
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
not present, or the tests fail.",
    },
];

/// The options every command takes.
const OPTIONS: &str = "\
Options:
  --spec FILE   The spec to read (default: openapi/integrator.yaml)
  -h, --help    Help (also after a command: cargo xtask docs-diff --help)";

/// The top-level usage: every command with its summary.
pub fn usage() -> String {
    let mut out = String::from("cargo xtask <command> [options]\n\nCommands:\n");
    let width = COMMANDS
        .iter()
        .map(|c| invocation(c).len())
        .max()
        .unwrap_or(0);
    for command in &COMMANDS {
        out.push_str(&format!(
            "  {:width$}  {}\n",
            invocation(command),
            command.summary
        ));
    }
    out.push('\n');
    out.push_str(OPTIONS);
    out
}

/// `name args`, as the usage shows it.
fn invocation(command: &Help) -> String {
    if command.args.is_empty() {
        command.name.to_string()
    } else {
        format!("{} {}", command.name, command.args)
    }
}

/// One command's help.
pub fn command_help(command: &Help) -> String {
    format!(
        "cargo xtask {}\n\n{}\n\n{}\n",
        invocation(command),
        command.details,
        OPTIONS
    )
}

/// What `codegen` does with its directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodegenMode {
    /// Write the client there.
    Write,
    /// Compare with what is there.
    Check,
}

/// A parsed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Print the usage, or one command's help.
    Help(Option<&'static Help>),
    /// `codegen`; the directory defaults to `target/generated`.
    Codegen(CodegenMode, Option<PathBuf>),
    /// `spec lint`.
    SpecLint,
    /// `msrv`.
    Msrv,
    /// `docs-diff PATH...`.
    DocsDiff(Vec<PathBuf>),
    /// `docs-examples PATH...`.
    DocsExamples(Vec<PathBuf>),
    /// `live`.
    Live,
}

/// A command and the spec it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// `--spec FILE`, if given.
    pub spec: Option<PathBuf>,
    /// The command.
    pub command: Command,
}

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Invocation, String> {
    let mut spec = None;
    let mut help = false;
    let mut words: Vec<&str> = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--spec" => {
                let file = iter.next().ok_or("--spec needs a file")?;
                spec = Some(PathBuf::from(file));
            }
            "-h" | "--help" => help = true,
            other => words.push(other),
        }
    }
    let command = match words.as_slice() {
        [] => Command::Help(None),
        ["help"] => Command::Help(None),
        ["help", name @ ..] => Command::Help(Some(find(&name.join(" "))?)),
        _ if help => Command::Help(Some(find_prefix(&words)?)),
        ["codegen"] => Command::Codegen(CodegenMode::Write, None),
        ["codegen", "--out", dir] => Command::Codegen(CodegenMode::Write, Some(dir.into())),
        ["codegen", "--check", dir] => Command::Codegen(CodegenMode::Check, Some(dir.into())),
        ["codegen", ..] => return Err("codegen takes --out DIR or --check DIR".into()),
        ["spec", "lint"] => Command::SpecLint,
        ["msrv"] => Command::Msrv,
        ["msrv", ..] => return Err("msrv takes no arguments".into()),
        ["spec", ..] => return Err("the spec command is `spec lint`".into()),
        ["docs-diff", paths @ ..] => Command::DocsDiff(paths_of("docs-diff", paths)?),
        ["docs-examples", paths @ ..] => Command::DocsExamples(paths_of("docs-examples", paths)?),
        ["live"] => Command::Live,
        ["live", ..] => return Err("live takes no arguments; it reads the environment".into()),
        [other, ..] => return Err(format!("unknown command {other:?}")),
    };
    Ok(Invocation { spec, command })
}

/// The documentation paths of `docs-diff` and `docs-examples` (at least one, no options).
fn paths_of(command: &str, paths: &[&str]) -> Result<Vec<PathBuf>, String> {
    if paths.is_empty() {
        return Err(format!(
            "{command} needs documentation files or directories, e.g. `cargo xtask {command} ../shared/seeds ../shared/reference/integrator-api-docs`"
        ));
    }
    if let Some(option) = paths.iter().find(|p| p.starts_with('-')) {
        return Err(format!("{command} does not take the option {option}"));
    }
    Ok(paths.iter().map(PathBuf::from).collect())
}

/// The command with this exact name.
fn find(name: &str) -> Result<&'static Help, String> {
    COMMANDS
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("unknown command {name:?}"))
}

/// The command named by the first word (`spec` for `spec lint`, `docs-diff a b`).
fn find_prefix(words: &[&str]) -> Result<&'static Help, String> {
    let first = words.first().copied().unwrap_or_default();
    COMMANDS
        .iter()
        .find(|c| c.name.split(' ').next() == Some(first))
        .ok_or_else(|| format!("unknown command {first:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Invocation, String> {
        let args: Vec<String> = words.split_whitespace().map(String::from).collect();
        parse(&args)
    }

    fn command(words: &str) -> Command {
        parse_words(words).expect(words).command
    }

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(command(""), Command::Help(None));
        assert_eq!(command("--help"), Command::Help(None));
        assert_eq!(
            command("codegen"),
            Command::Codegen(CodegenMode::Write, None)
        );
        assert_eq!(
            command("codegen --check target/g"),
            Command::Codegen(CodegenMode::Check, Some("target/g".into()))
        );
        assert_eq!(command("spec lint"), Command::SpecLint);
        assert_eq!(
            command("docs-diff a b/c"),
            Command::DocsDiff(vec!["a".into(), "b/c".into()])
        );
        assert_eq!(
            command("docs-examples a"),
            Command::DocsExamples(vec!["a".into()])
        );
        assert_eq!(command("live"), Command::Live);
        assert_eq!(
            parse_words("--spec other.yaml spec lint").unwrap().spec,
            Some("other.yaml".into())
        );
    }

    #[test]
    fn every_command_has_its_help() {
        for (words, name) in [
            ("docs-diff --help", "docs-diff"),
            ("docs-diff a -h", "docs-diff"),
            ("docs-examples --help", "docs-examples"),
            ("live --help", "live"),
            ("codegen --help", "codegen"),
            ("spec lint --help", "spec lint"),
            ("msrv --help", "msrv"),
            ("spec --help", "spec lint"),
            ("help docs-diff", "docs-diff"),
            ("help spec lint", "spec lint"),
        ] {
            match command(words) {
                Command::Help(Some(help)) => assert_eq!(help.name, name, "{words}"),
                other => panic!("{words}: {other:?}"),
            }
        }
        let usage = usage();
        for c in &COMMANDS {
            assert!(usage.contains(c.name), "{usage}");
            assert!(command_help(c).starts_with(&format!("cargo xtask {}", c.name)));
        }
    }

    #[test]
    fn mistakes_are_explained() {
        for (words, says) in [
            ("docs-diff", "needs documentation files"),
            ("docs-examples", "needs documentation files"),
            ("docs-diff --out x", "does not take the option --out"),
            ("codegen --out", "codegen takes --out DIR"),
            ("spec", "`spec lint`"),
            ("live now", "live takes no arguments"),
            ("frobnicate", "unknown command \"frobnicate\""),
            ("frobnicate --help", "unknown command \"frobnicate\""),
            ("--spec", "--spec needs a file"),
        ] {
            let error = parse_words(words).expect_err(words);
            assert!(error.contains(says), "{words}: {error}");
        }
    }
}
