//! Build-time code generation for the `integrator-io` crate, shared by its `build.rs`
//! and by `cargo xtask`.
//!
//! [`generate`] checks the spec ([`lint::check`]), derives the generation view
//! ([`view::generation_view`]), runs progenitor, and rewrites its output
//! ([`postprocess`]) into the client the crate includes.
#![forbid(unsafe_code)]

pub mod cli;
#[cfg(feature = "generate")]
mod contract;
#[cfg(feature = "generate")]
pub mod deserialize;
#[cfg(feature = "generate")]
pub mod docs;
#[cfg(feature = "examples")]
pub mod examples;
#[cfg(feature = "examples")]
pub mod json_schema;
pub mod lint;
#[cfg(feature = "generate")]
pub mod mock;
#[cfg(feature = "generate")]
pub mod open_enum;
#[cfg(feature = "generate")]
pub mod postprocess;
#[cfg(feature = "generate")]
pub mod schemars_gate;
pub mod spec;
#[cfg(feature = "generate")]
pub mod surface;
#[cfg(feature = "generate")]
pub mod view;

#[cfg(feature = "generate")]
use std::fmt;
#[cfg(feature = "generate")]
use std::panic::{catch_unwind, AssertUnwindSafe};

#[cfg(feature = "generate")]
pub use mock::{generate_mock, MOCK_BASE_PATH};
pub use spec::Spec;

#[cfg(feature = "generate")]
/// The generated client, formatted.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The Rust source.
    pub code: String,
    /// How many operations it holds.
    pub operations: usize,
    /// How many component schemas the spec has.
    pub schemas: usize,
}

#[cfg(feature = "generate")]
/// Why generation failed.
#[derive(Debug)]
pub enum GenerateError {
    /// The spec breaks rules (each finding names the operation or schema, the rule and the fix).
    Lint(lint::Report),
    /// progenitor refused the spec or panicked on it.
    Progenitor(String),
    /// The post-pass could not understand progenitor's output.
    Rewrite(String),
}

#[cfg(feature = "generate")]
impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Lint(report) => write!(f, "{report}"),
            GenerateError::Progenitor(e) => {
                write!(f, "progenitor could not generate the client: {e}")
            }
            GenerateError::Rewrite(e) => write!(f, "rewriting the generated client failed: {e}"),
        }
    }
}

#[cfg(feature = "generate")]
impl std::error::Error for GenerateError {}

#[cfg(feature = "generate")]
/// The path, inside the crate, of the type the generated `Client` carries as `inner`.
pub const CONTEXT_TYPE: &str = "crate::ClientContext";

#[cfg(feature = "generate")]
/// Checks the spec and generates the client.
pub fn generate(spec: &Spec) -> Result<Generated, GenerateError> {
    let report = lint::check(spec);
    if !report.is_clean() {
        return Err(GenerateError::Lint(report));
    }
    let view = view::generation_view(spec).map_err(GenerateError::Progenitor)?;
    let operations = spec.operations();
    let open_enums = open_enum::collect(spec);

    let settings = settings(&open_enums);
    let tokens = quietly(|| progenitor_impl::Generator::new(&settings).generate_tokens(&view))
        .map_err(GenerateError::Progenitor)?
        .map_err(|e| GenerateError::Progenitor(e.to_string()))?;

    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| GenerateError::Rewrite(e.to_string()))?;
    let enum_code: proc_macro2::TokenStream = open_enums.iter().map(open_enum::generate).collect();
    postprocess::rewrite(&mut file, &operations, enum_code).map_err(GenerateError::Rewrite)?;
    surface::restrict(&mut file).map_err(GenerateError::Rewrite)?;
    schemars_gate::gate(&mut file);
    docs::rewrite(&mut file, &operations).map_err(GenerateError::Rewrite)?;
    docs::builder_fns(&mut file);
    for module in [
        postprocess::operations_module(&operations),
        docs::areas_module(spec, &operations),
    ] {
        let module: syn::File =
            syn::parse2(module).map_err(|e| GenerateError::Rewrite(e.to_string()))?;
        file.items.extend(module.items);
    }

    let schemas = spec
        .raw
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map_or(0, |s| s.len());
    Ok(Generated {
        code: prettyplease::unparse(&file),
        operations: operations.len(),
        schemas,
    })
}

#[cfg(feature = "generate")]
/// progenitor's settings for this crate (shared by the client and the typed mocks).
fn settings(open_enums: &[open_enum::OpenEnum]) -> progenitor_impl::GenerationSettings {
    let mut settings = progenitor_impl::GenerationSettings::default();
    settings
        .with_interface(progenitor_impl::InterfaceStyle::Builder)
        .with_tag(progenitor_impl::TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        // `Eq` is added by the post-pass, where no field is a float.
        .with_derive("PartialEq")
        .with_inner_type(
            CONTEXT_TYPE
                .parse::<proc_macro2::TokenStream>()
                .expect("a type path"),
        );
    for open in open_enums {
        settings.with_replacement(
            &open.rust_name,
            format!("crate::types::{}", open.rust_name),
            [
                progenitor_impl::TypeImpl::Display,
                progenitor_impl::TypeImpl::FromStr,
            ]
            .into_iter(),
        );
    }
    settings
}

#[cfg(feature = "generate")]
/// Runs progenitor with its panics caught and turned into a message.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".into());
        format!("progenitor panicked ({message}); run `cargo xtask spec lint` and see openapi/README.md for the shapes it cannot take")
    })
}
