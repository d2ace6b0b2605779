//! [`SyncError`]: why a pull, diff, plan or apply failed.

use std::fmt;
use std::path::PathBuf;

/// One problem in a tree: the file, the field (a JSON pointer) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the tree's root (`exports/orders.json`).
    pub file: String,
    /// The field, as a JSON pointer (`/_connectionId`); empty for the whole file.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: field {}: {}", self.file, self.pointer, self.message)
        }
    }
}

/// Why an operation failed. Nothing is sent to an account when a tree is invalid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The tree is invalid: every problem found, each naming its file and field.
    #[error("the tree is invalid:\n{}", list(.0))]
    Invalid(Vec<Problem>),
    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// A request to an account failed.
    #[error("{context}: {source}")]
    Api {
        /// What was being done (`get exports/orders (5f0c…)`).
        context: String,
        /// The client's error.
        source: Box<integrator_io::Error>,
    },
    /// An account answered something that cannot be used.
    #[error("{0}")]
    Answer(String),
    /// The command line or settings are wrong.
    #[error("{0}")]
    Usage(String),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl SyncError {
    /// An [`SyncError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> SyncError {
        SyncError::Io {
            path: path.into(),
            source,
        }
    }

    /// An [`SyncError::Api`] for what was being done.
    pub(crate) fn api(context: impl Into<String>, source: integrator_io::Error) -> SyncError {
        SyncError::Api {
            context: context.into(),
            source: Box::new(source),
        }
    }
}
