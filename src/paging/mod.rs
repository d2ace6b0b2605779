//! Paging: every list operation as a `Stream` of items.
//!
//! Each list builder has `.stream()` and `.collect_all()`; the page size is the
//! builder's own `.limit(n)`. Pages are fetched one at a time, as the stream is read,
//! so memory stays bounded by one page however long the listing. The next page is
//! found the way the API says:
//!
//! - the `Link: <…>; rel="next"` header (absolute or relative, any parameter order);
//! - `nextPageURL` in the body (flow errors);
//! - for jobs, which page by time, `createdAt_lte` set to the oldest `createdAt` seen
//!   when an answer carries no link (items seen at that instant are not repeated);
//! - paged virtual exports send `pagedExportState` back until `done`
//!   ([`Client::virtual_export_pages`]).
//!
//! Every later page carries the headers of the first request (`Integrator-AShareId`,
//! the NetSuite proxy headers), so a listing never drifts into another account.
//!
//! A pager that stops making progress ends with [`Error::Paging`] after the items
//! already read, whatever the server does: a next link seen before (a loop), the same
//! page answered again, a paged-export state seen before, a jobs page newer than the
//! time cursor asked for, or jobs sharing one `createdAt` beyond what `skip` reaches.
//! A next link to another host is refused, so the token never goes there; one to the
//! API's own region host, while the client is configured with another base URL (a
//! proxy, a mock), is followed on the configured base URL.
//!
//! ```
//! use futures::TryStreamExt;
//! # async fn demo(client: &integrator_io::Client) -> Result<(), integrator_io::Error> {
//! let mut flows = client.list_flows().limit(500).stream();
//! while let Some(flow) = flows.try_next().await? {
//!     println!("{:?}", flow.name);
//! }
//! let jobs = client.list_jobs().status("failed").collect_all().await?;
//! println!("{} failed jobs", jobs.len());
//! # Ok(()) }
//! ```

mod items;
mod link;
mod next_page;
mod virtual_export;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Client, Error, Operation, ResponseValue};

pub use items::{collect_all, stream, CollectAll, ItemStream};
pub use virtual_export::VirtualExportPages;

/// The future of one page's answer.
pub type PageFuture<'a, P> =
    Pin<Box<dyn Future<Output = Result<ResponseValue<P>, Error>> + Send + 'a>>;

/// A list operation's builder, as the pager sees it. Implemented by the generated code
/// for every list builder; users call `.stream()` or `.collect_all()` on the builder.
pub trait ListRequest<'a>: Clone + Send + Sized + 'a {
    /// One listed item.
    type Item: Serialize + Send + 'a;
    /// One page's answer: the items, or an object holding them.
    type Page: DeserializeOwned + Send + 'a;
    /// The operation.
    const OPERATION: &'static Operation;

    /// The operation this request sends: [`Self::OPERATION`], unless the request
    /// picks its operation at run time ([`crate::RawRequest`]).
    fn operation(&self) -> &'static Operation {
        Self::OPERATION
    }
    /// The client the request goes through.
    fn client(&self) -> &'a Client;
    /// Sends the request as built: the first page.
    fn send_page(self) -> PageFuture<'a, Self::Page>;
    /// Splits a page into its items and the `nextPageURL` its body carries, if any.
    fn into_items(page: Self::Page) -> (Vec<Self::Item>, Option<String>);
    /// The header parameters set on the request, which every later page carries too.
    fn headers(&self) -> HeaderMap {
        HeaderMap::new()
    }
    /// The same request asking for items created at or before `created_at`, skipping
    /// the first `skip`, for listings that page by time; `None` for the others.
    fn before(self, created_at: DateTime<Utc>, skip: u64) -> Option<Self> {
        let _ = (created_at, skip);
        None
    }
    /// When an item was created, for listings that page by time.
    fn created_at(item: &Self::Item) -> Option<DateTime<Utc>> {
        let _ = item;
        None
    }
}
