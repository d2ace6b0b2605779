//! The `integrator-sync` program, run as a process against two sandboxes: exit codes,
//! output, and that no token is ever printed.

mod support;

use std::process::{Command, Output};

use serde_json::json;
use support::*;

/// Runs the program with the source as the current account and the target as profile
/// `prod`; answers exit code, stdout, stderr.
async fn program(accounts: &Accounts, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_integrator-sync"));
    command
        .args(args)
        .env_clear()
        .env("INTEGRATOR_API_TOKEN", accounts.source.token())
        .env("INTEGRATOR_BASE_URL", accounts.source.base_url())
        .env("INTEGRATOR_API_TOKEN_PROD", "prod-secret-token")
        .env("INTEGRATOR_BASE_URL_PROD", accounts.target.base_url());
    let output: Output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let (out, err) = (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    );
    for token in [accounts.source.token(), "prod-secret-token"] {
        assert!(
            !out.contains(token) && !err.contains(token),
            "a token was printed"
        );
    }
    (output.status.code().unwrap_or(-1), out, err)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_pulls_diffs_plans_and_applies_with_diff_like_exit_codes() {
    let accounts =
        Accounts::start_with(integrator_io_sandbox::Sandbox::builder().token("prod-secret-token"))
            .await;
    seed(&accounts.source_remote()).await;
    let dir = temp_dir("binary");
    let tree = dir.join("tree");
    let tree = tree.to_str().unwrap();

    let (code, out, err) = program(&accounts, &["pull", INTEGRATION, tree]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("pulled 13 resources into"), "{out}");
    let (code, out, _) = program(&accounts, &["plan", tree, "--to", "prod"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("13 to create, 0 to update, 0 to delete, 0 blocked"),
        "{out}"
    );
    let (code, out, err) = program(&accounts, &["apply", tree, "--to", "prod"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = program(
        &accounts,
        &["plan", tree, "--to", "prod", "--format", "json"],
    )
    .await;
    assert_eq!(code, 0, "{out}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    let live = format!("prod:{}", plan["targetIntegration"].as_str().unwrap());
    let (code, out, _) = program(&accounts, &["diff", tree, &live]).await;
    assert_eq!((code, out.as_str()), (0, "no differences\n"));

    let mut flow = read_json(&dir.join("tree"), "flows/orders-to-netsuite.json");
    flow["disabled"] = json!(true);
    write_json(&dir.join("tree"), "flows/orders-to-netsuite.json", &flow);
    let (code, out, _) = program(&accounts, &["diff", tree, &live]).await;
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "~ flows/orders-to-netsuite\n    /disabled: true -> false\n1 resources differ\n"
    );

    let (code, out, err) = program(&accounts, &["diff", tree, "nowhere"]).await;
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: \"nowhere\" is neither a directory nor a live integration (PROFILE:ID)\n"
    );
    let (code, _, err) = program(
        &accounts,
        &["pull", INTEGRATION, tree, "--account", "staging"],
    )
    .await;
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: profile staging: ") && err.contains("_STAGING"),
        "{err}"
    );
}

/// Every operation's future is `Send` (it can be spawned), `cli::run`'s included.
#[allow(dead_code)]
fn futures_are_send(
    remote: &integrator_io_sync::Remote,
    plan: &integrator_io_sync::Plan,
    journal: &mut integrator_io_sync::Journal,
    options: &integrator_io_sync::ApplyOptions,
    command: &integrator_io_sync::cli::SyncCommand,
    accounts: &dyn integrator_io_sync::cli::Accounts,
) {
    fn send<T: Send>(_: T) {}
    send(integrator_io_sync::pull(remote, "x"));
    send(integrator_io_sync::plan(
        integrator_io_sync::Tree::default(),
        remote,
        &integrator_io_sync::Journal::in_memory(),
        &integrator_io_sync::PlanOptions::default(),
    ));
    send(integrator_io_sync::apply(
        plan,
        remote,
        journal,
        std::path::Path::new("."),
        options,
    ));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    send(integrator_io_sync::cli::run(
        command, accounts, &mut out, &mut err,
    ));
}
