//! The storage exporter: events written into a [`telemetry_store::Store`] in batched
//! transactions (feature `storage`).
//!
//! The core's worker hands this exporter a batch of events at a time (up to 4 096, whatever
//! accumulated since the last write); each batch is one store transaction, idempotent on
//! (project, trace id, span id), so a retried batch never duplicates. Transient database errors
//! (a dropped connection, a locked SQLite file, a terminated PostgreSQL backend) are retried with
//! exponential backoff and jitter until `max_retry_time` has passed. While a batch is being
//! retried, new events wait in the core's bounded queue for this exporter; when that queue is
//! full the core drops and counts them (`Telemetry::stats`), so memory stays bounded. A batch
//! that still fails is counted in [`StorageExporterStats::failed`] and reported by the next
//! `flush`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use async_trait::async_trait;
use backon::{ExponentialBuilder, Retryable};
use telemetry_core::{
    EventKinds, ExportError, ExporterCapabilities, TelemetryEvent, TelemetryExporter,
};
use telemetry_store::{ProjectId, Store};

/// Settings of a [`StorageExporter`].
#[derive(Debug, Clone)]
pub struct StorageExporterConfig {
    /// Exporter name (default `storage`).
    pub name: String,
    /// Event kinds stored (default: ended spans and ended traces).
    pub events: EventKinds,
    /// Capacity of the core's queue for this exporter (default 65 536 events).
    pub queue_capacity: usize,
    /// How long one batch is retried on transient errors before it is given up (default 60 s).
    pub max_retry_time: Duration,
    /// First retry delay (default 50 ms), doubled up to `max_retry_delay`.
    pub min_retry_delay: Duration,
    /// Longest delay between two retries (default 5 s).
    pub max_retry_delay: Duration,
}

impl Default for StorageExporterConfig {
    fn default() -> Self {
        StorageExporterConfig {
            name: "storage".to_owned(),
            events: EventKinds::ENDED,
            queue_capacity: 65_536,
            max_retry_time: Duration::from_secs(60),
            min_retry_delay: Duration::from_millis(50),
            max_retry_delay: Duration::from_secs(5),
        }
    }
}

/// Counters of a [`StorageExporter`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StorageExporterStats {
    /// Events committed to the store.
    pub written: u64,
    /// Transactions committed.
    pub batches: u64,
    /// Retries after transient errors.
    pub retries: u64,
    /// Events given up on (a permanent error, or retries exhausted).
    pub failed: u64,
}

#[derive(Default)]
struct Counters {
    written: AtomicU64,
    batches: AtomicU64,
    retries: AtomicU64,
    failed: AtomicU64,
    /// Failures not yet reported by a flush.
    unreported: AtomicU64,
}

/// Writes telemetry events into a store, for one project.
///
/// ```no_run
/// use telemetry_core::Telemetry;
/// use telemetry_exporters::storage::StorageExporter;
/// use telemetry_store::Store;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let store = Store::connect("sqlite://data/telemetry.db").await?;
/// store.migrate().await?;
/// let project = store.create_project("support-bot", "Support bot").await?;
/// let telemetry = Telemetry::builder("support-bot")
///     .exporter(StorageExporter::new(store, project.id))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct StorageExporter {
    store: Store,
    project: ProjectId,
    config: Arc<StorageExporterConfig>,
    counters: Arc<Counters>,
}

impl StorageExporter {
    /// Writes into `project` of `store` with the default settings.
    pub fn new(store: Store, project: ProjectId) -> Self {
        Self::with_config(store, project, StorageExporterConfig::default())
    }

    /// Writes into `project` of `store` with `config`.
    pub fn with_config(store: Store, project: ProjectId, config: StorageExporterConfig) -> Self {
        StorageExporter {
            store,
            project,
            config: Arc::new(config),
            counters: Arc::default(),
        }
    }

    /// Counters so far (the exporter is cheap to clone; keep a clone to read them).
    pub fn stats(&self) -> StorageExporterStats {
        let c = &self.counters;
        StorageExporterStats {
            written: c.written.load(Relaxed),
            batches: c.batches.load(Relaxed),
            retries: c.retries.load(Relaxed),
            failed: c.failed.load(Relaxed),
        }
    }

    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.config.min_retry_delay)
            .with_max_delay(self.config.max_retry_delay)
            .with_total_delay(Some(self.config.max_retry_time))
            .without_max_times()
            .with_jitter()
    }

    /// One transaction, retried on transient errors.
    async fn write(&self, events: &[TelemetryEvent]) -> Result<(), telemetry_store::Error> {
        let attempt = || async { self.store.ingest(self.project, events).await };
        attempt
            .retry(self.backoff())
            .when(telemetry_store::Error::is_transient)
            .notify(|error, delay| {
                self.counters.retries.fetch_add(1, Relaxed);
                tracing::warn!(exporter = %self.config.name, %error, ?delay, "store write failed; retrying");
            })
            .await
            .map(|_| ())
    }
}

#[async_trait]
impl TelemetryExporter for StorageExporter {
    fn name(&self) -> &str {
        &self.config.name
    }

    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: self.config.events,
            include_io: true,
            queue_capacity: self.config.queue_capacity,
        }
    }

    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        self.export_batch(vec![event]).await
    }

    async fn export_batch(&self, events: Vec<TelemetryEvent>) -> Result<(), ExportError> {
        let count = events.len() as u64;
        match self.write(&events).await {
            Ok(()) => {
                self.counters.written.fetch_add(count, Relaxed);
                self.counters.batches.fetch_add(1, Relaxed);
                Ok(())
            }
            Err(error) => {
                self.counters.failed.fetch_add(count, Relaxed);
                self.counters.unreported.fetch_add(count, Relaxed);
                Err(ExportError::Lost {
                    exporter: self.config.name.clone(),
                    failed: count,
                    message: error.to_string(),
                })
            }
        }
    }

    /// Everything handed over so far is already committed or counted as failed; reports the
    /// failures since the previous flush.
    async fn flush(&self) -> Result<(), ExportError> {
        match self.counters.unreported.swap(0, Relaxed) {
            0 => Ok(()),
            failed => Err(ExportError::Lost {
                exporter: self.config.name.clone(),
                failed,
                message: "events could not be written to the store".to_owned(),
            }),
        }
    }
}
