//! `cargo xtask codegen`: the generated client written out for review, or checked.

use std::path::Path;
use std::process::ExitCode;

use integrator_io_codegen::{generate, Spec};

use crate::cli::CodegenMode;

/// Writes `DIR/integrator.rs`, or (`Check`) exits 1 when it differs from what the spec
/// generates.
pub fn run(spec: &Spec, mode: &CodegenMode, dir: &Path) -> Result<ExitCode, String> {
    let generated = generate(spec).map_err(|e| e.to_string())?;
    let file = dir.join("integrator.rs");
    if *mode == CodegenMode::Check {
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        if current == generated.code {
            crate::outln!("{} is up to date", file.display());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{} differs from what the spec generates; run `cargo xtask codegen --out {}`",
            file.display(),
            dir.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::write(&file, &generated.code)
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    crate::outln!(
        "wrote {} ({} operations, {} schemas, {} lines)",
        file.display(),
        generated.operations,
        generated.schemas,
        generated.code.lines().count()
    );
    Ok(ExitCode::SUCCESS)
}
