//! Helpers of the generated `__contract::send` dispatcher (hidden; for the contract
//! tests): parameter values decoded from JSON, answers encoded back to JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Error, Operation};

/// Decodes one parameter (or the body) of `op` from JSON into its Rust type.
pub fn argument<T: DeserializeOwned>(
    op: &'static Operation,
    name: &str,
    value: serde_json::Value,
) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| Error::InvalidRequest {
        operation: op.id,
        message: format!("`{name}` does not convert: {e}"),
    })
}

/// Encodes a decoded answer back to JSON.
pub fn to_json<T: Serialize>(op: &'static Operation, value: T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidRequest {
        operation: op.id,
        message: format!("the answer does not encode: {e}"),
    })
}
