//! The spec the sandbox serves, embedded at build time: its operations as routes and
//! its schemas for validating request bodies.

use std::sync::OnceLock;

use integrator_io_codegen::json_schema::SchemaSet;
use integrator_io_codegen::Spec;

use super::router::Router;

/// `openapi/integrator.yaml`, as the crate was built with it.
const SPEC_YAML: &str = include_str!("../../openapi/integrator.yaml");

/// The loaded spec, its routes and its schemas (loaded once per process).
pub(crate) struct ApiSpec {
    /// The component schemas as JSON Schema, with compiled validators cached.
    pub(crate) schemas: SchemaSet,
    /// Every operation as a route.
    pub(crate) router: Router,
}

impl ApiSpec {
    /// The embedded spec, loaded on first use.
    pub(crate) fn get() -> Result<&'static ApiSpec, String> {
        static API: OnceLock<Result<ApiSpec, String>> = OnceLock::new();
        API.get_or_init(|| {
            let spec = Spec::from_yaml(SPEC_YAML).map_err(|e| e.to_string())?;
            let schemas = SchemaSet::new(&spec);
            let router = Router::new(&spec);
            if router.len() == 0 {
                return Err("the spec has no operations".into());
            }
            Ok(ApiSpec { schemas, router })
        })
        .as_ref()
        .map_err(Clone::clone)
    }
}
