//! The JSON Schemas that schemars derives for the generated types agree with the spec:
//! each accepts every documented example of its component schema (examples found at
//! any depth of any documented payload), and names the same properties.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use integrator_io_codegen::examples::{self, Place};
use serde_json::Value;

/// Lists the generated types that stand for the spec's component schemas (same names),
/// and derives their schemas. `every_component_schema_has_a_listed_type` fails when the
/// spec gains a component that is not listed here, so none is skipped silently.
macro_rules! component_types {
    ($($name:ident),* $(,)?) => {
        const LISTED: &[&str] = &[$(stringify!($name)),*];

        /// `(component name, schemars schema as JSON)` for every listed type.
        fn schemars_schemas() -> BTreeMap<&'static str, Value> {
            let mut out = BTreeMap::new();
            $(
                out.insert(
                    stringify!($name),
                    serde_json::to_value(schemars::schema_for!(integrator_io::types::$name))
                        .expect("a schemars schema is JSON"),
                );
            )*
            out
        }
    };
}

component_types!(
    ErrorEnvelope,
    ErrorDetail,
    TokenInfo,
    ConnectionType,
    Connection,
    ConnectionQueue,
    RestAuthType,
    RestMediaType,
    RestTokenLocation,
    RestConnection,
    ConnectionPingResult,
    VirtualConnectionPingResult,
    ConnectionOAuth2Authorization,
    VirtualExportRequest,
    VirtualExportResult,
    PagedExportState,
    PagedVirtualExportRequest,
    PagedVirtualExportResult,
    VirtualImportRequest,
    VirtualImportResult,
    ImportMapResult,
    Hook,
    ExportAdaptorType,
    ExportType,
    WebhookProvider,
    NetSuiteExportType,
    FileType,
    HttpMethod,
    Export,
    ExportWebhook,
    NetSuiteExport,
    NetSuiteSearch,
    FileSettings,
    CsvSettings,
    ExportDistributed,
    ExportCloneResult,
    ImportCloneResult,
    FlowCloneResult,
    ImportAdaptorType,
    MappingField,
    MappingList,
    ImportMapping,
    Import,
    FtpImport,
    RestImport,
    Flow,
    PageGenerator,
    PageProcessorType,
    PageProcessor,
    ResponseMapping,
    FlowRunResult,
    ErrorSource,
    ErrorClassification,
    FlowError,
    FlowErrorPage,
    ResolveErrorsRequest,
    ResolveErrorsResult,
    RetryErrorsRequest,
    RetryErrorsResult,
    RetryData,
    FileDefinitionFormat,
    FileDefinition,
    AuditResourceType,
    AuditSource,
    AuditLog,
    AuditEntry,
    FieldChange,
    IntegrationMode,
    IntegrationStep,
    IntegrationStepsResult,
    Integration,
    IntegrationStepSubmission,
    IntegrationStepResult,
    IntegrationCloneRequest,
    StateResourceType,
    StateKeys,
    StateValue,
    JobStatus,
    JobType,
    Job,
    JobError,
    JobErrorFileUrl,
    IClientProvider,
    IClientOAuth2,
    IClientNetSuite,
    IClientSalesforce,
    IClientAmazonMws,
    IClientEbay,
    IClient,
    ConnectorIClientMapping,
    Connector,
    ConnectorInstallBase,
    ConnectorUpdateRequest,
    ConnectorUpdateResult,
    LicenseAddon,
    LicenseOptions,
    LicenseUser,
    License,
    Template,
    // Today's API (issue 16).
    AccessLevel,
    AccessToken,
    AccessTokenType,
    ActionResult,
    Api,
    ApiRouterHook,
    AssignErrorsRequest,
    AsyncHelper,
    Branch,
    ConnectionRegistration,
    CurrentJobsRequest,
    Dependencies,
    EdiFileType,
    EdiProfile,
    Environment,
    ExportInvokeRequest,
    FlowErrorStepSummary,
    FlowErrorSummary,
    FlowRunStatsRequest,
    HttpConnector,
    ImportInvokeRequest,
    IntegrationAccess,
    InviteRequest,
    JobFilesRequest,
    JsonPatch,
    JsonPatchOp,
    JsonPatchOperation,
    LookupCache,
    LookupCacheDataPage,
    LookupCacheDataQuery,
    LookupCacheDataUpsert,
    LookupCacheEntry,
    LookupCacheKeys,
    McpServer,
    McpServerTool,
    McpToolAnnotations,
    RecycleBinEntry,
    RecycledDocument,
    ReplaceConnectionRequest,
    Revision,
    RevisionRequest,
    RevisionType,
    RouteRecordsTo,
    RouteRecordsUsing,
    Router,
    Script,
    SharedUser,
    SignedUrl,
    Stack,
    StackType,
    SyncJob,
    SyncRunRequest,
    SyncRunResult,
    SyncRunType,
    Tag,
    TagErrorsRequest,
    Tool,
    User,
    UserCreatedVia,
);

