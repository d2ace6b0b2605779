//! `cargo xtask`: the maintainers' tools for the spec and the generated client.
//!
//! - `cargo xtask codegen [--out DIR] [--check DIR]`: write the generated client,
//!   formatted, for reading and review; or check a directory is up to date.
//! - `cargo xtask spec lint`: every rule build.rs enforces, plus the documented examples
//!   checked against their schemas.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use integrator_io_codegen::{examples, generate, lint, Spec};

const USAGE: &str = "\
cargo xtask <command>

Commands:
  codegen [--out DIR] [--check DIR]   Write the generated client (default DIR: target/generated),
                                      or exit non-zero when DIR differs from what the spec generates.
  spec lint                           Check openapi/integrator.yaml: OpenAPI 3.0, operationIds, tags,
                                      path parameters, shapes that break generation or drop data,
                                      and every documented example against its schema.

Options:
  --spec FILE   The spec to read (default: openapi/integrator.yaml)
  -h, --help    This help";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    if args.is_empty() || args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut spec_path = workspace_root().join("openapi/integrator.yaml");
    let mut rest = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--spec" {
            spec_path = PathBuf::from(iter.next().ok_or("--spec needs a file")?);
        } else {
            rest.push(arg.as_str());
        }
    }
    let spec = Spec::load(&spec_path).map_err(|e| e.to_string())?;
    match rest.as_slice() {
        ["codegen", options @ ..] => codegen(&spec, options),
        ["spec", "lint"] => Ok(spec_lint(&spec)),
        other => Err(format!("unknown command {:?}", other.join(" "))),
    }
}

fn codegen(spec: &Spec, options: &[&str]) -> Result<ExitCode, String> {
    let (mode, dir) = match options {
        [] => ("--out", workspace_root().join("target/generated")),
        [flag @ ("--out" | "--check"), dir] => (*flag, PathBuf::from(dir)),
        _ => return Err("codegen takes --out DIR or --check DIR".into()),
    };
    let generated = generate(spec).map_err(|e| e.to_string())?;
    let file = dir.join("integrator.rs");
    if mode == "--check" {
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        if current == generated.code {
            println!("{} is up to date", file.display());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{} differs from what the spec generates; run `cargo xtask codegen --out {}`",
            file.display(),
            dir.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::write(&file, &generated.code)
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    println!(
        "wrote {} ({} operations, {} schemas, {} lines)",
        file.display(),
        generated.operations,
        generated.schemas,
        generated.code.lines().count()
    );
    Ok(ExitCode::SUCCESS)
}

fn spec_lint(spec: &Spec) -> ExitCode {
    let mut report = lint::check(spec);
    report.findings.extend(examples::check(spec));
    let operations = spec.operations().len();
    let example_count = examples::collect(spec).len();
    if report.is_clean() {
        println!("spec lint: clean ({operations} operations, {example_count} examples checked)");
        ExitCode::SUCCESS
    } else {
        println!("{report}");
        ExitCode::FAILURE
    }
}
