//! Ingest: a batch of [`TelemetryEvent`]s written in one transaction.
//!
//! Writes are idempotent on (project, trace id, span id): a retried batch never duplicates.
//! A span's start and end merge into one row, and an end that arrives before its start is
//! kept (the late start does not overwrite it). Trace rows are created or extended by trace
//! events and by spans alike (start = earliest, end = latest, error = any, name = the root's),
//! and their span, token and cost totals are recomputed from the spans. An ended eval
//! execution span with a value creates (or updates) its score.

mod rows;
mod write;

use sea_orm::{DatabaseTransaction, SqliteTransactionMode, TransactionOptions, TransactionTrait};
use telemetry_types::TelemetryEvent;

pub use write::IngestReport;

use crate::cost::PriceTable;
use crate::error::Result;
use crate::projects::ProjectId;
use crate::store::{Backend, Store};
use rows::{Pricing, build_rows};

impl Store {
    /// Writes `events` for `project` in one transaction.
    pub async fn ingest(
        &self,
        project: ProjectId,
        events: &[TelemetryEvent],
    ) -> Result<IngestReport> {
        self.ingest_many(&[(project, events)]).await
    }

    /// Writes the batches of several projects in one shared transaction (what a server does
    /// when it groups concurrent requests): all are committed, or none.
    pub async fn ingest_many(
        &self,
        batches: &[(ProjectId, &[TelemetryEvent])],
    ) -> Result<IngestReport> {
        let mut prepared = Vec::with_capacity(batches.len());
        for (project, events) in batches {
            let prices = self.project_prices(*project).await?;
            let pricing = Pricing::new(prices.as_deref(), PriceTable::builtin());
            prepared.push((*project, build_rows(events, &pricing)?));
        }
        let txn = self.begin_write().await?;
        let mut report = IngestReport::default();
        for (project, rows) in prepared {
            report += write::write_rows(&txn, self.backend, project.0, rows).await?;
        }
        txn.commit().await?;
        Ok(report)
    }

    /// Begins a write transaction; on SQLite it takes the write lock at once (`IMMEDIATE`) so
    /// concurrent writers wait on the busy timeout instead of failing on a lock upgrade.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }
}
