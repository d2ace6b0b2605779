//! The item stream behind every list builder's `.stream()`.

use std::collections::HashSet;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};
use reqwest::header::LINK;
use url::Url;

use super::{link, next_page, ListRequest};
use crate::Error;

/// A stream of listed items, fetched a page at a time as it is read. It ends after the
/// last page, or with an error (after which it yields nothing more).
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// Every item `request` lists, following the pages.
pub fn stream<'a, R: ListRequest<'a>>(request: R) -> ItemStream<'a, R::Item> {
    let pager = Pager {
        request,
        next: Next::First,
        buffer: Vec::new().into_iter(),
        seen_urls: HashSet::new(),
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
pub async fn collect_all<'a, R: ListRequest<'a>>(request: R) -> Result<Vec<R::Item>, Error> {
    stream(request).try_collect().await
}

enum Next {
    First,
    Url(Url),
    Before(DateTime<Utc>),
    /// The page's items are yielded first, then this error.
    Fail(Error),
    Done,
}

struct Pager<'a, R: ListRequest<'a>> {
    request: R,
    next: Next,
    buffer: std::vec::IntoIter<R::Item>,
    /// Every next link followed so far: one seen again means a loop.
    seen_urls: HashSet<String>,
    /// Paging by time: the oldest `createdAt` seen and the ids already yielded at it.
    cursor: Option<(DateTime<Utc>, HashSet<String>)>,
}

impl<'a, R: ListRequest<'a>> Pager<'a, R> {
    /// Fetches the next page into the buffer; `false` when there is none.
    async fn fetch(&mut self) -> Result<bool, Error> {
        let op = R::OPERATION;
        let client = self.request.client();
        let page = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return Ok(false),
            Next::Fail(error) => return Err(error),
            Next::First => self.request.clone().send_page().await?,
            Next::Url(url) => next_page::get::<R::Page>(client, op, url).await?,
            Next::Before(instant) => match self.request.clone().before(instant) {
                Some(request) => request.send_page().await?,
                None => return Ok(false),
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
        if let Some((instant, ids)) = &self.cursor {
            items.retain(|item| {
                R::created_at(item) != Some(*instant)
                    || !id_of(item).is_some_and(|id| ids.contains(&id))
            });
        }
        self.next = match link.or(body_next) {
            Some(target) => match next_page::resolve(client, op, &target) {
                Err(error) => Next::Fail(error),
                Ok(url) if !self.seen_urls.insert(url.to_string()) => Next::Fail(Error::Paging {
                    operation: op.id,
                    message: format!("the next link {url} was already followed (a loop)"),
                }),
                Ok(url) => Next::Url(url),
            },
            None => self.time_cursor(&items),
        };
        self.buffer = items.into_iter();
        Ok(true)
    }

    /// After a page without a next link: for listings that page by time, ask for the
    /// items created at or before the oldest one seen, remembering which were yielded
    /// at that instant. A page with no new items ends the listing.
    fn time_cursor(&mut self, items: &[R::Item]) -> Next {
        let Some(oldest) = items.iter().filter_map(R::created_at).min() else {
            return Next::Done;
        };
        let at_oldest = items
            .iter()
            .filter(|item| R::created_at(item) == Some(oldest))
            .filter_map(id_of);
        match &mut self.cursor {
            Some((instant, ids)) if *instant == oldest => ids.extend(at_oldest),
            cursor => *cursor = Some((oldest, at_oldest.collect())),
        }
        Next::Before(oldest)
    }
}

/// An item's `_id`, read through its JSON form (only for items at the time cursor).
fn id_of<T: serde::Serialize>(item: &T) -> Option<String> {
    match serde_json::to_value(item).ok()?.get("_id")? {
        serde_json::Value::String(id) => Some(id.clone()),
        _ => None,
    }
}
