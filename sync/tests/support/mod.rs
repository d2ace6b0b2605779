//! Two sandboxes (a source and a target account), a seeded integration, and the
//! commands run as the `integrator` program would run them.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Parser;
use integrator_io::{Client, RetryPolicy};
use integrator_io_sandbox::{Sandbox, SandboxBuilder};
use integrator_io_sync::cli::{run, Format, SyncCommand};
use integrator_io_sync::{Doc, Kind, Remote};
use serde_json::{json, Value};

/// The integration the source is seeded with.
pub const INTEGRATION: &str = "Shopify - NetSuite orders";

/// The command line as a program mounting the crate would parse it.
#[derive(Parser, Debug)]
#[command(name = "integrator")]
struct Cli {
    /// The program's global flag: the account `pull` reads and `:ID` means.
    #[arg(long, global = true)]
    account: Option<String>,
    /// The program's global output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(subcommand)]
    command: SyncCommand,
}

/// A source and a target account.
pub struct Accounts {
    pub source: Sandbox,
    pub target: Sandbox,
    /// Clients used by the commands, by profile.
    pub clients: BTreeMap<String, Client>,
}

impl Accounts {
    /// Two empty sandboxes with the documented rate limit.
    pub async fn start() -> Accounts {
        Accounts::start_with(Sandbox::builder()).await
    }

    /// Two sandboxes, the target built by `target`.
    pub async fn start_with(target: SandboxBuilder) -> Accounts {
        let source = Sandbox::start().await.expect("source sandbox");
        let target = target.start().await.expect("target sandbox");
        let mut clients = BTreeMap::new();
        clients.insert("source".to_string(), source.client().unwrap());
        clients.insert("target".to_string(), target.client().unwrap());
        Accounts {
            source,
            target,
            clients,
        }
    }

    /// A client for the target that sends each request once (for test checks against
    /// a target with injected errors, retried by [`retrying`]).
    pub fn target_remote(&self) -> Remote {
        Remote::new(self.target.client().unwrap())
    }

    pub fn source_remote(&self) -> Remote {
        Remote::new(self.source.client().unwrap())
    }

