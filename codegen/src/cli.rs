//! The command table of the `integrator` command line (crate `integrator-io-cli`),
//! derived from the spec at build time: one command per operation, named
//! `<area> <verb>` from the operation's tag and operationId, with one flag or positional
//! argument per parameter (its type, known values and help text from the spec).
//!
//! [`command_table`] writes Rust source: a `static OPERATIONS: &[OpSpec]` whose types
//! (`OpSpec`, `ParamSpec`, `Location`, `Kind`, `ListSpec`) the CLI crate defines.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use heck::{ToKebabCase, ToShoutySnakeCase};
use serde_json::Value;

use crate::spec::{Body, Operation, Spec, CREATED_AT_LTE};

/// The header every request carries from the client's own `--ashare-id`; operations do
/// not repeat it as a flag of their own.
const ASHARE_ID_HEADER: &str = "Integrator-AShareId";

/// Flags the command line defines for every command; a parameter whose flag would
/// collide gets `param-` in front.
pub const RESERVED_FLAGS: &[&str] = &[
    "body",
    "set",
    "format",
    "columns",
    "jq",
    "limit",
    "page",
    "yes",
    "dry-run",
    "profile",
    "token",
    "region",
    "base-url",
    "ashare-id",
    "verbose",
    "help",
    "no-progress",
];

/// One command of the table, as the generator derives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The operationId.
    pub id: String,
    /// The first word (`exports`): the operation's first tag, kebab case.
    pub area: String,
    /// The second word (`list`, `get-distributed`): the operationId without the
    /// area's noun, kebab case; unique within the area.
    pub verb: String,
}

/// The command names of every operation, in spec order.
pub fn commands(spec: &Spec) -> Vec<Command> {
    let operations = spec.operations();
    let areas: BTreeSet<String> = operations.iter().map(area).collect();
    let mut by_area: BTreeMap<String, Vec<(usize, Vec<String>)>> = BTreeMap::new();
    for (index, op) in operations.iter().enumerate() {
        let area = area(op);
        let words = verb_words(&op.id, &area);
        by_area.entry(area).or_default().push((index, words));
    }
    let mut out: Vec<Option<Command>> = vec![None; operations.len()];
    for (area, entries) in by_area {
        // Shorter names first (the parent resource left out: `errors list`, not
        // `errors list-flow`), kept only while every verb of the area stays unique.
        let short: Vec<String> = entries
            .iter()
            .map(|(_, words)| {
                let kept: Vec<&String> = words
                    .iter()
                    .enumerate()
                    .filter(|(i, w)| *i == 0 || !names_area(w, &areas))
                    .map(|(_, w)| w)
                    .collect();
                kept.iter()
                    .map(|w| w.as_str())
                    .collect::<Vec<_>>()
                    .join("-")
            })
            .collect();
        let long: Vec<String> = entries.iter().map(|(_, words)| words.join("-")).collect();
        let unique = |names: &[String]| names.iter().collect::<BTreeSet<_>>().len() == names.len();
        let chosen = if unique(&short) {
            short
        } else if unique(&long) {
            long
        } else {
            entries
                .iter()
                .map(|(i, _)| operations[*i].id.to_kebab_case())
                .collect()
        };
        for ((index, _), verb) in entries.iter().zip(chosen) {
            out[*index] = Some(Command {
                id: operations[*index].id.clone(),
                area: area.clone(),
                verb,
            });
        }
    }
    out.into_iter().flatten().collect()
}

fn area(op: &Operation) -> String {
    op.tags
        .first()
        .map(|t| t.to_kebab_case())
        .unwrap_or_else(|| "other".to_string())
}

/// Whether `word` is the singular or plural of an area's name (`flow`, `flows`).
fn names_area(word: &str, areas: &BTreeSet<String>) -> bool {
    areas
        .iter()
        .any(|a| a == word || a.strip_suffix('s') == Some(word))
}

