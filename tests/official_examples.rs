//! The examples of Celigo's official schemas (`celigo/ai`, `skills/*/references/schemas`)
//! and the complete resource bodies of its skills validate against this spec: every
//! field example of an official schema property validates against the spec's property
//! of the same path, and the `json` bodies of the SQL skill validate as exports or
//! imports. (The examples of `celigo/integrator-api-docs` are checked by
//! `cargo xtask docs-examples`, see `xtask/tests/docs_commands.rs`.)
//!
//! `tests/data/celigo-ai` holds verbatim copies (MIT, its LICENSE beside them) of the
//! schema files reached from the resources below and of the SQL skill; when
//! `../shared/reference/celigo-ai` exists the copies are checked against it.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use integrator_io_codegen::json_schema::SchemaSet;
use integrator_io_codegen::Spec;
use serde_json::{json, Map, Value};

/// Official schema (file under `skills/`, name in it) → the spec's component schema.
const ROOTS: [(&str, &str, &str); 18] = [
    (
        "configuring-connections/references/schemas/response.yml",
        "Connection",
        "Connection",
    ),
    (
        "configuring-exports/references/schemas/response.yml",
        "Export",
        "Export",
    ),
    (
        "configuring-imports/references/schemas/response.yml",
        "Import",
        "Import",
    ),
    (
        "building-flows/references/schemas/response.yml",
        "Flow",
        "Flow",
    ),
    (
        "building-flows/references/schemas/page-generator.yml",
        "PageGenerator",
        "PageGenerator",
    ),
    (
        "building-flows/references/schemas/page-processor.yml",
        "PageProcessor",
        "PageProcessor",
    ),
    (
        "building-flows/references/schemas/router.yml",
        "Router",
        "Router",
    ),
    (
        "building-flows/references/schemas/branch.yml",
        "Branch",
        "Branch",
    ),
    (
        "configuring-lookup-caches/references/schemas/response.yml",
        "LookupCache",
        "LookupCache",
    ),
    (
        "managing-users/references/schemas/response.yml",
        "User",
        "User",
    ),
    (
        "managing-users/references/schemas/invite-request.yml",
        "InviteRequest",
        "InviteRequest",
    ),
    (
        "writing-scripts/references/schemas/response.yml",
        "Script",
        "Script",
    ),
    (
        "building-apis/references/schemas/response.yml",
        "API",
        "Api",
    ),
    (
        "building-tools/references/schemas/response.yml",
        "Tool",
        "Tool",
    ),
    (
        "building-mcp-servers/references/schemas/response.yml",
        "MCPServer",
        "McpServer",
    ),
    (
        "building-mcp-servers/references/schemas/io-tool.yml",
        "IOTool",
        "McpServerTool",
    ),
    (
        "building-mcp-servers/references/schemas/api-tool.yml",
        "ApiTool",
        "McpServerTool",
    ),
    (
        "building-mcp-servers/references/schemas/annotations.yml",
        "Annotations",
        "McpToolAnnotations",
    ),
];

fn copies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/celigo-ai")
}

/// The official schema files, loaded once each (a missing file, such as the `base.yml`
/// files the repository leaves out, is `None`).
#[derive(Default)]
struct Files(HashMap<PathBuf, Option<Value>>);

impl Files {
    fn get(&mut self, path: &Path) -> Option<Value> {
        self.0
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(path).ok()?;
                Spec::from_yaml(&text).ok().map(|s| s.raw)
            })
            .clone()
    }

    /// Follows an official `$ref` (`./netsuite.yml#/NetSuite` or `#/X`) from `file`.
    fn resolve(&mut self, file: &Path, reference: &str) -> Option<(PathBuf, Value)> {
        let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let path = if target.is_empty() {
            file.to_path_buf()
        } else {
            normalise(&file.parent()?.join(target))
        };
        let doc = self.get(&path)?;
        Some((path, doc.pointer(pointer)?.clone()))
    }
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The spec's properties of a schema (`$ref`s followed, `allOf` parts merged).
fn our_properties(spec: &Spec, schema: &Value) -> Map<String, Value> {
    let schema = spec.deref(schema);
    let mut out = Map::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        out.extend(props.clone());
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.extend(our_properties(spec, part));
    }
    out
}

/// What the walk found.
#[derive(Default)]
struct Outcome {
    checked: usize,
    problems: Vec<String>,
}

