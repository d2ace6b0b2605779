//! [`Tree`]: an integration as files, read from and written to a directory.
//!
//! ```text
//! DIR/manifest.json                  where and when it was pulled, by what
//! DIR/integration.json               the integration's configuration
//! DIR/connections/<alias>.json       one file per resource, named for its name
//! DIR/filedefinitions/… exports/… imports/… flows/…
//! DIR/volatile/<same paths>          ids, timestamps, counters: never compared or sent
//! DIR/.integrator/                   apply's journal and backups (git-ignored)
//! ```
//! Every file is pretty JSON with sorted keys and a final newline, so a tree pulled
//! twice from an unchanged integration is byte-identical.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Problem, SyncError};
use crate::kind::{is_alias, Key, Kind};
use crate::normalize::refs_in;
use crate::remote::Doc;

/// The directory of volatile fields inside a tree.
pub const VOLATILE_DIR: &str = "volatile";

/// The directory of apply's journal and backups inside a tree.
pub const STATE_DIR: &str = ".integrator";

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";

/// One resource of a tree.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    /// Its configuration, with references and secret placeholders.
    pub config: Doc,
    /// Its volatile fields (`_id`, timestamps) as the source account had them.
    pub volatile: Doc,
}

/// An integration as a set of resources by [`Key`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    /// The manifest, as written or read (not compared by `diff`).
    pub manifest: Option<Doc>,
    /// The resources.
    pub resources: BTreeMap<Key, Resource>,
}