/// The operationId's words, lower case, without the run of words spelling the area's
/// noun (`listFileDefinitions` in `filedefinitions`: `list`).
fn verb_words(id: &str, area: &str) -> Vec<String> {
    // A one-letter word joins the next: `OAuth2` is `oauth2`, `IClient` `iclient`.
    let mut words: Vec<String> = Vec::new();
    let mut pending = String::new();
    for word in id.to_kebab_case().split('-') {
        pending.push_str(word);
        if pending.len() > 1 {
            words.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        words.push(pending);
    }
    let compact = area.replace('-', "");
    let singular = compact.strip_suffix('s').unwrap_or(&compact).to_string();
    for start in 1..words.len() {
        let mut joined = String::new();
        for end in start..words.len() {
            joined.push_str(&words[end]);
            if joined == compact || joined == singular {
                let mut rest = words[..start].to_vec();
                rest.extend_from_slice(&words[end + 1..]);
                return rest;
            }
            if joined.len() >= compact.len() {
                break;
            }
        }
    }
    words
}

/// The flag a query or header parameter becomes: kebab case, a leading `_` and the `Id`
/// of a reference dropped (`_flowId` → `flow`, `_flowId_in` → `flow-in`), the API's page
/// size `limit` as `page-size` (`--limit` caps the items the CLI prints), a header's
/// `Integrator-` prefix dropped.
pub fn flag_name(name: &str, location: &str) -> String {
    let flag = if location == "header" {
        let bare = name.strip_prefix("Integrator-").unwrap_or(name);
        bare.to_ascii_lowercase()
    } else if name == "limit" {
        "page-size".to_string()
    } else if let Some(reference) = name.strip_prefix('_') {
        let (base, op) = match reference.split_once('_') {
            Some((base, op)) => (base, Some(op)),
            None => (reference, None),
        };
        let base = base.strip_suffix("Id").unwrap_or(base).to_kebab_case();
        match op {
            Some(op) => format!("{base}-{}", op.to_kebab_case()),
            None => base,
        }
    } else {
        name.to_kebab_case()
    };
    if RESERVED_FLAGS.contains(&flag.as_str()) {
        format!("param-{flag}")
    } else {
        flag
    }
}

/// The Rust source of the command table (see the module's documentation).
pub fn command_table(spec: &Spec) -> String {
    let operations = spec.operations();
    let commands = commands(spec);
    let mut out = String::from(
        "/// Every operation of the spec, as a command.\npub static OPERATIONS: &[OpSpec] = &[\n",
    );
    for (op, command) in operations.iter().zip(&commands) {
        let raw = spec
            .raw
            .pointer(&format!(
                "/paths/{}/{}",
                op.path.replace('~', "~0").replace('/', "~1"),
                op.method.to_lowercase()
            ))
            .unwrap_or(&Value::Null);
        let description = raw
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    OpSpec {{ id: {:?}, area: {:?}, verb: {:?}, method: {:?}, path: {:?}, summary: {:?}, description: {:?},",
            op.id, command.area, command.verb, op.method, op.path, op.summary.trim(), description.trim()
        );
        out.push_str("        params: &[\n");
        for param in &op.params {
            if param.location == "header" && param.name == ASHARE_ID_HEADER {
                continue;
            }
            let found = find_param(spec, raw, &op.path, &param.name, &param.location);
            let schema = found
                .and_then(|p| p.get("schema"))
                .map(|s| spec.deref(s))
                .unwrap_or(&Value::Null);
            let help = found
                .and_then(|p| p.get("description"))
                .or_else(|| schema.get("description"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let (kind, open, known) = kind_of(spec, schema);
            let location = match param.location.as_str() {
                "path" => "Path",
                "header" => "Header",
                _ => "Query",
            };
            let flag = if param.location == "path" {
                param.name.to_shouty_snake_case()
            } else {
                flag_name(&param.name, &param.location)
            };
            let _ = writeln!(
                out,
                "            ParamSpec {{ name: {:?}, location: Location::{location}, required: {}, flag: {:?}, kind: Kind::{kind}, open: {open}, known: &{known:?}, help: {:?} }},",
                param.name, param.required || param.location == "path", flag, help.trim()
            );
        }
        out.push_str("        ],\n");
        let body = raw
            .get("requestBody")
            .map(|b| spec.deref(b))
            .map(|b| {
                let required = b.get("required").and_then(Value::as_bool).unwrap_or(false);
                let help = b.get("description").and_then(Value::as_str).unwrap_or("");
                format!(
                    "Some(BodySpec {{ required: {required}, help: {:?} }})",
                    help.trim()
                )
            })
            .unwrap_or_else(|| "None".to_string());
        let list = list_spec(op);
        let _ = writeln!(out, "        body: {body}, list: {list} }},");
    }
    out.push_str("];\n\n/// Every area (tag) with its description, in the spec's order.\npub static AREAS: &[(&str, &str)] = &[\n");
    let tags = spec.raw.get("tags").and_then(Value::as_array);
    for tag in tags.into_iter().flatten() {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
        let about = tag
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let _ = writeln!(out, "    ({:?}, {:?}),", name.to_kebab_case(), about.trim());
    }
    out.push_str("];\n");
    out
}

/// The parameter object named `name` at `location`, from the operation or its path item.
fn find_param<'a>(
    spec: &'a Spec,
    op: &'a Value,
    path: &str,
    name: &str,
    location: &str,
) -> Option<&'a Value> {
    let item = spec.raw.pointer(&format!(
        "/paths/{}",
        path.replace('~', "~0").replace('/', "~1")
    ));
    let shared = item
        .and_then(|i| i.get("parameters"))
        .and_then(Value::as_array);
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(shared.into_iter().flatten())
        .map(|p| spec.deref(p))
        .find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some(location)
        })
}

