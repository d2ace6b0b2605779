//! Profiles: named settings (token, region or base URL, account share) in
//! `config.toml` in the platform's configuration directory (`INTEGRATOR_CONFIG_DIR`
//! overrides it), written with mode 0600.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::exit::CliError;

/// The variable that overrides the configuration directory (tests, containers).
pub const ENV_CONFIG_DIR: &str = "INTEGRATOR_CONFIG_DIR";

/// One profile. Its `Debug` never shows the token.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `na` or `eu`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A base URL that wins over the region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The account share to act in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ashare_id: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("ashare_id", &self.ashare_id)
            .finish()
    }
}

/// The configuration file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// The configuration file's path.
pub fn config_path() -> Result<PathBuf, CliError> {
    let dir = match std::env::var_os(ENV_CONFIG_DIR).filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => directories::ProjectDirs::from("io", "integrator", "integrator")
            .map(|dirs| dirs.config_dir().to_path_buf())
            .ok_or_else(|| {
                CliError::usage(format!(
                    "no home directory to keep profiles in; set {ENV_CONFIG_DIR}"
                ))
            })?,
    };
    Ok(dir.join("config.toml"))
}

impl Config {
    /// Reads the file; a missing file is an empty configuration.
    pub fn load(path: &Path) -> Result<Config, CliError> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| {
                CliError::usage(format!(
                    "{} is not a valid configuration: {e}",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(CliError::other(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    /// Writes the file readable by its owner only (0600, its directory 0700), through
    /// a temporary file renamed over it.
    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        let failed =
            |e: std::io::Error| CliError::other(format!("cannot write {}: {e}", path.display()));
        let text = toml::to_string_pretty(self)
            .map_err(|e| CliError::other(format!("cannot encode the configuration: {e}")))?;
        if let Some(dir) = path.parent() {
            create_private_dir(dir).map_err(failed)?;
        }
        let temporary = path.with_extension("toml.tmp");
        write_private(&temporary, text.as_bytes()).map_err(failed)?;
        std::fs::rename(&temporary, path).map_err(failed)
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // An existing file keeps its mode on open: set it.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
