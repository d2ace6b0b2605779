//! Pages through every integration, flow and job of an account and prints a summary,
//! with a progress line for long listings. Memory stays bounded by one page.
//!
//! ```text
//! cargo run --example account_summary                          # a seeded local sandbox
//! INTEGRATOR_API_TOKEN=... cargo run --example account_summary # read-only, live
//! ```

mod common;

use std::collections::BTreeMap;
use std::io::Write;

use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // In the sandbox: enough flows and jobs that the listings take several pages.
    let target = common::connect(|sandbox| sandbox.seed_list_items(2_500)).await?;
    let client = &target.client;

    let integrations = client.list_integrations().collect_all().await?;
    let names: BTreeMap<String, String> = integrations
        .iter()
        .filter_map(|i| {
            Some((
                i.id.value()?.clone(),
                i.name.value().cloned().unwrap_or_default(),
            ))
        })
        .collect();
    println!("{} integrations", integrations.len());

    // Flows per integration, counted as they stream past.
    let mut flows_per_integration: BTreeMap<String, usize> = BTreeMap::new();
    let mut disabled = 0;
    let mut flows = client.list_flows().limit(500).stream();
    let mut seen = 0usize;
    while let Some(flow) = flows.try_next().await? {
        seen += 1;
        progress("flows", seen);
        let integration = flow
            .integration_id
            .value()
            .cloned()
            .unwrap_or_else(|| "(standalone)".into());
        *flows_per_integration.entry(integration).or_default() += 1;
        if flow.disabled.value() == Some(&true) {
            disabled += 1;
        }
    }
    eprintln!();
    println!("{seen} flows ({disabled} disabled)");
    for (id, count) in flows_per_integration.iter().take(10) {
        let name = names.get(id).map_or("", String::as_str);
        println!("  {count:>6}  {id} {name}");
    }

    // Jobs by status and type; the listing pages back in time.
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut records = 0u64;
    let mut jobs = client.list_jobs().limit(1000).stream();
    let mut seen = 0usize;
    while let Some(job) = jobs.try_next().await? {
        seen += 1;
        progress("jobs", seen);
        let status = job
            .status
            .value()
            .map_or("?".to_string(), |s| s.as_str().to_string());
        *by_status.entry(status).or_default() += 1;
        records += job.num_success.value().copied().unwrap_or(0).max(0) as u64;
    }
    eprintln!();
    println!("{seen} jobs, {records} records succeeded");
    for (status, count) in &by_status {
        println!("  {count:>6}  {status}");
    }
    Ok(())
}

/// A progress line on stderr every 250 items.
fn progress(what: &str, n: usize) {
    if n.is_multiple_of(250) {
        eprint!("\r  {what}: {n}…");
        let _ = std::io::stderr().flush();
    }
}
