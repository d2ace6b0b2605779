//! [`pull`]: an integration and everything it references, from an account into a
//! [`Tree`] ([`Snapshot`]).
//!
//! One request for the integration and one listing per kind (pages of 1000, the seven
//! listings at once), whatever the number of resources: the rate limit is spent on
//! pages, not on one `GET` per resource. A resource belongs to the integration when
//! its `_integrationId` says so or when a resource that belongs refers to it (flows to
//! their exports and imports, those to their connections, file definitions, hook
//! scripts and lookup caches).
//!
//! A lookup cache is pulled as its settings only: its entries are data the flows
//! write, not configuration, and differ between accounts by design (read or load
//! them with the client's `getData` and upsert operations).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{json, Value};

use crate::error::SyncError;
use crate::kind::{slug, Key, Kind};
use crate::normalize::{foreign_ids, ids_in, split_volatile, to_refs};
use crate::remote::{id_of, name_of, Doc, Remote};
use crate::tree::{Resource, Tree};

/// An integration as pulled: its tree, and each resource's id and document as the
/// account answered them.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The tree.
    pub tree: Tree,
    /// Each resource's `_id` in the account.
    pub ids: BTreeMap<Key, String>,
    /// Each resource as the account answered it (secrets masked).
    pub raw: BTreeMap<Key, Doc>,
    /// The `_id`s of the integration's resources that resources outside it refer to
    /// (an export another integration's flow uses): `--prune` leaves them.
    pub used_elsewhere: BTreeSet<String>,
    /// Account ids in configuration fields that name nothing in the tree
    /// (`flows/x.json: /hooks/preSavePage/_scriptId`): they mean nothing elsewhere.
    pub warnings: Vec<String>,
}

/// The kinds listed to find what an integration holds: all but the integration, which
/// [`Kind::ALL`] (in dependency order) puts last.
const LISTED: &[Kind] = match Kind::ALL.split_last() {
    Some((Kind::Integration, rest)) => rest,
    _ => panic!("Kind::ALL ends with the integration"),
};

/// Pulls `integration` (an `_id`, or an exact name) from `remote`.
pub async fn pull(remote: &Remote, integration: &str) -> Result<Snapshot, SyncError> {
    let root = find_integration(remote, integration).await?;
    let integration_id = id_of(&root)
        .ok_or_else(|| SyncError::Answer("the integration has no _id".into()))?
        .to_string();
    let lists = futures::future::try_join_all(LISTED.iter().map(|&kind| remote.list(kind))).await?;
    let (docs, used_elsewhere) = select(root, &integration_id, &lists);
    let mut snapshot = build(docs);
    snapshot.used_elsewhere = used_elsewhere;
    snapshot.tree.manifest = Some(manifest(remote, &snapshot));
    Ok(snapshot)
}

