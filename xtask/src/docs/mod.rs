//! Reading the API documentation: files, endpoint tables, HTTP examples, and the
//! documentation slips that are tolerated by name.

pub mod examples;
pub mod inventory;
pub mod path;
pub mod slips;
pub mod table;

use std::fmt;
use std::path::{Path, PathBuf};

/// The extensions read from a directory.
pub const EXTENSIONS: [&str; 2] = ["md", "txt"];

/// One documentation file, read.
#[derive(Clone, Debug)]
pub struct Document {
    /// Where it was read from, as given or found under a given directory.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// Prints a command's report; the exit status says whether it failed.
pub fn print_report(report: &str, failed: bool) -> std::process::ExitCode {
    crate::outln!("{report}");
    if failed {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}

/// Reads the given files, and the `.md` and `.txt` files under the given directories
/// (recursively, in name order). A file named directly is read whatever its extension.
///
/// Fails, naming the path, when one cannot be read, is not UTF-8, or when a directory
/// holds no documentation file.
pub fn read_documents(paths: &[PathBuf]) -> Result<Vec<Document>, String> {
    if paths.is_empty() {
        return Err("name at least one documentation file or directory".into());
    }
    let mut files = Vec::new();
    for path in paths {
        let metadata =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if metadata.is_dir() {
            let before = files.len();
            collect_dir(path, &mut files)?;
            if files.len() == before {
                return Err(format!(
                    "{} holds no .md or .txt documentation file",
                    path.display()
                ));
            }
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(Document { path, text })
        })
        .collect()
}

/// The `.md` and `.txt` files under `dir`, recursively, in name order.
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        paths.push(entry.path());
    }
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_dir(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Where in the docs something is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// What a documented endpoint was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A row of an endpoint table.
    Table,
    /// The request line of an HTTP example.
    Example,
}

/// An endpoint as the docs write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Upper-case method.
    pub method: String,
    /// The path relative to the API base, parameters as written (`/exports/<_id>`), or
    /// the concrete path of an example (`/exports/55ea776b`).
    pub path: String,
    /// The documented success code, if the docs give one.
    pub success: Option<u16>,
    /// The table row's description (empty for examples).
    pub description: String,
    /// Where it is written.
    pub origin: Origin,
    /// Table row or example.
    pub kind: Kind,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(code) = self.success {
            write!(f, " {code}")?;
        }
        Ok(())
    }
}
