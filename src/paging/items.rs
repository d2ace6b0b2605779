//! The item stream behind every list builder's `.stream()`.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};
use reqwest::header::{HeaderMap, LINK};
use url::Url;

use super::{link, next_page, ListRequest};
use crate::{Error, Operation};

/// A stream of listed items, fetched a page at a time as it is read. It ends after the
/// last page, or with an error (after which it yields nothing more).
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// The future of every item of a listing in one `Vec` (`.collect_all()`); `Send`, so it
/// can be spawned.
pub type CollectAll<'a, T> = futures::stream::TryCollect<ItemStream<'a, T>, Vec<T>>;

/// How many empty pages in a row that still link to a next page are followed before the
/// listing is taken for stuck.
const MAX_EMPTY_LINKED_PAGES: usize = 10;

/// Every item `request` lists, following the pages.
pub fn stream<'a, R: ListRequest<'a>>(request: R) -> ItemStream<'a, R::Item> {
    let pager = Pager {
        headers: request.headers(),
        request,
        next: Next::First,
        buffer: Vec::new().into_iter(),
        seen_urls: HashSet::new(),
        last_page: None,
        empty_linked_pages: 0,
        page_size: 0,
        cursor: None,
    };
    Box::pin(futures::stream::try_unfold(pager, |mut pager| async move {
        loop {
            if let Some(item) = pager.buffer.next() {
                return Ok(Some((item, pager)));
            }
            if !pager.fetch().await? {
                return Ok(None);
            }
        }
    }))
}

/// Every item `request` lists, in one `Vec`.
pub fn collect_all<'a, R: ListRequest<'a>>(request: R) -> CollectAll<'a, R::Item> {
    stream(request).try_collect()
}

enum Next {
    First,
    Url(Url),
    /// Items created at or before `instant`, past the first `skip`.
    Before {
        instant: DateTime<Utc>,
        skip: u64,
    },
    /// The page's items are yielded first, then this error.
    Fail(Error),
    Done,
}

/// Paging by time: the oldest `createdAt` seen, the ids already yielded at it, and the
/// `skip` asked for at it (0 until a page holds nothing but jobs already seen there).
struct Cursor {
    instant: DateTime<Utc>,
    ids: HashSet<String>,
    skip: u64,
}

struct Pager<'a, R: ListRequest<'a>> {
    request: R,
    /// The first request's header parameters, sent with every later page.
    headers: HeaderMap,
    next: Next,
    buffer: std::vec::IntoIter<R::Item>,
    /// Every next link followed so far: one seen again means a loop.
    seen_urls: HashSet<String>,
    /// The size and a fingerprint of the last page, to notice the same page twice.
    last_page: Option<(usize, u64)>,
    empty_linked_pages: usize,
    /// The most items one page held: a shorter page is the last of its query.
    page_size: usize,
    cursor: Option<Cursor>,
}

