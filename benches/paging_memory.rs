//! Paging memory: the client's peak resident memory while it streams 20,000 and then
//! 200,000 items, through list paging (`list_exports().limit(1000).stream()`) and through
//! a paged virtual export (`virtual_export_records`, pages of 1000). Memory stays bounded
//! by one page if the ratio of the two peaks is about 1.
//!
//! `cargo bench --bench paging_memory`
//!
//! The sandbox holds the data, so it runs in a process of its own (this program started
//! again as the server), and each client measurement runs in a fresh process too: its
//! `VmHWM` (peak RSS, from /proc/self/status) then belongs to that stream alone.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use futures::TryStreamExt;
use integrator_io::{types, Client};
use integrator_io_sandbox::Sandbox;

const ROLE: &str = "PAGING_MEMORY_ROLE";
const SIZES: [usize; 2] = [20_000, 200_000];

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    match std::env::var(ROLE).as_deref() {
        Ok("server") => server(),
        Ok("client") => client(),
        _ => orchestrate(),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The sandbox, seeded with `N` exports and `N` virtual export records; prints its base
/// URL and token, and serves until its stdin closes.
fn server() {
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    let runtime = runtime();
    let sandbox = runtime.block_on(async {
        Sandbox::builder()
            .seed(true)
            .seed_list_items(n)
            .seed_records(n)
            .no_rate_limit()
            .start()
            .await
            .unwrap()
    });
    println!("{} {}", sandbox.base_url(), sandbox.token());
    std::io::stdout().flush().unwrap();
    let _ = std::io::stdin().read_line(&mut String::new());
    drop(sandbox);
}

/// Streams one kind of item from the sandbox; prints the count, the peak RSS before the
/// stream and after it (KiB), and the seconds it took.
fn client() {
    let kind = std::env::var("KIND").unwrap();
    let url = std::env::var("URL").unwrap();
    let token = std::env::var("TOKEN").unwrap();
    let runtime = runtime();
    let client = Client::builder()
        .token(token)
        .base_url(url)
        .no_rate_limit()
        .build()
        .unwrap();
    let connection = runtime.block_on(async {
        client.list_connections().send().await.unwrap()[0]
            .id
            .value()
            .unwrap()
            .clone()
    });
    let (before, _) = common::memory_kib();
    let started = Instant::now();
    let count = runtime.block_on(async {
        let mut count = 0usize;
        if kind == "list" {
            let mut items = client.list_exports().limit(1000).stream();
            while let Some(export) = items.try_next().await.unwrap() {
                std::hint::black_box(export);
                count += 1;
            }
        } else {
            let export: types::Export =
                serde_json::from_value(serde_json::json!({"name": "all", "pageSize": 1000}))
                    .unwrap();
            let mut records = client.virtual_export_records(&connection, export);
            while let Some(record) = records.try_next().await.unwrap() {
                std::hint::black_box(record);
                count += 1;
            }
        }
        count
    });
    let (after, _) = common::memory_kib();
    println!(
        "{count} {before} {after} {:.3}",
        started.elapsed().as_secs_f64()
    );
}

fn orchestrate() {
    let me = std::env::current_exe().unwrap();
    let mut peaks = std::collections::BTreeMap::new();
    for n in SIZES {
        let started = Instant::now();
        let mut server = Command::new(&me)
            .env(ROLE, "server")
            .env("N", n.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let (url, token) = line.trim().split_once(' ').unwrap();
        println!(
            "sandbox seeded with {n} exports and {n} records in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        for kind in ["list", "virtual"] {
            let out = Command::new(&me)
                .env(ROLE, "client")
                .env("KIND", kind)
                .env("URL", url)
                .env("TOKEN", token)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).unwrap();
            let fields: Vec<&str> = text.split_whitespace().collect();
            let count: usize = fields[0].parse().unwrap();
            let before: u64 = fields[1].parse().unwrap();
            let after: u64 = fields[2].parse().unwrap();
            println!(
                "{kind:8} {n:>7}: {count} items in {} s; client peak RSS {:.1} MiB \
                 (before streaming {:.1} MiB)",
                fields[3],
                after as f64 / 1024.0,
                before as f64 / 1024.0
            );
            peaks.insert((kind, n), after);
        }
        drop(server.stdin.take());
        server.wait().unwrap();
    }
    for kind in ["list", "virtual"] {
        let small = peaks[&(kind, SIZES[0])] as f64;
        let large = peaks[&(kind, SIZES[1])] as f64;
        println!(
            "{kind:8}: peak RSS at {} / at {}: {:.3} (goal <= 1.2)",
            SIZES[1],
            SIZES[0],
            large / small
        );
    }
}
