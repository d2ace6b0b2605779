//! Virtual exports through a connection, with the paged form's signed
//! `pagedExportState` (`searchId`, `pageIndex`, `pageSize`, `totalPages`,
//! `totalRecords`, `done`, `issuedAt` in epoch seconds, `sig`). Records are generated
//! page by page from their index, so a search of millions costs no memory.

use std::hash::{BuildHasher, RandomState};

use serde_json::{json, Value};

use super::dispatch::Call;
use super::ids::Ids;
use super::reply::Reply;

/// The page size when the export does not set `pageSize`.
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 100;
/// The largest page.
pub(crate) const MAX_PAGE_SIZE: u64 = 10_000;
/// How long a state may be sent back (seconds).
const STATE_LIFETIME: i64 = 3600;
/// How many records the unpaged virtual export answers at most.
const UNPAGED_LIMIT: u64 = 1000;

/// Signs states with a key only this sandbox knows (SipHash with random keys, twice
/// for 128 bits).
pub(crate) struct Signer {
    key: RandomState,
}

impl Signer {
    /// A signer with a fresh random key.
    pub(crate) fn new(_ids: &Ids) -> Signer {
        Signer {
            key: RandomState::new(),
        }
    }

    fn sign(&self, state: &PageState) -> String {
        let text = format!(
            "{}|{}|{}|{}|{}|{}|{}",
            state.search_id,
            state.page_index,
            state.page_size,
            state.total_pages,
            state.total_records,
            state.done,
            state.issued_at
        );
        format!(
            "{:016x}{:016x}",
            self.key.hash_one(("sig-a", &text)),
            self.key.hash_one(("sig-b", &text))
        )
    }
}

/// A state's fields.
struct PageState {
    search_id: String,
    page_index: u64,
    page_size: u64,
    total_pages: u64,
    total_records: u64,
    done: bool,
    issued_at: i64,
}

impl PageState {
    fn to_json(&self, signer: &Signer) -> Value {
        json!({
            "searchId": self.search_id,
            "pageIndex": self.page_index,
            "pageSize": self.page_size,
            "totalPages": self.total_pages,
            "totalRecords": self.total_records,
            "done": self.done,
            "issuedAt": self.issued_at,
            "sig": signer.sign(self),
        })
    }

    /// Reads a state sent back; `None` if a field is missing or mistyped.
    fn read(value: &Value) -> Option<(PageState, String)> {
        let state = PageState {
            search_id: value.get("searchId")?.as_str()?.to_string(),
            page_index: value.get("pageIndex")?.as_u64()?,
            page_size: value.get("pageSize")?.as_u64()?,
            total_pages: value.get("totalPages")?.as_u64()?,
            total_records: value.get("totalRecords")?.as_u64()?,
            done: value.get("done")?.as_bool()?,
            issued_at: value.get("issuedAt")?.as_i64()?,
        };
        let sig = value.get("sig")?.as_str()?.to_string();
        Some((state, sig))
    }
}

/// The record at `index` of any search: stable, so pages can be compared.
pub(crate) fn record(index: u64) -> Value {
    let n = index + 1;
    json!({
        "id": n.to_string(),
        "name": format!("Customer {n}"),
        "email": format!("customer{n}@example.com"),
        "total": (index * 37 % 100_000) as f64 / 100.0,
        "active": !index.is_multiple_of(3),
        "updatedAt": super::ids::iso(
            chrono::DateTime::from_timestamp(1_735_689_600 + (index as i64) * 60, 0)
                .unwrap_or_default()
        ),
    })
}

fn records(from: u64, to: u64) -> Vec<Value> {
    (from..to).map(record).collect()
}

fn connection_exists(call: &Call<'_>, id: &str) -> Result<(), Reply> {
    if call.app.read().get("connections", id).is_some() {
        Ok(())
    } else {
        Err(Reply::not_found("Connection", id))
    }
}

/// `POST /connections/{id}/export`: the first records of the search at once.
pub(crate) fn run(call: &Call<'_>, id: &str) -> Reply {
    if let Err(reply) = connection_exists(call, id) {
        return reply;
    }
    let total = call.app.config.seed_records as u64;
    Reply::json(
        200,
        &json!({ "data": records(0, total.min(UNPAGED_LIMIT)) }),
    )
}

fn invalid_state(message: &str) -> Reply {
    Reply::unprocessable("invalid_paged_export_state", "pagedExportState", message)
}

/// `POST /connections/{id}/export/pages`: the first page without a state, the next
/// with the state of the previous answer sent back unchanged; `done: true` ends it.
pub(crate) fn run_paged(call: &Call<'_>, id: &str) -> Reply {
    if let Err(reply) = connection_exists(call, id) {
        return reply;
    }
    let body = call.body.clone().unwrap_or(Value::Null);
    let signer = &call.app.signer;
    let now = chrono::Utc::now().timestamp();
    let state = match body.get("pagedExportState").filter(|s| !s.is_null()) {
        None => {
            let page_size = body
                .pointer("/export/pageSize")
                .and_then(Value::as_u64)
                .unwrap_or(DEFAULT_PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE);
            let total = call.app.config.seed_records as u64;
            let total_pages = total.div_ceil(page_size).max(1);
            PageState {
                search_id: call.app.ids.key32(),
                page_index: 0,
                page_size,
                total_pages,
                total_records: total,
                done: total_pages <= 1,
                issued_at: now,
            }
        }
        Some(sent) => {
            let Some((previous, sig)) = PageState::read(sent) else {
                return invalid_state("pagedExportState must be sent back exactly as received.");
            };
            if signer.sign(&previous) != sig {
                return invalid_state("pagedExportState has been changed: its sig does not match.");
            }
            if now - previous.issued_at > STATE_LIFETIME {
                return invalid_state("pagedExportState has expired; start the export again.");
            }
            if previous.done || previous.page_index + 1 >= previous.total_pages {
                return invalid_state("The paged export is done: there is no next page.");
            }
            let page_index = previous.page_index + 1;
            PageState {
                page_index,
                done: page_index + 1 >= previous.total_pages,
                issued_at: now,
                ..previous
            }
        }
    };
    let from = state.page_index * state.page_size;
    let to = (from + state.page_size).min(state.total_records);
    Reply::json(
        200,
        &json!({
            "data": records(from.min(to), to),
            "pagedExportState": state.to_json(signer),
        }),
    )
}
