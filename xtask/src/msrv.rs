//! `cargo xtask msrv`: the declared minimum Rust version against the locked dependencies.
//!
//! Without a second toolchain (CI cannot download one), the check is what can be read:
//! every workspace package declares the same `rust-version`, and no package of the
//! locked dependency graph (all features, all targets) declares a newer one.

use std::path::Path;
use std::process::{Command, ExitCode};

use serde_json::Value;

/// A `rust-version` as numbers: `1.88` is `[1, 88, 0]`.
pub fn parse_version(text: &str) -> Option<[u64; 3]> {
    let mut parts = [0u64; 3];
    let mut count = 0;
    for (i, part) in text.trim().split('.').enumerate() {
        *parts.get_mut(i)? = part.parse().ok()?;
        count = i + 1;
    }
    (count >= 2).then_some(parts)
}

/// What the check found in `cargo metadata`'s answer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// The workspace's declared `rust-version`.
    pub msrv: Option<String>,
    /// Problems: a member without `rust-version`, members that disagree, a dependency
    /// that needs a newer Rust.
    pub problems: Vec<String>,
    /// Dependencies checked, and how many of them declare no `rust-version`.
    pub checked: usize,
    /// Dependencies without a declared `rust-version` (nothing to compare).
    pub undeclared: usize,
    /// The highest `rust-version` a dependency declares, and which.
    pub highest: Option<(String, String)>,
}

/// Checks `cargo metadata --format-version 1` output.
pub fn check(metadata: &Value) -> Findings {
    let mut findings = Findings::default();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let in_graph: Option<Vec<&str>> = metadata["resolve"]["nodes"]
        .as_array()
        .map(|nodes| nodes.iter().filter_map(|n| n["id"].as_str()).collect());
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let name_of = |p: &Value| {
        format!(
            "{} {}",
            p["name"].as_str().unwrap_or("?"),
            p["version"].as_str().unwrap_or("?")
        )
    };

    let mut msrv: Option<(String, [u64; 3])> = None;
    for p in packages
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(&id)))
    {
        let Some(declared) = p["rust_version"].as_str() else {
            findings.problems.push(format!(
                "workspace package {} declares no rust-version",
                name_of(p)
            ));
            continue;
        };
        let Some(parsed) = parse_version(declared) else {
            findings.problems.push(format!(
                "{} has an unreadable rust-version {declared:?}",
                name_of(p)
            ));
            continue;
        };
        match &msrv {
            None => msrv = Some((declared.to_string(), parsed)),
            Some((first, v)) if *v != parsed => findings.problems.push(format!(
                "{} declares rust-version {declared}, another workspace package {first}",
                name_of(p)
            )),
            Some(_) => {}
        }
    }
    let Some((declared, ours)) = msrv else {
        findings
            .problems
            .push("no workspace package declares a rust-version".into());
        return findings;
    };
    findings.msrv = Some(declared.clone());

    let mut highest: Option<[u64; 3]> = None;
    for p in &packages {
        let id = p["id"].as_str().unwrap_or_default();
        if members.contains(&id) || in_graph.as_ref().is_some_and(|g| !g.contains(&id)) {
            continue;
        }
        findings.checked += 1;
        let Some(theirs_text) = p["rust_version"].as_str() else {
            findings.undeclared += 1;
            continue;
        };
        let Some(theirs) = parse_version(theirs_text) else {
            findings.problems.push(format!(
                "{} has an unreadable rust-version {theirs_text:?}",
                name_of(p)
            ));
            continue;
        };
        if highest.is_none_or(|h| theirs > h) {
            highest = Some(theirs);
            findings.highest = Some((theirs_text.to_string(), name_of(p)));
        }
        if theirs > ours {
            findings.problems.push(format!(
                "{} needs Rust {theirs_text}, newer than the workspace's rust-version {declared}: \
                 raise rust-version in Cargo.toml ([workspace.package]) or pin an older release",
                name_of(p)
            ));
        }
    }
    findings
}

/// Runs `cargo metadata` in `root` and reports.
pub fn run(root: &Path) -> Result<ExitCode, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata's answer is not JSON: {e}"))?;
    let findings = check(&metadata);
    for problem in &findings.problems {
        crate::outln!("msrv: {problem}");
    }
    crate::outln!(
        "rust-version {}: {} locked dependencies checked ({} declare none){}",
        findings.msrv.as_deref().unwrap_or("?"),
        findings.checked,
        findings.undeclared,
        findings
            .highest
            .as_ref()
            .map(|(v, p)| format!("; the highest declared is {v} ({p})"))
            .unwrap_or_default()
    );
    Ok(if findings.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(deps: &[(&str, Option<&str>)]) -> Value {
        let mut packages =
            vec![json!({"id": "me", "name": "me", "version": "0.1.0", "rust_version": "1.88"})];
        let mut nodes = vec![json!({"id": "me"})];
        for (name, rv) in deps {
            packages
                .push(json!({"id": name, "name": name, "version": "1.0.0", "rust_version": rv}));
            nodes.push(json!({"id": name}));
        }
        json!({"workspace_members": ["me"], "packages": packages, "resolve": {"nodes": nodes}})
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse_version("1.88"), Some([1, 88, 0]));
        assert_eq!(parse_version("1.9.1"), Some([1, 9, 1]));
        assert!(parse_version("1.100").unwrap() > parse_version("1.88").unwrap());
        assert_eq!(parse_version("1"), None);
        assert_eq!(parse_version("1.x"), None);
    }

    #[test]
    fn a_dependency_needing_a_newer_rust_fails() {
        let found = check(&metadata(&[
            ("old", Some("1.70")),
            ("new", Some("1.90")),
            ("none", None),
        ]));
        assert_eq!(found.msrv.as_deref(), Some("1.88"));
        assert_eq!((found.checked, found.undeclared), (3, 1));
        assert_eq!(found.problems.len(), 1, "{:?}", found.problems);
        assert!(found.problems[0].contains("new 1.0.0 needs Rust 1.90"));
        assert_eq!(found.highest, Some(("1.90".into(), "new 1.0.0".into())));
    }

    #[test]
    fn dependencies_within_the_msrv_pass() {
        let found = check(&metadata(&[("a", Some("1.88.0")), ("b", Some("1.63"))]));
        assert!(found.problems.is_empty(), "{:?}", found.problems);
    }

    #[test]
    fn a_member_without_rust_version_fails() {
        let mut m = metadata(&[]);
        m["packages"][0]["rust_version"] = Value::Null;
        assert!(check(&m).problems[0].contains("declares no rust-version"));
    }
}
