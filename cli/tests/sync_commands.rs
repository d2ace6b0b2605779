//! `integrator pull|diff|plan|apply` (the sync crate mounted in the command line), run as
//! the binary against two sandboxes, each reached through a profile: the README's git
//! workflow from a seeded "dev" account to an empty "prod" one.

mod common;

use common::{stderr, stdout, Env};
use integrator_io_sandbox::Sandbox;

fn add_profile(env: &Env, name: &str, sandbox: &Sandbox) {
    let add = env
        .bare()
        .args(["profile", "add", name, "--token-stdin", "--base-url"])
        .arg(sandbox.base_url())
        .write_stdin(format!("{}\n", sandbox.token()))
        .output()
        .unwrap();
    assert!(add.status.success(), "{}", stderr(&add));
}

#[test]
fn pull_diff_plan_and_apply_between_two_profiles() {
    let dev = Env::seeded();
    let prod = dev
        .runtime
        .block_on(Sandbox::builder().port(0).token("prod-token").start())
        .unwrap();
    add_profile(&dev, "dev", &dev.sandbox);
    add_profile(&dev, "prod", &prod);
    let tree = dev.dir.path().join("shopify-netsuite");
    let tree = tree.to_str().unwrap();
    let run = |args: &[&str]| dev.bare().args(args).output().unwrap();

    let pull = run(&["--profile", "dev", "pull", "Shopify - NetSuite", tree]);
    assert!(pull.status.success(), "{}", stderr(&pull));
    assert!(std::path::Path::new(tree).join("manifest.json").is_file());
    let on_disk = std::fs::read_to_string(std::path::Path::new(tree).join("integration.json"));
    assert!(!on_disk.unwrap().contains(dev.sandbox.token()));

    let same = run(&["diff", tree, "dev:Shopify - NetSuite"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));

    let plan = run(&["plan", tree, "--to", "prod"]);
    assert_eq!(plan.status.code(), Some(1), "{}", stderr(&plan));
    assert!(
        stdout(&plan).contains("+ create connections/shopify"),
        "{}",
        stdout(&plan)
    );
    let before = prod.stats().requests;
    let dry = run(&["plan", tree, "--to", "prod", "--format", "json"]);
    assert_eq!(dry.status.code(), Some(1));
    let planned: serde_json::Value = serde_json::from_str(&stdout(&dry)).unwrap();
    assert!(planned.is_object() || planned.is_array(), "{planned}");
    assert!(prod.stats().requests > before, "plan reads the target");

    let apply = run(&["apply", tree, "--to", "prod"]);
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let again = run(&["plan", tree, "--to", "prod"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    let live = run(&["diff", tree, "prod:Shopify - NetSuite"]);
    assert_eq!(live.status.code(), Some(0), "{}", stdout(&live));

    // A usage error of a sync command is the command line's exit 2, nothing printed on stdout.
    let bad = run(&["diff", tree, "not-a-dir-nor-profile"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stdout(&bad).is_empty());
    let output = [pull, same, plan, apply, again, live, bad];
    for out in &output {
        assert!(!stdout(out).contains("prod-token") && !stderr(out).contains("prod-token"));
    }
}
