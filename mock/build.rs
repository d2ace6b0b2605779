//! Generates the typed httpmock helpers from the client's spec,
//! `../openapi/integrator.yaml`, into `OUT_DIR` (nothing generated is committed).

use std::path::Path;

fn main() {
    let spec_path = Path::new("../openapi/integrator.yaml");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!("cargo:rerun-if-changed=build.rs");

    let spec = match integrator_io_codegen::Spec::load(spec_path) {
        Ok(spec) => spec,
        Err(e) => fail(&e.to_string()),
    };
    let mock = match integrator_io_codegen::generate_mock(&spec) {
        Ok(mock) => mock,
        Err(e) => fail(&e.to_string()),
    };
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("integrator_mock.rs");
    if let Err(e) = std::fs::write(&out, mock) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("\n../openapi/integrator.yaml cannot be turned into typed mocks:\n\n{message}\n");
    std::process::exit(1);
}
