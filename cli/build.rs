//! Derives the command table from `openapi/integrator.yaml` into `OUT_DIR` (nothing
//! generated is committed): every operation of the spec becomes a command.

use std::path::Path;

fn main() {
    let spec_path = Path::new("../openapi/integrator.yaml");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!("cargo:rerun-if-changed=build.rs");
    let spec = match integrator_io_codegen::Spec::load(spec_path) {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("cannot read the spec: {e}");
            std::process::exit(1);
        }
    };
    let table = integrator_io_codegen::cli::command_table(&spec);
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("commands.rs");
    if let Err(e) = std::fs::write(&out, table) {
        eprintln!("cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
