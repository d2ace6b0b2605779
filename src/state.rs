//! [`State`]: the state API (`/state`, `/{resourceType}/{id}/state`) as a typed
//! key-value store.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::response::body_start;
use crate::types::{StateResourceType, StateValue};
use crate::{Client, DecodeFailure, Error};

/// The state keys of the account, or of one resource: any JSON value under a key,
/// read and written as your own types. From [`Client::state`].
///
/// A key that is not there reads as `Ok(None)` and deletes as `Ok(false)`; every other
/// failure is an [`Error`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sandbox = integrator_io_sandbox::Sandbox::builder().start().await?;
/// # let client = integrator_io::Client::builder()
/// #     .token(sandbox.token()).base_url(sandbox.base_url()).build()?;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, PartialEq, Debug)]
/// struct Cursor {
///     last_order: u64,
/// }
///
/// let state = client.state();
/// assert_eq!(state.get::<Cursor>("orders").await?, None);
/// state.set("orders", &Cursor { last_order: 42 }).await?;
/// assert_eq!(state.get("orders").await?, Some(Cursor { last_order: 42 }));
/// assert_eq!(state.keys().await?, ["orders"]);
/// assert!(state.delete("orders").await?);
/// assert!(!state.delete("orders").await?);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct State<'a> {
    /// The client the calls go through.
    client: &'a Client,
    /// `None` for the global keys; the collection and `_id` of the resource otherwise.
    resource: Option<(StateResourceType, &'a str)>,
}

impl Client {
    /// The account's global state keys; [`State::under`] for a resource's.
    pub fn state(&self) -> State<'_> {
        State {
            client: self,
            resource: None,
        }
    }
}

impl<'a> State<'a> {
    /// The state keys stored under one resource (an import, export, flow, integration
    /// or connection) instead of the global ones.
    ///
    /// ```
    /// # let client = integrator_io::Client::builder().token("t").build()?;
    /// use integrator_io::types::StateResourceType;
    ///
    /// let import_state = client.state().under(StateResourceType::Imports, "5a6b7c8d9e0f1a2b3c4d5e6f");
    /// # Ok::<(), integrator_io::Error>(())
    /// ```
    pub fn under(self, resource_type: StateResourceType, id: &'a str) -> State<'a> {
        State {
            client: self.client,
            resource: Some((resource_type, id)),
        }
    }

    /// The value under `key`, decoded as `T`; `Ok(None)` when the key is not set. Under
    /// a resource that does not exist, the not-found error is returned as it came.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        let (operation, answer) = match &self.resource {
            None => (
                "getStateValue",
                self.client.get_state_value().key(key).send().await,
            ),
            Some((kind, id)) => (
                "getResourceStateValue",
                self.client
                    .get_resource_state_value()
                    .resource_type(kind.clone())
                    .id(*id)
                    .key(key)
                    .send()
                    .await,
            ),
        };
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) if e.is_not_found() => return self.missing(e).await,
            Err(e) => return Err(e),
        };
        let status = answer.status();
        let value = answer.into_inner().0;
        match T::deserialize(&value) {
            Ok(typed) => Ok(Some(typed)),
            Err(e) => Err(Error::Decode {
                operation,
                status,
                body_start: body_start(value.to_string().as_bytes()),
                source: DecodeFailure::Json(Arc::new(e)),
            }),
        }
    }

    /// After a `404` on a key: `Ok(None)` when the key is what is missing, the error
    /// itself when the resource is (its key listing is not found either).
    async fn missing<T>(&self, not_found: Error) -> Result<Option<T>, Error> {
        if self.resource.is_none() {
            return Ok(None);
        }
        match self.keys().await {
            Ok(_) => Ok(None),
            Err(e) if e.is_not_found() => Err(not_found),
            Err(e) => Err(e),
        }
    }

    /// Stores `value` under `key`, creating the key or replacing its value.
    pub async fn set<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), Error> {
        let operation = match &self.resource {
            None => "setStateValue",
            Some(_) => "setResourceStateValue",
        };
        let body = serde_json::to_value(value).map_err(|e| Error::InvalidRequest {
            operation,
            message: format!("the value does not serialize as JSON: {e}"),
        })?;
        let body = StateValue(body);
        match &self.resource {
            None => {
                let call = self.client.set_state_value().key(key).body(body);
                call.send().await?;
            }
            Some((kind, id)) => {
                let call = self.client.set_resource_state_value();
                let call = call.resource_type(kind.clone()).id(*id).key(key);
                call.body(body).send().await?;
            }
        }
        Ok(())
    }

    /// Deletes `key`: `true` when it was set, `false` when there was nothing to delete.
    pub async fn delete(&self, key: &str) -> Result<bool, Error> {
        let answer = match &self.resource {
            None => self
                .client
                .delete_state_value()
                .key(key)
                .send()
                .await
                .map(drop),
            Some((kind, id)) => {
                let call = self.client.delete_resource_state_value();
                let call = call.resource_type(kind.clone()).id(*id).key(key);
                call.send().await.map(drop)
            }
        };
        match answer {
            Ok(()) => Ok(true),
            Err(e) if e.is_not_found() => self.missing(e).await.map(|_: Option<()>| false),
            Err(e) => Err(e),
        }
    }

    /// The keys that are set, in the order the API lists them.
    pub async fn keys(&self) -> Result<Vec<String>, Error> {
        let listing = match &self.resource {
            None => self.client.list_state_keys().send().await?,
            Some((kind, id)) => {
                let call = self.client.list_resource_state_keys();
                call.resource_type(kind.clone()).id(*id).send().await?
            }
        };
        Ok(listing.into_inner().keys.into_option().unwrap_or_default())
    }

    /// Deletes every key (of the account, or of the resource).
    pub async fn clear(&self) -> Result<(), Error> {
        match &self.resource {
            None => self.client.delete_all_state().send().await.map(drop),
            Some((kind, id)) => {
                let call = self.client.delete_all_resource_state();
                call.resource_type(kind.clone())
                    .id(*id)
                    .send()
                    .await
                    .map(drop)
            }
        }
    }
}
