//! The public API check: `cargo semver-checks` on the library crates against a baseline git
//! revision, installed on demand (`cargo install cargo-semver-checks --locked`) when missing.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::exit::CheckFailed;

/// The crates whose public API is checked.
pub const LIBRARY_CRATES: [&str; 6] = [
    "telemetry-types",
    "telemetry-core",
    "telemetry-macros",
    "telemetry-exporters",
    "telemetry-store",
    "telemetry-api",
];

/// Runs `cargo semver-checks check-release` against `baseline`.
pub fn run(root: &Path, baseline: &str) -> Result<()> {
    ensure_installed()?;
    let mut command = Command::new("cargo");
    command
        .current_dir(root)
        .args(["semver-checks", "check-release", "--baseline-rev", baseline]);
    for package in LIBRARY_CRATES {
        command.args(["--package", package]);
    }
    println!(
        "api: cargo semver-checks check-release --baseline-rev {baseline} ({} crates)",
        LIBRARY_CRATES.len()
    );
    let status = command.status().context("cannot run cargo semver-checks")?;
    if status.success() {
        return Ok(());
    }
    Err(CheckFailed(format!(
        "cargo semver-checks found breaking changes against {baseline} without a major version bump (see above)"
    ))
    .into())
}

/// Installs cargo-semver-checks when `cargo semver-checks --version` fails.
fn ensure_installed() -> Result<()> {
    let present = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if present {
        return Ok(());
    }
    println!(
        "api: cargo-semver-checks is missing; installing it (cargo install cargo-semver-checks --locked)"
    );
    let status = Command::new("cargo")
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
