//! `cargo xtask live`: the live contract tests against a real account.
//!
//! Checks the environment (never printing the token), runs
//! `cargo test --locked --test live_contract -- --nocapture --test-threads=1` in the
//! workspace root while streaming its output, and ends with a summary of the `live:` and
//! `drift:` lines the tests print.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::sync::mpsc;

/// The test target the command runs, relative to the workspace root.
pub const TEST_FILE: &str = "tests/live_contract.rs";

/// The arguments given to `cargo`.
pub const CARGO_ARGS: [&str; 7] = [
    "test",
    "--locked",
    "--test",
    "live_contract",
    "--",
    "--nocapture",
    "--test-threads=1",
];

/// The live settings read from the environment, safe to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The token's length (the token itself is never kept here).
    pub token_length: usize,
    /// `na` or `eu`, if set.
    pub region: Option<String>,
    /// The base URL, if set.
    pub base_url: Option<String>,
    /// Whether an account-share id is set.
    pub ashare_id: bool,
    /// Whether write tests are enabled (`INTEGRATOR_LIVE_WRITE=1`).
    pub write: bool,
    /// Values that were set but are ignored, with why.
    pub notes: Vec<String>,
}

impl Settings {
    /// One line per setting, for the terminal.
    pub fn describe(&self) -> Vec<String> {
        let mut out = vec![format!(
            "INTEGRATOR_API_TOKEN   set ({} characters)",
            self.token_length
        )];
        out.push(format!(
            "INTEGRATOR_REGION      {}",
            self.region.as_deref().unwrap_or("not set (na)")
        ));
        out.push(format!(
            "INTEGRATOR_BASE_URL    {}",
            self.base_url.as_deref().unwrap_or("not set")
        ));
        out.push(format!(
            "INTEGRATOR_ASHARE_ID   {}",
            if self.ashare_id { "set" } else { "not set" }
        ));
        out.push(format!(
            "INTEGRATOR_LIVE_WRITE  {}",
            if self.write {
                "1: write tests enabled (resources are created, changed and deleted)"
            } else {
                "not 1: read-only"
            }
        ));
        out.extend(self.notes.iter().map(|n| format!("note: {n}")));
        out
    }
}

/// A variable's value when it is set and not blank.
fn set(var: Option<String>) -> Option<String> {
    var.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Reads the settings through `var` (the process environment in `run`); every problem
/// is listed, each naming its variable.
pub fn settings(var: impl Fn(&str) -> Option<String>) -> Result<Settings, Vec<String>> {
    let mut problems = Vec::new();
    let token_length = match set(var("INTEGRATOR_API_TOKEN")) {
        Some(token) => token.chars().count(),
        None => {
            problems.push(
                "INTEGRATOR_API_TOKEN is not set: the live tests need an API token of the account to test (integrator.io: Resources > API tokens)".to_string(),
            );
            0
        }
    };
    let region = set(var("INTEGRATOR_REGION")).map(|r| r.to_lowercase());
    if let Some(region) = &region {
        if region != "na" && region != "eu" {
            problems.push(format!(
                "INTEGRATOR_REGION is {region:?}: it must be na or eu (or unset for na)"
            ));
        }
    }
    let base_url = set(var("INTEGRATOR_BASE_URL"));
    if let Some(url) = &base_url {
        if !url.starts_with("https://") && !url.starts_with("http://") {
            problems.push(format!(
                "INTEGRATOR_BASE_URL is {url:?}: it must be an http(s) URL such as https://api.integrator.io/v1"
            ));
        }
    }
    let mut notes = Vec::new();
    let write_value = set(var("INTEGRATOR_LIVE_WRITE"));
    let write = write_value.as_deref() == Some("1");
    if let Some(value) = write_value.filter(|v| v != "1") {
        notes.push(format!(
            "INTEGRATOR_LIVE_WRITE is {value:?}, not 1: write tests stay off"
        ));
    }
    if problems.is_empty() {
        Ok(Settings {
            token_length,
            region,
            base_url,
            ashare_id: set(var("INTEGRATOR_ASHARE_ID")).is_some(),
            write,
            notes,
        })
    } else {
        Err(problems)
    }
}

/// What the end of a live run reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lines starting with `live:`.
    pub live: Vec<String>,
    /// Lines starting with `drift:` (the drift report).
    pub drift: Vec<String>,
    /// libtest's `test result:` lines.
    pub results: Vec<String>,
}

