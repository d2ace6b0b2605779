//! Live contract tests: read-only calls on the account of `INTEGRATOR_API_TOKEN`, every
//! answer validated as raw JSON against the spec, with a drift report.
//!
//! ```text
//! INTEGRATOR_API_TOKEN=… cargo test --test live_contract -- --nocapture
//! INTEGRATOR_API_TOKEN=… INTEGRATOR_LIVE_WRITE=1 cargo test --test live_contract -- --nocapture
//! ```
//!
//! Without a token the live test prints `live: skipped (…)` and passes. The same flow
//! ([`run_live`]) also runs against a loopback stand-in answering the spec's documented
//! examples, which checks the harness and its report in CI.
//!
//! Report lines (`cargo xtask live` reads them):
//!
//! ```text
//! live: <operationId> <METHOD> <path> -> <status> ok (0 findings)
//! live: <operationId> <METHOD> <path> -> <status> drift (<n> findings)
//! drift: <operationId> unknown-field /json/pointer
//! drift: <operationId> type-mismatch /pointer: message
//! drift: <operationId> undocumented-status 418
//! live: summary: <calls> calls, <ops> operations, <findings> drift findings
//! ```
//!
//! Drift does not fail the test; transport failures, `401` and answers the client
//! cannot decode do.

mod support;

#[path = "live/drift.rs"]
mod drift;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drift::Finding;
use futures::FutureExt;
use integrator_io_codegen::json_schema::SchemaSet;
use integrator_io_codegen::spec::{Body, Operation};
use serde_json::{json, Map, Value};
use url::Url;

/// The environment variable that allows the live tests to write.
const ENV_LIVE_WRITE: &str = "INTEGRATOR_LIVE_WRITE";

/// Sub-lists read for the first item of a kind (`/flows/{id}/audit`): cheap, read-only.
const SUB_LISTS: &[&str] = &["audit", "joberrors", "licenses", "installBase"];

/// Where and how the live flow runs.
#[derive(Clone)]
pub struct LiveConfig {
    /// The API's base URL (`https://api.integrator.io/v1`, or a stand-in's).
    pub base_url: String,
    token: String,
    /// `Integrator-AShareId` for every request.
    pub ashare_id: Option<String>,
    /// Also create, read back, update and delete a state key.
    pub write: bool,
    /// The `limit` of list pages.
    pub page_limit: u32,
    /// How many pages of one list to read at most.
    pub max_pages: usize,
}

impl std::fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveConfig")
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("ashare_id", &self.ashare_id)
            .field("write", &self.write)
            .finish_non_exhaustive()
    }
}

impl LiveConfig {
    /// A configuration for `base_url` with `token`: read-only, 5 items a page, 3 pages.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        LiveConfig {
            base_url: base_url.into(),
            token: token.into(),
            ashare_id: None,
            write: false,
            page_limit: 5,
            max_pages: 3,
        }
    }

    /// From `INTEGRATOR_API_TOKEN` (`None` when unset), `INTEGRATOR_REGION`,
    /// `INTEGRATOR_BASE_URL`, `INTEGRATOR_ASHARE_ID` and `INTEGRATOR_LIVE_WRITE=1`.
    pub fn from_env() -> Option<Result<Self, String>> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let token = var(integrator_io::ENV_TOKEN)?;
        // The client resolves region and base URL exactly as it will for the calls.
        let client = integrator_io::ClientBuilder::from_env()
            .and_then(|b| b.build())
            .map_err(|e| e.to_string());
        Some(client.map(|client| {
            let mut config = LiveConfig::new(client.base_url(), token);
            config.ashare_id = var(integrator_io::ENV_ASHARE_ID);
            config.write = var(ENV_LIVE_WRITE).as_deref() == Some("1");
            config
        }))
    }

    fn client(&self) -> Result<integrator_io::Client, integrator_io::Error> {
        let mut builder = integrator_io::Client::builder()
            .token(&self.token)
            .base_url(&self.base_url);
        if let Some(id) = &self.ashare_id {
            builder = builder.ashare_id(id);
        }
        builder.build()
    }
}