impl Tree {
    /// Reads the tree in `dir`. Every malformed file is reported, each by name.
    pub fn read(dir: &Path) -> Result<Tree, SyncError> {
        if !dir.is_dir() {
            return Err(SyncError::Usage(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        let mut problems = Vec::new();
        let mut tree = Tree::default();
        let manifest_path = dir.join(MANIFEST);
        if manifest_path.exists() {
            tree.manifest = read_object(dir, MANIFEST, &mut problems);
        }
        for (key, file) in files_of(dir, "", &mut problems)? {
            let Some(config) = read_object(dir, &file, &mut problems) else {
                continue;
            };
            let volatile_file = format!("{VOLATILE_DIR}/{file}");
            let volatile = if dir.join(&volatile_file).exists() {
                read_object(dir, &volatile_file, &mut problems).unwrap_or_default()
            } else {
                Map::new()
            };
            tree.resources.insert(key, Resource { config, volatile });
        }
        if problems.is_empty() {
            Ok(tree)
        } else {
            Err(SyncError::Invalid(problems))
        }
    }

    /// Checks what `plan` and `apply` rely on: every resource has a string `name`,
    /// names are unique within a kind, every reference names a resource of the tree,
    /// and there is an integration. Answers every problem found.
    pub fn validate(&self) -> Result<(), SyncError> {
        let mut problems = Vec::new();
        let mut names: HashMap<(Kind, &str), &Key> = HashMap::new();
        if !self.resources.contains_key(&Key::integration()) {
            problems.push(Problem {
                file: Key::integration().file(),
                pointer: String::new(),
                message: "missing: a tree holds one integration".into(),
            });
        }
        for (key, resource) in &self.resources {
            match resource.config.get("name") {
                Some(Value::String(name)) if !name.trim().is_empty() => {
                    if let Some(first) = names.insert((key.kind, name), key) {
                        problems.push(Problem {
                            file: key.file(),
                            pointer: "/name".into(),
                            message: format!(
                                "duplicate name {name:?}, also in {}: names identify resources in the target account",
                                first.file()
                            ),
                        });
                    }
                }
                _ => problems.push(Problem {
                    file: key.file(),
                    pointer: "/name".into(),
                    message: "a non-empty string is required: names identify resources in the target account".into(),
                }),
            }
            let config = Value::Object(resource.config.clone());
            for (pointer, target) in refs_in(&config) {
                match target {
                    Ok(target) if self.resources.contains_key(&target) => {}
                    Ok(target) => problems.push(Problem {
                        file: key.file(),
                        pointer,
                        message: format!(
                            "dangling reference: {target} is not in the tree (no {})",
                            target.file()
                        ),
                    }),
                    Err(text) => problems.push(Problem {
                        file: key.file(),
                        pointer,
                        message: format!(
                            "malformed reference {text:?} (expected e.g. @ref:exports/my-export)"
                        ),
                    }),
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SyncError::Invalid(problems))
        }
    }

    /// Writes the tree into `dir`: files that did not change are not touched, files of
    /// resources no longer in the tree are removed. The manifest's `pulledAt` is kept
    /// from the previous manifest when nothing else changed, so a pull of an unchanged
    /// integration leaves the directory byte-identical.
    pub fn write(&self, dir: &Path) -> Result<WriteSummary, SyncError> {
        let mut summary = WriteSummary::default();
        create_dir(dir)?;
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        for (key, resource) in &self.resources {
            wanted.insert(
                key.file(),
                canonical(&Value::Object(resource.config.clone())),
            );
            if !resource.volatile.is_empty() {
                wanted.insert(
                    format!("{VOLATILE_DIR}/{}", key.file()),
                    canonical(&Value::Object(resource.volatile.clone())),
                );
            }
        }
        // Stale resource files.
        let mut ignored = Vec::new();
        for prefix in ["", VOLATILE_DIR] {
            let base = if prefix.is_empty() {
                dir.to_path_buf()
            } else {
                dir.join(prefix)
            };
            if !base.is_dir() {
                continue;
            }
            for (_, file) in files_of(&base, prefix, &mut ignored)? {
                if !wanted.contains_key(&file) {
                    let path = dir.join(&file);
                    fs::remove_file(&path).map_err(|e| SyncError::io(&path, e))?;
                    summary.removed.push(file);
                }
            }
        }
        let mut made: BTreeSet<PathBuf> = BTreeSet::new();
        for (file, text) in &wanted {
            let path = dir.join(file);
            if fs::read(&path).ok().as_deref() == Some(text.as_bytes()) {
                continue;
            }
            if let Some(parent) = path.parent() {
                if made.insert(parent.to_path_buf()) {
                    create_dir(parent)?;
                }
            }
            fs::write(&path, text).map_err(|e| SyncError::io(&path, e))?;
            summary.written.push(file.clone());
        }
        if let Some(manifest) = &self.manifest {
            let path = dir.join(MANIFEST);
            let old: Option<Doc> = fs::read_to_string(&path)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
            let mut manifest = manifest.clone();
            if let Some(old) = old {
                let mut same = manifest.clone();
                if let Some(at) = old.get("pulledAt") {
                    same.insert("pulledAt".into(), at.clone());
                }
                if summary.written.is_empty() && summary.removed.is_empty() && same == old {
                    manifest = old;
                }
            }
            let text = canonical(&Value::Object(manifest));
            if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                fs::write(&path, text).map_err(|e| SyncError::io(&path, e))?;
                summary.written.push(MANIFEST.into());
            }
        }
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            fs::write(&ignore, format!("/{STATE_DIR}/\n"))
                .map_err(|e| SyncError::io(&ignore, e))?;
        }
        Ok(summary)
    }
}

/// What [`Tree::write`] changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Files written (new or changed), relative to the tree's root.
    pub written: Vec<String>,
    /// Files removed (resources no longer in the tree).
    pub removed: Vec<String>,
}

/// The resource files under `base` (a tree's root, or its `volatile/`), by key, with
/// their paths relative to the tree's root (`prefix` prepended).
fn files_of(
    base: &Path,
    prefix: &str,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(Key, String)>, SyncError> {
    let join = |file: String| {
        if prefix.is_empty() {
            file
        } else {
            format!("{prefix}/{file}")
        }
    };
    let mut out = Vec::new();
    if base.join(Key::integration().file()).is_file() {
        out.push((Key::integration(), join(Key::integration().file())));
    }
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Integration) {
        let sub = base.join(kind.dir());
        if !sub.is_dir() {
            continue;
        }
        let entries = fs::read_dir(&sub).map_err(|e| SyncError::io(&sub, e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| SyncError::io(&sub, e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        for name in names {
            let Some(alias) = name.strip_suffix(".json") else {
                continue;
            };
            let file = join(format!("{}/{name}", kind.dir()));
            if is_alias(alias) {
                out.push((Key::new(kind, alias), file));
            } else {
                problems.push(Problem {
                    file,
                    pointer: String::new(),
                    message: "file names are aliases: lower-case letters, digits and '-'".into(),
                });
            }
        }
    }
    Ok(out)
}

/// Reads `file` (relative to `dir`) as a JSON object, or records why not.
fn read_object(dir: &Path, file: &str, problems: &mut Vec<Problem>) -> Option<Doc> {
    let problem = |message: String| Problem {
        file: file.to_string(),
        pointer: String::new(),
        message,
    };
    let text = match fs::read_to_string(dir.join(file)) {
        Ok(text) => text,
        Err(e) => {
            problems.push(problem(format!("cannot be read: {e}")));
            return None;
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(doc)) => Some(doc),
        Ok(_) => {
            problems.push(problem("must hold a JSON object".into()));
            None
        }
        Err(e) => {
            problems.push(problem(format!(
                "not valid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            )));
            None
        }
    }
}

fn create_dir(dir: &Path) -> Result<(), SyncError> {
    fs::create_dir_all(dir).map_err(|e| SyncError::io(dir, e))
}

/// Pretty JSON with every object's keys sorted and a final newline: the text of every
/// file of a tree.
pub fn canonical(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&sorted(value)).unwrap_or_default();
    text.push('\n');
    text
}

/// `value` with every object's keys in sorted order (whatever map the build uses).
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