/// Collects the summary lines of the tests' output, in order (leading whitespace is
/// ignored, as are the lines' ends).
pub fn summarise<'a>(output: impl IntoIterator<Item = &'a str>) -> Summary {
    let mut summary = Summary::default();
    for line in output {
        let line = line.trim();
        if line.starts_with("live:") {
            summary.live.push(line.to_string());
        } else if line.starts_with("drift:") {
            summary.drift.push(line.to_string());
        } else if line.starts_with("test result:") {
            summary.results.push(line.to_string());
        }
    }
    summary
}

impl Summary {
    /// The summary as printed, with the run's exit status.
    pub fn render(&self, status: &str) -> String {
        let mut out = String::from("\n==== live summary ====\n");
        if self.live.is_empty() {
            out.push_str("(no live: lines)\n");
        }
        for line in &self.live {
            out.push_str(line);
            out.push('\n');
        }
        if self.drift.is_empty() {
            out.push_str("(no drift: lines)\n");
        } else {
            out.push_str(&format!("drift report ({} lines):\n", self.drift.len()));
        }
        for line in &self.drift {
            out.push_str(line);
            out.push('\n');
        }
        for line in &self.results {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!("cargo test exited with {status}"));
        out
    }
}

/// Checks the environment and that the live tests exist; every problem is listed.
pub fn preflight(
    root: &Path,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Settings, Vec<String>> {
    let mut problems = Vec::new();
    if !root.join(TEST_FILE).is_file() {
        problems.push(format!(
            "the live contract tests are not present: {} does not exist in {}",
            TEST_FILE,
            root.display()
        ));
    }
    match settings(var) {
        Ok(settings) if problems.is_empty() => Ok(settings),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            Err(problems)
        }
    }
}

/// Streams one output of the child to ours, sending each line for the summary.
fn stream(
    from: impl Read + Send + 'static,
    mut to: impl Write + Send + 'static,
    lines: mpsc::Sender<String>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            let _ = writeln!(to, "{line}");
            let _ = lines.send(line);
        }
    })
}