/// Walks an official schema beside the spec's, validating every property example.
struct Walk<'a> {
    spec: &'a Spec,
    schemas: &'a SchemaSet,
    files: Files,
    outcome: Outcome,
}

impl Walk<'_> {
    fn schema(&mut self, file: &Path, official: &Value, ours: &Value, at: &str, depth: usize) {
        if depth > 12 {
            return;
        }
        if let Some(reference) = official.get("$ref").and_then(Value::as_str) {
            if let Some((target, resolved)) = self.files.resolve(file, reference) {
                self.schema(&target, &resolved, ours, at, depth + 1);
            }
            return;
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in official
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.schema(file, part, ours, at, depth + 1);
            }
        }
        for branch in ["then", "else"] {
            if let Some(part) = official.get(branch) {
                self.schema(file, part, ours, at, depth + 1);
            }
        }
        if let (Some(items), Some(our_items)) = (
            official.get("items"),
            self.spec.deref(ours).get("items").cloned(),
        ) {
            self.schema(file, items, &our_items, &format!("{at}[]"), depth + 1);
        }
        let Some(props) = official.get("properties").and_then(Value::as_object) else {
            return;
        };
        let ours = our_properties(self.spec, ours);
        for (name, property) in props {
            let Some(our_property) = ours.get(name) else {
                continue;
            };
            let path = format!("{at}.{name}");
            let examples = property
                .get("examples")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .chain(property.get("example").cloned());
            for example in examples {
                self.outcome.checked += 1;
                if let Err(violations) = self.schemas.validate(our_property, &example) {
                    self.outcome.problems.push(format!(
                        "{path}: the official example {example} breaks the spec: {}",
                        violations
                            .iter()
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                }
            }
            self.schema(file, property, our_property, &path, depth + 1);
        }
    }
}

#[test]
fn every_official_field_example_validates_against_the_spec() {
    let spec = support::spec();
    let schemas = SchemaSet::new(spec);
    let mut walk = Walk {
        spec,
        schemas: &schemas,
        files: Files::default(),
        outcome: Outcome::default(),
    };
    let skills = copies().join("skills");
    for (file, name, ours) in ROOTS {
        let path = skills.join(file);
        let official = walk
            .files
            .get(&path)
            .and_then(|doc| doc.get(name).cloned())
            .unwrap_or_else(|| panic!("{file} has no {name}"));
        let our_schema = json!({ "$ref": format!("#/components/schemas/{ours}") });
        walk.schema(&path, &official, &our_schema, ours, 0);
    }
    let Outcome { checked, problems } = walk.outcome;
    assert!(
        problems.is_empty(),
        "{} of {checked} official examples break the spec:\n{}",
        problems.len(),
        problems.join("\n")
    );
    println!("{checked} official field examples validated");
    assert!(
        checked >= 100,
        "only {checked} official examples were found"
    );
}

/// The `json` blocks of a Markdown page.
fn json_blocks(text: &str) -> Vec<Value> {
    text.split("```json\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```"))
        .map(|(block, _)| serde_json::from_str(block).expect("a JSON block"))
        .collect()
}

#[test]
fn the_sql_skill_bodies_validate_as_exports_and_imports() {
    let text = std::fs::read_to_string(copies().join("skills/writing-sql/SKILL.md")).unwrap();
    let schemas = SchemaSet::new(support::spec());
    let blocks = json_blocks(&text);
    let mut problems = Vec::new();
    for block in &blocks {
        // A query type is what an import's database step runs; an export has none.
        let resource = if block.pointer("/rdbms/queryType").is_some() {
            "Import"
        } else {
            "Export"
        };
        let schema = json!({ "$ref": format!("#/components/schemas/{resource}") });
        if let Err(violations) = schemas.validate(&schema, block) {
            problems.push(format!("{block} as {resource}: {violations:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(blocks.len() >= 12, "the SQL skill's bodies went missing");
}

#[test]
fn the_checked_in_copies_match_the_shared_reference_when_present() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/celigo-ai");
    if !shared.is_dir() {
        println!(
            "{} is not beside this clone; using the checked-in copies",
            shared.display()
        );
        return;
    }
    let mut stack = vec![copies()];
    let mut compared = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(copies()).unwrap();
            let original = std::fs::read_to_string(shared.join(relative)).unwrap();
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                original,
                "{} is stale",
                relative.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 40);
}
