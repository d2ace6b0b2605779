//! [`ConnectionMap`]: which target connection stands for each source connection.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::SyncError;
use crate::kind::Key;
use crate::remote::{id_of, name_of, Doc};

/// Source connections (by alias or name) to target connections (by `_id` or name).
///
/// From `--connection-map SOURCE=TARGET` (repeated) or a JSON file
/// `{"Shopify": "Shopify (production)", "netsuite-sandbox": "5f0c…"}`.
///
/// ```
/// use integrator_io_sync::ConnectionMap;
/// let map = ConnectionMap::parse_pairs(&["Shopify=Shopify (production)"])?;
/// assert_eq!(map.len(), 1);
/// # Ok::<(), integrator_io_sync::SyncError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectionMap {
    entries: BTreeMap<String, String>,
}

impl ConnectionMap {
    /// The map of `SOURCE=TARGET` pairs.
    pub fn parse_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<ConnectionMap, SyncError> {
        let mut map = ConnectionMap::default();
        for pair in pairs {
            let pair = pair.as_ref();
            let (from, to) = pair
                .split_once('=')
                .filter(|(f, t)| !f.is_empty() && !t.is_empty())
                .ok_or_else(|| {
                    SyncError::Usage(format!(
                        "--connection-map {pair:?}: expected SOURCE=TARGET (names, aliases or target _ids)"
                    ))
                })?;
            map.entries.insert(from.to_string(), to.to_string());
        }
        Ok(map)
    }

    /// Adds the pairs of a JSON file holding one object of strings.
    pub fn add_file(&mut self, path: &Path) -> Result<(), SyncError> {
        let text = std::fs::read_to_string(path).map_err(|e| SyncError::io(path, e))?;
        let entries: BTreeMap<String, String> = serde_json::from_str(&text).map_err(|e| {
            SyncError::Usage(format!(
                "{}: expected a JSON object of source to target connection names: {e}",
                path.display()
            ))
        })?;
        self.entries.extend(entries);
        Ok(())
    }

    /// How many pairs it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The target connection's `_id` for the tree's connection `key` named `name`,
    /// when the map names one; an error when the named one is not in `targets` or
    /// is ambiguous.
    pub(crate) fn find(
        &self,
        key: &Key,
        name: &str,
        targets: &[Doc],
    ) -> Result<Option<String>, SyncError> {
        let Some(wanted) = self
            .entries
            .get(&key.alias)
            .or_else(|| self.entries.get(name))
            .or_else(|| self.entries.get(&key.to_string()))
        else {
            return Ok(None);
        };
        if let Some(doc) = targets.iter().find(|d| id_of(d) == Some(wanted.as_str())) {
            return Ok(id_of(doc).map(str::to_string));
        }
        let named: Vec<&str> = targets
            .iter()
            .filter(|d| name_of(d) == Some(wanted.as_str()))
            .filter_map(id_of)
            .collect();
        match named.as_slice() {
            [id] => Ok(Some(id.to_string())),
            [] => Err(SyncError::Usage(format!(
                "connection map: {} maps to {wanted:?}, which is no connection of the target",
                key.file()
            ))),
            several => Err(SyncError::Usage(format!(
                "connection map: {} maps to {wanted:?}, which names {} target connections ({}): map it to an _id",
                key.file(),
                several.len(),
                several.join(", ")
            ))),
        }
    }
}