/// Runs `cargo xtask live` from the workspace root.
pub fn run(root: &Path) -> Result<ExitCode, String> {
    let settings = match preflight(root, |name| std::env::var(name).ok()) {
        Ok(settings) => settings,
        Err(problems) => {
            eprintln!("live: cannot run the live contract tests:");
            for problem in problems {
                eprintln!("  - {problem}");
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    crate::outln!("live: environment");
    for line in settings.describe() {
        crate::outln!("  {line}");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::outln!(
        "live: running `cargo {}` in {}",
        CARGO_ARGS.join(" "),
        root.display()
    );
    let mut command = Command::new(&cargo);
    command.args(CARGO_ARGS).current_dir(root);
    let (status, summary) = run_streaming(command)?;
    crate::outln!("{}", summary.render(&status.to_string()));
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs `command`, streaming its output and errors to ours line by line, and
/// summarises what it printed on both.
pub fn run_streaming(mut command: Command) -> Result<(ExitStatus, Summary), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let (sender, receiver) = mpsc::channel();
    let mut threads = Vec::new();
    if let Some(out) = child.stdout.take() {
        threads.push(stream(out, std::io::stdout(), sender.clone()));
    }
    if let Some(err) = child.stderr.take() {
        threads.push(stream(err, std::io::stderr(), sender.clone()));
    }
    drop(sender);
    let lines: Vec<String> = receiver.iter().collect();
    for thread in threads {
        let _ = thread.join();
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for {program}: {e}"))?;
    Ok((status, summarise(lines.iter().map(String::as_str))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_token_is_required_and_never_shown() {
        let problems = settings(env(&[])).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("INTEGRATOR_API_TOKEN is not set"));
        assert!(settings(env(&[("INTEGRATOR_API_TOKEN", "  ")])).is_err());

        let secret = "s3cr3t-token-value";
        let settings = settings(env(&[("INTEGRATOR_API_TOKEN", secret)])).unwrap();
        let described = settings.describe().join("\n");
        assert!(!described.contains(secret), "{described}");
        assert!(described.contains("set (18 characters)"), "{described}");
        assert!(described.contains("read-only"));
        assert_eq!(settings.region, None);
    }

    #[test]
    fn optional_settings_are_checked_and_described() {
        let settings = settings(env(&[
            ("INTEGRATOR_API_TOKEN", "t"),
            ("INTEGRATOR_REGION", "EU"),
            ("INTEGRATOR_BASE_URL", "https://api.eu.integrator.io/v1"),
            ("INTEGRATOR_ASHARE_ID", "5e03061cda20740022300f09"),
            ("INTEGRATOR_LIVE_WRITE", "1"),
        ]))
        .unwrap();
        assert_eq!(settings.region.as_deref(), Some("eu"));
        assert!(settings.write && settings.ashare_id);
        let described = settings.describe().join("\n");
        assert!(
            !described.contains("5e03061cda20740022300f09"),
            "{described}"
        );
        assert!(described.contains("write tests enabled"));

        let problems = super::settings(env(&[
            ("INTEGRATOR_REGION", "us"),
            ("INTEGRATOR_BASE_URL", "api.integrator.io"),
        ]))
        .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[1].contains("INTEGRATOR_REGION is \"us\""));
        assert!(problems[2].contains("INTEGRATOR_BASE_URL is \"api.integrator.io\""));

        let yes = super::settings(env(&[
            ("INTEGRATOR_API_TOKEN", "t"),
            ("INTEGRATOR_LIVE_WRITE", "yes"),
        ]))
        .unwrap();
        assert!(!yes.write);
        assert_eq!(yes.notes.len(), 1);
    }

    #[test]
    fn missing_live_tests_are_named() {
        let root = std::env::temp_dir().join(format!("xtask-live-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let problems = preflight(&root, env(&[("INTEGRATOR_API_TOKEN", "t")])).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("the live contract tests are not present"));
        assert!(problems[0].contains(TEST_FILE));
        let both = preflight(&root, env(&[])).unwrap_err();
        assert_eq!(both.len(), 2);

        std::fs::create_dir_all(root.join("tests")).unwrap();
        std::fs::write(root.join(TEST_FILE), "").unwrap();
        assert!(preflight(&root, env(&[("INTEGRATOR_API_TOKEN", "t")])).is_ok());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    #[cfg(unix)]
    fn output_and_errors_are_streamed_and_summarised_with_the_status() {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "echo 'live: GET /tokenInfo 200'; echo 'drift: GET /exports: extra field' >&2; echo other; exit 3",
        ]);
        let (status, summary) = run_streaming(command).unwrap();
        assert_eq!(status.code(), Some(3));
        assert_eq!(summary.live, vec!["live: GET /tokenInfo 200"]);
        assert_eq!(summary.drift, vec!["drift: GET /exports: extra field"]);

        let missing = run_streaming(Command::new("/nonexistent/cargo")).unwrap_err();
        assert!(
            missing.starts_with("cannot run /nonexistent/cargo"),
            "{missing}"
        );
    }

    #[test]
    fn the_summary_keeps_live_drift_and_result_lines() {
        let output = "\
   Compiling integrator-io v0.1.0
running 3 tests
live: GET /tokenInfo 200 ok
test token_info ... ok
  live: GET /exports 200 ok (12 records)
drift: GET /exports: field `foo` not in the spec
not a live: line
drift: GET /flows/{id}: `schedule` is a number, the spec says string
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out
";
        let summary = summarise(output.lines());
        assert_eq!(
            summary.live,
            vec![
                "live: GET /tokenInfo 200 ok",
                "live: GET /exports 200 ok (12 records)"
            ]
        );
        assert_eq!(summary.drift.len(), 2);
        assert!(summary.drift[0].starts_with("drift: GET /exports"));
        assert_eq!(summary.results.len(), 1);
        let text = summary.render("exit status: 0");
        assert!(text.contains("drift report (2 lines)"));
        assert!(text.ends_with("cargo test exited with exit status: 0"));
        assert_eq!(
            summarise("nothing\n".lines()).render("exit status: 101"),
            "\n==== live summary ====\n(no live: lines)\n(no drift: lines)\ncargo test exited with exit status: 101"
        );
    }
}
