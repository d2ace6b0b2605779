//! [`StepErrors`]: the open errors of one flow step (Error Management 2.0), listed,
//! retried and resolved without repeating the flow and step ids on every call.

use crate::types::{FlowError, ResolveErrorsResult, RetryData, RetryErrorsResult};
use crate::{Client, Error};

/// The errors of one step of a flow; from [`Client::step_errors`]. The step is the
/// `_id` of its export or import ([`FlowStep::id`](crate::FlowStep::id)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sandbox = integrator_io_sandbox::Sandbox::builder().seed(true).start().await?;
/// # let client = sandbox.client()?;
/// use futures::TryStreamExt;
///
/// let mut flows = client.list_flows().stream();
/// while let Some(flow) = flows.try_next().await? {
///     for step in flow.steps() {
///         let errors = client.step_errors(flow.id.as_deref().unwrap_or_default(), &step.id);
///         let open = errors.list().await?;
///         let ids = open.into_iter().filter_map(|e| e.error_id.into_option());
///         errors.resolve(ids).await?;
///         assert!(errors.list().await?.is_empty());
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StepErrors<'a> {
    /// The client the calls go through.
    client: &'a Client,
    /// The flow's `_id`.
    flow_id: &'a str,
    /// The step's `_id` (its export or import).
    step_id: &'a str,
}

impl Client {
    /// The open errors of the step `step_id` (an export's or import's `_id`) of the
    /// flow `flow_id`.
    pub fn step_errors<'a>(&'a self, flow_id: &'a str, step_id: &'a str) -> StepErrors<'a> {
        StepErrors {
            client: self,
            flow_id,
            step_id,
        }
    }
}

impl StepErrors<'_> {
    /// Every open error of the step, all pages read (`listFlowErrors`). For a stream,
    /// or to filter by time or source, use [`Client::list_flow_errors`].
    pub async fn list(&self) -> Result<Vec<FlowError>, Error> {
        let call = self.client.list_flow_errors();
        call.flow_id(self.flow_id)
            .step_id(self.step_id)
            .collect_all()
            .await
    }

    /// Retries the errors with these `retryDataKey`s (`retryFlowErrors`); the answer
    /// names the retry job. `Ok(None)`, and nothing sent, when there is no key.
    pub async fn retry<K: Into<String>>(
        &self,
        retry_data_keys: impl IntoIterator<Item = K>,
    ) -> Result<Option<RetryErrorsResult>, Error> {
        let Some(keys) = non_empty(retry_data_keys) else {
            return Ok(None);
        };
        let call = self.client.retry_flow_errors();
        let call = call.flow_id(self.flow_id).step_id(self.step_id);
        let answer = call
            .body_map(|body| body.retry_data_keys(keys))
            .send()
            .await?;
        Ok(Some(answer.into_inner()))
    }

    /// Marks the errors with these `errorId`s resolved (`resolveFlowErrors`).
    /// `Ok(None)`, and nothing sent, when there is no id.
    pub async fn resolve<I: Into<String>>(
        &self,
        error_ids: impl IntoIterator<Item = I>,
    ) -> Result<Option<ResolveErrorsResult>, Error> {
        let Some(ids) = non_empty(error_ids) else {
            return Ok(None);
        };
        let call = self.client.resolve_flow_errors();
        let call = call.flow_id(self.flow_id).step_id(self.step_id);
        let answer = call.body_map(|body| body.errors(ids)).send().await?;
        Ok(Some(answer.into_inner()))
    }

    /// The record of the error with this `retryDataKey`, as a retry would send it
    /// (`getFlowErrorRetryData`).
    pub async fn retry_data(&self, retry_data_key: &str) -> Result<RetryData, Error> {
        let call = self.client.get_flow_error_retry_data();
        let call = call.flow_id(self.flow_id).step_id(self.step_id);
        Ok(call
            .retry_data_key(retry_data_key)
            .send()
            .await?
            .into_inner())
    }

    /// Replaces the record of the error with this `retryDataKey`, for the next retry
    /// to send (`updateFlowErrorRetryData`).
    pub async fn set_retry_data(&self, retry_data_key: &str, data: RetryData) -> Result<(), Error> {
        let call = self.client.update_flow_error_retry_data();
        let call = call.flow_id(self.flow_id).step_id(self.step_id);
        call.retry_data_key(retry_data_key)
            .body(data)
            .send()
            .await?;
        Ok(())
    }
}

/// The items as strings; `None` when there is none.
fn non_empty<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Option<Vec<String>> {
    let items: Vec<String> = items.into_iter().map(Into::into).collect();
    (!items.is_empty()).then_some(items)
}