/// One call and what was found about its answer.
#[derive(Clone, Debug)]
pub struct Check {
    pub operation: String,
    pub method: String,
    /// The path below the base URL, with its query.
    pub path: String,
    pub status: u16,
    pub findings: Vec<Finding>,
}

/// What a live run found.
#[derive(Debug, Default)]
pub struct Report {
    pub checks: Vec<Check>,
    /// Transport failures, `401`s, decode errors, lost fields: these fail the test.
    pub failures: Vec<String>,
}

impl Report {
    pub fn calls(&self) -> usize {
        self.checks.len()
    }

    pub fn operations(&self) -> usize {
        self.checks
            .iter()
            .map(|c| c.operation.as_str())
            .collect::<HashSet<_>>()
            .len()
    }

    pub fn findings(&self) -> usize {
        self.checks.iter().map(|c| c.findings.len()).sum()
    }

    /// The report: each check with its findings, grouped by operation (in the order
    /// operations were first called), then the summary.
    pub fn lines(&self) -> Vec<String> {
        let mut order: Vec<&str> = Vec::new();
        let mut by_op: HashMap<&str, Vec<&Check>> = HashMap::new();
        for check in &self.checks {
            if !by_op.contains_key(check.operation.as_str()) {
                order.push(&check.operation);
            }
            by_op.entry(&check.operation).or_default().push(check);
        }
        let mut lines = Vec::new();
        for op in order {
            for check in &by_op[op] {
                let verdict = if check.findings.is_empty() {
                    "ok"
                } else {
                    "drift"
                };
                lines.push(format!(
                    "live: {} {} {} -> {} {verdict} ({} findings)",
                    check.operation,
                    check.method,
                    check.path,
                    check.status,
                    check.findings.len()
                ));
                for finding in &check.findings {
                    lines.push(format!("drift: {} {finding}", check.operation));
                }
            }
        }
        for failure in &self.failures {
            lines.push(format!("live: failure: {failure}"));
        }
        lines.push(format!(
            "live: summary: {} calls, {} operations, {} drift findings",
            self.calls(),
            self.operations(),
            self.findings()
        ));
        lines
    }

    pub fn print(&self) {
        for line in self.lines() {
            println!("{line}");
        }
    }
}

/// A raw answer.
struct Answer {
    status: u16,
    body: Option<Value>,
    next: Option<Url>,
}

/// The live flow's state.
struct Live<'a> {
    config: &'a LiveConfig,
    spec: &'static integrator_io_codegen::Spec,
    schemas: SchemaSet,
    ops: Vec<Operation>,
    http: reqwest::Client,
    client: integrator_io::Client,
    base: Url,
    report: Report,
}

/// Runs the live flow against `config.base_url`: who am I, every list without path
/// parameters (a few pages), the first item of each kind, its cheap sub-lists, the
/// errors of the first flow's first step, and (when `config.write`) a state key
/// created, read back, updated and deleted. Never panics on what the API answers.
pub async fn run_live(config: &LiveConfig) -> Report {
    let spec = support::spec();
    let mut report = Report::default();
    let (client, base) = match (config.client(), Url::parse(&config.base_url)) {
        (Ok(client), Ok(base)) => (client, base),
        (Err(e), _) => {
            report
                .failures
                .push(format!("the client does not build: {e}"));
            return report;
        }
        (_, Err(e)) => {
            report
                .failures
                .push(format!("the base URL does not parse: {e}"));
            return report;
        }
    };
    let http = support::bare_http()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client");
    let mut live = Live {
        config,
        spec,
        schemas: SchemaSet::new(spec),
        ops: spec.operations(),
        http,
        client,
        base,
        report,
    };
    live.reads().await;
    if config.write {
        live.writes().await;
    }
    live.report
}

