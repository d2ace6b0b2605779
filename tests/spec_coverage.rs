//! The spec covers every documented endpoint with its documented success code, and
//! nothing else.

mod support;

use std::collections::BTreeMap;

/// `/flows/{flowId}/{stepId}` → `/flows/{}/{}`.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn documented() -> BTreeMap<(String, String), u16> {
    let text = include_str!("data/endpoints.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("method\t") && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (
                (cols[0].to_string(), shape(cols[1])),
                cols[2].parse().expect("a success code"),
            )
        })
        .collect()
}

#[test]
fn every_documented_endpoint_is_in_the_spec_with_its_success_code() {
    let documented = documented();
    let spec: BTreeMap<(String, String), Option<u16>> = support::spec()
        .operations()
        .into_iter()
        .map(|op| ((op.method.clone(), shape(&op.path)), op.success_code()))
        .collect();
    let mut problems = Vec::new();
    for ((method, path), code) in &documented {
        match spec.get(&(method.clone(), path.clone())) {
            None => problems.push(format!("missing from the spec: {method} {path}")),
            Some(found) if *found != Some(*code) => problems.push(format!(
                "{method} {path}: documented {code}, spec says {found:?}"
            )),
            Some(_) => {}
        }
    }
    for (method, path) in spec.keys() {
        if !documented.contains_key(&(method.clone(), path.clone())) {
            problems.push(format!("in the spec but not documented: {method} {path}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!(
        "endpoint coverage: {}/{} documented endpoints",
        documented.len(),
        spec.len()
    );
    assert_eq!(documented.len(), 100);
}

#[test]
fn the_checked_in_endpoint_list_matches_the_shared_reference_when_present() {
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/endpoints.tsv");
    match std::fs::read_to_string(shared) {
        Ok(text) => assert_eq!(
            text,
            include_str!("data/endpoints.tsv"),
            "tests/data/endpoints.tsv is stale"
        ),
        Err(_) => {
            println!("../shared/endpoints.tsv is not beside this clone; using the checked-in copy")
        }
    }
}

#[test]
fn every_operation_has_a_unique_id_a_tag_and_a_summary() {
    let ops = support::spec().operations();
    let mut ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), ops.len());
    for op in &ops {
        assert!(
            !op.tags.is_empty() && !op.summary.is_empty(),
            "{}",
            op.display()
        );
    }
    // The generated table agrees with the spec.
    assert_eq!(integrator_io::operations::ALL.len(), ops.len());
    for op in &ops {
        let generated =
            integrator_io::operations::by_method_name(&op.rust_name).expect("in the table");
        assert_eq!(
            (generated.id, generated.method, generated.path),
            (op.id.as_str(), op.method.as_str(), op.path.as_str())
        );
    }
}
