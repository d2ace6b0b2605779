//! `cargo xtask docs-diff`, `docs-examples`, `live` and the help, run as a user runs
//! them (the built binary), on the real API docs.
//!
//! `tests/data/seeds` and `tests/data/integrator-api-docs` are verbatim copies of
//! `../shared/seeds` and `../shared/reference/integrator-api-docs`, so that these tests
//! always have the real docs to read; when `../shared` exists (beside the workspace) the
//! tests also read it, and say so when it does not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("INTEGRATOR_API_TOKEN")
        .output()
        .expect("the xtask binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn data(dir: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir)
        .display()
        .to_string()
}

/// The committed copies of the docs: seeds, official pages, and today's endpoint
/// inventory (the workspace's `tests/data/current-api.tsv`, which the coverage test
/// also reads).
fn committed_docs() -> [String; 3] {
    [
        data("seeds"),
        data("integrator-api-docs"),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/current-api.tsv")
            .display()
            .to_string(),
    ]
}

/// `../shared` beside the workspace, if present.
fn shared() -> Option<PathBuf> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if shared.join("seeds").is_dir()
        && shared.join("reference/integrator-api-docs").is_dir()
        && shared.join("notes/current-api.tsv").is_file()
    {
        Some(shared)
    } else {
        println!(
            "skipped: {} is not present (CI may run without it); the committed copies under tests/data are checked instead",
            shared.display()
        );
        None
    }
}

fn shared_docs(shared: &Path) -> [String; 3] {
    [
        shared.join("seeds").display().to_string(),
        shared
            .join("reference/integrator-api-docs")
            .display()
            .to_string(),
        shared.join("notes/current-api.tsv").display().to_string(),
    ]
}

/// A fresh directory under the target's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// The real page `integrator-api-docs/<name>`: from `../shared` when present, else the
/// committed copy.
fn real_page(name: &str) -> String {
    let path = match shared() {
        Some(shared) => shared.join("reference/integrator-api-docs").join(name),
        None => PathBuf::from(data("integrator-api-docs")).join(name),
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in the page");
    text.replacen(from, to, 1)
}

fn assert_docs_diff_clean(docs: &[String]) {
    let args: Vec<&str> = std::iter::once("docs-diff")
        .chain(docs.iter().map(String::as_str))
        .collect();
    let output = xtask(&args);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}\n{}", stderr(&output));
    for expected in [
        "Documented but missing from the spec (0):\n  none",
        "In the spec but not in the given docs (0):\n  none",
        "Documented with a different success code (0):\n  none",
        "\nok: every documented endpoint is in the spec with its success code",
    ] {
        assert!(out.contains(expected), "{expected}\n--- in ---\n{out}");
    }
    // Every endpoint slip of the real docs is named where it is tolerated.
    for slip in [
        "filedefinitions-written-as-integrations  ",
        "connection-singular  ",
        "install-steps-get-201  ",
        "joberrors-case  ",
        "template-singular  ",
        "audit-model-plural  ",
        "optional-last-parameter  ",
        "resolved-200-or-204  ",
    ] {
        assert!(out.contains(slip), "{slip} tolerated\n--- in ---\n{out}");
    }
    assert!(
        out.contains("seeds/001_e6843aff7fa27638.txt:149  GET /integrations/<_id> 200 -> GET /filedefinitions/<_id> 200"),
        "{out}"
    );
    // The inventory's third-party rows are named as not read.
    assert!(
        out.contains("third-party row GET /agents"),
        "third-party rows listed\n--- in ---\n{out}"
    );
}

#[test]
fn docs_diff_on_the_committed_docs_reports_nothing_missing() {
    assert_docs_diff_clean(&committed_docs());
}

#[test]
fn docs_diff_on_the_shared_docs_reports_nothing_missing() {
    let Some(shared) = shared() else { return };
    assert_docs_diff_clean(&shared_docs(&shared));
}

#[test]
fn docs_diff_reports_a_doctored_page_added_removed_and_changed_endpoints() {
    let page = real_page("export.md");
    let page = replace_once(
        &page,
        "|/exports/{_id}/clone|POST|201|Clone a specific export.|\n",
        "|/exports/{_id}/preview|POST|200|Preview a specific export.|\n",
    );
    let page = replace_once(
        &page,
        "|/exports/{_id}|DELETE|204|",
        "|/exports/{_id}|DELETE|200|",
    );
    let dir = temp_dir("doctored-export");
    std::fs::write(dir.join("export.md"), page).unwrap();

    let output = xtask(&["docs-diff", &dir.display().to_string()]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let page = dir.join("export.md").display().to_string();
    for expected in [
        format!("Documented but missing from the spec (1):\n  POST /exports/{{}}/preview  (written /exports/{{_id}}/preview at {page}:15)"),
        "  POST /exports/{id}/clone (cloneExport)\n".to_string(),
        format!("Documented with a different success code (1):\n  DELETE /exports/{{id}} (deleteExport): the spec says 204, {page}:12 documents 200"),
        "FAILED: the spec does not cover the docs (1 missing,".to_string(),
    ] {
        assert!(out.contains(&expected), "{expected}\n--- in ---\n{out}");
    }
}

fn assert_docs_examples_clean(docs: &[String]) {
    let args: Vec<&str> = std::iter::once("docs-examples")
        .chain(docs.iter().map(String::as_str))
        .collect();
    let output = xtask(&args);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}\n{}", stderr(&output));
    assert!(!out.contains("\nFAIL "), "{out}");
    assert!(
        out.contains("\nok: 52 examples, 52 name a spec operation, 0 name none; samples: 69 valid, 0 invalid against the spec, 2 unparseable in the docs"),
        "{out}"
    );
    // Seed 001's first paged-export sample is broken JSON: the docs' fault, reported as such.
    assert!(
        out.contains("seeds/001_e6843aff7fa27638.txt:43  POST /v1/connections/554••••••••••••••••••009/export/pages\n      operation: POST /connections/{id}/export/pages (runPagedVirtualExport)\n      request:   valid against the request body schema\n      response:  unparseable in the docs"),
        "{out}"
    );
    for slip in ["json-comments  ", "joberrors-case  ", "template-singular  "] {
        assert!(out.contains(slip), "{slip} tolerated\n--- in ---\n{out}");
    }
}