impl Live<'_> {
    fn op(&self, id: &str) -> Operation {
        self.ops
            .iter()
            .find(|o| o.id == id)
            .cloned()
            .unwrap_or_else(|| panic!("the spec has no operation {id}"))
    }

    /// The URL of `op` with its path parameters filled in (each one percent-encoded).
    fn url(&self, op: &Operation, path_params: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        {
            let mut segments = url.path_segments_mut().expect("an http(s) base URL");
            segments.pop_if_empty();
            let mut values = path_params.iter();
            for segment in op.path.trim_start_matches('/').split('/') {
                if segment.starts_with('{') {
                    segments.push(values.next().expect("a value for every path parameter"));
                } else {
                    segments.push(segment);
                }
            }
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// The path and query of `url` below the base URL, for the report.
    fn shown(&self, url: &Url) -> String {
        let base = self.base.path().trim_end_matches('/');
        let path = url.path().strip_prefix(base).unwrap_or(url.path());
        match url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_string(),
        }
    }

    /// GETs `url` as `op` with the raw HTTP client, checks the answer against the spec
    /// and records it. `None` when nothing usable came back.
    async fn get(&mut self, op: &Operation, url: Url) -> Option<Answer> {
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let mut request = self
                .http
                .get(url.clone())
                .bearer_auth(&self.config.token)
                .header("accept", "application/json");
            if let Some(id) = &self.config.ashare_id {
                request = request.header(integrator_io::ASHARE_ID_HEADER, id);
            }
            match request.send().await {
                Ok(r) if r.status().as_u16() == 429 && attempt < 4 => {
                    let wait = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(1)
                        .min(10);
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                }
                Ok(r) => break r,
                Err(e) => {
                    self.report.failures.push(format!(
                        "{} GET {}: transport failure: {e}",
                        op.id,
                        self.shown(&url)
                    ));
                    return None;
                }
            }
        };
        let status = response.status().as_u16();
        let next = response
            .headers()
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(next_link)
            .and_then(|target| url.join(&target).ok());
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                self.report.failures.push(format!(
                    "{} GET {}: the body did not arrive: {e}",
                    op.id,
                    self.shown(&url)
                ));
                return None;
            }
        };
        let shown = self.shown(&url);
        let declares_json = drift::response_for(self.spec, op, status)
            .and_then(|(r, _)| drift::json_schema_of(r))
            .is_some();
        let body = if bytes.is_empty() || !declares_json {
            None
        } else {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => Some(v),
                Err(e) => {
                    let start: String = String::from_utf8_lossy(&bytes).chars().take(80).collect();
                    self.report.failures.push(format!(
                        "{} GET {shown} -> {status}: the body is not the documented JSON ({e}); it starts {start:?}",
                        op.id
                    ));
                    None
                }
            }
        };
        if status == 401 {
            self.report.failures.push(format!(
                "{} GET {shown} -> 401: the token was refused (check it, and INTEGRATOR_REGION)",
                op.id
            ));
        }
        if (200..300).contains(&status) {
            if let Some(value) = &body {
                if let Some(Err(e)) =
                    integrator_io::__contract::roundtrip_response(&op.rust_name, value.clone())
                {
                    self.report.failures.push(format!(
                        "{} GET {shown} -> {status}: the client cannot decode the answer: {e}",
                        op.id
                    ));
                }
            }
        }
        let findings = drift::check_answer(self.spec, &self.schemas, op, status, body.as_ref());
        self.report.checks.push(Check {
            operation: op.id.clone(),
            method: "GET".into(),
            path: shown,
            status,
            findings,
        });
        (status != 401).then_some(Answer { status, body, next })
    }

    /// Reads a list, following `Link: rel="next"` for at most `max_pages` pages, and
    /// answers its first page's body.
    async fn list(&mut self, op: &Operation, path_params: &[&str]) -> Option<Value> {
        let query: Vec<(&str, String)> = if op.params_in("query").any(|p| p.name == "limit") {
            vec![("limit", self.config.page_limit.to_string())]
        } else {
            vec![]
        };
        let mut url = self.url(op, path_params, &query);
        let mut first = None;
        let mut seen = HashSet::new();
        for page in 0..self.config.max_pages {
            seen.insert(url.to_string());
            let answer = self.get(op, url).await?;
            if page == 0 {
                first = answer.body.clone();
            }
            if !(200..300).contains(&answer.status) {
                break;
            }
            match answer.next {
                // Only on the API's own host and port: the token never leaves it.
                Some(next)
                    if next.origin() == self.base.origin() && !seen.contains(next.as_str()) =>
                {
                    url = next
                }
                _ => break,
            }
        }
        first
    }

    async fn reads(&mut self) {
        // Who am I, through the typed client first (it shows the client's own
        // configuration works), then raw.
        let token_info = self.op("getTokenInfo");
        match self.client.get_token_info().send().await {
            Ok(_) => {}
            Err(integrator_io::Error::Unauthorized(e)) => {
                self.report
                    .failures
                    .push(format!("getTokenInfo through the client: 401: {e}"));
                return;
            }
            Err(e) => self
                .report
                .failures
                .push(format!("getTokenInfo through the client: {e}")),
        }
        let url = self.url(&token_info, &[], &[]);
        if self.get(&token_info, url).await.is_none() {
            return;
        }

        // Every list without path parameters, and its first item.
        let lists: Vec<Operation> = self
            .ops
            .iter()
            .filter(|o| o.method == "GET" && o.params_in("path").next().is_none())
            .filter(|o| o.id != token_info.id)
            .cloned()
            .collect();
        let mut firsts: BTreeMap<String, String> = BTreeMap::new(); // collection path -> id
        for op in &lists {
            let Some(body) = self.list(op, &[]).await else {
                continue;
            };
            if let Some(id) = first_id(&body) {
                firsts.insert(op.path.clone(), id);
            }
        }
        let mut fetched: BTreeMap<String, (String, Value)> = BTreeMap::new(); // collection -> (id, body)
        for (collection, id) in &firsts {
            let Some(get) = self.item_op(collection) else {
                continue;
            };
            let url = self.url(&get, &[id.as_str()], &[]);
            if let Some(Answer {
                status: 200..=299,
                body: Some(body),
                ..
            }) = self.get(&get, url).await
            {
                fetched.insert(collection.clone(), (id.clone(), body));
            }
        }

        // Cheap sub-lists of each first item (audit logs, job errors, ...).
        for (collection, (id, _)) in &fetched {
            let subs: Vec<Operation> = self
                .ops
                .iter()
                .filter(|o| o.method == "GET" && o.params_in("path").count() == 1)
                .filter(|o| !o.params.iter().any(|p| p.required && p.location == "query"))
                .filter(|o| {
                    let rest = o.path.strip_prefix(collection.as_str()).unwrap_or("");
                    let parts: Vec<&str> = rest.split('/').collect();
                    matches!(parts.as_slice(), ["", p, lit] if p.starts_with('{') && SUB_LISTS.contains(lit))
                })
                .cloned()
                .collect();
            for op in subs {
                self.list(&op, &[id.as_str()]).await;
            }
        }

        // The errors of the first flow's first step.
        if let Some((flow_id, flow)) = fetched.get("/flows") {
            let step = ["pageGenerators", "pageProcessors"]
                .iter()
                .filter_map(|k| flow.get(*k)?.as_array()?.first())
                .find_map(|step| {
                    ["_exportId", "_importId"]
                        .iter()
                        .find_map(|k| step.get(*k)?.as_str().map(str::to_string))
                });
            if let Some(step_id) = step {
                let op = self.op("listFlowErrors");
                self.list(&op, &[flow_id.as_str(), step_id.as_str()]).await;
            }
        }
    }

    /// The GET of one item of a collection (`/exports` → `/exports/{id}`).
    fn item_op(&self, collection: &str) -> Option<Operation> {
        self.ops
            .iter()
            .find(|o| {
                o.method == "GET"
                    && o.params_in("path").count() == 1
                    && o.path
                        .strip_prefix(collection)
                        .and_then(|rest| rest.strip_prefix("/{"))
                        .is_some_and(|rest| rest.ends_with('}') && !rest.contains('/'))
            })
            .cloned()
    }

    /// Sends a write through the typed client (`__contract::send`) and records it.
    async fn send(&mut self, method_name: &str, path_params: &[&str], body: Option<Value>) -> bool {
        let op = self
            .ops
            .iter()
            .find(|o| o.rust_name == method_name)
            .cloned()
            .expect("a known operation");
        let mut params = Map::new();
        for (param, value) in op.params_in("path").zip(path_params) {
            params.insert(param.name.clone(), json!(value));
        }
        let url = self.url(&op, path_params, &[]);
        let shown = self.shown(&url);
        match integrator_io::__contract::send(&self.client, method_name, &params, body).await {
            Ok(_) => {
                self.report.checks.push(Check {
                    operation: op.id.clone(),
                    method: op.method.clone(),
                    path: shown,
                    status: op.success_code().unwrap_or(200),
                    findings: vec![],
                });
                true
            }
            Err(e) => {
                self.report
                    .failures
                    .push(format!("{} {} {shown}: {e}", op.id, op.method));
                false
            }
        }
    }

    /// Reads a state key raw and compares it with what was sent.
    async fn read_back(&mut self, key: &str, sent: &Value) {
        let op = self.op("getStateValue");
        let url = self.url(&op, &[key], &[]);
        match self.get(&op, url).await {
            Some(Answer {
                status: 200,
                body: Some(body),
                ..
            }) => {
                if let Err(difference) = support::same_meaning(sent, &body) {
                    self.report.failures.push(format!(
                        "getStateValue: a field sent did not survive: {difference}"
                    ));
                }
            }
            Some(Answer { status, .. }) => self.report.failures.push(format!(
                "getStateValue: the key just written answers {status}"
            )),
            None => {}
        }
    }

    /// Creates a state key, reads it back, updates it, reads it again, and deletes it
    /// (also when a step fails or panics).
    async fn writes(&mut self) {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let key = format!("integrator-io-live-contract-{}-{stamp}", std::process::id());
        let created = json!({
            "name": key,
            "note": "written by the integrator-io live contract tests; safe to delete",
            "nested": {"count": 1, "list": [1, "two", null, {"three": 3.5}], "empty": {}},
            "flag": true,
        });
        let steps = async {
            if !self
                .send("set_state_value", &[key.as_str()], Some(created.clone()))
                .await
            {
                return;
            }
            self.read_back(&key, &created).await;
            let mut updated = created.clone();
            updated["nested"]["count"] = json!(2);
            updated["added"] = json!("on update");
            if !self
                .send("set_state_value", &[key.as_str()], Some(updated.clone()))
                .await
            {
                return;
            }
            self.read_back(&key, &updated).await;
        };
        let outcome = std::panic::AssertUnwindSafe(steps).catch_unwind().await;
        // The guard: delete what was created, whatever happened above.
        if self.send("delete_state_value", &[key.as_str()], None).await {
            let op = self.op("getStateValue");
            let url = self.url(&op, &[key.as_str()], &[]);
            if let Some(Answer { status, .. }) = self.get(&op, url).await {
                if status != 404 {
                    self.report.failures.push(format!(
                        "getStateValue: the deleted key still answers {status}"
                    ));
                }
            }
        }
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }
}

