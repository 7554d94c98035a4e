//! `otlp_load_sqlite` / `otlp_load_postgres`: what a user sees. Three processes — the release
//! `telemetry-api serve` on a fresh SQLite file or PostgreSQL database, this xtask process as
//! the load generator, and the decode-and-discard receiver (`cargo xtask discard-receiver`) —
//! talk OTLP/HTTP protobuf over 127.0.0.1. The same pre-encoded requests go first to the
//! receiver, then to the server, from `--connections` connections of `--batch` spans each.
//!
//! Reported: committed spans/s (a 2xx means committed) and its ratio to the receiver's rate
//! in the same run, the rates of the first and second half of the run, p50/p99 request
//! latency (first send to 2xx, retries of 503 included), bytes per stored span, and — after
//! the server is killed with `SIGKILL` — how many acknowledged spans are missing from the
//! database, which must be 0 (the scenario fails otherwise).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use super::child_server::{self, ChildServer};
use super::load_client::{LoadOutcome, send_all};
use super::load_spans::LoadSpans;
use super::readback::{Readback, read_back};
use super::report::Figure;
use crate::db::ScratchDb;
use crate::exit::CheckFailed;

/// Which database the server writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadDatabase {
    /// A fresh SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `--postgres-url`.
    Postgres,
}

/// The load's shape.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Spans in all (rounded up to whole requests).
    pub spans: usize,
    /// Spans per request.
    pub batch: usize,
    /// Concurrent connections.
    pub connections: usize,
    /// The database.
    pub database: LoadDatabase,
    /// PostgreSQL server (any database on it) for [`LoadDatabase::Postgres`].
    pub postgres_url: Option<String>,
    /// The `telemetry-api` binary [default: built now in release].
    pub server_bin: Option<PathBuf>,
}

/// Runs the scenario; skipped (no figures) on PostgreSQL without a URL.
pub async fn otlp_load(options: &LoadOptions) -> Result<Vec<Figure>> {
    let scenario = match options.database {
        LoadDatabase::Sqlite => "otlp_load_sqlite",
        LoadDatabase::Postgres => "otlp_load_postgres",
    };
    if options.database == LoadDatabase::Postgres && options.postgres_url.is_none() {
        println!("skip {scenario}: no --postgres-url / TELEMETRY_TEST_POSTGRES_URL");
        return Ok(Vec::new());
    }
    let bin = child_server::server_binary(options.server_bin.clone())?;
    let load = LoadSpans {
        seed: seed(),
        batch: options.batch.max(1),
    };
    let requests = options.spans.div_ceil(load.batch);
    let bodies: Arc<Vec<Vec<u8>>> =
        Arc::new((0..requests).map(|r| load.encode_request(r)).collect());
    let spans = requests * load.batch;
    let body_bytes: usize = bodies.iter().map(Vec::len).sum();
    println!(
        "{scenario}: {spans} spans in {requests} requests of {} ({:.1} MiB protobuf, {} B/span), {} connections",
        load.batch,
        body_bytes as f64 / 1_048_576.0,
        body_bytes / spans.max(1),
        options.connections
    );

    let receiver = child_server::discard_receiver().await?;
    let ceiling = send_all(&endpoint(&receiver), bodies.clone(), options.connections).await?;
    receiver.kill().await?;
    let receiver_rate = spans as f64 / ceiling.elapsed.as_secs_f64();

    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let (url, scratch) = match options.database {
        LoadDatabase::Sqlite => (
            format!("sqlite://{}", dir.path().join("load.db").display()),
            None,
        ),
        LoadDatabase::Postgres => {
            let admin = options.postgres_url.as_deref().unwrap_or_default();
            let db = ScratchDb::postgres(admin, "xtask_load", 0).await?;
            (db.url.clone(), Some(db))
        }
    };
    let server = child_server::telemetry_api(&bin, &url, dir.path()).await?;
    let outcome = send_all(&endpoint(&server), bodies, options.connections).await?;
    // Acknowledged means committed, so a `kill -9` must lose none of it.
    server.kill().await?;
    let acknowledged = (0..requests)
        .filter(|&r| outcome.acknowledged_at[r].is_some())
        .flat_map(|r| load.span_ids(r));
    let readback = read_back(&url, acknowledged).await?;
    if let Some(db) = scratch {
        db.drop_now().await?;
    }

    let figures = figures(scenario, spans, receiver_rate, &outcome, readback);
    println!(
        "{scenario}: receiver {receiver_rate:.0} spans/s; server {:.0} spans/s ({:.3}× the receiver; halves {:.0} / {:.0}), \
         p50 {:.1} ms, p99 {:.1} ms, {} retried 503s, {} stored, {:.0} B/span, {} missing",
        spans as f64 / outcome.elapsed.as_secs_f64(),
        spans as f64 / outcome.elapsed.as_secs_f64() / receiver_rate,
        half_rates(&outcome, spans).0,
        half_rates(&outcome, spans).1,
        outcome.latency_ms(0.5),
        outcome.latency_ms(0.99),
        outcome.retries,
        readback.stored,
        readback.bytes as f64 / readback.stored.max(1) as f64,
        readback.missing,
    );
    if readback.missing > 0 {
        return Err(CheckFailed(format!(
            "{scenario}: {} acknowledged spans are missing from the store",
            readback.missing
        ))
        .into());
    }
    Ok(figures)
}

