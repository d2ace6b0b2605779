//! [`Journal`]: what `apply` created in a target account, written after every create,
//! so that a run that failed midway is completed by the next one without duplicates.
//!
//! It lives in the tree's `.integrator/` directory (git-ignored), one file per target
//! account. Without it (a fresh clone), `plan` still finds what an earlier run created
//! by name within the target integration, since created resources carry the target
//! integration's `_integrationId` when their source did.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::SyncError;
use crate::kind::{slug, Key};
use crate::remote::Remote;
use crate::tree::{canonical, STATE_DIR};

/// The ids `apply` created in one target account, by resource.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Where it is saved (`None`: kept in memory only).
    #[serde(skip)]
    path: Option<PathBuf>,
    /// The target integration's `_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
    /// Each created resource's `_id`, by key (`exports/orders`).
    #[serde(default)]
    pub created: BTreeMap<String, String>,
}

impl Journal {
    /// A journal that is never saved.
    pub fn in_memory() -> Journal {
        Journal::default()
    }

    /// The journal of the tree at `dir` for the account `remote` reaches (empty when
    /// there is none yet).
    pub fn load(dir: &Path, remote: &Remote) -> Result<Journal, SyncError> {
        let (base_url, ashare) = remote.location();
        let name = slug(&format!("{base_url} {}", ashare.unwrap_or_default()));
        let path = dir.join(STATE_DIR).join(format!("journal-{name}.json"));
        let mut journal = match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str::<Journal>(&text)
                .map_err(|e| SyncError::Usage(format!("{}: not a journal: {e}", path.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Journal::default(),
            Err(e) => return Err(SyncError::io(&path, e)),
        };
        journal.path = Some(path);
        Ok(journal)
    }

    /// The id recorded for `key`.
    pub fn id(&self, key: &Key) -> Option<&str> {
        if *key == Key::integration() {
            return self.integration.as_deref();
        }
        self.created.get(&key.to_string()).map(String::as_str)
    }

    /// Records that `key` is `id` in the target, and saves.
    pub fn record(&mut self, key: &Key, id: &str) -> Result<(), SyncError> {
        if *key == Key::integration() {
            self.integration = Some(id.to_string());
        } else {
            self.created.insert(key.to_string(), id.to_string());
        }
        self.save()
    }

    fn save(&self) -> Result<(), SyncError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| SyncError::io(parent, e))?;
        }
        let text = canonical(&serde_json::to_value(self).unwrap_or_default());
        // Written beside, then renamed: a crash leaves the old journal or the new one.
        let temp = path.with_extension("json.tmp");
        fs::write(&temp, text).map_err(|e| SyncError::io(&temp, e))?;
        fs::rename(&temp, path).map_err(|e| SyncError::io(path, e))
    }
}
