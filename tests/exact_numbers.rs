//! Every number a user reads and writes back is sent as received: decimals that need
//! all 17 digits, integers beyond 64 bits, decimals beyond `f64`, in known and unknown
//! fields, and in a user's build with default features (not only in this crate's test
//! build, whose dev-dependencies turn more serde_json features on).

mod support;

use integrator_io::types;
use support::{CaptureServer, Reply};

const ID: &str = "5a6b7c8d9e0f1a2b3c4d5e6f";

/// Numbers real exports hold, as the API writes them.
const NUMBERS: [(&str, &str); 6] = [
    ("zzRatio", "9.592416666666667"),
    ("zzBig", "123456789012345678901234567890"),
    ("zzDecimal", "0.1000000000000000055511151231257827"),
    ("zzTiny", "5e-324"),
    ("zzNegative", "-18446744073709551617"),
    ("zzPrice", "19.99"),
];

fn export_text() -> String {
    let fields: Vec<String> = NUMBERS
        .iter()
        .map(|(name, number)| format!("\"{name}\":{number}"))
        .collect();
    format!(
        "{{\"_id\":\"{ID}\",\"name\":\"n\",\"pageSize\":9007199254740993,{},\"zzNested\":{{\"rows\":[{{\"qty\":3.3000000000000003}}]}}}}",
        fields.join(",")
    )
}

#[tokio::test]
async fn numbers_read_and_written_back_keep_their_exact_text() {
    let body = export_text();
    let server = CaptureServer::always(Reply::raw(200, "application/json", &body)).await;
    let client = server.client();
    let mut export: types::Export = client
        .get_export()
        .id(ID)
        .send()
        .await
        .unwrap()
        .into_inner();
    export.name = "renamed".to_string().into();
    client
        .update_export()
        .id(ID)
        .body(export)
        .send()
        .await
        .unwrap();
    let sent = String::from_utf8(server.requests()[1].body.clone()).unwrap();
    for (name, number) in NUMBERS {
        assert!(
            sent.contains(&format!("\"{name}\":{number}")),
            "{name}: {sent}"
        );
    }
    assert!(sent.contains("\"pageSize\":9007199254740993"), "{sent}");
    assert!(sent.contains("{\"qty\":3.3000000000000003}"), "{sent}");
}

/// The serde_json features of a build of `integrator-io` alone, with default features
/// and no dev-dependencies, as `cargo tree` resolves them.
fn serde_json_features_of_a_user_build() -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "--offline",
            "--package",
            "integrator-io",
            "--edges",
            "normal,build,features",
            "--invert",
            "serde_json",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("serde_json feature \""))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_default_feature_build_keeps_numbers_exact() {
    let features = serde_json_features_of_a_user_build();
    for needed in ["float_roundtrip", "arbitrary_precision"] {
        assert!(
            features.iter().any(|f| f == needed),
            "a user's build lacks serde_json/{needed}: {features:?}"
        );
    }
}
