//! The spec, shared by the test helpers.

/// The spec, loaded once per test binary.
pub fn spec() -> &'static integrator_io_codegen::Spec {
    static SPEC: std::sync::OnceLock<integrator_io_codegen::Spec> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        integrator_io_codegen::Spec::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/openapi/integrator.yaml"
        ))
        .expect("the spec loads")
    })
}