/// `(Kind variant, open enum, known values)` of a parameter's schema.
fn kind_of(spec: &Spec, schema: &Value) -> (&'static str, bool, Vec<String>) {
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| match x {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let schema = match schema.get("type").and_then(Value::as_str) {
        Some("array") => schema.get("items").map(|s| spec.deref(s)).unwrap_or(schema),
        _ => schema,
    };
    let kind = match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (Some("integer"), _) => "Integer",
        (Some("number"), _) => "Number",
        (Some("boolean"), _) => "Boolean",
        (_, Some("date-time")) => "DateTime",
        _ => "String",
    };
    let closed = strings(schema.get("enum"));
    if !closed.is_empty() {
        return (kind, false, closed);
    }
    (kind, true, strings(schema.get("x-extensible-enum")))
}

/// `Some(ListSpec …)` for an operation whose answer lists items across pages.
fn list_spec(op: &Operation) -> String {
    let array = matches!(
        op.primary_success(),
        Some((_, Body::Json { array: true, .. }))
    );
    if op.method != "GET" || !(array || op.page_items.is_some()) {
        return "None".to_string();
    }
    let by_time = op.params_in("query").any(|p| p.name == CREATED_AT_LTE);
    let skip = op.params_in("query").any(|p| p.name == "skip");
    format!("Some(ListSpec {{ by_time: {by_time}, skip: {skip} }})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_drop_the_area_noun() {
        assert_eq!(
            verb_words("listFileDefinitions", "filedefinitions"),
            ["list"]
        );
        assert_eq!(verb_words("listIClients", "iclients"), ["list"]);
        assert_eq!(
            verb_words("getExportDistributed", "exports"),
            ["get", "distributed"]
        );
        assert_eq!(verb_words("getTokenInfo", "auth"), ["get", "token", "info"]);
        assert_eq!(
            verb_words("getConnectionOAuth2Authorization", "connections"),
            ["get", "oauth2", "authorization"]
        );
    }

    #[test]
    fn flags_read_like_words() {
        assert_eq!(flag_name("_flowId", "query"), "flow");
        assert_eq!(flag_name("_flowId_in", "query"), "flow-in");
        assert_eq!(flag_name("createdAt_lte", "query"), "created-at-lte");
        assert_eq!(flag_name("limit", "query"), "page-size");
        assert_eq!(
            flag_name("Integrator-NetSuite-ScriptId", "header"),
            "netsuite-scriptid"
        );
        assert_eq!(flag_name("format", "query"), "param-format");
    }
}
