//! List paging: `limit`/`skip` (default and maximum 1000), the `Link: <…>; rel="next"`
//! header while more exist, and `204 No Content` for an empty list.

use serde_json::Value;

use super::dispatch::Call;
use super::reply::Reply;

/// The default and largest page.
pub(crate) const MAX_LIMIT: usize = 1000;

/// One page's window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Page {
    /// Items to skip.
    pub(crate) skip: usize,
    /// Items to answer at most.
    pub(crate) limit: usize,
}

impl Page {
    /// The window a request asks for (the query was validated against the spec before:
    /// `limit` is 1 to 1000, `skip` a uint64, which saturates where `usize` is smaller).
    pub(crate) fn of(call: &Call<'_>) -> Page {
        let number = |name| call.query(name).and_then(count);
        Page {
            skip: number("skip").unwrap_or(0),
            limit: number("limit").unwrap_or(MAX_LIMIT).clamp(1, MAX_LIMIT),
        }
    }

    /// The indices of `total` items this page covers.
    pub(crate) fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = self.skip.min(total);
        start..start.saturating_add(self.limit).min(total)
    }
}

/// A count written in decimal digits; one too large for `usize` reads as `usize::MAX`.
pub(crate) fn count(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse::<usize>().unwrap_or(usize::MAX))
}

/// Answers one page of a list of `total` items; `items` are the page's own.
pub(crate) fn answer<'v>(
    call: &Call<'_>,
    page: Page,
    total: usize,
    items: impl Iterator<Item = &'v Value>,
) -> Reply {
    let items: Vec<&Value> = items.collect();
    if items.is_empty() && call.route.empty_list_as_204 {
        return Reply::empty(204);
    }
    let body = serde_json::to_vec(&items).unwrap_or_default();
    let mut reply = Reply::json_bytes(200, body);
    let next = page.skip.saturating_add(page.limit);
    if next < total {
        reply = reply.with_header("link", format!("<{}>; rel=\"next\"", next_url(call, page)));
    }
    reply
}

/// The same request with `skip` moved one page on, as an absolute URL.
fn next_url(call: &Call<'_>, page: Page) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &call.query {
        if name != "skip" && name != "limit" {
            query.append_pair(name, value);
        }
    }
    query.append_pair("skip", &(page.skip + page.limit).to_string());
    query.append_pair("limit", &page.limit.to_string());
    format!(
        "{}{}?{}",
        call.app.base_url,
        call.request_path,
        query.finish()
    )
}
