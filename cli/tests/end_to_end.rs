//! The `integrator` binary against a real sandbox on loopback: listings and paging,
//! filters, --jq, every format, create, update --set, delete, --dry-run, exit codes
//! and bad input.

mod common;

use common::{ndjson, stderr, stdout, Env};
use integrator_io_sandbox::Sandbox;
use serde_json::{json, Value};

#[test]
fn a_listing_streams_every_page_and_stops_at_limit() {
    let env = Env::with(Sandbox::builder().seed(true).seed_list_items(45));
    let all = env
        .cli()
        .args(["exports", "list", "--page-size", "10", "--format", "ndjson"])
        .output()
        .unwrap();
    assert!(all.status.success(), "{}", stderr(&all));
    let items = ndjson(&all);
    // The seeded account's exports plus the 45 added: more than four pages of ten.
    assert!(items.len() > 45, "{} items", items.len());
    let ids: std::collections::BTreeSet<&str> =
        items.iter().map(|i| i["_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), items.len(), "no item twice");
    assert!(
        stderr(&all).is_empty(),
        "nothing on stderr when it is not a terminal"
    );

    let limited = env
        .cli()
        .args([
            "exports",
            "list",
            "--page-size",
            "10",
            "--limit",
            "13",
            "--format",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert_eq!(ndjson(&limited), items[..13].to_vec());

    let page = env
        .cli()
        .args([
            "exports",
            "list",
            "--page",
            "--page-size",
            "10",
            "--format",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert_eq!(ndjson(&page), items[..10].to_vec());
}

#[test]
fn a_filter_goes_to_the_api_and_jq_runs_in_process() {
    let env = Env::seeded();
    let all = ndjson(
        &env.cli()
            .args(["jobs", "list", "--format", "ndjson"])
            .output()
            .unwrap(),
    );
    let failed = env
        .cli()
        .args(["jobs", "list", "--status", "failed", "--format", "ndjson"])
        .output()
        .unwrap();
    assert!(failed.status.success(), "{}", stderr(&failed));
    let failed = ndjson(&failed);
    assert!(!failed.is_empty());
    assert_eq!(
        failed.len(),
        all.iter().filter(|j| j["status"] == "failed").count()
    );
    assert!(failed.iter().all(|j| j["status"] == "failed"));

    let ids = env
        .cli()
        .args([
            "jobs", "list", "--status", "failed", "--format", "ndjson", "--jq", "._id",
        ])
        .output()
        .unwrap();
    let expected: Vec<Value> = failed.iter().map(|j| j["_id"].clone()).collect();
    assert_eq!(ndjson(&ids), expected);

    let raw = env
        .cli()
        .args(["jobs", "list", "--status", "failed", "--jq", "._id", "-r"])
        .output()
        .unwrap();
    let raw_ids: Vec<String> = expected
        .iter()
        .map(|id| format!("{}\n", id.as_str().unwrap()))
        .collect();
    assert_eq!(
        stdout(&raw),
        raw_ids.concat(),
        "-r: one string a line, no quotes"
    );

    let selected = env
        .cli()
        .args([
            "jobs",
            "list",
            "--format",
            "ndjson",
            "--jq",
            r#"select(.status == "failed") | {id: ._id}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(ndjson(&selected).len(), failed.len());

    let bad = env
        .cli()
        .args(["jobs", "list", "--jq", ".[ | oops"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).starts_with("error: --jq: "),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn every_format_prints_the_same_items() {
    let env = Env::seeded();
    let ndjson_items = ndjson(
        &env.cli()
            .args(["flows", "list", "--format", "ndjson"])
            .output()
            .unwrap(),
    );
    assert!(ndjson_items.len() >= 2);

    // JSON off a terminal: one compact array on one line.
    let json_out = env.cli().args(["flows", "list"]).output().unwrap();
    let text = stdout(&json_out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        Value::Array(ndjson_items.clone())
    );

    let yaml_out = env
        .cli()
        .args(["flows", "list", "--format", "yaml"])
        .output()
        .unwrap();
    let yaml: Value = serde_yaml::from_str(&stdout(&yaml_out)).unwrap();
    assert_eq!(yaml, Value::Array(ndjson_items.clone()));

    let table = stdout(
        &env.cli()
            .args(["flows", "list", "--format", "table"])
            .output()
            .unwrap(),
    );
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("_ID") && lines[0].contains("NAME"),
        "{table}"
    );
    assert_eq!(lines.len(), ndjson_items.len() + 1);
    let first_name = ndjson_items[0]["name"].as_str().unwrap();
    assert!(lines[1].contains(first_name), "{table}");

    let columns = stdout(
        &env.cli()
            .args([
                "flows",
                "list",
                "--format",
                "table",
                "--columns",
                "name,_integrationId",
            ])
            .output()
            .unwrap(),
    );
    assert!(columns.starts_with("NAME"), "{columns}");
    assert!(
        columns.lines().next().unwrap().ends_with("_INTEGRATIONID"),
        "{columns}"
    );

    // One resource: JSON object, YAML mapping.
    let id = ndjson_items[0]["_id"].as_str().unwrap();
    let one = env.cli().args(["flows", "get", id]).output().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&one)).unwrap(),
        ndjson_items[0]
    );
    let one_yaml = env
        .cli()
        .args(["flows", "get", id, "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(
        serde_yaml::from_str::<Value>(&stdout(&one_yaml)).unwrap(),
        ndjson_items[0]
    );
}

/// An export body the sandbox accepts, with a field no schema knows and a number whose
/// text must survive (`1.50`).
fn export_body(env: &Env) -> std::path::PathBuf {
    let connections = ndjson(
        &env.cli()
            .args(["connections", "list", "--format", "ndjson"])
            .output()
            .unwrap(),
    );
    let connection = connections[0]["_id"].as_str().unwrap();
    env.file(
        "export.json",
        &format!(
            r#"{{"name": "CLI export", "_connectionId": "{connection}", "adaptorType": "HTTPExport",
               "http": {{"relativeURI": "/orders", "method": "GET"}},
               "xCustom": {{"ratio": 1.50, "tags": ["a", "b"]}}}}"#
        ),
    )
}

#[test]
fn create_then_update_with_set_keeps_every_other_field() {
    let env = Env::seeded();
    let body = export_body(&env);
    let created = env
        .cli()
        .args(["exports", "create", "--body"])
        .arg(&body)
        .output()
        .unwrap();
    assert!(created.status.success(), "{}", stderr(&created));
    let created: Value = serde_json::from_str(&stdout(&created)).unwrap();
    let id = created["_id"].as_str().unwrap().to_string();
    assert_eq!(created["name"], "CLI export");

    let before = env.export(&id).unwrap();
    assert_eq!(before["xCustom"]["ratio"].to_string(), "1.50");
    let updated = env
        .cli()
        .args([
            "exports",
            "update",
            &id,
            "--set",
            "name=Renamed",
            "--set",
            "http.method=POST",
            "--set",
            "pageSize:=50",
        ])
        .output()
        .unwrap();
    assert!(updated.status.success(), "{}", stderr(&updated));
    let after = env.export(&id).unwrap();
    assert_eq!(after["name"], "Renamed");
    assert_eq!(after["http"]["method"], "POST");
    assert_eq!(after["pageSize"], json!(50));
    assert_eq!(
        after["xCustom"]["ratio"].to_string(),
        "1.50",
        "numbers keep their text"
    );
    // Everything else as it was read (lastModified moves with any write).
    let mut expected = before.clone();
    for (k, v) in [("name", json!("Renamed")), ("pageSize", json!(50))] {
        expected[k] = v;
    }
    expected["http"]["method"] = json!("POST");
    expected["lastModified"] = after["lastModified"].clone();
    assert_eq!(after, expected);

    let bad = env
        .cli()
        .args(["exports", "update", &id, "--set", "name"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("expected PATH=TEXT or PATH:=JSON"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn update_with_set_refuses_to_write_a_masked_secret_back() {
    let env = Env::seeded();
    let connections = ndjson(
        &env.cli()
            .args(["connections", "list", "--format", "ndjson"])
            .output()
            .unwrap(),
    );
    let masked = connections
        .iter()
        .find(|c| c.to_string().contains("\"******\""))
        .expect("a seeded connection with a masked secret");
    let id = masked["_id"].as_str().unwrap();
    let before = env.requests();
    let out = env
        .cli()
        .args(["connections", "update", id, "--set", "name=Renamed"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("refusing to send the masked secret"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.requests(), before + 1, "the read only; no write");
}

#[test]
fn delete_needs_yes_off_a_terminal() {
    let env = Env::seeded();
    let body = export_body(&env);
    let created: Value = serde_json::from_str(&stdout(
        &env.cli()
            .args(["exports", "create", "--body"])
            .arg(&body)
            .output()
            .unwrap(),
    ))
    .unwrap();
    let id = created["_id"].as_str().unwrap();

    let before = env.requests();
    let refused = env.cli().args(["exports", "delete", id]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("without --yes"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(env.requests(), before, "nothing sent");
    assert!(env.export(id).is_some());

    let deleted = env
        .cli()
        .args(["exports", "delete", id, "--yes"])
        .output()
        .unwrap();
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    assert!(env.export(id).is_none());

    let again = env.cli().args(["exports", "get", id]).output().unwrap();
    assert_eq!(again.status.code(), Some(3), "not found has its own code");
    assert!(
        stderr(&again).contains("error: getExport: HTTP 404"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn dry_run_prints_the_request_with_the_token_redacted_and_sends_nothing() {
    let env = Env::seeded();
    let body = env.file("flow.json", r#"{"name": "Dry"}"#);
    let before = env.requests();
    let out = env
        .cli()
        .args([
            "flows",
            "create",
            "--dry-run",
            "--ashare-id",
            "5f0c9a1b2c3d4e5f6a7b8c9d",
            "--body",
        ])
        .arg(&body)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let base = env.sandbox.base_url();
    assert_eq!(
        text,
        format!(
            "POST {base}/flows\nAuthorization: Bearer <redacted>\nIntegrator-AShareId: 5f0c9a1b2c3d4e5f6a7b8c9d\n\
             accept: application/json\ncontent-type: application/json\n\n{{\"name\": \"Dry\"}}\n"
        )
    );
    assert!(!text.contains(env.sandbox.token()));
    let delete = env
        .cli()
        .args(["flows", "delete", "5f0c9a1b2c3d4e5f6a7b8c9d", "--dry-run"])
        .output()
        .unwrap();
    assert!(stdout(&delete).starts_with(&format!("DELETE {base}/flows/5f0c9a1b2c3d4e5f6a7b8c9d\n")));
    assert_eq!(env.requests(), before, "nothing sent");
}

#[test]
fn exit_codes_tell_usage_api_not_found_and_rate_limited_apart() {
    let env = Env::with(Sandbox::builder().seed(true).rate_limit(2, 1));
    let ok = env.cli().args(["auth", "get-token-info"]).output().unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // Burst spent: the next requests get 429, and with no retries the CLI gives up.
    let mut codes = Vec::new();
    for _ in 0..3 {
        let out = env
            .cli()
            .args(["auth", "get-token-info", "--retries", "0"])
            .output()
            .unwrap();
        codes.push((out.status.code(), stderr(&out)));
    }
    let limited = codes
        .iter()
        .find(|(code, _)| *code == Some(4))
        .unwrap_or_else(|| panic!("{codes:?}"));
    assert!(limited.1.contains("HTTP 429"), "{}", limited.1);

    let env = Env::seeded();
    let api = env
        .cli()
        .args(["exports", "create", "--body", "-"])
        .write_stdin(r#"{"name": 5}"#)
        .output()
        .unwrap();
    assert_eq!(api.status.code(), Some(1), "{}", stderr(&api));
    let api_err = stderr(&api);
    let lines: Vec<&str> = api_err.lines().collect();
    assert!(
        lines[0].starts_with("error: createExport: HTTP 4"),
        "{lines:?}"
    );
    assert!(
        lines.len() >= 2,
        "one line per entry of errors[]: {lines:?}"
    );

    let bad_token = env
        .bare()
        .env("INTEGRATOR_BASE_URL", env.sandbox.base_url())
        .env("INTEGRATOR_API_TOKEN", "wrong")
        .args(["flows", "list"])
        .output()
        .unwrap();
    assert_eq!(bad_token.status.code(), Some(1));
    assert!(!stderr(&bad_token).contains("wrong"));

    let no_token = env
        .bare()
        .env("INTEGRATOR_BASE_URL", env.sandbox.base_url())
        .args(["flows", "list"])
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert!(
        stderr(&no_token).contains("no API token"),
        "{}",
        stderr(&no_token)
    );
}

#[test]
fn bad_input_is_a_usage_error_and_nothing_is_sent() {
    let env = Env::seeded();
    let before = env.requests();
    let cases: [(&[&str], &str); 5] = [
        (
            &["flows", "list", "--no-such-flag"],
            "unexpected argument '--no-such-flag'",
        ),
        (
            &["jobs", "list", "--created-at-lte", "yesterday"],
            "invalid value 'yesterday' for '--created-at-lte",
        ),
        (
            &["jobs", "list", "--num-success-gte", "many"],
            "expected a whole number",
        ),
        (
            &["jobs", "list", "--retriable", "maybe"],
            "expected true or false",
        ),
        (&["exports", "get"], "required arguments were not provided"),
    ];
    for (args, message) in cases {
        let out = env.cli().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    let body = env.file("bad.json", r#"{"name": "x",}"#);
    let out = env
        .cli()
        .args(["flows", "create", "--body"])
        .arg(&body)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("not valid JSON: key must be a string at line 1 column 14; nothing was sent"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cli()
        .args(["flows", "create", "--body", "-"])
        .write_stdin("not json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env.cli().args(["flows", "create"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a required body");
    assert_eq!(env.requests(), before, "nothing sent");
}

#[test]
fn open_enums_list_their_known_values_and_accept_new_ones() {
    let env = Env::seeded();
    let help = stdout(&env.cli().args(["jobs", "list", "--help"]).output().unwrap());
    assert!(help.contains("[known values: queued, running"), "{help}");
    assert!(help.contains("--created-at-lte <CREATED_AT_LTE>"), "{help}");
    assert!(help.contains("--flow <FLOW>"), "{help}");
    let out = env
        .cli()
        .args([
            "jobs",
            "list",
            "--status",
            "a_status_added_later",
            "--format",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn verbose_traces_each_request_without_the_token() {
    let env = Env::seeded();
    let out = env
        .cli()
        .args(["flows", "list", "--verbose"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let trace = stderr(&out);
    assert!(
        trace.contains("operation=\"listFlows\"") || trace.contains("operation=listFlows"),
        "{trace}"
    );
    assert!(trace.contains("duration_ms"), "{trace}");
    assert!(!trace.contains(env.sandbox.token()), "{trace}");
}

#[test]
fn completions_and_man_page_come_from_the_command_tree() {
    let env = Env::seeded();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = env.bare().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(stdout(&out).contains("exports"), "{shell}");
    }
    let man = stdout(&env.bare().arg("man").output().unwrap());
    assert!(man.starts_with(".ie"), "{}", &man[..40.min(man.len())]);
    assert!(man.contains("integrator"));
}

#[test]
fn a_reader_that_goes_away_ends_the_listing_quietly() {
    use std::io::{BufRead, BufReader};
    let env = Env::with(Sandbox::builder().seed_list_items(5000).no_rate_limit());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_integrator"))
        .args([
            "exports",
            "list",
            "--format",
            "ndjson",
            "--page-size",
            "100",
        ])
        .env("INTEGRATOR_BASE_URL", env.sandbox.base_url())
        .env("INTEGRATOR_API_TOKEN", env.sandbox.token())
        .env("INTEGRATOR_CONFIG_DIR", env.config_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'));
    // The reader is dropped: the next writes fail with a broken pipe.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(
        env.requests() < 50,
        "paging stopped: {} requests",
        env.requests()
    );
}

#[test]
fn the_sandbox_command_serves_a_seeded_account() {
    use std::io::{BufRead, BufReader};
    let env = Env::seeded();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_integrator"))
        .args(["sandbox", "--port", "0", "--seed"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr_lines = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr_lines.read_line(&mut first).unwrap();
    // The sandbox logs each request on stderr: keep reading it.
    std::thread::spawn(move || std::io::copy(&mut stderr_lines, &mut std::io::sink()));
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_string();
    let flows = env
        .bare()
        .env("INTEGRATOR_BASE_URL", &base)
        .env("INTEGRATOR_API_TOKEN", "sandbox-token")
        .args(["flows", "list", "--format", "ndjson"])
        .output()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(flows.status.success(), "{}", stderr(&flows));
    assert!(!ndjson(&flows).is_empty(), "seeded");
}
