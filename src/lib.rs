#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod base_url;
mod client;
mod client_builder;
mod context;
#[cfg(feature = "__contract")]
mod contract_support;
mod error;
mod extra;
mod flow_steps;
mod generated;
mod hooks;
mod nullable;
mod operation;
pub mod paging;
mod rate_limit;
mod raw;
mod redirect;
mod refusal;
mod region;
mod request_checks;
mod response;
mod retry;
mod secrets;
mod state;
mod step_errors;
mod tls;
mod token;

pub use client_builder::{
    ClientBuilder, DEFAULT_USER_AGENT, ENV_ASHARE_ID, ENV_BASE_URL, ENV_RATE_LIMIT_REDIS_FAIL,
    ENV_RATE_LIMIT_REDIS_KEY, ENV_RATE_LIMIT_REDIS_TIMEOUT_MS, ENV_RATE_LIMIT_REDIS_URL,
    ENV_REGION, ENV_TOKEN,
};
// The generated `Client` names it `crate::ClientContext`; not part of the API.
use context::ClientContext;
pub use error::{ApiError, DecodeFailure, Error};
pub use extra::Extra;
pub use flow_steps::{FlowStep, StepPosition, StepType};
#[cfg(feature = "__contract")]
#[doc(hidden)]
pub use generated::__contract;
pub use generated::areas;
/// The operation builders behind each `Client` method (`client.get_export()` returns a
/// [`builder::GetExport`]); set parameters on them, then `.send().await`.
pub use generated::builder;
/// Every operation of the spec as data ([`Operation`]).
pub use generated::operations;
/// The request and response types of every operation, generated from the spec's schemas.
pub use generated::types;
pub use generated::Client;
#[doc(no_inline)]
pub use generated::ResponseValue;
pub use hooks::{ASHARE_ID_HEADER, NETSUITE_DEPLOY_ID_HEADER, NETSUITE_SCRIPT_ID_HEADER};
pub use nullable::{NoValue, Nullable};
pub use operation::Operation;
pub use rate_limit::RateLimit;
#[cfg(feature = "redis")]
pub use rate_limit::{RedisFailMode, RedisRateLimit};
pub use raw::RawRequest;
pub use region::Region;
pub use retry::RetryPolicy;
pub use state::State;
pub use step_errors::StepErrors;
