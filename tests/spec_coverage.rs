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

/// Rows of today's inventory (`current-api.tsv`: method, path, success code or `?`,
/// area, sources, confidence, note) whose confidence is `official-*`.
fn official_rows() -> BTreeMap<(String, String), Option<u16>> {
    include_str!("data/current-api.tsv")
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|cols| cols.len() >= 6 && cols[5].starts_with("official"))
        .map(|cols| ((cols[0].to_string(), shape(cols[1])), cols[2].parse().ok()))
        .collect()
}

/// Where the inventory's success code and the spec's differ on purpose: the row, the
/// code the spec has, and why (the names are listed in `openapi/README.md`).
const CODE_SLIPS: [(&str, &str, u16, &str); 2] = [
    (
        "GET",
        "/integrations/{}/installSteps",
        200,
        "install-steps-get-201",
    ),
    ("PUT", "/flows/{}/{}/resolved", 200, "resolved-200-or-204"),
];

/// The spec's operations: (method, path shape) → primary success code.
fn spec_operations() -> BTreeMap<(String, String), Option<u16>> {
    support::spec()
        .operations()
        .into_iter()
        .map(|op| ((op.method.clone(), shape(&op.path)), op.success_code()))
        .collect()
}

/// The problems of one inventory against the spec (missing rows, other success codes).
fn compare(
    documented: &BTreeMap<(String, String), Option<u16>>,
    spec: &BTreeMap<(String, String), Option<u16>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for ((method, path), code) in documented {
        let slip = CODE_SLIPS
            .iter()
            .find(|(m, p, _, _)| m == method && p == path);
        match (spec.get(&(method.clone(), path.clone())), code) {
            (None, _) => problems.push(format!("missing from the spec: {method} {path}")),
            (Some(found), Some(code)) if *found != Some(*code) => match slip {
                Some((_, _, meant, name)) if *found == Some(*meant) => {
                    println!("tolerated {name}: {method} {path} documented {code}, spec {meant}")
                }
                _ => problems.push(format!(
                    "{method} {path}: documented {code}, spec says {found:?}"
                )),
            },
            _ => {}
        }
    }
    problems
}

#[test]
fn every_documented_endpoint_is_in_the_spec_with_its_success_code() {
    let legacy: BTreeMap<_, _> = documented()
        .into_iter()
        .map(|(k, code)| (k, Some(code)))
        .collect();
    let current = official_rows();
    let spec = spec_operations();
    let mut problems = compare(&legacy, &spec);
    problems.extend(compare(&current, &spec));
    for (method, path) in spec.keys() {
        let key = (method.clone(), path.clone());
        if !legacy.contains_key(&key) && !current.contains_key(&key) {
            problems.push(format!("in the spec but not documented: {method} {path}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!(
        "endpoint coverage: {} legacy and {} official current endpoints in {} operations",
        legacy.len(),
        current.len(),
        spec.len()
    );
    assert_eq!(legacy.len(), 100);
    assert!(current.len() >= 186, "official rows went missing");
}

#[test]
fn renamed_routes_keep_the_old_form_deprecated() {
    for (old, new) in [
        ("GET /connections/{}/ping", "POST /connections/{}/ping"),
        ("GET /connections/{}/debug/{}", "GET /connections/{}/debug"),
        ("GET /jobs/{}/joberrors", "GET /jobs/{}/errors"),
    ] {
        let find = |display: &str| {
            support::spec()
                .operations()
                .into_iter()
                .find(|op| format!("{} {}", op.method, shape(&op.path)) == display)
                .unwrap_or_else(|| panic!("{display} is not in the spec"))
        };
        let (old_op, new_op) = (find(old), find(new));
        let deprecated = |op: &integrator_io_codegen::spec::Operation| {
            support::spec()
                .raw
                .pointer(&format!(
                    "/paths/{}/{}/deprecated",
                    op.path.replace('~', "~0").replace('/', "~1"),
                    op.method.to_lowercase()
                ))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        assert!(deprecated(&old_op), "{old} is not deprecated");
        assert!(!deprecated(&new_op), "{new} is deprecated");
    }
}

#[test]
fn the_checked_in_inventory_matches_the_shared_notes_when_present() {
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/notes/current-api.tsv"
    );
    match std::fs::read_to_string(shared) {
        Ok(text) => assert_eq!(
            text,
            include_str!("data/current-api.tsv"),
            "tests/data/current-api.tsv is stale"
        ),
        Err(_) => println!("../shared/notes is not beside this clone; using the checked-in copy"),
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
