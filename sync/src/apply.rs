//! [`apply`]: carries out a [`Plan`]: a backup pull of the target first, then creates
//! and updates in dependency order (a new integration first, since what it holds
//! names it; connections; scripts, lookup caches and file definitions; exports and
//! imports; flows; the integration's own update last), then deletes in the reverse order.
//!
//! Each level runs at most `concurrency` requests at once, through the client's rate
//! limiter. Every create is written to the [`Journal`] as soon as it is answered; an
//! update reads the target again just before writing it (read-modify-write) and is
//! refused when the body would hold a masked secret. A failure stops after the
//! running level; the next run picks up where it stopped.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use futures::stream::{self, StreamExt};
use serde::Serialize;
use serde_json::Value;

use crate::error::SyncError;
use crate::journal::Journal;
use crate::kind::{Key, Kind};
use crate::merge::{masked_pointers, merge};
use crate::normalize::{refs_in, resolve_refs, strip_secrets};
use crate::plan::{compare, Action, Plan, Step};
use crate::remote::{id_of, Remote};
use crate::tree::STATE_DIR;

/// How `apply` runs.
#[derive(Clone, Debug)]
pub struct ApplyOptions {
    /// Requests at once (default 8); the client's rate limiter still paces them.
    pub concurrency: usize,
    /// Where the backup pull of the target goes (a new directory below it per run).
    pub backup_dir: Option<PathBuf>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency: 8,
            backup_dir: None,
        }
    }
}

/// What `apply` did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ApplyReport {
    /// Created, with their new `_id`s.
    pub created: BTreeMap<String, String>,
    /// Updated.
    pub updated: Vec<String>,
    /// Deleted.
    pub deleted: Vec<String>,
    /// Left as they are, and why (a masked secret would have been written).
    pub blocked: BTreeMap<String, String>,
    /// Where the backup of the target was written, if anything was to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<PathBuf>,
}

impl ApplyReport {
    /// Whether nothing was created, updated or deleted.
    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.updated.is_empty() && self.deleted.is_empty()
    }
}

