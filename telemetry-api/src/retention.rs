//! Periodic upkeep: traces older than the configured number of days are deleted, the
//! database planner's statistics follow the data as it grows, and on PostgreSQL the span
//! partitions of the coming days exist before their spans arrive.

use std::time::Duration;

use telemetry_store::Store;
use telemetry_types::Timestamp;
use tokio::sync::watch;

/// Traces deleted per transaction.
const BATCH_TRACES: u64 = 1_000;

/// Runs a retention pass every `interval` (the first one at once) until `stop` changes.
pub(crate) async fn run(
    store: Store,
    days: u32,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let keep = Duration::from_secs(u64::from(days) * 86_400);
    let mut ticker = tokio::time::interval(interval.max(Duration::from_secs(1)));
    loop {
        tokio::select! {
            _ = ticker.tick() => pass(&store, keep).await,
            _ = stop.changed() => return,
        }
    }
}

/// One pass: deletes the traces that started before now − `keep`.
pub(crate) async fn pass(store: &Store, keep: Duration) {
    let now = Timestamp::now().as_unix_nanos();
    let keep_nanos = u64::try_from(keep.as_nanos()).unwrap_or(u64::MAX);
    let cutoff = Timestamp::from_unix_nanos(now.saturating_sub(keep_nanos));
    // With several servers on one database, one of them deletes; the others skip the round.
    let deleting = store.delete_traces_before(None, cutoff, BATCH_TRACES);
    match store
        .exclusive("retention", deleting)
        .await
        .and_then(Option::transpose)
    {
        Ok(None) => tracing::debug!("another server is running retention"),
        Ok(Some(report)) => {
            crate::prometheus::retention_deleted(report.traces);
            if report.traces > 0 || report.span_partitions > 0 {
                tracing::info!(
                    traces = report.traces,
                    spans = report.spans,
                    span_partitions = report.span_partitions,
                    "retention pass"
                );
            }
        }
        Err(err) => tracing::warn!(error = %err, "retention pass failed; retrying next time"),
    }
}

/// Refreshes the planner's statistics every `interval` (the first time at once) until `stop`
/// changes: without them SQLite picks plans hundreds of times slower as the store grows.
pub(crate) async fn optimize(store: Store, interval: Duration, mut stop: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(interval.max(Duration::from_secs(1)));
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if let Err(err) = store.optimize().await {
                    tracing::warn!(error = %err, "refreshing planner statistics failed; retrying next time");
                }
            }
            _ = stop.changed() => return,
        }
    }
}

/// How often the coming days' span partitions are checked (PostgreSQL): hourly keeps
/// [`telemetry_store::PARTITION_DAYS_AHEAD`] days of margin even across a long outage.
const PARTITION_INTERVAL: Duration = Duration::from_secs(3_600);

/// Creates the span partitions of today and the next days every hour (the first time at
/// once) until `stop` changes, one server at a time.
pub(crate) async fn partitions(store: Store, mut stop: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(PARTITION_INTERVAL);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if let Err(err) = store.create_span_partitions(Timestamp::now()).await {
                    tracing::warn!(error = %err, "creating span partitions failed; retrying next hour");
                }
            }
            _ = stop.changed() => return,
        }
    }
}