fn endpoint(server: &ChildServer) -> String {
    format!("http://{}/v1/traces", server.addr)
}

/// A seed no earlier run used: the ids of runs never collide.
fn seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
}

/// Spans/s of the requests acknowledged in the first and in the second half of the run (the
/// store grows during it; a rate that falls with its size shows here).
fn half_rates(outcome: &LoadOutcome, spans: usize) -> (f64, f64) {
    let mut times: Vec<Duration> = outcome.acknowledged_at.iter().flatten().copied().collect();
    times.sort_unstable();
    let Some(&middle) = times.get(times.len() / 2) else {
        return (0.0, 0.0);
    };
    let half = spans as f64 / 2.0;
    let rest = (outcome.elapsed - middle).as_secs_f64();
    (half / middle.as_secs_f64().max(1e-9), half / rest.max(1e-9))
}

fn figures(
    scenario: &str,
    spans: usize,
    receiver_rate: f64,
    outcome: &LoadOutcome,
    readback: Readback,
) -> Vec<Figure> {
    let rate = spans as f64 / outcome.elapsed.as_secs_f64();
    let (first, second) = half_rates(outcome, spans);
    vec![
        Figure::higher(
            scenario,
            "spans_per_sec",
            rate,
            "spans/s",
            "≥ 100000 (issue 16)",
        ),
        Figure::higher(
            scenario,
            "ratio_to_receiver",
            rate / receiver_rate,
            "×",
            "receiver in the same run = 1",
        ),
        Figure::higher(
            scenario,
            "receiver_spans_per_sec",
            receiver_rate,
            "spans/s",
            "decode and discard",
        ),
        Figure::higher(
            scenario,
            "first_half_spans_per_sec",
            first,
            "spans/s",
            "≥ 100000",
        ),
        Figure::higher(
            scenario,
            "second_half_spans_per_sec",
            second,
            "spans/s",
            "≥ 100000",
        ),
        Figure::lower(
            scenario,
            "p50_request_ms",
            outcome.latency_ms(0.5),
            "ms",
            "report",
        ),
        Figure::lower(
            scenario,
            "p99_request_ms",
            outcome.latency_ms(0.99),
            "ms",
            "report",
        ),
        Figure::lower(
            scenario,
            "bytes_per_span",
            readback.bytes as f64 / readback.stored.max(1) as f64,
            "B",
            "≤ 400 (issue 16)",
        ),
        Figure::lower(
            scenario,
            "missing_spans",
            readback.missing as f64,
            "spans",
            "0",
        ),
    ]
}
