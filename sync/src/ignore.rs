//! [`Ignore`]: fields, per kind of resource, that stay as each account has them
//! (environment-specific values: a schedule, a base URI, a page size).

use std::str::FromStr;

use crate::error::SyncError;
use crate::kind::Kind;

/// Fields not compared by `diff` and `plan`, and kept as the target has them by
/// `apply`. Written `KIND:/json/pointer` (`connections:/http/baseURI`,
/// `flows:/schedule`); `*:/pointer` for every kind. A pointer covers what is below it.
///
/// ```
/// use integrator_io_sync::{Ignore, Kind};
/// let ignore: Ignore = "flows:/schedule".parse()?;
/// assert!(ignore.ignores(Kind::Flow, "/schedule"));
/// assert!(!ignore.ignores(Kind::Export, "/schedule"));
/// # Ok::<(), integrator_io_sync::SyncError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ignore {
    rules: Vec<(Option<Kind>, String)>,
}

impl Ignore {
    /// The rules of every `KIND:/pointer` in `specs`.
    pub fn parse_all<S: AsRef<str>>(specs: &[S]) -> Result<Ignore, SyncError> {
        let mut ignore = Ignore::default();
        for spec in specs {
            ignore.rules.extend(spec.as_ref().parse::<Ignore>()?.rules);
        }
        Ok(ignore)
    }

    /// Whether `pointer` of a `kind` resource is ignored.
    pub fn ignores(&self, kind: Kind, pointer: &str) -> bool {
        self.rules.iter().any(|(k, p)| {
            k.is_none_or(|k| k == kind)
                && (pointer == p
                    || pointer
                        .strip_prefix(p.as_str())
                        .is_some_and(|rest| rest.starts_with('/')))
        })
    }

    /// The ignored pointers of `kind`.
    pub fn pointers(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .filter(move |(k, _)| k.is_none_or(|k| k == kind))
            .map(|(_, p)| p.as_str())
    }
}

impl FromStr for Ignore {
    type Err = SyncError;

    fn from_str(spec: &str) -> Result<Ignore, SyncError> {
        let bad = || {
            SyncError::Usage(format!(
                "--ignore {spec:?}: expected KIND:/json/pointer (e.g. flows:/schedule), KIND one of {} or *",
                Kind::ALL.map(Kind::dir).join(", ")
            ))
        };
        let (kind, pointer) = spec.split_once(':').ok_or_else(bad)?;
        let kind = match kind {
            "*" => None,
            dir => Some(Kind::from_dir(dir).ok_or_else(bad)?),
        };
        if !pointer.starts_with('/') || pointer.len() < 2 {
            return Err(bad());
        }
        Ok(Ignore {
            rules: vec![(kind, pointer.to_string())],
        })
    }
}