impl<'a, R: ListRequest<'a>> Pager<'a, R> {
    /// Fetches the next page into the buffer; `false` when there is none.
    async fn fetch(&mut self) -> Result<bool, Error> {
        let op = self.request.operation();
        let client = self.request.client();
        let (page, by_time) = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return Ok(false),
            Next::Fail(error) => return Err(error),
            Next::First => (self.request.clone().send_page().await?, false),
            Next::Url(url) => (
                next_page::get::<R::Page>(client, op, url, &self.headers).await?,
                false,
            ),
            Next::Before { instant, skip } => match self.request.clone().before(instant, skip) {
                Some(request) => (request.send_page().await?, true),
                None if skip == 0 => return Ok(false),
                None => return Err(shared_instant(op, instant, skip, "it has no `skip`")),
            },
        };
        let link = page
            .headers()
            .get_all(LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(link::next_target)
            .map(str::to_owned);
        let (mut items, body_next) = R::into_items(page.into_inner());
        let fetched = items.len();
        self.page_size = self.page_size.max(fetched);
        if let (true, Some(cursor)) = (by_time, &self.cursor) {
            if let Some(newer) = items
                .iter()
                .filter_map(R::created_at)
                .find(|at| *at > cursor.instant)
            {
                return Err(paging(
                    op,
                    format!(
                        "asked for items created at or before {}, the server answered one of {newer}: \
                         it ignored the time cursor",
                        cursor.instant.to_rfc3339()
                    ),
                ));
            }
            items.retain(|item| {
                R::created_at(item) != Some(cursor.instant)
                    || !id_of(item).is_some_and(|id| cursor.ids.contains(&id))
            });
        }
        self.next = match link.or(body_next) {
            Some(target) => self.follow(&target, &items),
            None => self.time_cursor(&items, fetched, by_time),
        };
        self.buffer = items.into_iter();
        Ok(true)
    }

    /// The next page behind a link, unless following it would go round in circles.
    fn follow(&mut self, target: &str, items: &[R::Item]) -> Next {
        let op = self.request.operation();
        let url = match next_page::resolve(self.request.client(), op, target) {
            Ok(url) => url,
            Err(error) => return Next::Fail(error),
        };
        if !self.seen_urls.insert(url.to_string()) {
            return Next::Fail(paging(
                op,
                format!("the next link {url} was already followed (a loop)"),
            ));
        }
        if items.is_empty() {
            self.empty_linked_pages += 1;
            if self.empty_linked_pages > MAX_EMPTY_LINKED_PAGES {
                return Next::Fail(paging(
                    op,
                    format!(
                        "{} empty pages in a row still link to a next page",
                        self.empty_linked_pages
                    ),
                ));
            }
            return Next::Url(url);
        }
        self.empty_linked_pages = 0;
        let mark = (items.len(), fingerprint(items));
        if self.last_page.replace(mark) == Some(mark) {
            return Next::Fail(paging(
                op,
                "the server answered the same page again under another link".into(),
            ));
        }
        Next::Url(url)
    }

    /// After a page without a next link: for listings that page by time, ask for the
    /// items created at or before the oldest one seen, remembering which were yielded
    /// at that instant. When a full page holds nothing new (more items share the
    /// instant than one page), ask again past those with `skip`; if that brings nothing
    /// new either, end with an error rather than drop the rest silently.
    fn time_cursor(&mut self, new_items: &[R::Item], fetched: usize, by_time: bool) -> Next {
        if let Some(oldest) = new_items.iter().filter_map(R::created_at).min() {
            let at_oldest = new_items
                .iter()
                .filter(|item| R::created_at(item) == Some(oldest))
                .filter_map(id_of);
            let skip = match &mut self.cursor {
                Some(cursor) if cursor.instant == oldest => {
                    cursor.ids.extend(at_oldest);
                    if cursor.skip > 0 {
                        cursor.skip = cursor.ids.len() as u64;
                    }
                    cursor.skip
                }
                cursor => {
                    *cursor = Some(Cursor {
                        instant: oldest,
                        ids: at_oldest.collect(),
                        skip: 0,
                    });
                    0
                }
            };
            return Next::Before {
                instant: oldest,
                skip,
            };
        }
        let Some(cursor) = self.cursor.as_mut().filter(|_| by_time) else {
            return Next::Done;
        };
        if fetched == 0 || fetched < self.page_size {
            return Next::Done;
        }
        if cursor.skip == 0 {
            cursor.skip = cursor.ids.len() as u64;
            return Next::Before {
                instant: cursor.instant,
                skip: cursor.skip,
            };
        }
        Next::Fail(shared_instant(
            self.request.operation(),
            cursor.instant,
            cursor.skip,
            "the server answered no new item past them",
        ))
    }
}

fn paging(op: &'static Operation, message: String) -> Error {
    Error::Paging {
        operation: op.id,
        message,
    }
}

/// More items share one `createdAt` than the listing can page past.
fn shared_instant(op: &'static Operation, instant: DateTime<Utc>, skip: u64, why: &str) -> Error {
    paging(
        op,
        format!(
            "{skip} or more items share createdAt {} and there may be more: {why}; \
             narrow the listing (filters, createdAt_gte) to read them all",
            instant.to_rfc3339()
        ),
    )
}

/// A fingerprint of a page: its first and last items' JSON.
fn fingerprint<T: serde::Serialize>(items: &[T]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for item in [items.first(), items.last()].into_iter().flatten() {
        serde_json::to_string(item).ok().hash(&mut hasher);
    }
    hasher.finish()
}

/// An item's `_id`, read through its JSON form (only for items at the time cursor).
fn id_of<T: serde::Serialize>(item: &T) -> Option<String> {
    match serde_json::to_value(item).ok()?.get("_id")? {
        serde_json::Value::String(id) => Some(id.clone()),
        _ => None,
    }
}