    /// Runs `integrator ARGS…`; answers the exit code, stdout and stderr.
    pub async fn run(&self, args: &[&str]) -> (i32, String, String) {
        let cli = Cli::try_parse_from(std::iter::once("integrator").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let clients = self.clients.clone();
        let current = cli.account.clone();
        let accounts = move |profile: Option<&str>| -> Result<Client, String> {
            clients
                .get(profile.or(current.as_deref()).unwrap_or("source"))
                .cloned()
                .ok_or_else(|| format!("no profile {profile:?}"))
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&cli.command, cli.format, &accounts, &mut out, &mut err).await;
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }
}

/// A fresh temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "integrator-sync-{name}-{}-{}",
        std::process::id(),
        fastrand_suffix()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

pub fn doc(value: Value) -> Doc {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

pub fn id(doc: &Doc) -> String {
    doc["_id"].as_str().unwrap().to_string()
}

/// Seeds `remote` with an integration of several flows: a scheduled export into an
/// import, a flow with a lookup and two imports, a webhook-fed flow, with three
/// connections (one holding a secret), a file definition, a hook script and a lookup
/// cache (both found only through references); and another integration, a script and
/// a lookup cache that must not be pulled. Answers the integration's `_id`.
pub async fn seed(remote: &Remote) -> String {
    let integration = remote
        .create(
            Kind::Integration,
            &doc(json!({"name": INTEGRATION, "description": "Orders and fulfilments", "sandbox": false,
                "settings": {"orderPrefix": "SO-", "batch": 250}})),
        )
        .await
        .unwrap();
    let iid = id(&integration);
    let other = remote
        .create(Kind::Integration, &doc(json!({"name": "Unrelated"})))
        .await
        .unwrap();
    let shopify = remote
        .create(
            Kind::Connection,
            &doc(json!({"type": "http", "name": "Shopify", "_integrationId": iid,
                "http": {"baseURI": "https://shop.example.com/admin/api/2024-01", "mediaType": "json",
                    "auth": {"type": "token", "token": {"token": "shpat_source_secret", "location": "header", "headerName": "X-Shopify-Access-Token"}}}})),
        )
        .await
        .unwrap();
    let netsuite = remote
        .create(
            Kind::Connection,
            &doc(json!({"type": "netsuite", "name": "NetSuite", "netsuite": {"account": "TSTDRV1", "environment": "sandbox"}})),
        )
        .await
        .unwrap();
    let slack = remote
        .create(
            Kind::Connection,
            &doc(json!({"type": "http", "name": "Slack", "offline": false,
            "http": {"baseURI": "https://slack.com/api", "mediaType": "json"}})),
        )
        .await
        .unwrap();
    let unrelated_connection = remote
        .create(
            Kind::Connection,
            &doc(json!({"type": "http", "name": "Unrelated HTTP"})),
        )
        .await
        .unwrap();
    let csv = remote
        .create(
            Kind::FileDefinition,
            &doc(
                json!({"name": "Order lines CSV", "format": "delimited", "_integrationId": iid,
                "delimited": {"columnDelimiter": ",", "rowDelimiter": "\n"}}),
            ),
        )
        .await
        .unwrap();
    let script = remote
        .create(
            Kind::Script,
            &doc(json!({"name": "Tag orders", "description": "Marks each order before it is saved",
                "content": "function preSavePage(options) {\n  return {data: options.data, errors: options.errors};\n}\n"})),
        )
        .await
        .unwrap();
    let countries = remote
        .create(
            Kind::LookupCache,
            &doc(
                json!({"name": "Country codes", "description": "ISO code to NetSuite country",
                "includeDataInTemplatesAndCloning": false}),
            ),
        )
        .await
        .unwrap();
    // Entries: data, which a pull leaves in the account.
    let entries: integrator_io::types::LookupCacheDataUpsert =
        serde_json::from_value(json!({"data": [{"key": "US", "value": "_unitedStates"}, {"key": "CA", "value": "_canada"}]}))
            .unwrap();
    remote
        .client()
        .upsert_lookup_cache_data()
        .id(id(&countries))
        .body(entries)
        .send()
        .await
        .unwrap();
    remote
        .create(
            Kind::Script,
            &doc(json!({"name": "Unrelated script", "content": "function f() {}"})),
        )
        .await
        .unwrap();
    remote
        .create(Kind::LookupCache, &doc(json!({"name": "Unrelated cache"})))
        .await
        .unwrap();
    let orders = remote
        .create(Kind::Export, &doc(json!({"name": "Shopify orders", "_connectionId": id(&shopify), "_integrationId": iid,
            "hooks": {"preSavePage": {"function": "preSavePage", "_scriptId": id(&script)}},
            "adaptorType": "HTTPExport", "type": "delta", "pageSize": 100, "delta": {"dateField": "updated_at"},
            "http": {"relativeURI": "/orders.json", "method": "GET"}, "exchangeRate": serde_json::from_str::<Value>("1.0850").unwrap()})))
        .await
        .unwrap();
    let lookup = remote
        .create(
            Kind::Export,
            &doc(
                json!({"name": "Find NetSuite customer", "_connectionId": id(&netsuite),
            "adaptorType": "NetSuiteExport", "isLookup": true}),
            ),
        )
        .await
        .unwrap();
    let webhook = remote
        .create(Kind::Export, &doc(json!({"name": "Refund webhook", "_integrationId": iid, "adaptorType": "WebhookExport", "type": "webhook",
            "webhook": {"provider": "shopify", "key": "whsec_source_key"}})))
        .await
        .unwrap();
    let sales_orders = remote
        .create(Kind::Import, &doc(json!({"name": "NetSuite sales orders", "_connectionId": id(&netsuite), "_integrationId": iid,
            "adaptorType": "NetSuiteDistributedImport", "distributed": true,
            "file": {"type": "csv", "fileDefinition": {"_fileDefinitionId": id(&csv)}},
            "mapping": {"fields": [{"extract": "id", "generate": "externalId"},
                {"extract": "country", "generate": "country", "lookupName": "countries"}]},
            "lookups": [{"name": "countries", "_lookupCacheId": id(&countries), "extract": "country", "allowFailures": false}]})))
        .await
        .unwrap();
    let notify = remote
        .create(Kind::Import, &doc(json!({"name": "Post to #orders", "_connectionId": id(&slack),
            "adaptorType": "HTTPImport", "http": {"relativeURI": ["/chat.postMessage"], "method": ["POST"]}})))
        .await
        .unwrap();
    let refunds = remote
        .create(Kind::Import, &doc(json!({"name": "NetSuite refunds", "_connectionId": id(&netsuite), "_integrationId": iid,
            "adaptorType": "NetSuiteDistributedImport"})))
        .await
        .unwrap();
    for flow in [
        json!({"name": "Orders to NetSuite", "_integrationId": iid, "disabled": false, "schedule": "? */15 * * * *",
            "pageGenerators": [{"_exportId": id(&orders)}],
            "pageProcessors": [{"type": "export", "_exportId": id(&lookup)}, {"type": "import", "_importId": id(&sales_orders)},
                {"type": "import", "_importId": id(&notify), "proceedOnFailure": true}]}),
        json!({"name": "Refunds to NetSuite", "_integrationId": iid, "disabled": true,
            "pageGenerators": [{"_exportId": id(&webhook)}],
            "pageProcessors": [{"type": "import", "_importId": id(&refunds)}]}),
    ] {
        remote.create(Kind::Flow, &doc(flow)).await.unwrap();
    }
    remote
        .create(
            Kind::Flow,
            &doc(
                json!({"name": "Unrelated flow", "_integrationId": id(&other),
            "pageGenerators": [{"_exportId": id(&orders)}],
            "pageProcessors": [{"type": "import", "_importId": id(&notify)}]}),
            ),
        )
        .await
        .unwrap();
    let _ = unrelated_connection;
    iid
}

/// Every file under `dir` with its bytes (the `.integrator/` state left out).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel.starts_with(".integrator") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Reads a tree file as JSON.
pub fn read_json(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

/// Writes a tree file as JSON.
pub fn write_json(dir: &Path, file: &str, value: &Value) {
    std::fs::write(dir.join(file), serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// Retries `f` until it succeeds (a target with injected errors), at most 50 times.
pub async fn retrying<T, F, Fut>(mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, integrator_io_sync::SyncError>>,
{
    let mut last = None;
    for _ in 0..50 {
        match f().await {
            Ok(v) => return v,
            Err(e) => last = Some(e),
        }
    }
    panic!("still failing after 50 attempts: {last:?}")
}

/// A client that never retries (so injected errors surface).
pub fn no_retry(client: &Client) -> Client {
    client.with_retry(RetryPolicy::none())
}
