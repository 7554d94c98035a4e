//! `cargo xtask bench`: the end-to-end scenarios criterion does not fit, each by name or all.
//! Generates data with progress bars, prints a table of figures with the reference beside
//! each, writes them as JSON under `target/xtask-bench/`, and with `--compare FILE` flags
//! every figure more than `--threshold` percent worse than a saved run (exit code 1).
//!
//! The criterion benches of the crates (`telemetry-exporters/benches`,
//! `telemetry-store/benches`, `telemetry-api/benches`) are not reachable as library calls;
//! these scenarios are minimal re-statements of them over the public APIs.

pub mod child_server;
pub mod discard_receiver;
pub mod hot_path;
pub mod load_client;
pub mod load_spans;
pub mod otlp_load;
pub mod pipeline;
pub mod readback;
pub mod report;
#[cfg(feature = "server")]
pub mod server;
pub mod store;
pub mod twin;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::db;
use crate::exit::CheckFailed;
use otlp_load::{LoadDatabase, LoadOptions};
use report::{Figure, Run};

/// `cargo xtask bench …`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Run only this scenario [default: all]
    #[arg(value_enum)]
    pub name: Option<Scenario>,
    /// Spans per scenario (the stores of `queries` hold this many)
    #[arg(long, default_value_t = 20_000)]
    pub spans: usize,
    /// A saved run (`target/xtask-bench/*.json`) to compare with
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,
    /// With --compare: the percentage by which a figure may be worse before it is flagged
    #[arg(long, default_value_t = 10.0, value_name = "PCT")]
    pub threshold: f64,
    /// Directory the JSON results are written to [default: target/xtask-bench]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// otlp_load_*: spans per OTLP request
    #[arg(long, default_value_t = 512)]
    pub batch: usize,
    /// otlp_load_*: concurrent connections of the load generator
    #[arg(long, default_value_t = 8)]
    pub connections: usize,
    /// otlp_load_postgres: a PostgreSQL server (any database on it; a fresh one is created)
    /// [default: $TELEMETRY_TEST_POSTGRES_URL]
    #[arg(long, value_name = "URL")]
    pub postgres_url: Option<String>,
    /// otlp_load_*: the `telemetry-api` binary [default: `cargo build --release -p
    /// telemetry-api` now]
    #[arg(long, value_name = "PATH")]
    pub server_bin: Option<PathBuf>,
}

/// The scenarios, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Scenario {
    /// Core → file exporter (zstd), through the core's bounded queues.
    CoreFile,
    /// Core → HTTP exporter (native JSON) → a loopback server that only counts events.
    CoreHttp,
    /// Store ingest: batches of 2000 spans into SQLite.
    StoreIngest,
    /// Server ingest: core → HTTP exporter → telemetry-api server → SQLite.
    ServerIngest,
    /// Queries over a SQLite store of --spans spans.
    Queries,
    /// The span hot path on the application's thread (ns per span; see `hot_path.rs`).
    HotPath,
    /// Ours vs the OpenTelemetry SDK + OTLP/HTTP exporter, one discarding receiver:
    /// 25 × --spans with large queues, a 10 × --spans burst at the defaults.
    Twin,
    /// OTLP/HTTP protobuf load from this process → the release `telemetry-api serve` process
    /// → a fresh SQLite file, against a decode-and-discard receiver process.
    OtlpLoadSqlite,
    /// The same on a fresh PostgreSQL database (skipped without --postgres-url).
    OtlpLoadPostgres,
}

/// Runs one scenario.
fn run_scenario(scenario: Scenario, args: &BenchArgs) -> Result<Vec<Figure>> {
    let spans = args.spans;
    let runtime = db::runtime()?;
    match scenario {
        Scenario::CoreFile => runtime.block_on(pipeline::core_file(spans)),
        Scenario::CoreHttp => runtime.block_on(pipeline::core_http(spans)),
        Scenario::StoreIngest => runtime.block_on(store::store_ingest(spans)),
        Scenario::Queries => runtime.block_on(store::queries(spans)),
        Scenario::HotPath => hot_path::hot_path(spans),
        Scenario::Twin => runtime.block_on(twin::twin(spans)),
        Scenario::OtlpLoadSqlite => runtime.block_on(otlp_load::otlp_load(&load_options(
            args,
            LoadDatabase::Sqlite,
        ))),
        Scenario::OtlpLoadPostgres => runtime.block_on(otlp_load::otlp_load(&load_options(
            args,
            LoadDatabase::Postgres,
        ))),
        #[cfg(feature = "server")]
        Scenario::ServerIngest => runtime.block_on(server::server_ingest(spans)),
        #[cfg(not(feature = "server"))]
        Scenario::ServerIngest => {
            println!("skip server_ingest: xtask was built without the `server` feature");
            Ok(Vec::new())
        }
    }
}

fn load_options(args: &BenchArgs, database: LoadDatabase) -> LoadOptions {
    LoadOptions {
        spans: args.spans,
        batch: args.batch,
        connections: args.connections,
        database,
        postgres_url: db::postgres_url(args.postgres_url.clone()),
        server_bin: args.server_bin.clone(),
    }
}

/// Where results go by default: `target/xtask-bench` of this workspace (or of
/// `CARGO_TARGET_DIR`).
fn default_out() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::compat::workspace_root().join("target"))
        .join("xtask-bench")
}

/// Runs `cargo xtask bench`.
pub fn run(args: BenchArgs) -> Result<()> {
    let saved = args.compare.as_deref().map(report::load).transpose()?;
    let scenarios = match args.name {
        Some(one) => vec![one],
        None => Scenario::value_variants().to_vec(),
    };
    let mut run = Run {
        profile: report::profile(),
        spans: args.spans,
        figures: Vec::new(),
    };
    for scenario in scenarios {
        let name = scenario
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        println!("== {name} ({} spans)", args.spans);
        let figures =
            run_scenario(scenario, &args).with_context(|| format!("scenario {name} failed"))?;
        run.figures.extend(figures);
    }
    print!("{}", report::table(&run, saved.as_ref()));
    print_notes(&run, saved.as_ref());
    let path = report::save(&run, &args.out.clone().unwrap_or_else(default_out))?;
    println!("results written to {}", path.display());
    let Some(saved) = saved else { return Ok(()) };
    let worse = report::regressions(&run, &saved, args.threshold);
    if worse.is_empty() {
        println!(
            "no figure is more than {}% worse than the saved run",
            args.threshold
        );
        return Ok(());
    }
    Err(CheckFailed(format!(
        "REGRESSION against the saved run:\n  {}",
        worse.join("\n  ")
    ))
    .into())
}

/// Says when figures are not comparable: a debug build, or a saved run of another build or
/// size.
fn print_notes(run: &Run, saved: Option<&Run>) {
    if run.profile == "debug" {
        println!(
            "note: a debug build; the references are release figures \
             (`cargo run --release -p xtask -- bench` for comparable numbers)"
        );
    }
    if let Some(saved) = saved.filter(|s| s.profile != run.profile) {
        println!(
            "note: the saved run is a {} build, this one {}",
            saved.profile, run.profile
        );
    }
    if let Some(saved) = saved.filter(|s| s.spans != run.spans) {
        println!(
            "note: the saved run used {} spans, this one {}: the query figures grow with it",
            saved.spans, run.spans
        );
    }
}