/// The target of the `rel="next"` link of one `Link` header value.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.trim().strip_prefix('<')?.split_once('>')?;
        params
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .any(|(k, v)| {
                k.trim().eq_ignore_ascii_case("rel")
                    && v.trim().trim_matches('"').split(' ').any(|r| r == "next")
            })
            .then(|| target.to_string())
    })
}

/// The id of the first item of a list answer: its `_id`, or the item itself when it is
/// a string (state keys). A page object's items are its first array property.
fn first_id(body: &Value) -> Option<String> {
    let items = match body {
        Value::Array(items) => items,
        Value::Object(map) => map.values().find_map(Value::as_array)?,
        _ => return None,
    };
    match items.first()? {
        Value::String(s) => Some(s.clone()),
        item => item.get("_id")?.as_str().map(str::to_string),
    }
}

// ---------------------------------------------------------------------------------
// The tests.

#[tokio::test]
async fn live_account_answers_match_the_spec() {
    let config = match LiveConfig::from_env() {
        None => {
            println!("live: skipped (INTEGRATOR_API_TOKEN is not set)");
            return;
        }
        Some(Err(e)) => panic!("the live configuration is invalid: {e}"),
        Some(Ok(config)) => config,
    };
    if !config.write {
        println!("live: writes skipped ({ENV_LIVE_WRITE} is not 1)");
    }
    let report = run_live(&config).await;
    report.print();
    assert!(
        report.failures.is_empty(),
        "{} live failure(s):\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
    assert!(report.calls() > 0, "no live call was made");
}

/// The field the stand-in adds to every answer it builds from the spec.
const ADDED: &str = "zzLiveDrift";

/// A loopback stand-in for the API: every operation answers its documented success
/// (the first example, an example of its component, or a minimal valid value) with
/// one unknown field added; lists carry a `Link` to a second page; global state keys
/// are stored, so the write flow round-trips. `override_` may answer first.
struct StandIn {
    ops: Vec<Operation>,
    examples: HashMap<(String, String), Value>,
    components: HashMap<String, Value>,
    state: Mutex<HashMap<String, Value>>,
}

impl StandIn {
    fn new() -> Self {
        let spec = support::spec();
        let mut examples = HashMap::new();
        let mut components = HashMap::new();
        for example in integrator_io_codegen::examples::collect(spec) {
            if !example.media_type.contains("json") {
                continue;
            }
            if let integrator_io_codegen::examples::Place::Response(status) = &example.place {
                examples
                    .entry((example.operation_id.clone(), status.clone()))
                    .or_insert(example.value.clone());
            }
            let Some(schema) = &example.schema else {
                continue;
            };
            if let Some(name) = component_of(schema) {
                components.entry(name).or_insert(example.value.clone());
            } else if let (Some(name), Some(first)) = (
                schema.get("items").and_then(component_of),
                example.value.as_array().and_then(|a| a.first()),
            ) {
                components.entry(name).or_insert(first.clone());
            }
        }
        StandIn {
            ops: spec.operations(),
            examples,
            components,
            state: Mutex::new(HashMap::new()),
        }
    }

    fn find(&self, method: &str, path: &str) -> Option<(&Operation, Vec<String>)> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.ops
            .iter()
            .filter(|o| o.method == method)
            .filter_map(|o| {
                let template: Vec<&str> = o.path.trim_start_matches('/').split('/').collect();
                if template.len() != segments.len() {
                    return None;
                }
                let mut literals = 0;
                let mut values = Vec::new();
                for (t, s) in template.iter().zip(&segments) {
                    if t.starts_with('{') {
                        values.push(s.to_string());
                    } else if t == s {
                        literals += 1;
                    } else {
                        return None;
                    }
                }
                Some((literals, o, values))
            })
            .max_by_key(|(literals, _, _)| *literals)
            .map(|(_, o, values)| (o, values))
    }

    fn answer(&self, request: &support::Captured) -> support::Reply {
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        let path = path.strip_prefix("/v1").unwrap_or(path);
        let Some((op, values)) = self.find(&request.method, path) else {
            return support::Reply::json(
                404,
                &json!({"errors": [{"code": "not_found", "message": "no route"}]}),
            );
        };
        // Global state keys are stored.
        let key = values.first().cloned().unwrap_or_default();
        match op.id.as_str() {
            "setStateValue" => {
                self.state.lock().unwrap().insert(key, request.json());
                return support::Reply::raw(200, "text/plain", "OK");
            }
            "deleteStateValue" => {
                self.state.lock().unwrap().remove(&key);
                return support::Reply::empty(204);
            }
            "getStateValue" if key.starts_with("integrator-io-live-contract-") => {
                return match self.state.lock().unwrap().get(&key) {
                    Some(v) => support::Reply::json(200, v),
                    None => support::Reply::json(
                        404,
                        &json!({"errors": [{"code": "not_found", "message": "no such key"}]}),
                    ),
                };
            }
            _ => {}
        }
        let spec = support::spec();
        let Some((code, body)) = op.primary_success() else {
            return support::Reply::empty(500);
        };
        let reply = match body {
            Body::Empty => support::Reply::empty(code),
            Body::Other(kind) => support::Reply::raw(code, kind, "OK"),
            Body::Json { .. } => {
                let schema = drift::response_for(spec, op, code)
                    .and_then(|(r, _)| drift::json_schema_of(r))
                    .cloned()
                    .unwrap_or(json!({}));
                let mut value = self
                    .examples
                    .get(&(op.id.clone(), code.to_string()))
                    .cloned()
                    .or_else(|| {
                        component_of(&schema).and_then(|c| self.components.get(&c).cloned())
                    })
                    .or_else(|| {
                        let item = schema.get("items").and_then(component_of)?;
                        Some(json!([self.components.get(&item)?]))
                    })
                    .unwrap_or_else(|| minimal(spec, &schema, 0));
                add_unknown_field(&mut value);
                support::Reply::json(code, &value)
            }
        };
        // Lists link to a second page.
        let is_list = op.method == "GET" && op.params_in("query").any(|p| p.name == "limit");
        if is_list && !query.contains("page=2") {
            let next = format!("/v1{path}?{query}&page=2");
            reply.with_header("link", &format!("<{next}>; rel=\"next\""))
        } else {
            reply
        }
    }
}

