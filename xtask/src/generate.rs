//! `cargo xtask codegen`: the generated client written out for review, or checked.

use std::path::Path;
use std::process::ExitCode;

use integrator_io_codegen::{generate, generate_mock, Spec};

use crate::cli::CodegenMode;

/// Writes `DIR/integrator.rs` and `DIR/integrator_mock.rs` (the typed mocks), or
/// (`Check`) exits 1 when either differs from what the spec generates.
pub fn run(spec: &Spec, mode: &CodegenMode, dir: &Path) -> Result<ExitCode, String> {
    let generated = generate(spec).map_err(|e| e.to_string())?;
    let mock = generate_mock(spec).map_err(|e| e.to_string())?;
    let file = dir.join("integrator.rs");
    let outputs = [
        (file.clone(), &generated.code),
        (dir.join("integrator_mock.rs"), &mock),
    ];
    if *mode == CodegenMode::Check {
        let mut stale = false;
        for (file, code) in &outputs {
            if std::fs::read_to_string(file).unwrap_or_default() == **code {
                crate::outln!("{} is up to date", file.display());
            } else {
                stale = true;
                eprintln!(
                    "{} differs from what the spec generates; run `cargo xtask codegen --out {}`",
                    file.display(),
                    dir.display()
                );
            }
        }
        return Ok(if stale {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (file, code) in &outputs {
        std::fs::write(file, code).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    crate::outln!(
        "wrote {} ({} operations, {} schemas, {} lines)",
        file.display(),
        generated.operations,
        generated.schemas,
        generated.code.lines().count()
    );
    Ok(ExitCode::SUCCESS)
}
