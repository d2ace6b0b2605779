//! Loading the spec and reading its operations.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The HTTP methods an OpenAPI path item may hold, in the order they are listed.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A loaded OpenAPI document: the raw JSON tree (for rules that read extensions and
/// exact shapes) and the typed `openapiv3` model (for progenitor).
#[derive(Clone, Debug)]
pub struct Spec {
    /// The document as JSON.
    pub raw: Value,
    /// Where it was read from, if from a file.
    pub path: Option<PathBuf>,
}

/// Why a spec could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Io(PathBuf, std::io::Error),
    /// The text is not YAML/JSON.
    Syntax(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            LoadError::Syntax(e) => write!(f, "the spec is not valid YAML: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl Spec {
    /// Reads a YAML or JSON spec from a file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
        let mut spec = Self::from_yaml(&text)?;
        spec.path = Some(path.to_path_buf());
        Ok(spec)
    }

    /// Parses a YAML (or JSON) document.
    pub fn from_yaml(text: &str) -> Result<Self, LoadError> {
        let raw: Value =
            serde_yaml::from_str(text).map_err(|e| LoadError::Syntax(e.to_string()))?;
        Ok(Spec { raw, path: None })
    }

    /// Follows a local `$ref` (`#/components/...`); `None` when it does not resolve.
    pub fn resolve<'a>(&'a self, reference: &str) -> Option<&'a Value> {
        reference
            .strip_prefix('#')
            .and_then(|pointer| self.raw.pointer(pointer))
    }

    /// Returns `value` itself, or what its `$ref` points at (one level, then again
    /// while the target is itself a reference).
    pub fn deref<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => match self.resolve(reference) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// Every operation of the spec, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        let mut out = Vec::new();
        let Some(paths) = self.raw.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let shared_params = item.get("parameters").and_then(Value::as_array);
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                out.push(self.operation(path, method, op, shared_params));
            }
        }
        out
    }

    fn operation(
        &self,
        path: &str,
        method: &str,
        op: &Value,
        shared_params: Option<&Vec<Value>>,
    ) -> Operation {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut params = Vec::new();
        let own = op.get("parameters").and_then(Value::as_array);
        for p in own
            .into_iter()
            .flatten()
            .chain(shared_params.into_iter().flatten())
        {
            let p = self.deref(p);
            let (Some(name), Some(location)) = (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            if params
                .iter()
                .any(|q: &Parameter| q.name == name && q.location == location)
            {
                continue;
            }
            params.push(Parameter {
                name: name.to_string(),
                location: location.to_string(),
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                rust_name: rust_field(name),
            });
        }
        let mut responses = Vec::new();
        let mut page_items = None;
        if let Some(map) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in map {
                let response = self.deref(response);
                if status.starts_with('2') && page_items.is_none() {
                    page_items = self.page_items(response);
                }
                responses.push(Response {
                    status: status.clone(),
                    body: response_body(self, response),
                    shape: response_shape(response),
                });
            }
        }
        Operation {
            id: id.clone(),
            rust_name: rust_ident(&id),
            method: method.to_uppercase(),
            path: path.to_string(),
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            summary: op
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            params,
            has_body: op.get("requestBody").is_some(),
            responses,
            page_items,
        }
    }

    /// For a JSON answer that is a page object carrying `nextPageURL`, the name of its
    /// one array property (the items).
    fn page_items(&self, response: &Value) -> Option<String> {
        let schema = response.pointer("/content/application~1json/schema")?;
        let properties = self.deref(schema).get("properties")?.as_object()?;
        properties.get(NEXT_PAGE_URL)?;
        let mut arrays = properties
            .iter()
            .filter(|(_, s)| self.deref(s).get("type").and_then(Value::as_str) == Some("array"));
        match (arrays.next(), arrays.next()) {
            (Some((name, _)), None) => Some(name.clone()),
            _ => None,
        }
    }
}

/// The job filter that pages back in time: answers created at or before this instant.
pub const CREATED_AT_LTE: &str = "createdAt_lte";

/// The body property that points at the next page of a page object.
pub const NEXT_PAGE_URL: &str = "nextPageURL";

