//! `integrator profile …` against a private configuration directory, and the order in
//! which profiles, environment variables and flags apply.

mod common;

use common::{ndjson, stderr, stdout, Env};
use serde_json::{json, Value};

#[test]
fn profiles_are_added_listed_used_shown_and_deleted() {
    let env = Env::seeded();
    let base = env.sandbox.base_url().to_string();
    let token = env.sandbox.token().to_string();

    let add = env
        .bare()
        .args([
            "profile",
            "add",
            "local",
            "--token-stdin",
            "--base-url",
            &base,
        ])
        .write_stdin(format!("{token}\n"))
        .output()
        .unwrap();
    assert!(add.status.success(), "{}", stderr(&add));
    let add_eu = env
        .bare()
        .args([
            "profile",
            "add",
            "eu",
            "--token",
            "another-token",
            "--region",
            "eu",
            "--ashare-id",
            "5f0c9a1b2c3d4e5f6a7b8c9d",
        ])
        .output()
        .unwrap();
    assert!(add_eu.status.success(), "{}", stderr(&add_eu));

    let file = env.config_dir().join("config.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // The first profile added is the default: commands use it with no token around.
    let flows = env
        .bare()
        .args(["flows", "list", "--format", "ndjson"])
        .output()
        .unwrap();
    assert!(flows.status.success(), "{}", stderr(&flows));
    assert!(!ndjson(&flows).is_empty());

    let list = env
        .bare()
        .args(["profile", "list", "--format", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(
        ndjson(&list),
        vec![
            json!({"name": "eu", "default": false, "region": "eu", "base_url": null, "ashare_id": "5f0c9a1b2c3d4e5f6a7b8c9d"}),
            json!({"name": "local", "default": true, "region": null, "base_url": base, "ashare_id": null}),
        ]
    );

    let show = env.bare().args(["profile", "show"]).output().unwrap();
    let shown: Value = serde_json::from_str(&stdout(&show)).unwrap();
    assert_eq!(
        shown,
        json!({"profile": "local", "token": "<redacted>", "token_from": "profile", "region": null, "base_url": base, "ashare_id": null})
    );
    assert!(!stdout(&show).contains(&token));

    // Environment and flags win over the profile.
    let over = env
        .bare()
        .env("INTEGRATOR_API_TOKEN", "from-env")
        .args(["profile", "show", "--ashare-id", "0123456789abcdef01234567"])
        .output()
        .unwrap();
    let over: Value = serde_json::from_str(&stdout(&over)).unwrap();
    assert_eq!(over["token_from"], "flag or INTEGRATOR_API_TOKEN");
    assert_eq!(over["ashare_id"], "0123456789abcdef01234567");
    let region = env
        .bare()
        .args(["profile", "show", "--region", "eu"])
        .output()
        .unwrap();
    let region: Value = serde_json::from_str(&stdout(&region)).unwrap();
    assert_eq!(
        (region["region"].clone(), region["base_url"].clone()),
        (json!("eu"), Value::Null)
    );

    let used = env.bare().args(["profile", "use", "eu"]).output().unwrap();
    assert!(used.status.success());
    let eu: Value = serde_json::from_str(&stdout(
        &env.bare().args(["profile", "show"]).output().unwrap(),
    ))
    .unwrap();
    assert_eq!(eu["profile"], "eu");
    let named: Value = serde_json::from_str(&stdout(
        &env.bare()
            .args(["profile", "show", "--profile", "local"])
            .output()
            .unwrap(),
    ))
    .unwrap();
    assert_eq!(named["profile"], "local");

    let missing = env
        .bare()
        .args(["flows", "list", "--profile", "nope"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no profile named \"nope\""),
        "{}",
        stderr(&missing)
    );

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("default = \"eu\""), "{text}");

    assert!(env
        .bare()
        .args(["profile", "delete", "eu"])
        .output()
        .unwrap()
        .status
        .success());
    let list = env
        .bare()
        .args(["profile", "list", "--format", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(ndjson(&list).len(), 1);
    let gone = env
        .bare()
        .args(["profile", "delete", "eu"])
        .output()
        .unwrap();
    assert_eq!(gone.status.code(), Some(2));
}

#[test]
fn a_profile_needs_a_token_and_a_valid_region() {
    let env = Env::seeded();
    let no_token = env.bare().args(["profile", "add", "x"]).output().unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    let bad_region = env
        .bare()
        .args(["profile", "add", "x", "--token", "t", "--region", "mars"])
        .output()
        .unwrap();
    assert_eq!(bad_region.status.code(), Some(2), "{}", stderr(&bad_region));
    assert!(!env.config_dir().join("config.toml").exists());
}