fn component_of(schema: &Value) -> Option<String> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

/// A minimal value valid against `schema`: required properties only, empty arrays.
fn minimal(spec: &integrator_io_codegen::Spec, schema: &Value, depth: u32) -> Value {
    let schema = spec.deref(schema);
    if depth > 16 {
        return Value::Null;
    }
    if let Some(first) = schema
        .get("enum")
        .or_else(|| schema.get("x-extensible-enum"))
        .and_then(|e| e.as_array()?.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => json!([]),
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2025-07-01T00:00:00Z"),
            _ => json!("x"),
        },
        Some("integer") | Some("number") => schema.get("minimum").cloned().unwrap_or(json!(0)),
        Some("boolean") => json!(false),
        _ => {
            let mut out = Map::new();
            let properties = schema.get("properties");
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let sub = properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
                out.insert(name.to_string(), minimal(spec, sub, depth + 1));
            }
            Value::Object(out)
        }
    }
}

/// Adds the stand-in's unknown field to the answer (its first item for a list).
fn add_unknown_field(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.insert(ADDED.into(), json!({"since": "2099"}));
        }
        Value::Array(items) => {
            if let Some(Value::Object(first)) = items.first_mut() {
                first.insert(ADDED.into(), json!({"since": "2099"}));
            }
        }
        _ => {}
    }
}

