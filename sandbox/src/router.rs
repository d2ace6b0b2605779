//! Spec-driven routing: a request's method and path matched against the spec's path
//! templates, so every operation is served without a hand-written route table.

use integrator_io_codegen::spec::{Operation, Spec};
use serde_json::Value;

/// One segment of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// A literal (`exports`).
    Literal(String),
    /// A parameter (`{id}`), by name.
    Param(String),
}

/// One operation of the spec, ready to match and serve.
#[derive(Debug)]
pub(crate) struct Route {
    /// The operation as the spec declares it.
    pub(crate) op: Operation,
    segments: Vec<Segment>,
    /// The request body's JSON schema (as written, maybe a `$ref`).
    pub(crate) body_schema: Option<Value>,
    /// Whether the body must be sent.
    pub(crate) body_required: bool,
    /// Query parameters with their schemas.
    pub(crate) query_params: Vec<QueryParam>,
    /// An empty list answers `204` with no body.
    pub(crate) empty_list_as_204: bool,
}

/// One query parameter an operation declares.
#[derive(Debug)]
pub(crate) struct QueryParam {
    /// Its name.
    pub(crate) name: String,
    /// Its schema, with a top-level `$ref` resolved.
    pub(crate) schema: Value,
    /// The spec's description says epoch milliseconds are accepted as well as the
    /// schema's `date-time` (the job filters).
    pub(crate) epoch_millis: bool,
}

/// The order methods are listed in an `Allow` header.
const METHOD_ORDER: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// What a request matched.
pub(crate) enum Matched<'a> {
    /// An operation, with its path parameters (decoded).
    Route(&'a Route, Vec<(String, String)>),
    /// A known path, but not with this method: the methods the spec has for it.
    WrongMethod(Vec<String>),
    /// No path of the spec.
    NotFound,
    /// A path segment is not valid percent-encoded UTF-8.
    BadPath,
}

/// Every operation of the spec.
#[derive(Debug)]
pub(crate) struct Router {
    routes: Vec<Route>,
}

impl Router {
    /// Routes for every operation of `spec`.
    pub(crate) fn new(spec: &Spec) -> Self {
        let routes = spec
            .operations()
            .into_iter()
            .map(|op| {
                let raw_op = spec
                    .raw
                    .get("paths")
                    .and_then(|p| p.get(&op.path))
                    .and_then(|item| item.get(op.method.to_ascii_lowercase()));
                let body = raw_op
                    .and_then(|o| o.get("requestBody"))
                    .map(|b| spec.deref(b));
                let body_schema = body
                    .and_then(|b| b.get("content"))
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|media| media.get("schema"))
                    .cloned();
                let body_required = body
                    .and_then(|b| b.get("required"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let mut query_params = Vec::new();
                let shared = spec
                    .raw
                    .get("paths")
                    .and_then(|p| p.get(&op.path))
                    .and_then(|item| item.get("parameters"))
                    .and_then(Value::as_array);
                let own = raw_op
                    .and_then(|o| o.get("parameters"))
                    .and_then(Value::as_array);
                for p in own
                    .into_iter()
                    .flatten()
                    .chain(shared.into_iter().flatten())
                {
                    let p = spec.deref(p);
                    if p.get("in").and_then(Value::as_str) == Some("query") {
                        if let Some(name) = p.get("name").and_then(Value::as_str) {
                            let schema = p
                                .get("schema")
                                .map(|s| spec.deref(s).clone())
                                .unwrap_or(Value::Null);
                            let epoch_millis = p
                                .get("description")
                                .and_then(Value::as_str)
                                .is_some_and(|d| d.contains("epoch milliseconds"));
                            query_params.push(QueryParam {
                                name: name.to_string(),
                                schema,
                                epoch_millis,
                            });
                        }
                    }
                }
                let segments = op
                    .path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(
                        |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => Segment::Param(name.to_string()),
                            None => Segment::Literal(s.to_string()),
                        },
                    )
                    .collect();
                let empty_list_as_204 = op.empty_list_as_204();
                Route {
                    op,
                    segments,
                    body_schema,
                    body_required,
                    query_params,
                    empty_list_as_204,
                }
            })
            .collect();
        Router { routes }
    }

    /// How many routes there are.
    pub(crate) fn len(&self) -> usize {
        self.routes.len()
    }

    /// Matches `method` and `path` (the part after `/v1`, still percent-encoded).
    /// Literal segments win over parameters, leftmost first, so `POST /connections/ping`
    /// is `pingVirtualConnection`, not a connection named `ping`.
    pub(crate) fn find(&self, method: &str, path: &str) -> Matched<'_> {
        let mut parts = Vec::new();
        for raw in path.split('/').filter(|s| !s.is_empty()) {
            match percent_decode(raw) {
                Some(part) => parts.push(part),
                None => return Matched::BadPath,
            }
        }
        let mut allowed: Vec<String> = Vec::new();
        let mut best: Option<&Route> = None;
        for route in &self.routes {
            if route.segments.len() != parts.len() {
                continue;
            }
            let fits = route.segments.iter().zip(&parts).all(|(s, p)| match s {
                Segment::Literal(l) => l == p,
                Segment::Param(_) => true,
            });
            if !fits {
                continue;
            }
            if !allowed.contains(&route.op.method) {
                allowed.push(route.op.method.clone());
            }
            if route.op.method != method {
                continue;
            }
            best = match best {
                Some(current) if !more_specific(route, current) => Some(current),
                _ => Some(route),
            };
        }
        match best {
            Some(route) => {
                let params = route
                    .segments
                    .iter()
                    .zip(parts)
                    .filter_map(|(s, p)| match s {
                        Segment::Param(name) => Some((name.clone(), p)),
                        Segment::Literal(_) => None,
                    })
                    .collect();
                Matched::Route(route, params)
            }
            None if allowed.is_empty() => Matched::NotFound,
            None => {
                let rank = |m: &String| {
                    METHOD_ORDER
                        .iter()
                        .position(|known| known == m)
                        .unwrap_or(METHOD_ORDER.len())
                };
                allowed.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
                Matched::WrongMethod(allowed)
            }
        }
    }
}

/// `a` beats `b` when, at the first segment where they differ in kind, `a` has a literal.
fn more_specific(a: &Route, b: &Route) -> bool {
    for (x, y) in a.segments.iter().zip(&b.segments) {
        match (x, y) {
            (Segment::Literal(_), Segment::Param(_)) => return true,
            (Segment::Param(_), Segment::Literal(_)) => return false,
            _ => {}
        }
    }
    false
}

/// Decodes `%XX` escapes; `None` for a bad escape or invalid UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
