//! [`plan`]: what `apply` would do to make a target account's integration match a
//! tree: which resource each of the tree's is in the target, and what to create,
//! update or (with `prune`) delete.
//!
//! Finding a resource in the target, in order:
//! - the integration: the one given (`PROFILE:ID`), else the journal's, else the one
//!   with the tree's integration name (several: an error);
//! - connections: the connection map (`source name or alias` to `target name or _id`),
//!   else the journal, else the target connection of the same name; a connection that
//!   is not found is created without credentials, and existing ones are updated like
//!   any resource, except that an update that would need the credentials sent back is
//!   blocked (the API answers them masked);
//! - everything else: the journal, else the resource of the same name within the target
//!   integration.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::connection_map::ConnectionMap;
use crate::diff::{diff_values, FieldChange};
use crate::error::SyncError;
use crate::ignore::Ignore;
use crate::journal::Journal;
use crate::kind::{Key, Kind};
use crate::merge::{masked_pointers, merge};
use crate::normalize::{split_volatile, to_refs};
use crate::pull::{find_integration, integrations_named, pull, Snapshot};
use crate::remote::{id_of, name_of, Doc, Remote};
use crate::tree::Tree;

/// What to do to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Create it in the target.
    Create,
    /// Change the fields listed, read-modify-write.
    Update,
    /// Delete it from the target (only with `prune`).
    Delete,
    /// It differs, but cannot be updated without sending a masked secret back: left
    /// as it is.
    Blocked,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Blocked => "blocked",
        })
    }
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The resource (`exports/shopify-orders`); for a delete, its key in the target.
    #[serde(serialize_with = "display")]
    pub resource: Key,
    /// What to do.
    pub action: Action,
    /// Its `_id` in the target (none for a create).
    #[serde(rename = "targetId", skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// For an update or a blocked one, the fields that change: `before` the target's,
    /// `after` the tree's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Why it is blocked, or what to know (a connection created without credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn display<S: serde::Serializer>(key: &Key, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(key)
}

/// How a resource of the tree was found in the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchedBy {
    /// The integration given on the command line.
    Given,
    /// The connection map.
    ConnectionMap,
    /// The journal of an earlier apply.
    Journal,
    /// The same name.
    Name,
}

/// A resource of the tree found in the target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Match {
    /// Its `_id` in the target.
    pub id: String,
    /// How it was found.
    pub by: MatchedBy,
}

/// What to tell `plan`.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// The target integration's `_id` or name (else found as the module says).
    pub integration: Option<String>,
    /// Delete what the target integration holds and the tree does not.
    pub prune: bool,
    /// Source connections to target connections.
    pub connection_map: ConnectionMap,
    /// Fields kept as the target has them.
    pub ignore: Ignore,
}

/// What `apply` would do, and what it needs to do it.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The steps: creates and updates in dependency order, then deletes.
    pub steps: Vec<Step>,
    /// Each resource of the tree found in the target.
    pub matches: BTreeMap<Key, Match>,
    /// Things to know (account ids that name nothing in the tree).
    pub warnings: Vec<String>,
    pub(crate) desired: Tree,
    pub(crate) target: Snapshot,
    pub(crate) ignore: Ignore,
}

impl Plan {
    /// Whether applying it would change anything (blocked steps change nothing).
    pub fn has_changes(&self) -> bool {
        self.steps.iter().any(|s| s.action != Action::Blocked)
    }

    /// The target integration's `_id`, when it exists.
    pub fn target_integration(&self) -> Option<&str> {
        self.matches.get(&Key::integration()).map(|m| m.id.as_str())
    }
}