async fn stand_in(
    override_: impl Fn(&support::Captured) -> Option<support::Reply> + Send + Sync + 'static,
) -> support::CaptureServer {
    let stand_in = Arc::new(StandIn::new());
    support::CaptureServer::start(move |request| {
        override_(request).unwrap_or_else(|| stand_in.answer(request))
    })
    .await
}

const STAND_IN_TOKEN: &str = "loopback-secret-token-0123";

#[tokio::test]
async fn the_live_flow_against_a_loopback_stand_in_reports_the_added_field() {
    let server = stand_in(|_| None).await;
    // The base URL is set in code: the environment plays no part.
    let mut config = LiveConfig::new(&server.base_url, STAND_IN_TOKEN);
    config.write = true;
    config.page_limit = 2;
    let report = run_live(&config).await;
    report.print();
    let lines = report.lines();

    assert!(
        report.failures.is_empty(),
        "the harness failed against documented answers:\n{}",
        report.failures.join("\n")
    );
    // The token never shows.
    assert!(lines.iter().all(|l| !l.contains(STAND_IN_TOKEN)));
    assert!(!format!("{config:?}").contains(STAND_IN_TOKEN));
    // Every request carried it, raw or through the client.
    for request in server.requests() {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {STAND_IN_TOKEN}").as_str()),
            "{}",
            request.target
        );
    }

    // Documented answers hold no type mismatch and no undocumented status; the only
    // drift is the field the stand-in added, wherever the schema declares properties.
    let mut added = 0;
    for check in &report.checks {
        for finding in &check.findings {
            match finding {
                Finding::UnknownField(pointer) if pointer.ends_with(&format!("/{ADDED}")) => {
                    added += 1
                }
                other => panic!("{}: unexpected finding {other}", check.operation),
            }
        }
    }
    let called: HashSet<&str> = report.checks.iter().map(|c| c.operation.as_str()).collect();
    for op in [
        "getTokenInfo",
        "listExports",
        "getExport",
        "listExportAudit",
        "listFlows",
        "getFlow",
        "listFlowErrors",
        "listIntegrations",
        "getIntegration",
        "listIntegrationAudit",
        "listJobs",
        "getJob",
        "listJobErrors",
        "listStateKeys",
        "getStateValue",
        "setStateValue",
        "deleteStateValue",
        "listConnectors",
        "listConnectorLicenses",
    ] {
        assert!(
            called.contains(op),
            "{op} was not called; called: {called:?}"
        );
    }
    // Lists followed the stand-in's Link to page 2, and no further.
    let export_pages: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| c.operation == "listExports")
        .collect();
    assert_eq!(export_pages.len(), 2, "{export_pages:?}");
    assert!(export_pages[1].path.contains("page=2"));
    assert!(lines.contains(&format!("drift: listExports unknown-field /0/{ADDED}")));
    assert!(lines.contains(&format!("drift: getTokenInfo unknown-field /{ADDED}")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("live: getTokenInfo GET /tokenInfo -> 200 drift (1 findings)")));
    assert!(added >= 20, "only {added} added fields were reported");
    let summary = lines.last().unwrap();
    assert_eq!(
        summary,
        &format!(
            "live: summary: {} calls, {} operations, {} drift findings",
            report.calls(),
            report.operations(),
            added
        )
    );
    println!(
        "loopback live run: {} calls, {} operations, {added} findings (all the added field)",
        report.calls(),
        report.operations()
    );
}

