//! Each rule of the spec check fires on the shape it is about, and the generator
//! answers a readable report instead of a panic.

use integrator_io_codegen::{generate, lint, GenerateError, Spec};

/// A minimal valid spec; `patch` edits its YAML text.
fn spec_with(paths: &str, schemas: &str) -> Spec {
    let text = format!(
        r#"
openapi: 3.0.3
info: {{title: t, version: v1}}
paths:
{paths}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {{type: string, nullable: true}}
      additionalProperties: {{}}
{schemas}
"#
    );
    Spec::from_yaml(&text).expect("valid YAML")
}

const GOOD_PATH: &str = r#"
  /things/{id}:
    get:
      operationId: getThing
      tags: [things]
      summary: Get a thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
"#;

fn rules(spec: &Spec) -> Vec<&'static str> {
    lint::check(spec)
        .findings
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn a_good_spec_is_clean_and_generates() {
    let spec = spec_with(GOOD_PATH, "");
    assert_eq!(rules(&spec), Vec::<&str>::new());
    let generated = generate(&spec).expect("generates");
    assert_eq!(generated.operations, 1);
    assert!(generated.code.contains("async fn send_generated"));
    assert!(generated.code.contains("crate::response::finish(OPERATION"));
    assert!(!generated.code.contains("\"api-version\""));
}

#[test]
fn additional_properties_true_or_missing_drops_fields() {
    let spec = spec_with(GOOD_PATH, "    Open:\n      type: object\n      properties: {a: {type: string}}\n      additionalProperties: true\n    Closed:\n      type: object\n      properties: {a: {type: string}}\n");
    assert_eq!(
        rules(&spec),
        ["unknown-fields-dropped", "unknown-fields-dropped"]
    );
}

#[test]
fn string_enums_must_be_open() {
    let spec = spec_with(
        GOOD_PATH,
        "    Status:\n      type: string\n      enum: [a, b]\n",
    );
    assert_eq!(rules(&spec), ["closed-enum"]);
    let inline = spec_with(GOOD_PATH, "    Holder:\n      type: object\n      properties:\n        s: {type: string, x-extensible-enum: [a]}\n      additionalProperties: {}\n");
    assert_eq!(rules(&inline), ["open-enum-shape"]);
}

#[test]
fn colliding_property_names_are_refused() {
    let spec = spec_with(GOOD_PATH, "    Both:\n      type: object\n      properties:\n        _id: {type: string}\n        id: {type: string}\n      additionalProperties: {}\n");
    assert_eq!(rules(&spec), ["property-name-collision"]);
}

#[test]
fn required_read_only_is_refused() {
    let spec = spec_with(GOOD_PATH, "    Made:\n      type: object\n      required: [_id]\n      properties:\n        _id: {type: string, readOnly: true}\n      additionalProperties: {}\n");
    assert_eq!(rules(&spec), ["required-read-only"]);
}

#[test]
fn operation_rules() {
    let duplicate = GOOD_PATH.to_string() + &GOOD_PATH.replace("/things/{id}", "/others/{id}");
    assert_eq!(
        rules(&spec_with(&duplicate, "")),
        ["operation-id-duplicate"]
    );
    let untagged = GOOD_PATH
        .replace("      tags: [things]\n", "")
        .replace("      summary: Get a thing\n", "");
    assert_eq!(
        rules(&spec_with(&untagged, "")),
        ["operation-untagged", "operation-summary"]
    );
    let undeclared = GOOD_PATH.replace(
        "        - {name: id, in: path, required: true, schema: {type: string}}\n",
        "        - {name: other, in: path, required: true, schema: {type: string}}\n",
    );
    assert_eq!(
        rules(&spec_with(&undeclared, "")),
        ["path-param-undeclared", "path-param-unused"]
    );
    let no_id = GOOD_PATH.replace("      operationId: getThing\n", "");
    assert_eq!(rules(&spec_with(&no_id, "")), ["operation-id-missing"]);
}

#[test]
fn response_shapes_that_panic_progenitor_are_refused() {
    let two_bodies = GOOD_PATH.replace(
        "        '200':",
        "        '201':\n          description: made\n          content:\n            application/json:\n              schema: {type: string}\n        '200':",
    );
    assert_eq!(rules(&spec_with(&two_bodies, "")), ["success-shapes"]);
    let body_and_204 = GOOD_PATH.replace(
        "        '200':",
        "        '204': {description: none}\n        '200':",
    );
    assert_eq!(rules(&spec_with(&body_and_204, "")), ["success-shapes"]);
    let no_schema = GOOD_PATH.replace(
        "              schema: {$ref: '#/components/schemas/Thing'}\n",
        "              example: {}\n",
    );
    assert_eq!(rules(&spec_with(&no_schema, "")), ["json-without-schema"]);
    let two_errors = GOOD_PATH.to_string()
        + "        '404':\n          description: nf\n          content:\n            application/json:\n              schema: {type: object}\n        '422':\n          description: bad\n          content:\n            application/json:\n              schema: {type: string}\n";
    assert_eq!(rules(&spec_with(&two_errors, "")), ["error-shapes"]);
}

#[test]
fn a_list_may_answer_204_beside_its_array() {
    let list = GOOD_PATH
        .replace("/things/{id}", "/things")
        .replace(
            "        - {name: id, in: path, required: true, schema: {type: string}}\n",
            "        - {name: limit, in: query, schema: {type: integer}}\n",
        )
        .replace("operationId: getThing", "operationId: listThings")
        .replace(
            "              schema: {$ref: '#/components/schemas/Thing'}",
            "              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}",
        )
        .replace(
            "        '200':",
            "        '204': {description: empty}\n        '200':",
        );
    let spec = spec_with(&list, "");
    assert_eq!(rules(&spec), Vec::<&str>::new());
    let ops = spec.operations();
    assert!(ops[0].empty_list_as_204());
    generate(&spec).expect("the 204 is left to the runtime");
}

#[test]
fn references_must_resolve_and_stay_inside() {
    let dangling = GOOD_PATH.replace("#/components/schemas/Thing", "#/components/schemas/Nope");
    assert_eq!(rules(&spec_with(&dangling, "")), ["unresolved-ref"]);
    let external = GOOD_PATH.replace("#/components/schemas/Thing", "other.yaml#/Thing");
    assert!(rules(&spec_with(&external, "")).contains(&"external-ref"));
}

#[test]
fn openapi_3_1_is_refused() {
    let spec =
        Spec::from_yaml("openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {}\n").unwrap();
    assert!(rules(&spec).contains(&"openapi-version"));
}

#[test]
fn a_broken_spec_gives_a_report_not_a_panic() {
    let spec = spec_with(
        GOOD_PATH,
        "    Status:\n      type: string\n      enum: [a]\n",
    );
    match generate(&spec) {
        Err(GenerateError::Lint(report)) => {
            let text = report.to_string();
            assert!(
                text.contains("error[closed-enum] at #/components/schemas/Status"),
                "{text}"
            );
            assert!(text.contains("fix: use a named component schema"), "{text}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn open_enums_generate_an_unknown_variant() {
    let spec = spec_with(GOOD_PATH, "    Status:\n      type: string\n      description: How it went.\n      x-extensible-enum: [queued, bulk_retry]\n");
    let code = generate(&spec).unwrap().code;
    assert!(code.contains("pub enum Status"), "{code}");
    assert!(code.contains("BulkRetry"));
    assert!(code.contains("Unknown(::std::string::String)"));
}
