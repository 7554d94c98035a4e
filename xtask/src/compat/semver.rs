//! The public API check: `cargo semver-checks check-release` on the library crates against a
//! baseline git revision, installed on demand (`cargo install cargo-semver-checks --locked`)
//! when missing.
//!
//! Which crates: every workspace member with a library target that can be published — read
//! from `cargo metadata`, so a new library crate is checked without editing a list. Left
//! out, and said so: `publish = false` crates (this tool), proc-macro crates
//! (cargo-semver-checks cannot read a proc-macro's API and refuses them), and crates that
//! did not exist yet at the baseline revision (nothing to compare with).
//!
//! cargo-semver-checks checks the baseline out itself (into `target/semver-checks/`) and
//! builds the rustdoc JSON of both versions; the working tree, committed or not, is the
//! current version. Versions are `0.y.z`, so a breaking change needs `y` bumped.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::exit::{CheckFailed, Refused};

/// A workspace member, as `cargo metadata` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Package name.
    pub name: String,
    /// Its `Cargo.toml`, relative to the workspace root (`telemetry-core/Cargo.toml`).
    pub manifest: String,
    /// Why it is not checked, if it is not.
    pub skip: Option<&'static str>,
}

/// The workspace members of `cargo metadata --no-deps --format-version 1` output, each with
/// whether it is checked: a library target that may be published.
pub fn members(metadata: &Value, root: &Path) -> Result<Vec<Member>> {
    let ids: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .context("cargo metadata without workspace_members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let packages = metadata["packages"]
        .as_array()
        .context("cargo metadata without packages")?;
    let mut out = Vec::new();
    for package in packages {
        if !ids.contains(&package["id"].as_str().unwrap_or_default()) {
            continue;
        }
        let name = package["name"].as_str().context("package without name")?;
        let manifest = package["manifest_path"]
            .as_str()
            .context("package without manifest_path")?;
        let manifest = Path::new(manifest)
            .strip_prefix(root)
            .unwrap_or(Path::new(manifest));
        let kinds: Vec<&str> = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|t| t["kind"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        // `publish = false` is an empty list of registries.
        let unpublished = package["publish"].as_array().is_some_and(Vec::is_empty);
        let skip = if unpublished {
            Some("publish = false")
        } else if kinds.contains(&"proc-macro") {
            Some("proc-macro crate (cargo-semver-checks cannot check one)")
        } else if !kinds.iter().any(|k| matches!(*k, "lib" | "rlib" | "dylib")) {
            Some("no library target")
        } else {
            None
        };
        out.push(Member {
            name: name.to_owned(),
            manifest: manifest.to_string_lossy().replace('\\', "/"),
            skip,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The package name a `Cargo.toml` declares (`name = "…"` under `[package]`).
pub fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        let Some(rest) = line.strip_prefix("name") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        if in_package {
            return Some(value.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// Marks the checked members that the baseline does not have (`baseline_manifest` returns
/// a manifest's text at the baseline, `None` when the file did not exist).
pub fn mark_new(members: &mut [Member], baseline_manifest: impl Fn(&str) -> Option<String>) {
    for member in members.iter_mut().filter(|m| m.skip.is_none()) {
        let found = baseline_manifest(&member.manifest)
            .and_then(|text| package_name(&text))
            .is_some_and(|name| name == member.name);
        if !found {
            member.skip = Some("not in the baseline (a new crate: nothing to compare with)");
        }
    }
}

/// The `cargo semver-checks` arguments for the checked members.
pub fn semver_checks_args(baseline: &str, members: &[Member]) -> Vec<String> {
    let mut args: Vec<String> = ["semver-checks", "check-release", "--baseline-rev", baseline]
        .map(str::to_owned)
        .to_vec();
    for member in members.iter().filter(|m| m.skip.is_none()) {
        args.push("--package".to_owned());
        args.push(member.name.clone());
    }
    args
}

/// The cargo that runs this tool (`$CARGO` under `cargo xtask`), else `cargo`.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The workspace's members, from `cargo metadata` run in `root` (not yet checked against a
/// baseline: see [`mark_new`]).
pub fn workspace_members(root: &Path) -> Result<Vec<Member>> {
    let out = cargo()
        .current_dir(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .context("cannot run cargo metadata")?;
    anyhow::ensure!(
        out.status.success(),
        "cargo metadata failed in {}: {}",
        root.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let metadata: Value =
        serde_json::from_slice(&out.stdout).context("cargo metadata printed no JSON")?;
    // cargo reports canonical paths.
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    members(&metadata, &root)
}

/// `git` in `root`.
fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .context("cannot run git")
}

/// The commit `baseline` names in the repository at `root`; a [`Refused`] error (exit code
/// 2) when it names none.
pub fn baseline_commit(root: &Path, baseline: &str) -> Result<String> {
    let out = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{baseline}^{{commit}}"),
        ],
    )?;
    if !out.status.success() {
        return Err(Refused(format!(
            "--baseline-rev {baseline} is not a commit of the git repository at {} \
             (a tag, a branch or a commit id; fetch tags with `git fetch --tags`)",
            root.display()
        ))
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs `cargo semver-checks check-release` against `baseline`.
pub fn run(root: &Path, baseline: &str) -> Result<()> {
    let commit = baseline_commit(root, baseline)?;
    let mut members = workspace_members(root)?;
    mark_new(&mut members, |manifest| {
        let out = git(root, &["show", &format!("{commit}:{manifest}")]).ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    });
    for member in &members {
        if let Some(why) = member.skip {
            println!("api: skip {}: {why}", member.name);
        }
    }
    let checked: Vec<&str> = members
        .iter()
        .filter(|m| m.skip.is_none())
        .map(|m| m.name.as_str())
        .collect();
    if checked.is_empty() {
        return Err(Refused(format!(
            "no library crate to check against {baseline}: every workspace member was skipped (see above)"
        ))
        .into());
    }
    ensure_installed()?;
    let short = &commit[..commit.len().min(12)];
    println!(
        "api: cargo semver-checks check-release --baseline-rev {baseline} ({short}): {}",
        checked.join(", ")
    );
    let status = cargo()
        .current_dir(root)
        .args(semver_checks_args(baseline, &members))
        .status()
        .context("cannot run cargo semver-checks")?;
    if status.success() {
        println!(
            "api: {} crate(s) checked against {baseline}: no breaking change without a version bump",
            checked.len()
        );
        return Ok(());
    }
    Err(CheckFailed(format!(
        "cargo semver-checks found breaking changes against {baseline} without a major version \
         bump (or could not build a version; see above). For a deliberate break, bump the \
         crate's version (0.y.z: bump y) in Cargo.toml"
    ))
    .into())
}

/// Installs cargo-semver-checks when `cargo semver-checks --version` fails.
fn ensure_installed() -> Result<()> {
    let present = cargo()
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if present {
        return Ok(());
    }
    println!(
        "api: cargo-semver-checks is missing; installing it (cargo install cargo-semver-checks --locked; several minutes)"
    );
    let status = cargo()
        .args(["install", "cargo-semver-checks", "--locked"])
        .status()
        .context("cannot run cargo install")?;
    anyhow::ensure!(
        status.success(),
        "could not install cargo-semver-checks (network or build failure above); install it by hand \
         with `cargo install cargo-semver-checks --locked` and run the api check again"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn package(name: &str, kinds: &[&str], publish: Value) -> Value {
        json!({
            "id": format!("path+file:///ws/{name}#0.1.0"),
            "name": name,
            "manifest_path": format!("/ws/{name}/Cargo.toml"),
            "publish": publish,
            "targets": kinds.iter().map(|k| json!({"kind": [k]})).collect::<Vec<_>>(),
        })
    }

    fn metadata() -> Value {
        let packages = vec![
            package("lib-a", &["lib", "example"], Value::Null),
            package("macros", &["proc-macro"], Value::Null),
            package("tool", &["lib", "bin"], json!([])),
            package("app", &["bin"], Value::Null),
        ];
        let ids: Vec<Value> = packages.iter().map(|p| p["id"].clone()).collect();
        json!({ "packages": packages, "workspace_members": ids })
    }

    #[test]
    fn selects_publishable_library_crates() {
        let members = members(&metadata(), Path::new("/ws")).unwrap();
        let skip = |name: &str| members.iter().find(|m| m.name == name).unwrap().skip;
        assert_eq!(skip("lib-a"), None);
        assert!(skip("macros").unwrap().contains("proc-macro"));
        assert_eq!(skip("tool"), Some("publish = false"));
        assert_eq!(skip("app"), Some("no library target"));
        assert_eq!(members[1].manifest, "lib-a/Cargo.toml");
        assert_eq!(
            semver_checks_args("v0.1.0", &members),
            [
                "semver-checks",
                "check-release",
                "--baseline-rev",
                "v0.1.0",
                "--package",
                "lib-a"
            ]
        );
    }

    #[test]
    fn crates_new_since_the_baseline_are_skipped() {
        let mut members = members(&metadata(), Path::new("/ws")).unwrap();
        mark_new(&mut members, |_| None);
        assert!(members.iter().all(|m| m.skip.is_some()));
        let mut members = super::members(&metadata(), Path::new("/ws")).unwrap();
        mark_new(&mut members, |path| {
            (path == "lib-a/Cargo.toml")
                .then(|| "[package]\nname = \"lib-a\"\n\n[dependencies]\nname = \"x\"\n".into())
        });
        let lib = members.iter().find(|m| m.name == "lib-a").unwrap();
        assert_eq!(lib.skip, None);
    }

    #[test]
    fn reads_the_package_name() {
        let manifest = "[workspace]\nname = \"no\"\n[package]\nname = \"telemetry-core\"\nversion = \"0.1.0\"\n";
        assert_eq!(package_name(manifest).as_deref(), Some("telemetry-core"));
        assert_eq!(package_name("[dependencies]\nname = \"x\"\n"), None);
    }
}