/// Plans making the integration in `remote` match `desired`. Nothing is sent but
/// reads; an invalid tree is refused before any request.
pub async fn plan(
    desired: Tree,
    remote: &Remote,
    journal: &Journal,
    options: &PlanOptions,
) -> Result<Plan, SyncError> {
    desired.validate()?;
    let mut matches: BTreeMap<Key, Match> = BTreeMap::new();
    let mut raw: HashMap<String, Doc> = HashMap::new();

    // The integration, then what it holds.
    let integration_name = desired
        .resources
        .get(&Key::integration())
        .and_then(|r| name_of(&r.config))
        .unwrap_or_default()
        .to_string();
    let found = match (&options.integration, journal.integration.as_deref()) {
        (Some(given), _) => Some((find_integration(remote, given).await?, MatchedBy::Given)),
        (None, Some(id)) => match remote.get(Kind::Integration, id).await? {
            Some(doc) => Some((doc, MatchedBy::Journal)),
            None => by_name(remote, &integration_name).await?,
        },
        (None, None) => by_name(remote, &integration_name).await?,
    };
    let target = match &found {
        Some((doc, by)) => {
            let id = id_of(doc).unwrap_or_default().to_string();
            matches.insert(
                Key::integration(),
                Match {
                    id: id.clone(),
                    by: *by,
                },
            );
            pull(remote, &id).await?
        }
        None => Snapshot::default(),
    };
    for doc in target.raw.values() {
        if let Some(id) = id_of(doc) {
            raw.insert(id.to_string(), doc.clone());
        }
    }

    // Connections: the map, the journal, the name; account-wide.
    let connections = remote.list(Kind::Connection).await?;
    for doc in &connections {
        if let Some(id) = id_of(doc) {
            raw.insert(id.to_string(), doc.clone());
        }
    }
    // Everything else: the journal (checked), else the name within the integration.
    let mut target_by_name: HashMap<(Kind, &str), Vec<&str>> = HashMap::new();
    for (key, doc) in &target.raw {
        if let (Some(name), Some(id)) = (name_of(doc), id_of(doc)) {
            target_by_name.entry((key.kind, name)).or_default().push(id);
        }
    }
    for (key, resource) in &desired.resources {
        if key.kind == Kind::Integration {
            continue;
        }
        let name = name_of(&resource.config).unwrap_or_default();
        if key.kind == Kind::Connection {
            if let Some(id) = options.connection_map.find(key, name, &connections)? {
                matches.insert(
                    key.clone(),
                    Match {
                        id,
                        by: MatchedBy::ConnectionMap,
                    },
                );
                continue;
            }
        }
        if let Some(id) = journal.id(key) {
            let doc = match raw.get(id) {
                Some(doc) => Some(doc.clone()),
                None => remote.get(key.kind, id).await?,
            };
            if let Some(doc) = doc {
                raw.insert(id.to_string(), doc);
                matches.insert(
                    key.clone(),
                    Match {
                        id: id.to_string(),
                        by: MatchedBy::Journal,
                    },
                );
                continue;
            }
        }
        let candidates: Vec<&str> = if key.kind == Kind::Connection {
            let named: Vec<&str> = connections
                .iter()
                .filter(|c| name_of(c) == Some(name))
                .filter_map(id_of)
                .collect();
            // Of several of that name, the one the target integration uses.
            let used: Vec<&str> = named
                .iter()
                .copied()
                .filter(|id| target.ids.values().any(|t| t == id))
                .collect();
            if named.len() > 1 && used.len() == 1 {
                used
            } else {
                named
            }
        } else {
            target_by_name
                .get(&(key.kind, name))
                .cloned()
                .unwrap_or_default()
        };
        match candidates.as_slice() {
            [] => {}
            [id] => {
                matches.insert(
                    key.clone(),
                    Match {
                        id: id.to_string(),
                        by: MatchedBy::Name,
                    },
                );
            }
            several => {
                let fix = if key.kind == Kind::Connection {
                    "map it to one with --connection-map"
                } else {
                    "rename all but one in the target"
                };
                return Err(SyncError::Usage(format!(
                    "{}: the target has {} {}s named {name:?} ({}): {fix}",
                    key.file(),
                    several.len(),
                    key.kind.singular(),
                    several.join(", ")
                )));
            }
        }
    }

    // Every target id the tree knows, as the tree's reference.
    let mut refs: HashMap<String, Key> = HashMap::new();
    for (key, id) in &target.ids {
        refs.insert(id.clone(), key.clone());
    }
    for (key, m) in &matches {
        refs.insert(m.id.clone(), key.clone());
    }

    let mut steps = Vec::new();
    for (key, resource) in &desired.resources {
        let Some(m) = matches.get(key) else {
            let note = (key.kind == Kind::Connection).then(|| {
                "created without credentials: enter them in the target account".to_string()
            });
            steps.push(Step {
                resource: key.clone(),
                action: Action::Create,
                target_id: None,
                fields: Vec::new(),
                note,
            });
            continue;
        };
        let Some(target_doc) = raw.get(&m.id) else {
            return Err(SyncError::Answer(format!(
                "{}: {} was not read",
                key.file(),
                m.id
            )));
        };
        if let Some(mut step) = compare(key, &resource.config, target_doc, &refs, &options.ignore) {
            step.target_id = Some(m.id.clone());
            steps.push(step);
        }
    }
    if options.prune {
        let matched: Vec<&str> = matches.values().map(|m| m.id.as_str()).collect();
        for (key, id) in &target.ids {
            if matches!(key.kind, Kind::Integration | Kind::Connection)
                || matched.contains(&id.as_str())
            {
                continue;
            }
            let elsewhere = target.used_elsewhere.contains(id);
            steps.push(Step {
                resource: key.clone(),
                action: if elsewhere {
                    Action::Blocked
                } else {
                    Action::Delete
                },
                target_id: Some(id.clone()),
                fields: Vec::new(),
                note: elsewhere
                    .then(|| "not deleted: resources outside the integration use it".to_string()),
            });
        }
    }
    steps.sort_by_key(|s| {
        (
            s.action == Action::Delete,
            s.resource.kind.rank(),
            s.resource.clone(),
        )
    });
    let warnings = desired_warnings(&desired);
    Ok(Plan {
        steps,
        matches,
        warnings,
        desired,
        target,
        ignore: options.ignore.clone(),
    })
}

