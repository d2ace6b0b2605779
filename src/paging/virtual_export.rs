//! Paged virtual exports: `POST /connections/{id}/export/pages`, sending the answer's
//! `pagedExportState` back with the same export until it says `done`.

use futures::TryStreamExt;

use super::ItemStream;
use crate::types::{Export, PagedExportState, PagedVirtualExportRequest, PagedVirtualExportResult};
use crate::{operations, Client, Error, Nullable};

/// The pages of a paged virtual export, one answer at a time.
pub type VirtualExportPages<'a> = ItemStream<'a, PagedVirtualExportResult>;

struct Cursor {
    state: Option<PagedExportState>,
    done: bool,
}

impl Client {
    /// Runs an unsaved `export` through the connection `connection_id` page by page:
    /// each page's `pagedExportState` is sent back unchanged with the same export until
    /// the state says `done` (or the answer carries none). One page is held at a time.
    ///
    /// A state that does not move on (the same search and page index twice) ends the
    /// stream with [`Error::Paging`].
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
        };
        Box::pin(futures::stream::try_unfold(cursor, move |cursor| {
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
                if let (Some(old), Some(new)) = (&cursor.state, &next) {
                    if old.search_id == new.search_id && old.page_index == new.page_index {
                        return Err(Error::Paging {
                            operation: operations::RUN_PAGED_VIRTUAL_EXPORT.id,
                            message: format!(
                                "the export state did not move on (page index {:?})",
                                new.page_index.value()
                            ),
                        });
                    }
                }
                let done = next.as_ref().is_none_or(|s| s.done.value() == Some(&true));
                Ok(Some((page, Cursor { state: next, done })))
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
