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

/// The keywords that combine subschemas.
pub const COMBINERS: &[&str] = &["allOf", "anyOf", "oneOf"];

/// The subschemas `schema` lists under `keys` (array keywords such as `allOf`).
pub fn branches<'a>(
    schema: &'a serde_json::Value,
    keys: &'static [&'static str],
) -> impl Iterator<Item = &'a serde_json::Value> {
    keys.iter().flat_map(move |key| {
        schema
            .get(*key)
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
    })
}