/// The integration named by `wanted`: by `_id` when it is one, else by exact name.
pub(crate) async fn find_integration(remote: &Remote, wanted: &str) -> Result<Doc, SyncError> {
    if wanted.len() == 24 && wanted.bytes().all(|b| b.is_ascii_hexdigit()) {
        return remote
            .get(Kind::Integration, wanted)
            .await?
            .ok_or_else(|| SyncError::Usage(format!("no integration {wanted} in the account")));
    }
    let mut found = integrations_named(remote, wanted).await?;
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(SyncError::Usage(format!(
            "no integration named {wanted:?} in the account"
        ))),
        n => Err(SyncError::Usage(format!(
            "{n} integrations are named {wanted:?}: name one by its _id ({})",
            found
                .iter()
                .filter_map(id_of)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The account's integrations named `name`.
pub(crate) async fn integrations_named(remote: &Remote, name: &str) -> Result<Vec<Doc>, SyncError> {
    let mut all = remote.list(Kind::Integration).await?;
    all.retain(|doc| name_of(doc) == Some(name));
    Ok(all)
}

/// The integration and every listed document that belongs to it, by kind; and the
/// `_id`s of those that documents outside it refer to too.
fn select(
    root: Doc,
    integration_id: &str,
    lists: &[Vec<Doc>],
) -> (Vec<(Kind, Doc)>, BTreeSet<String>) {
    let mut index: HashMap<String, (Kind, usize)> = HashMap::new();
    for (kind, list) in LISTED.iter().zip(lists) {
        for (i, doc) in list.iter().enumerate() {
            if let Some(id) = id_of(doc) {
                index.insert(id.to_string(), (*kind, i));
            }
        }
    }
    let doc_at = |(kind, i): (Kind, usize)| {
        let position = LISTED.iter().position(|k| *k == kind).unwrap_or(0);
        &lists[position][i]
    };
    let refs_of = |doc: &Doc| -> Vec<(Kind, usize)> {
        doc.values()
            .flat_map(|v| ids_in(v, &index))
            .copied()
            .collect()
    };
    let mut chosen: HashSet<(Kind, usize)> = HashSet::new();
    let mut queue: Vec<(Kind, usize)> = refs_of(&root);
    for (kind, list) in LISTED.iter().zip(lists) {
        for (i, doc) in list.iter().enumerate() {
            if doc.get("_integrationId").and_then(Value::as_str) == Some(integration_id) {
                queue.push((*kind, i));
            }
        }
    }
    while let Some(found) = queue.pop() {
        if chosen.insert(found) {
            queue.extend(refs_of(doc_at(found)));
        }
    }
    let mut docs = vec![(Kind::Integration, root)];
    let mut used_elsewhere = BTreeSet::new();
    for (kind, list) in LISTED.iter().zip(lists) {
        for (i, doc) in list.iter().enumerate() {
            if chosen.contains(&(*kind, i)) {
                docs.push((*kind, doc.clone()));
            } else {
                for found in refs_of(doc).into_iter().filter(|f| chosen.contains(f)) {
                    if let Some(id) = id_of(doc_at(found)) {
                        used_elsewhere.insert(id.to_string());
                    }
                }
            }
        }
    }
    (docs, used_elsewhere)
}

/// The snapshot of `docs`: aliases from names (`-2`, `-3` for repeats, in order of
/// creation), ids rewritten into references, volatile fields apart.
fn build(docs: Vec<(Kind, Doc)>) -> Snapshot {
    let mut by_kind: BTreeMap<Kind, Vec<Doc>> = BTreeMap::new();
    for (kind, doc) in docs {
        by_kind.entry(kind).or_default().push(doc);
    }
    let mut keyed: Vec<(Key, Doc)> = Vec::new();
    for (kind, mut docs) in by_kind {
        let sort_key = |d: &Doc| {
            (
                name_of(d).unwrap_or("").to_string(),
                d.get("createdAt")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                id_of(d).unwrap_or("").to_string(),
            )
        };
        docs.sort_by_cached_key(sort_key);
        let mut used: HashSet<String> = HashSet::new();
        for doc in docs {
            let key = if kind == Kind::Integration {
                Key::integration()
            } else {
                let base = slug(name_of(&doc).unwrap_or(""));
                let mut alias = base.clone();
                let mut n = 1;
                while !used.insert(alias.clone()) {
                    n += 1;
                    alias = format!("{base}-{n}");
                }
                Key::new(kind, alias)
            };
            keyed.push((key, doc));
        }
    }
    from_keyed(keyed)
}

/// The snapshot of documents already given their keys.
fn from_keyed(keyed: Vec<(Key, Doc)>) -> Snapshot {
    let ids: HashMap<String, Key> = keyed
        .iter()
        .filter_map(|(key, doc)| id_of(doc).map(|id| (id.to_string(), key.clone())))
        .collect();
    let mut snapshot = Snapshot::default();
    for (key, doc) in keyed {
        if let Some(id) = id_of(&doc) {
            snapshot.ids.insert(key.clone(), id.to_string());
        }
        let (config, volatile) = split_volatile(doc.clone());
        let mut config = Value::Object(config);
        to_refs(&mut config, &ids);
        for pointer in foreign_ids(&config) {
            snapshot.warnings.push(format!(
                "{}: field {pointer} holds an account id that names nothing in the tree",
                key.file()
            ));
        }
        let Value::Object(config) = config else {
            unreachable!("an object stays an object")
        };
        snapshot.raw.insert(key.clone(), doc);
        snapshot
            .tree
            .resources
            .insert(key, Resource { config, volatile });
    }
    snapshot
}

/// The manifest of a pull: where from, what, and when.
fn manifest(remote: &Remote, snapshot: &Snapshot) -> Doc {
    let (base_url, ashare_id) = remote.location();
    let region = [
        integrator_io::Region::NorthAmerica,
        integrator_io::Region::Europe,
    ]
    .into_iter()
    .find(|r| r.base_url() == base_url)
    .map(|r| r.code());
    let mut counts = serde_json::Map::new();
    for key in snapshot.tree.resources.keys() {
        let n = counts
            .entry(key.kind.dir())
            .or_insert(json!(0))
            .as_u64()
            .unwrap_or(0);
        counts.insert(key.kind.dir().into(), json!(n + 1));
    }
    let last_modified = snapshot
        .tree
        .resources
        .values()
        .filter_map(|r| r.volatile.get("lastModified").and_then(Value::as_str))
        .max();
    let integration = snapshot.tree.resources.get(&Key::integration());
    let mut warnings = snapshot.warnings.clone();
    warnings.sort();
    let Value::Object(doc) = json!({
        "format": 1,
        "tool": format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        "source": {
            "baseUrl": base_url,
            "region": region,
            "ashareId": ashare_id,
            "integrationId": snapshot.ids.get(&Key::integration()),
            "integration": integration.and_then(|r| name_of(&r.config)),
        },
        "pulledAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "sourceLastModified": last_modified,
        "resources": counts,
        "warnings": warnings,
    }) else {
        unreachable!("a json! object")
    };
    doc
}
