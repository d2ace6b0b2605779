//! Generates the client from `openapi/integrator.yaml` into `OUT_DIR` (nothing generated
//! is committed). The spec is checked first; a broken rule fails the build with a
//! report naming the operation or schema, the rule and the fix.

use std::path::Path;

fn main() {
    let spec_path = Path::new("openapi/integrator.yaml");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!("cargo:rerun-if-changed=build.rs");

    let spec = match integrator_io_codegen::Spec::load(spec_path) {
        Ok(spec) => spec,
        Err(e) => fail(&e.to_string()),
    };
    let generated = match integrator_io_codegen::generate(&spec) {
        Ok(generated) => generated,
        Err(e) => fail(&e.to_string()),
    };
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("integrator.rs");
    if let Err(e) = std::fs::write(&out, generated.code) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("\nopenapi/integrator.yaml cannot be turned into a client:\n\n{message}\n");
    std::process::exit(1);
}
