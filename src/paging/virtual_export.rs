//! Paged virtual exports: `POST /connections/{id}/export/pages`, sending the answer's
//! `pagedExportState` back with the same export until it says `done`.

use std::collections::HashSet;

use futures::TryStreamExt;

use super::ItemStream;
use crate::types::{Export, PagedExportState, PagedVirtualExportRequest, PagedVirtualExportResult};
use crate::{operations, Client, Error, Nullable};

/// The pages of a paged virtual export, one answer at a time.
pub type VirtualExportPages<'a> = ItemStream<'a, PagedVirtualExportResult>;

struct Cursor {
    state: Option<PagedExportState>,
    done: bool,
    /// The position of every state answered so far: one seen again means a cycle.
    seen: HashSet<String>,
}

/// Where a state points: its search and page index, or the whole state when it has
/// neither.
fn position(state: &PagedExportState) -> String {
    if state.search_id.is_absent() && state.page_index.is_absent() {
        return serde_json::to_string(state).unwrap_or_default();
    }
    serde_json::to_string(&(&state.search_id, &state.page_index)).unwrap_or_default()
}

impl Client {
    /// Runs an unsaved `export` through the connection `connection_id` page by page:
    /// each page's `pagedExportState` is sent back unchanged with the same export until
    /// the state says `done` (or the answer carries none). One page is held at a time.
    ///
    /// A state that does not move on (a search and page index answered before, as in a
    /// cycle 0, 1, 0, 1, …) ends the stream with [`Error::Paging`] after the pages
    /// already read.
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// # async fn demo(client: &integrator_io::Client, export: integrator_io::types::Export)
    /// #     -> Result<(), integrator_io::Error> {
    /// let mut records = client.virtual_export_records("5a6b7c8d9e0f1a2b3c4d5e6f", export);
    /// while let Some(record) = records.try_next().await? {
    ///     println!("{record}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn virtual_export_pages<'a>(
        &'a self,
        connection_id: &'a str,
        export: Export,
    ) -> VirtualExportPages<'a> {
        let cursor = Cursor {
            state: None,
            done: false,
            seen: HashSet::new(),
        };
        Box::pin(futures::stream::try_unfold(cursor, move |mut cursor| {
            let export = export.clone();
            async move {
                if cursor.done {
                    return Ok(None);
                }
                let body = PagedVirtualExportRequest {
                    export,
                    paged_export_state: cursor
                        .state
                        .clone()
                        .map_or(Nullable::Absent, Nullable::Value),
                    extra: Default::default(),
                };
                let page = self
                    .run_paged_virtual_export()
                    .id(connection_id)
                    .body(body)
                    .send()
                    .await?
                    .into_inner();
                let next = page.paged_export_state.value().cloned();
                let done = next.as_ref().is_none_or(|s| s.done.value() == Some(&true));
                if let (Some(new), false) = (&next, done) {
                    if !cursor.seen.insert(position(new)) {
                        return Err(Error::Paging {
                            operation: operations::RUN_PAGED_VIRTUAL_EXPORT.id,
                            message: format!(
                                "the export state came back to a position it had before \
                                 (page index {:?}): it does not move on",
                                new.page_index.value()
                            ),
                        });
                    }
                }
                cursor.state = next;
                cursor.done = done;
                Ok(Some((page, cursor)))
            }
        }))
    }

    /// The records of every page of a paged virtual export, one at a time (see
    /// [`Client::virtual_export_pages`]).
    pub fn virtual_export_records<'a>(
        &'a self,
        connection_id: &'a str,
        export: Export,
    ) -> ItemStream<'a, serde_json::Value> {
        Box::pin(
            self.virtual_export_pages(connection_id, export)
                .map_ok(|page| {
                    futures::stream::iter(
                        page.data
                            .into_option()
                            .unwrap_or_default()
                            .into_iter()
                            .map(Ok),
                    )
                })
                .try_flatten(),
        )
    }
}
