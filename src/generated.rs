//! The client progenitor generates from `openapi/integrator.yaml` at build time.
#![allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]

include!(concat!(env!("OUT_DIR"), "/integrator.rs"));