/// The update (or blocked) step that makes `target` (as the account answered it)
/// match `desired` (with references); `None` when they already match.
pub(crate) fn compare(
    key: &Key,
    desired: &Doc,
    target: &Doc,
    refs: &HashMap<String, Key>,
    ignore: &Ignore,
) -> Option<Step> {
    let unknown = Remote::unknown_fields(key.kind, target);
    let (config, _) = split_volatile(target.clone());
    let mut config = Value::Object(config);
    to_refs(&mut config, refs);
    let kind = key.kind;
    let fields = diff_values(&config, &Value::Object(desired.clone()), &|path| {
        if ignore.ignores(kind, path) {
            return true;
        }
        // A field only the target has, that the API's schema does not know: the
        // target's own (an extension, a newer field); kept, not a difference.
        let top = path[1..].split('/').next().unwrap_or("");
        let top = top.replace("~1", "/").replace("~0", "~");
        !desired.contains_key(&top) && unknown.contains(&top)
    });
    if fields.is_empty() {
        return None;
    }
    let body = merge(kind, desired, target, &unknown, ignore);
    let masked = masked_pointers(&body);
    let (action, note) = if masked.is_empty() {
        (Action::Update, None)
    } else {
        (
            Action::Blocked,
            Some(format!(
                "the target holds secrets the API answers masked ({}); a PUT would overwrite them with the mask: change it in the target, or keep these fields with --ignore",
                masked.join(", ")
            )),
        )
    };
    Some(Step {
        resource: key.clone(),
        action,
        target_id: None,
        fields,
        note,
    })
}

async fn by_name(remote: &Remote, name: &str) -> Result<Option<(Doc, MatchedBy)>, SyncError> {
    let mut found = integrations_named(remote, name).await?;
    match found.len() {
        0 => Ok(None),
        1 => Ok(Some((found.remove(0), MatchedBy::Name))),
        n => Err(SyncError::Usage(format!(
            "the target has {n} integrations named {name:?}: give one as PROFILE:ID"
        ))),
    }
}

/// Account ids in the tree's configuration that name nothing in it.
fn desired_warnings(tree: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    for (key, resource) in &tree.resources {
        for pointer in crate::normalize::foreign_ids(&Value::Object(resource.config.clone())) {
            out.push(format!(
                "{}: field {pointer} holds an account id that names nothing in the tree; it is sent as it is",
                key.file()
            ));
        }
    }
    out
}
