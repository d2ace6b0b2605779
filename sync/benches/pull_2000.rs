//! Pulls an integration of 2,000 resources from a sandbox enforcing the documented
//! bucket (1000 at once, 300 per second), and compares the time with the minimum the
//! rate limit allows for the requests it made; reports the process's peak memory.
//!
//! ```text
//! cargo bench -p integrator-io-sync --bench pull_2000
//! ```
//! Two runs of the pull: right after seeding (the bucket drained by the 2,000 creates,
//! so every request waits for a token) and after the bucket has refilled. Then the
//! pulled tree is applied to an empty account (2,000 creates: the rate-bound case).
//! The sandboxes run in the same process, so the peak memory counts them too.

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt, TryStreamExt};
use integrator_io_sandbox::{Sandbox, DEFAULT_BURST, DEFAULT_RATE_PER_SECOND};
use integrator_io_sync::{
    apply, plan, pull, ApplyOptions, Doc, Journal, Kind, PlanOptions, Remote, Tree,
};
use serde_json::{json, Value};

const CONNECTIONS: usize = 100;
const FILE_DEFINITIONS: usize = 99;
const PAIRS: usize = 600; // exports, imports and flows each

fn doc(value: Value) -> Doc {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("objects only"),
    }
}

/// The process's peak resident memory, in MB (Linux `VmHWM`).
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