const COMPONENT_PREFIX: &str = "#/components/schemas/";

fn component_schemas() -> &'static serde_json::Map<String, Value> {
    support::spec()
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("the spec has component schemas")
}

#[test]
fn every_component_schema_has_a_listed_type() {
    let spec: BTreeSet<&str> = component_schemas().keys().map(String::as_str).collect();
    let listed: BTreeSet<&str> = LISTED.iter().copied().collect();
    let missing: Vec<_> = spec.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&spec).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "component_types! in tests/schemars_types.rs is out of date:\n  \
         components without a listed type (add them): {missing:?}\n  \
         listed types that are no component (remove them): {stale:?}"
    );
    assert_eq!(LISTED.len(), spec.len());
}

/// One documented value of a component schema, and where it was found.
struct Instance {
    component: String,
    value: Value,
    place: String,
}

/// Walks `instance` along `schema`, recording every value that sits where the schema
/// refers to a component (`$ref`), at any depth.
fn component_instances(schema: &Value, instance: &Value, place: &str, out: &mut Vec<Instance>) {
    fn walk(schema: &Value, instance: &Value, place: &str, out: &mut Vec<Instance>, depth: u32) {
        if depth > 64 || instance.is_null() {
            return;
        }
        let spec = support::spec();
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(name) = reference.strip_prefix(COMPONENT_PREFIX) {
                out.push(Instance {
                    component: name.to_string(),
                    value: instance.clone(),
                    place: place.to_string(),
                });
            }
            if let Some(target) = spec.resolve(reference) {
                walk(target, instance, place, out, depth + 1);
            }
            return;
        }
        for branch in support::branches(schema, support::COMBINERS) {
            walk(branch, instance, place, out, depth + 1);
        }
        match instance {
            Value::Object(map) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let additional = schema
                    .get("additionalProperties")
                    .filter(|a| a.as_object().is_some_and(|m| !m.is_empty()));
                for (key, value) in map {
                    let at = format!("{place}/{key}");
                    if let Some(sub) = properties.and_then(|p| p.get(key)).or(additional) {
                        walk(sub, value, &at, out, depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(sub) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        walk(sub, item, &format!("{place}/{i}"), out, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
    walk(schema, instance, place, out, 0);
}

/// Every documented JSON example (request and response), split into the component
/// instances it holds.
fn documented_instances() -> Vec<Instance> {
    let mut out = Vec::new();
    for example in examples::collect(support::spec()) {
        if !example.media_type.contains("json") {
            continue;
        }
        let Some(schema) = &example.schema else {
            continue;
        };
        let place = match &example.place {
            Place::Request => "request".to_string(),
            Place::Response(status) => format!("response {status}"),
        };
        let described = format!("{} {place} example {:?}", example.operation, example.name);
        let start = out.len();
        component_instances(schema, &example.value, "", &mut out);
        for instance in &mut out[start..] {
            let pointer = if instance.place.is_empty() {
                "/"
            } else {
                &instance.place
            };
            instance.place = format!("{described}, at {pointer}");
        }
    }
    out
}

#[test]
fn every_schemars_schema_accepts_every_documented_example_of_its_component() {
    let schemas = schemars_schemas();
    let mut validators = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, schema) in &schemas {
        match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(schema)
        {
            Ok(v) => {
                validators.insert(*name, v);
            }
            Err(e) => problems.push(format!("{name}: the schemars schema does not compile: {e}")),
        }
    }
    // The validators bite: a mistyped field is refused.
    let export = &validators["Export"];
    assert!(export.is_valid(&serde_json::json!({"name": "x"})));
    assert!(!export.is_valid(&serde_json::json!({"name": 5})));
    let instances = documented_instances();
    let mut per_component: BTreeMap<String, usize> = BTreeMap::new();
    for instance in &instances {
        let Some(validator) = validators.get(instance.component.as_str()) else {
            continue;
        };
        *per_component.entry(instance.component.clone()).or_default() += 1;
        let errors: Vec<String> = validator
            .iter_errors(&instance.value)
            .take(5)
            .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
            .collect();
        if !errors.is_empty() {
            problems.push(format!(
                "{}: its schemars schema rejects the documented value ({}):\n    {}",
                instance.component,
                instance.place,
                errors.join("\n    ")
            ));
        }
    }
    let without: Vec<&str> = LISTED
        .iter()
        .copied()
        .filter(|name| !per_component.contains_key(*name))
        .collect();
    println!(
        "{} documented instances of {} component schemas checked against their schemars schemas; \
         {} components have no documented example: {}",
        instances.len(),
        per_component.len(),
        without.len(),
        without.join(", ")
    );
    assert!(
        problems.is_empty(),
        "{} mismatch(es) between schemars schemas and documented examples:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        per_component.len() >= 40,
        "documented examples reach only {} components",
        per_component.len()
    );
}

/// The property names `schema` declares, through `allOf` and, with `deref`, through
/// `$ref` (a spec schema) or not (a schemars schema, whose root holds its properties).
fn declared_properties(
    schema: &Value,
    deref: fn(&Value) -> &Value,
    out: &mut BTreeSet<String>,
    depth: u32,
) {
    if depth > 16 {
        return;
    }
    let schema = deref(schema);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.extend(properties.keys().cloned());
    }
    for branch in support::branches(schema, &["allOf"]) {
        declared_properties(branch, deref, out, depth + 1);
    }
}

fn spec_deref(schema: &Value) -> &Value {
    support::spec().deref(schema)
}

fn as_is(schema: &Value) -> &Value {
    schema
}

#[test]
fn schemars_property_names_agree_with_the_spec() {
    let components = component_schemas();
    let mut problems = Vec::new();
    let mut compared = 0;
    for (name, schema) in schemars_schemas() {
        let mut want = BTreeSet::new();
        declared_properties(&components[name], spec_deref, &mut want, 0);
        let mut have = BTreeSet::new();
        declared_properties(&schema, as_is, &mut have, 0);
        // The flattened `extra` map holds unknown fields; it adds no property.
        have.remove("extra");
        if want.is_empty() && have.is_empty() {
            continue;
        }
        compared += 1;
        let missing: Vec<_> = want.difference(&have).collect();
        let added: Vec<_> = have.difference(&want).collect();
        if !missing.is_empty() || !added.is_empty() {
            problems.push(format!(
                "{name}: in the spec only: {missing:?}; in the schemars schema only: {added:?}"
            ));
        }
    }
    println!("{compared} component schemas with properties compared");
    assert!(
        problems.is_empty(),
        "{} component(s) whose schemars properties differ from the spec:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(compared >= 60, "only {compared} components compared");
}