#[tokio::test]
async fn an_undocumented_status_is_drift_and_does_not_fail_the_run() {
    let server = stand_in(|request| {
        request.target.starts_with("/v1/templates").then(|| {
            support::Reply::json(
                418,
                &json!({"errors": [{"code": "teapot", "message": "no"}]}),
            )
        })
    })
    .await;
    let report = run_live(&LiveConfig::new(&server.base_url, STAND_IN_TOKEN)).await;
    report.print();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let lines = report.lines();
    assert!(
        lines.contains(&"drift: listTemplates undocumented-status 418".to_string()),
        "{lines:#?}"
    );
    assert!(lines
        .iter()
        .any(|l| l
            .starts_with("live: listTemplates GET /templates?limit=5 -> 418 drift (1 findings)")));
}

#[tokio::test]
async fn a_401_fails_the_live_run() {
    let server = support::CaptureServer::always(support::Reply::json(
        401,
        &json!({"message": "Unauthorized"}),
    ))
    .await;
    let report = run_live(&LiveConfig::new(&server.base_url, STAND_IN_TOKEN)).await;
    report.print();
    assert!(
        report.failures.iter().any(|f| f.contains("401")),
        "{:?}",
        report.failures
    );
    assert!(report.lines().iter().all(|l| !l.contains(STAND_IN_TOKEN)));
}

#[tokio::test]
async fn an_answer_the_client_cannot_decode_fails_the_live_run() {
    let server = stand_in(|request| {
        (request.target == "/v1/tokenInfo")
            .then(|| support::Reply::raw(200, "application/json", "{\"_userId\": [1, 2"))
    })
    .await;
    let report = run_live(&LiveConfig::new(&server.base_url, STAND_IN_TOKEN)).await;
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.starts_with("getTokenInfo")),
        "{:?}",
        report.failures
    );
}

#[test]
fn next_links_are_read_from_link_headers() {
    assert_eq!(
        next_link(r#"<https://api.integrator.io/v1/exports?page=2>; rel="next""#).as_deref(),
        Some("https://api.integrator.io/v1/exports?page=2")
    );
    assert_eq!(
        next_link(r#"</v1/a?x=1>; rel="prev", </v1/a?x=3>; rel=next"#).as_deref(),
        Some("/v1/a?x=3")
    );
    assert_eq!(next_link(r#"</v1/a>; rel="prev""#), None);
}
