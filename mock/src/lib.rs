//! Typed [`httpmock`] helpers for testing code that uses the [`integrator_io`] client,
//! without a network. Add the crate as a dev-dependency, at the client's version.
//!
//! [`MockServerExt`] adds one method per operation to [`httpmock::MockServer`], named
//! like the [`Client`](integrator_io::Client) method. Its closure receives a typed `When`
//! (method and path are already set; one method per path, query and header parameter
//! and for the body) and a typed `Then` (one method per success answer, taking the
//! generated type, plus `error(status, code, message)` for the API's error envelope).
//! Both wrap httpmock's own `When`/`Then`: `into_inner()` gives them back for anything
//! the typed methods do not cover.
//!
//! Point the client at `server.url(BASE_PATH)` (`/v1`): the matchers expect the API's
//! path prefix, as the real base URL `https://api.integrator.io/v1` has it. A client
//! pointed at `server.base_url()` requests `/exports/…` instead, matches no typed mock,
//! and gets httpmock's `404` (an [`Error`](integrator_io::Error) with status 404).
//!
//! A listing read over several pages is mocked in one call with [`PagedMocks`]: the
//! pages in order, linked by the `Link` header or by `nextPageURL` as the API does;
//! each page's mock answers only its own page.
//!
//! Query matchers compare what the client sends: a `DateTime<Utc>` as RFC 3339
//! (`2024-01-01T00:00:00Z`), an enum as its wire name.
//!
//! ```
//! use httpmock::MockServer;
//! use integrator_io_mock::{MockServerExt, BASE_PATH};
//! use integrator_io::{types, Client};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), integrator_io::Error> {
//! let server = MockServer::start_async().await;
//! let export: types::Export =
//!     serde_json::from_value(serde_json::json!({"_id": "5a6b7c8d9e0f", "name": "Orders"}))
//!         .unwrap();
//! let mock = server.get_export(|when, then| {
//!     when.id("5a6b7c8d9e0f");
//!     then.ok(&export);
//! });
//!
//! let client = Client::builder()
//!     .token("test-token")
//!     .base_url(server.url(BASE_PATH))
//!     .build()?;
//! let got = client.get_export().id("5a6b7c8d9e0f").send().await?;
//! assert_eq!(got.into_inner().name, export.name);
//! mock.assert();
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The generated helpers name the client's open enums as `crate::types::…` (the path the
// client's own generation gives them).
use integrator_io::types;

#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/integrator_mock.rs"));
}

mod pages;

#[doc(hidden)]
pub use generated::query_value;
pub use generated::{operations, MockServerExt, BASE_PATH};
pub use pages::{PagedMocks, PAGE_PARAM};