async fn create_all(remote: &Remote, kind: Kind, docs: Vec<Doc>) -> Vec<String> {
    stream::iter(docs)
        .map(|d| async move { remote.create(kind, &d).await })
        .buffered(32)
        .map_ok(|created| created["_id"].as_str().unwrap_or_default().to_string())
        .try_collect()
        .await
        .expect("seeding")
}

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::builder()
        .rate_limit(DEFAULT_BURST, DEFAULT_RATE_PER_SECOND)
        .start()
        .await
        .expect("sandbox");
    let remote = Remote::new(sandbox.client().expect("client"));
    let seeding = Instant::now();
    let integration = remote
        .create(
            Kind::Integration,
            &doc(json!({"name": "Bench integration"})),
        )
        .await
        .expect("integration");
    let iid = integration["_id"].as_str().unwrap().to_string();
    let connections = create_all(
        &remote,
        Kind::Connection,
        (0..CONNECTIONS)
            .map(|i| {
                doc(
                    json!({"type": "http", "name": format!("Connection {i}"), "_integrationId": iid,
            "http": {"baseURI": format!("https://api{i}.example.com"), "mediaType": "json",
                "auth": {"type": "token", "token": {"token": format!("secret-{i}")}}}}),
                )
            })
            .collect(),
    )
    .await;
    create_all(&remote, Kind::FileDefinition, (0..FILE_DEFINITIONS)
        .map(|i| doc(json!({"name": format!("File definition {i}"), "format": "delimited", "_integrationId": iid})))
        .collect()).await;
    let exports = create_all(&remote, Kind::Export, (0..PAIRS)
        .map(|i| doc(json!({"name": format!("Export {i}"), "_connectionId": connections[i % CONNECTIONS],
            "_integrationId": iid, "adaptorType": "HTTPExport", "type": "delta", "pageSize": 100 + i,
            "http": {"relativeURI": format!("/records/{i}"), "method": "GET"}})))
        .collect()).await;
    let imports = create_all(&remote, Kind::Import, (0..PAIRS)
        .map(|i| doc(json!({"name": format!("Import {i}"), "_connectionId": connections[(i + 1) % CONNECTIONS],
            "_integrationId": iid, "adaptorType": "HTTPImport",
            "mapping": {"fields": [{"extract": "id", "generate": "externalId"}, {"extract": "total", "generate": "amount"}]}})))
        .collect()).await;
    create_all(&remote, Kind::Flow, (0..PAIRS)
        .map(|i| doc(json!({"name": format!("Flow {i}"), "_integrationId": iid, "schedule": "? */15 * * * *",
            "pageGenerators": [{"_exportId": exports[i]}],
            "pageProcessors": [{"type": "import", "_importId": imports[i]}]})))
        .collect()).await;
    let total = 1 + CONNECTIONS + FILE_DEFINITIONS + 3 * PAIRS;
    println!(
        "seeded {total} resources in {:.2} s (through the same bucket)",
        seeding.elapsed().as_secs_f64()
    );

    let dir = std::env::temp_dir().join(format!("integrator-sync-bench-{}", std::process::id()));
    for (label, wait) in [
        ("bucket drained by the seeding", Duration::ZERO),
        ("bucket refilled", Duration::from_secs(4)),
    ] {
        tokio::time::sleep(wait).await;
        let _ = std::fs::remove_dir_all(&dir);
        let before = sandbox.stats();
        let started = Instant::now();
        let snapshot = pull(&remote, &iid).await.expect("pull");
        let pulled = started.elapsed();
        snapshot.tree.write(&dir).expect("write");
        let elapsed = started.elapsed();
        let after = sandbox.stats();
        let requests = after.requests - before.requests;
        let refused = after.rate_limited - before.rate_limited;
        assert_eq!(
            snapshot.tree.resources.len(),
            total,
            "every resource pulled"
        );
        // From a drained bucket every request waits for its token; from a full one
        // the first `burst` are free.
        let free = if wait.is_zero() {
            0
        } else {
            u64::from(DEFAULT_BURST)
        };
        let minimum = requests.saturating_sub(free) as f64 / f64::from(DEFAULT_RATE_PER_SECOND);
        println!(
            "pull ({label}): {} resources, {requests} requests ({refused} answered 429)",
            snapshot.tree.resources.len()
        );
        println!(
            "  pull {:.1} ms, pull + write {:.1} ms; rate-limit minimum for {requests} requests {:.1} ms; pull / minimum {}",
            pulled.as_secs_f64() * 1000.0,
            elapsed.as_secs_f64() * 1000.0,
            minimum * 1000.0,
            if minimum > 0.0 { format!("{:.2}x", pulled.as_secs_f64() / minimum) } else { "n/a (no wait needed)".into() }
        );
    }
    if let Some(mb) = peak_mb() {
        println!("peak resident memory after the pulls (one sandbox included): {mb:.1} MB");
    }
    // Apply the tree to an empty account: 2,000 creates, the rate-bound case.
    let target = Sandbox::builder()
        .rate_limit(DEFAULT_BURST, DEFAULT_RATE_PER_SECOND)
        .start()
        .await
        .expect("target sandbox");
    let target_remote = Remote::new(target.client().expect("client"));
    let tree = Tree::read(&dir).expect("read the tree");
    let started = Instant::now();
    let mut journal = Journal::in_memory();
    let plan = plan(tree, &target_remote, &journal, &PlanOptions::default())
        .await
        .expect("plan");
    let options = ApplyOptions {
        concurrency: 16,
        backup_dir: None,
    };
    let report = apply(&plan, &target_remote, &mut journal, &dir, &options)
        .await
        .expect("apply");
    let elapsed = started.elapsed().as_secs_f64();
    let stats = target.stats();
    assert_eq!(report.created.len(), total, "every resource created");
    let minimum = stats.requests.saturating_sub(u64::from(DEFAULT_BURST)) as f64
        / f64::from(DEFAULT_RATE_PER_SECOND);
    println!(
        "apply to an empty account: {} created, {} requests ({} answered 429) in {:.0} ms; rate-limit minimum {:.0} ms; ratio {:.3}x",
        report.created.len(),
        stats.requests,
        stats.rate_limited,
        elapsed * 1000.0,
        minimum * 1000.0,
        elapsed / minimum
    );
    // One GET per resource would need this, from a full bucket:
    let per_resource =
        (total as f64 - f64::from(DEFAULT_BURST)).max(0.0) / f64::from(DEFAULT_RATE_PER_SECOND);
    println!(
        "for comparison, one GET per resource: at least {:.0} ms",
        per_resource * 1000.0
    );
    if let Some(mb) = peak_mb() {
        println!("peak resident memory after the apply (two sandboxes included): {mb:.1} MB");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
