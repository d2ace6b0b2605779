//! The command table: every operation of the spec, as `build.rs` derived it from
//! `openapi/integrator.yaml` (see `integrator_io_codegen::cli`).

/// One operation as a command: `integrator <area> <verb>`.
#[derive(Debug)]
pub struct OpSpec {
    /// The spec's operationId.
    pub id: &'static str,
    /// The first word of the command (the tag).
    pub area: &'static str,
    /// The second word of the command.
    pub verb: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// The spec's description.
    pub description: &'static str,
    /// Its parameters, the account-share header left out (`--ashare-id` sets it).
    pub params: &'static [ParamSpec],
    /// The request body, if it takes one.
    pub body: Option<BodySpec>,
    /// How it lists, if it is a listing.
    pub list: Option<ListSpec>,
}

/// One parameter: a positional argument (path) or a flag (query, header).
#[derive(Debug)]
pub struct ParamSpec {
    /// The name on the wire.
    pub name: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Whether it must be given.
    pub required: bool,
    /// The flag (without `--`) or, for a path parameter, the value name.
    pub flag: &'static str,
    /// What its value must parse as.
    pub kind: Kind,
    /// `known` lists the values seen so far, others are accepted (an open enum).
    pub open: bool,
    /// Known values (enum); empty when any value of `kind` goes.
    pub known: &'static [&'static str],
    /// The spec's description.
    pub help: &'static str,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// In the URL path.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
}

/// The type a parameter's value is checked against before anything is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 date-time.
    DateTime,
}

/// A request body.
#[derive(Debug)]
pub struct BodySpec {
    /// Whether the operation needs one.
    pub required: bool,
    /// The spec's description.
    pub help: &'static str,
}

/// How a listing pages.
#[derive(Debug)]
pub struct ListSpec {
    /// It pages back in time by `createdAt_lte`.
    pub by_time: bool,
    /// It takes `skip`.
    pub skip: bool,
}

include!(concat!(env!("OUT_DIR"), "/commands.rs"));

/// The operation behind `integrator <area> <verb>`.
pub fn find(area: &str, verb: &str) -> Option<&'static OpSpec> {
    OPERATIONS
        .iter()
        .find(|op| op.area == area && op.verb == verb)
}

/// The `GET` that reads what a `PUT` at the same path writes (for `update --set`).
pub fn reader_of(op: &OpSpec) -> Option<&'static OpSpec> {
    OPERATIONS
        .iter()
        .find(|other| other.method == "GET" && other.path == op.path)
}
