//! [`Operation`]: what the crate knows about each operation of the spec, as data.

/// One operation of the spec. The generated `operations` module holds one constant per
/// operation ([`crate::operations::ALL`]); errors and tracing name operations by it.
///
/// ```
/// let op = integrator_io::operations::GET_EXPORT;
/// assert_eq!((op.method, op.path, op.success_status), ("GET", "/exports/{id}", 200));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The spec's operationId (`getExport`).
    pub id: &'static str,
    /// The generated method (`get_export`).
    pub method_name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template below the base URL (`/exports/{id}`).
    pub path: &'static str,
    /// The operation's tag (resource area).
    pub tag: &'static str,
    /// The documented success status.
    pub success_status: u16,
    /// A list that may answer `204` with no body; the client reads that as `[]`.
    pub empty_list_as_204: bool,
    /// The success answer is JSON (a success answer with another content type is a
    /// decode error).
    pub answers_json: bool,
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} {})", self.id, self.method, self.path)
    }
}
