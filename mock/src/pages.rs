//! [`PagedMocks`]: a listing answered over several pages, in one call.

use httpmock::{Method, Mock, MockServer};
use serde::Serialize;
use serde_json::Value;

use crate::BASE_PATH;

/// The query parameter that tells the pages apart: page `n` (from 2) is requested at
/// `…?page=n`, the URL the page before it links to; the first page is the request
/// without it, so the first page's mock never answers a later page.
pub const PAGE_PARAM: &str = "page";

/// Mocks for a listing the client reads page by page (`.stream()`, `.collect_all()`),
/// for both ways the API links pages. Each page is one mock, returned in order, so a
/// test can check which pages were read (`mocks[1].assert()`).
///
/// The path is the operation's path without the `/v1` prefix and with its parameters
/// filled in (`/flows`, `/flows/{flowId}/{stepId}/errors` as `/flows/f1/e1/errors`).
///
/// ```
/// use httpmock::MockServer;
/// use integrator_io::{types, Client};
/// use integrator_io_mock::{PagedMocks, BASE_PATH};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let flow = |id: &str| types::Flow { id: id.into(), ..Default::default() };
/// let server = MockServer::start_async().await;
/// // Three pages linked by `Link: <…>; rel="next"`: first, next, last.
/// let pages = server.link_pages("/flows", &[vec![flow("f1"), flow("f2")], vec![flow("f3")], vec![flow("f4")]]);
///
/// let client = Client::builder().token("t").base_url(server.url(BASE_PATH)).build()?;
/// let flows: Vec<types::Flow> = client.list_flows().collect_all().await?;
/// assert_eq!(flows.len(), 4);
/// for page in &pages {
///     page.assert(); // each page was asked for exactly once
/// }
///
/// // The flow errors listing links its pages with `nextPageURL` in the body.
/// let error = |id: &str| types::FlowError { error_id: id.into(), ..Default::default() };
/// let page = |ids: &[&str]| types::FlowErrorPage {
///     errors: ids.iter().map(|id| error(id)).collect::<Vec<_>>().into(),
///     ..Default::default()
/// };
/// server.next_page_url_pages("/flows/f1/e1/errors", &[page(&["a", "b"]), page(&["c"])]);
/// let errors = client.list_flow_errors().flow_id("f1").step_id("e1").collect_all().await?;
/// assert_eq!(errors.len(), 3);
/// # Ok(())
/// # }
/// ```
pub trait PagedMocks {
    /// `GET path` answered with `pages` in turn, each page's items as the body and a
    /// `Link: <…?page=n+1>; rel="next"` header on every page but the last (the form of
    /// every listing except flow errors).
    fn link_pages<T: Serialize>(&self, path: &str, pages: &[Vec<T>]) -> Vec<Mock<'_>>;

    /// `GET path` answered with `pages` in turn, each page object as the body with its
    /// `nextPageURL` set to the next page (left out on the last page): the flow errors
    /// listing's form. A page's own `nextPageURL`, if any, is replaced.
    fn next_page_url_pages<P: Serialize>(&self, path: &str, pages: &[P]) -> Vec<Mock<'_>>;
}

impl PagedMocks for MockServer {
    fn link_pages<T: Serialize>(&self, path: &str, pages: &[Vec<T>]) -> Vec<Mock<'_>> {
        paged(self, path, pages, |body, next| (body, next))
    }

    fn next_page_url_pages<P: Serialize>(&self, path: &str, pages: &[P]) -> Vec<Mock<'_>> {
        paged(self, path, pages, |mut body, next| {
            if let Value::Object(page) = &mut body {
                page.remove("nextPageURL");
                if let Some(url) = next {
                    page.insert("nextPageURL".into(), Value::String(url));
                }
            }
            (body, None)
        })
    }
}

/// One mock per page; `link` turns a page's body and the next page's URL into the
/// body to answer and the `Link` target to send, if any.
fn paged<'s, P: Serialize>(
    server: &'s MockServer,
    path: &str,
    pages: &[P],
    link: impl Fn(Value, Option<String>) -> (Value, Option<String>),
) -> Vec<Mock<'s>> {
    let full_path = format!("{BASE_PATH}{path}");
    pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let body = match serde_json::to_value(page) {
                Ok(body) => body,
                Err(e) => panic!("page {} of {path} does not serialize: {e}", index + 1),
            };
            let next = (index + 1 < pages.len())
                .then(|| server.url(format!("{full_path}?{PAGE_PARAM}={}", index + 2)));
            let (body, link) = link(body, next);
            server.mock(|when, then| {
                let when = when.method(Method::GET).path(full_path.as_str());
                let _ = match index {
                    0 => when.query_param_missing(PAGE_PARAM),
                    _ => when.query_param(PAGE_PARAM, (index + 1).to_string()),
                };
                let then = then.status(200).json_body(body);
                if let Some(url) = link {
                    then.header("link", format!("<{url}>; rel=\"next\""));
                }
            })
        })
        .collect()
}