/// Carries out `plan` in `remote` (the account it was made for). `tree_dir` is where
/// backups go unless `options.backup_dir` says otherwise.
pub async fn apply(
    plan: &Plan,
    remote: &Remote,
    journal: &mut Journal,
    tree_dir: &Path,
    options: &ApplyOptions,
) -> Result<ApplyReport, SyncError> {
    let mut report = ApplyReport::default();
    for step in plan.steps.iter().filter(|s| s.action == Action::Blocked) {
        report.blocked.insert(
            step.resource.to_string(),
            step.note.clone().unwrap_or_default(),
        );
    }
    if !plan.has_changes() {
        return Ok(report);
    }
    if plan.target_integration().is_some() {
        let base = options
            .backup_dir
            .clone()
            .unwrap_or_else(|| tree_dir.join(STATE_DIR).join("backups"));
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
        let dir = base.join(stamp);
        plan.target.tree.write(&dir)?;
        report.backup = Some(dir);
    }

    let mut ids: HashMap<Key, String> = plan
        .matches
        .iter()
        .map(|(k, m)| (k.clone(), m.id.clone()))
        .collect();
    let by_key: HashMap<&Key, &Step> = plan
        .steps
        .iter()
        .filter(|s| s.action != Action::Delete)
        .map(|s| (&s.resource, s))
        .collect();
    let concurrency = options.concurrency.max(1);
    let integration = Key::integration();

    // A new integration first: what it holds names it.
    if let Some(step) = by_key
        .get(&integration)
        .filter(|s| s.action == Action::Create)
    {
        let level = vec![*step];
        run_level(plan, remote, journal, &mut ids, &level, 1, &mut report).await?;
    }
    for rank in 0..=Kind::Integration.rank() {
        let level: Vec<&Step> = plan
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::Create | Action::Update))
            .filter(|s| s.resource.kind.rank() == rank)
            .filter(|s| !(s.resource == integration && s.action == Action::Create))
            .collect();
        run_level(
            plan,
            remote,
            journal,
            &mut ids,
            &level,
            concurrency,
            &mut report,
        )
        .await?;
    }
    for rank in (0..=Kind::Integration.rank()).rev() {
        let level: Vec<&Step> = plan
            .steps
            .iter()
            .filter(|s| s.action == Action::Delete && s.resource.kind.rank() == rank)
            .collect();
        // Futures made first (not by a closure inside the stream), so that this
        // function's future is `Send`.
        let deletes: Vec<_> = level
            .into_iter()
            .map(|step| async move {
                let id = step.target_id.as_deref().unwrap_or_default();
                remote.delete(step.resource.kind, id).await.map(|()| step)
            })
            .collect();
        let mut deletes = stream::iter(deletes).buffer_unordered(concurrency);
        let mut first_error = None;
        while let Some(result) = deletes.next().await {
            match result {
                Ok(step) => report.deleted.push(step.resource.to_string()),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    report.updated.sort();
    report.deleted.sort();
    Ok(report)
}

/// Runs the creates and updates of one level: in waves, each holding the steps whose
/// references are all known, `concurrency` at once.
async fn run_level(
    plan: &Plan,
    remote: &Remote,
    journal: &mut Journal,
    ids: &mut HashMap<Key, String>,
    level: &[&Step],
    concurrency: usize,
    report: &mut ApplyReport,
) -> Result<(), SyncError> {
    let mut pending: Vec<&Step> = level.to_vec();
    while !pending.is_empty() {
        let (ready, waiting): (Vec<&Step>, Vec<&Step>) = pending.iter().partition(|step| {
            refs_of(plan, &step.resource)
                .iter()
                .all(|k| ids.contains_key(k) || *k == step.resource)
        });
        if ready.is_empty() {
            let names: Vec<String> = waiting.iter().map(|s| s.resource.file()).collect();
            return Err(SyncError::Usage(format!(
                "these resources refer to each other or to resources created later, so none can be written first: {}",
                names.join(", ")
            )));
        }
        // Each create is journaled as soon as it is answered; a failure lets the
        // requests already sent finish (and be journaled) before it is answered.
        let known = &*ids;
        let writes: Vec<_> = ready
            .into_iter()
            .map(|step| write(plan, remote, known, step))
            .collect();
        let mut writes = stream::iter(writes).buffer_unordered(concurrency);
        let mut created = Vec::new();
        let mut first_error = None;
        while let Some(result) = writes.next().await {
            match result {
                Ok(Outcome::Created(key, id)) => {
                    if let Err(e) = journal.record(&key, &id) {
                        first_error.get_or_insert(e);
                    }
                    report.created.insert(key.to_string(), id.clone());
                    created.push((key, id));
                }
                Ok(Outcome::Updated(key)) => report.updated.push(key.to_string()),
                Ok(Outcome::Unchanged) => {}
                Ok(Outcome::Blocked(key, why)) => {
                    report.blocked.insert(key.to_string(), why);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        drop(writes);
        ids.extend(created);
        if let Some(e) = first_error {
            return Err(e);
        }
        pending = waiting;
    }
    Ok(())
}

enum Outcome {
    Created(Key, String),
    Unchanged,
    Updated(Key),
    Blocked(Key, String),
}

/// The keys `key`'s configuration refers to.
fn refs_of(plan: &Plan, key: &Key) -> HashSet<Key> {
    plan.desired
        .resources
        .get(key)
        .map(|r| {
            refs_in(&Value::Object(r.config.clone()))
                .into_iter()
                .filter_map(|(_, k)| k.ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Creates or updates one resource.
async fn write(
    plan: &Plan,
    remote: &Remote,
    ids: &HashMap<Key, String>,
    step: &Step,
) -> Result<Outcome, SyncError> {
    let key = &step.resource;
    let Some(resource) = plan.desired.resources.get(key) else {
        return Err(SyncError::Usage(format!("{key} is not in the tree")));
    };
    let mut desired = Value::Object(resource.config.clone());
    resolve_refs(&mut desired, &|k| ids.get(k).cloned()).map_err(|missing| {
        SyncError::Usage(format!(
            "{}: references not yet created at {}",
            key.file(),
            missing.join(", ")
        ))
    })?;
    let Value::Object(desired) = desired else {
        unreachable!("an object stays an object")
    };
    match step.action {
        Action::Create => {
            let mut body = Value::Object(desired);
            strip_secrets(&mut body);
            let Value::Object(body) = body else {
                unreachable!("an object stays an object")
            };
            let created = remote.create(key.kind, &body).await?;
            let id = id_of(&created).ok_or_else(|| {
                SyncError::Answer(format!("{}: created without an _id", key.file()))
            })?;
            Ok(Outcome::Created(key.clone(), id.to_string()))
        }
        _ => {
            let id = step.target_id.as_deref().unwrap_or_default();
            let Some(current) = remote.get(key.kind, id).await? else {
                return Err(SyncError::Answer(format!(
                    "{}: {} {id} is gone from the target since the plan; run again",
                    key.file(),
                    key.kind.singular()
                )));
            };
            // The target's ids as the tree names them, to compare in the tree's terms.
            let mut refs: HashMap<String, Key> = plan
                .target
                .ids
                .iter()
                .map(|(k, id)| (id.clone(), k.clone()))
                .collect();
            refs.extend(ids.iter().map(|(k, id)| (id.clone(), k.clone())));
            if compare(key, &resource.config, &current, &refs, &plan.ignore).is_none() {
                return Ok(Outcome::Unchanged);
            }
            let unknown = Remote::unknown_fields(key.kind, &current);
            let body = merge(key.kind, &desired, &current, &unknown, &plan.ignore);
            let masked = masked_pointers(&body);
            if !masked.is_empty() {
                return Ok(Outcome::Blocked(
                    key.clone(),
                    format!(
                        "would overwrite the target's secrets at {} with the mask",
                        masked.join(", ")
                    ),
                ));
            }
            remote.update(key.kind, id, &body).await?;
            Ok(Outcome::Updated(key.clone()))
        }
    }
}
