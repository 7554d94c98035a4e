//! Store scenarios on a SQLite file: batched ingest, and queries over a filled store.

use std::time::Instant;

use anyhow::{Context, Result};
use telemetry_store::{Aggregate, Page, ProjectId, Store, TraceFilter};
use telemetry_types::TraceId;

use super::report::Figure;
use crate::dataset::Generator;
use crate::db::ScratchDb;
use crate::progress;

/// Spans per ingest transaction (as the storage path batches).
const BATCH: usize = 2000;

/// A migrated SQLite store with one project.
pub async fn open() -> Result<(ScratchDb, Store, ProjectId)> {
    let db = ScratchDb::sqlite()?;
    let store = Store::connect(&db.url).await?;
    store.migrate().await?;
    let project = store.create_project("bench", "bench").await?.id;
    Ok((db, store, project))
}

/// Fills the store with about `spans` generated spans; returns the seconds spent in ingest
/// and one trace id.
async fn fill(store: &Store, project: ProjectId, spans: usize) -> Result<(f64, TraceId)> {
    let mut generator = Generator::new(42);
    let bar = progress::bar(spans as u64, "ingest");
    let (mut busy, mut written, mut sample) = (0.0, 0, None);
    while written < spans {
        let events = generator.events(BATCH.min(spans - written), true);
        sample = sample.or_else(|| events[0].span().map(|s| s.trace_id));
        let started = Instant::now();
        store.ingest(project, &events).await?;
        busy += started.elapsed().as_secs_f64();
        written += events.len();
        bar.inc(events.len() as u64);
    }
    bar.finish_and_clear();
    Ok((busy, sample.context("no span generated")?))
}

/// Batched ingest throughput.
pub async fn store_ingest(spans: usize) -> Result<Vec<Figure>> {
    let (_db, store, project) = open().await?;
    let (secs, _) = fill(&store, project, spans).await?;
    store.close().await?;
    Ok(vec![Figure::higher(
        "store_ingest",
        "spans_per_sec",
        spans as f64 / secs,
        "spans/s",
        "≥ 20000 (SQLite, batches of 2000)",
    )])
}

/// Median milliseconds of `runs` calls of `query`.
async fn median_ms<F, Fut, T>(runs: usize, mut query: F) -> Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = telemetry_store::Result<T>>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        query().await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Queries over a store of `spans` spans: a trace list page, one trace, usage by model, span
/// counts by type.
pub async fn queries(spans: usize) -> Result<Vec<Figure>> {
    let (_db, store, project) = open().await?;
    let (_, trace) = fill(&store, project, spans).await?;
    let all = Aggregate::default();
    let page = Page::first(50);
    let filter = TraceFilter::default();
    let figures = vec![
        (
            "list_traces_ms",
            median_ms(20, || store.list_traces(project, &filter, &page)).await?,
            "≤ 50 ms (a page of 50)",
        ),
        (
            "get_trace_ms",
            median_ms(20, || store.get_trace(project, trace)).await?,
            "≤ 10 ms",
        ),
        (
            "usage_by_model_ms",
            median_ms(5, || store.usage_by_model(project, &all)).await?,
            "≤ 1000 ms at 1M spans",
        ),
        (
            "span_counts_ms",
            median_ms(5, || store.span_counts(project, &all)).await?,
            "≤ 1000 ms at 1M spans",
        ),
    ];
    store.close().await?;
    Ok(figures
        .into_iter()
        .map(|(metric, ms, reference)| Figure::lower("queries", metric, ms, "ms", reference))
        .collect())
}
