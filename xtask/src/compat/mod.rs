//! `cargo xtask compat`: the compatibility checks. Each prints what it checked and fails with
//! a precise difference.
//!
//! - [`wire`]: every committed fixture of every wire version still reads, and re-serializes
//!   to the current format;
//! - [`schema`]: every migration step keeps the data written before it (SQLite, and
//!   PostgreSQL when one is given);
//! - [`otel`]: the OpenTelemetry mapping table matches its committed snapshot and the docs;
//! - [`semver`]: the library crates' public API against a baseline revision
//!   (`cargo-semver-checks`).

pub mod otel;
pub mod schema;
pub mod semver;
pub mod snapshot;
pub mod tables;
pub mod wire;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::db;
use crate::exit::{CheckFailed, Refused};

/// `cargo xtask compat …`.
#[derive(Debug, Args)]
pub struct CompatArgs {
    /// Run only this check [default: all; `api` only runs when --baseline-rev is given or it
    /// is named]
    #[arg(value_enum)]
    pub name: Option<CheckName>,
    /// Write the current version's fixtures and snapshots instead of comparing with them
    /// (after a deliberate change; review the diff).
    #[arg(long)]
    pub bless: bool,
    /// Git revision or tag of the last release, for the `api` check.
    #[arg(long, value_name = "REV")]
    pub baseline_rev: Option<String>,
    /// PostgreSQL server for the `schema` check (a database is created and dropped on it)
    #[arg(long, env = db::POSTGRES_URL_ENV, value_name = "URL")]
    pub postgres_url: Option<String>,
    /// Workspace to check [default: this one]
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
}

/// The checks, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckName {
    /// Golden wire fixtures: events, native HTTP batches, file exporter JSON Lines.
    Wire,
    /// Migrations with data, on SQLite and PostgreSQL.
    Schema,
    /// OpenTelemetry mapping table against its snapshot and docs/OTEL_MAPPING.md.
    Otel,
    /// Public API against --baseline-rev with cargo-semver-checks.
    Api,
}

/// This workspace's root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Runs `cargo xtask compat`.
pub fn run(args: CompatArgs) -> Result<()> {
    if args.name == Some(CheckName::Api) && args.baseline_rev.is_none() {
        return Err(Refused(
            "the api check needs --baseline-rev REV (a release tag or commit); no release tag exists yet"
                .to_owned(),
        )
        .into());
    }
    let root = args.workspace.clone().unwrap_or_else(workspace_root);
    let wanted = |check: CheckName| args.name.is_none_or(|name| name == check);
    let mut failures = Vec::new();
    let mut broken = Vec::new();
    let mut record = |name: &str, result: Result<()>| match result {
        Ok(()) => println!("ok   {name}"),
        Err(error) if error.downcast_ref::<CheckFailed>().is_some() => {
            println!("FAIL {name}: {error:#}");
            failures.push(name.to_owned());
        }
        Err(error) => {
            println!("ERROR {name} could not run: {error:#}");
            broken.push(name.to_owned());
        }
    };
    if wanted(CheckName::Wire) {
        record("wire", wire::run(&root, args.bless));
    }
    if wanted(CheckName::Schema) {
        let postgres = db::postgres_url(args.postgres_url.clone());
        record("schema", schema::run(postgres.as_deref()));
    }
    if wanted(CheckName::Otel) {
        record("otel", otel::run(&root, args.bless));
    }
    if let Some(baseline) = args
        .baseline_rev
        .as_deref()
        .filter(|_| wanted(CheckName::Api))
    {
        record("api", semver::run(&root, baseline));
    } else if args.name.is_none() {
        println!("skip api: no --baseline-rev given (no release tag exists yet to compare with)");
    }
    if !failures.is_empty() {
        let list = failures.join(", ");
        return Err(CheckFailed(format!("compat checks failed: {list}")).into());
    }
    anyhow::ensure!(
        broken.is_empty(),
        "compat checks could not run: {}",
        broken.join(", ")
    );
    Ok(())
}
