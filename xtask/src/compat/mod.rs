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

/// What the checks found: which failed, which could not run.
#[derive(Debug, Default)]
struct Tally {
    failures: Vec<String>,
    broken: Vec<String>,
}

impl Tally {
    /// Prints and counts one check's outcome.
    fn record(&mut self, name: &str, result: Result<()>) {
        match result {
            Ok(()) => println!("ok   {name}"),
            Err(error) if error.downcast_ref::<CheckFailed>().is_some() => {
                println!("FAIL {name}: {error:#}");
                self.failures.push(name.to_owned());
            }
            Err(error) => {
                println!("ERROR {name} could not run: {error:#}");
                self.broken.push(name.to_owned());
            }
        }
    }

    /// Exit code 1 when a check failed, 3 when one could not run.
    fn finish(self) -> Result<()> {
        if !self.failures.is_empty() {
            let list = self.failures.join(", ");
            return Err(CheckFailed(format!("compat checks failed: {list}")).into());
        }
        let broken = self.broken.join(", ");
        anyhow::ensure!(broken.is_empty(), "compat checks could not run: {broken}");
        Ok(())
    }
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
    if let Some(baseline) = args.baseline_rev.as_deref()
        && wanted(CheckName::Api)
    {
        // A mistyped revision is refused before the other checks spend minutes.
        semver::baseline_commit(&root, baseline)?;
    }
    let mut tally = Tally::default();
    if wanted(CheckName::Wire) {
        tally.record("wire", wire::run(&root, args.bless));
    }
    if wanted(CheckName::Schema) {
        let postgres = db::postgres_url(args.postgres_url.clone());
        tally.record("schema", schema::run(postgres.as_deref()));
    }
    if wanted(CheckName::Otel) {
        tally.record("otel", otel::run(&root, args.bless));
    }
    match args.baseline_rev.as_deref() {
        Some(baseline) if wanted(CheckName::Api) => {
            tally.record("api", semver::run(&root, baseline))
        }
        _ if args.name.is_none() => {
            println!(
                "skip api: no --baseline-rev given (no release tag exists yet to compare with)"
            )
        }
        _ => {}
    }
    tally.finish()
}