#[test]
fn docs_examples_on_the_committed_docs_are_valid_against_the_spec() {
    assert_docs_examples_clean(&committed_docs());
}

#[test]
fn docs_examples_on_the_shared_docs_are_valid_against_the_spec() {
    let Some(shared) = shared() else { return };
    assert_docs_examples_clean(&shared_docs(&shared));
}

#[test]
fn docs_examples_reports_a_doctored_page() {
    let page = real_page("export.md");
    // The PUT's answer gets a name that is not a string; the GET asks for an unknown path.
    let page = replace_once(
        &page,
        "    \"lastModified\": \"2017-11-28T19:37:04.180Z\",\n    \"name\": \"GitHub Event Listener (updated!)\",",
        "    \"lastModified\": \"2017-11-28T19:37:04.180Z\",\n    \"name\": 42,",
    );
    let page = replace_once(
        &page,
        "GET /v1/exports/55ea776bb751843c37b7b366 HTTP/1.1",
        "GET /v1/exports/55ea776bb751843c37b7b366/preview HTTP/1.1",
    );
    let dir = temp_dir("doctored-export-examples");
    std::fs::write(dir.join("export.md"), page).unwrap();

    let output = xtask(&["docs-examples", &dir.display().to_string()]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    for expected in [
        "export.md:22  GET /v1/exports/55ea776bb751843c37b7b366/preview\n      operation: NOT FOUND in the spec",
        "      response:  INVALID against the spec (1)\n                 at /name: 42 is not of type \"string\"",
        "\nFAILED: 2 examples, 1 name a spec operation, 1 name none",
    ] {
        assert!(out.contains(expected), "{expected}\n--- in ---\n{out}");
    }
}

#[test]
fn unreadable_inputs_are_named_and_exit_2() {
    let dir = temp_dir("unreadable");
    let missing = dir.join("no-such-page.md").display().to_string();
    let output = xtask(&["docs-diff", &missing]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(&format!("cannot read {missing}")),
        "{}",
        stderr(&output)
    );

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.json"), "{}").unwrap();
    let output = xtask(&["docs-examples", &empty.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("holds no .md or .txt documentation file"),
        "{}",
        stderr(&output)
    );

    let binary = dir.join("binary.md");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let output = xtask(&["docs-diff", &binary.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(&format!("cannot read {}", binary.display())),
        "{}",
        stderr(&output)
    );

    let output = xtask(&["docs-diff"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("required arguments were not provided"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("<PATH>..."), "{}", stderr(&output));
}

#[test]
fn every_command_has_help_and_the_usage_lists_them_all() {
    let output = xtask(&["--help"]);
    assert!(output.status.success());
    let usage = stdout(&output);
    for command in ["codegen", "spec lint", "docs-diff", "docs-examples", "live"] {
        let first = command.split(' ').next().unwrap();
        assert!(usage.contains(&format!("\n  {first} ")), "{usage}");
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let output = xtask(&args);
        assert!(output.status.success(), "{command} --help");
        let help = stdout(&output);
        assert!(
            help.contains(&format!("Usage: cargo xtask {command}")),
            "{command}: {help}"
        );
    }
    let output = xtask(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unrecognized subcommand 'frobnicate'"));
    assert!(stderr(&output).contains("Usage: cargo xtask"));
}

#[test]
fn live_without_a_token_fails_and_says_what_is_missing() {
    // `xtask` removes INTEGRATOR_API_TOKEN from the child's environment, so nothing runs.
    let output = xtask(&["live"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("live: cannot run the live contract tests:"),
        "{err}"
    );
    assert!(err.contains("INTEGRATOR_API_TOKEN is not set"), "{err}");
}

#[test]
fn a_closed_output_is_not_a_panic() {
    // `cargo xtask docs-diff ... | head`: the reader goes away before the report is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["docs-diff", &data("seeds")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the xtask binary runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("it ends");
    assert_ne!(output.status.code(), Some(101), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}
