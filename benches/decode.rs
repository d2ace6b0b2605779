//! Decode: a page of 10,000 realistic export records (nested NetSuite, HTTP and
//! Salesforce sub-objects, unknown fields), from the same bytes into the generated types
//! (`Vec<types::Export>`) and into `serde_json::Value`. The generated types decode
//! without serde's `flatten` (see `codegen/src/deserialize.rs`); the ratio of the two
//! times is the figure in BENCHMARKS.md, section 2.
//!
//! `cargo bench --bench decode`

mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use integrator_io::types;

const RECORDS: usize = 10_000;

fn decode(c: &mut Criterion) {
    let page: Vec<serde_json::Value> = (0..RECORDS).map(common::export_record).collect();
    let bytes = serde_json::to_vec(&page).unwrap();
    // Sanity: every record decodes, and re-encodes to the same JSON, unknown fields
    // included (so the typed side does all the work the `Value` side does).
    let typed: Vec<types::Export> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(typed.len(), RECORDS);
    assert!(typed.iter().all(|export| !export.extra.is_empty()));
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        serde_json::Value::from(page)
    );
    drop(typed);
    eprintln!(
        "page: {RECORDS} records, {} bytes ({:.2} MB)",
        bytes.len(),
        bytes.len() as f64 / 1e6
    );

    let mut group = c.benchmark_group("decode-10k-exports");
    group.throughput(Throughput::BytesDecimal(bytes.len() as u64));
    group.bench_function("types::Export", |b| {
        b.iter(|| {
            let page: Vec<types::Export> =
                serde_json::from_slice(std::hint::black_box(&bytes)).unwrap();
            page
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            let page: serde_json::Value =
                serde_json::from_slice(std::hint::black_box(&bytes)).unwrap();
            page
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = decode
}
criterion_main!(benches);