/// The Rust identifier progenitor derives from an API name (snake case).
pub fn rust_ident(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

/// The builder field progenitor derives from a parameter name: its snake case, with
/// `_` appended to a Rust keyword (`type` becomes `type_`).
pub fn rust_field(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else",
        "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while", "yield",
    ];
    let ident = rust_ident(name);
    if KEYWORDS.contains(&ident.as_str()) {
        ident + "_"
    } else {
        ident
    }
}

/// What a response carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// No content.
    Empty,
    /// `application/json`; `array` when the schema is an array.
    Json {
        /// The schema is `type: array`.
        array: bool,
        /// The media type has a schema.
        has_schema: bool,
    },
    /// Another media type (plain text, files).
    Other(String),
}

fn response_body(spec: &Spec, response: &Value) -> Body {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Body::Empty;
    };
    if let Some((_, media)) = content
        .iter()
        .find(|(k, _)| *k == "application/json" || k.starts_with("application/json;"))
    {
        let schema = media.get("schema");
        let array = schema
            .map(|s| spec.deref(s))
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            == Some("array");
        return Body::Json {
            array,
            has_schema: schema.is_some(),
        };
    }
    match content.keys().next() {
        Some(kind) => Body::Other(kind.clone()),
        None => Body::Empty,
    }
}

fn response_shape(response: &Value) -> String {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return String::new();
    };
    content
        .iter()
        .map(|(kind, media)| {
            let schema = media
                .get("schema")
                .map(Value::to_string)
                .unwrap_or_default();
            format!("{kind}:{schema}")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// One parameter of an operation.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Whether the parameter must be given.
    pub required: bool,
    /// The generated builder's field and setter name.
    pub rust_name: String,
}

/// One response of an operation.
#[derive(Clone, Debug)]
pub struct Response {
    /// `200`, `4XX`, `default`, ...
    pub status: String,
    /// What it carries.
    pub body: Body,
    /// Its media types with their schemas as written (`application/json:{"$ref":…}`),
    /// examples left out: two responses with the same shape decode to the same type.
    pub shape: String,
}

impl Response {
    /// The numeric status when it is a 2xx code.
    pub fn success_code(&self) -> Option<u16> {
        self.status
            .parse::<u16>()
            .ok()
            .filter(|c| (200..300).contains(c))
    }
}

/// One operation, as the generator and the runtime see it.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The spec's operationId.
    pub id: String,
    /// The generated method name (snake case of the operationId).
    pub rust_name: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Tags.
    pub tags: Vec<String>,
    /// One-line summary.
    pub summary: String,
    /// Path, query and header parameters (operation-level first).
    pub params: Vec<Parameter>,
    /// Whether it takes a request body.
    pub has_body: bool,
    /// Every declared response.
    pub responses: Vec<Response>,
    /// When the answer is a page object whose `nextPageURL` points at the next page, the
    /// name of its array property holding the items.
    pub page_items: Option<String>,
}

impl Operation {
    /// The success responses (2xx codes), in declared order.
    pub fn successes(&self) -> impl Iterator<Item = (u16, &Body)> {
        self.responses
            .iter()
            .filter_map(|r| r.success_code().map(|c| (c, &r.body)))
    }

    /// The documented success code with a body, or else the first success code.
    pub fn success_code(&self) -> Option<u16> {
        self.primary_success().map(|(code, _)| code)
    }

    /// The success response the generated client decodes: the first one with a body,
    /// or the first one at all.
    pub fn primary_success(&self) -> Option<(u16, &Body)> {
        self.successes()
            .find(|(_, b)| **b != Body::Empty)
            .or_else(|| self.successes().next())
    }

    /// True for a list that may answer `204` with no body instead of `200 []`:
    /// the runtime turns that 204 into an empty list.
    pub fn empty_list_as_204(&self) -> bool {
        let mut ok_array = false;
        let mut empty_204 = false;
        for (code, body) in self.successes() {
            match (code, body) {
                (204, Body::Empty) => empty_204 = true,
                (_, Body::Json { array: true, .. }) => ok_array = true,
                _ => {}
            }
        }
        ok_array && empty_204 && self.successes().count() == 2
    }

    /// Parameters at one location (`path`, `query`, `header`).
    pub fn params_in<'a>(&'a self, location: &'a str) -> impl Iterator<Item = &'a Parameter> {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// `METHOD /path` for messages.
    pub fn display(&self) -> String {
        format!("{} {} ({})", self.method, self.path, self.id)
    }
}
