//! Ingest: a batch of [`TelemetryEvent`]s written in one transaction.
//!
//! Writes are idempotent on (project, trace id, span id): a retried batch never duplicates.
//! A span's start and end merge into one row, and an end that arrives before its start is
//! kept (the late start does not overwrite it). Trace rows are created or extended by trace
//! events and by spans alike (start = earliest, end = latest, error = any, name = the root's),
//! and their span, token and cost totals are recomputed from the spans. An ended eval
//! execution span with a value creates (or updates) its score.

mod pg_array;
mod pg_bulk;
mod rows;
mod trace_locks;
mod write;

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use telemetry_types::TelemetryEvent;

pub use write::IngestReport;

use crate::cost::PriceTable;
use crate::error::Result;
use crate::projects::ProjectId;
use crate::store::{Backend, Store};
use rows::{Pricing, build_rows};

/// A batch of one project turned into the statements that write it, ready to commit.
/// Preparing (row building, JSON encoding, pricing, statement building) needs no lock, so a
/// server prepares on its request tasks and keeps its single writer for the commits.
#[derive(Debug)]
pub struct PreparedBatch {
    statements: Vec<Statement>,
    report: IngestReport,
    /// PostgreSQL: the advisory lock keys of the batch's traces (see `trace_locks`).
    lock_keys: Vec<i32>,
}

impl PreparedBatch {
    /// Rows the batch writes, per table.
    pub fn report(&self) -> IngestReport {
        self.report
    }
}

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
            prepared.push(self.prepare(*project, events).await?);
        }
        self.commit_prepared(prepared).await
    }

    /// Prepares `events` of `project` for [`Store::commit_prepared`] without writing anything.
    pub async fn prepare(
        &self,
        project: ProjectId,
        events: &[TelemetryEvent],
    ) -> Result<PreparedBatch> {
        let prices = self.project_prices(project).await?;
        let pricing = Pricing::new(prices.as_deref(), PriceTable::builtin());
        let rows = build_rows(events, &pricing)?;
        let lock_keys = match self.backend {
            Backend::Postgres => {
                trace_locks::keys(project.0, rows.traces.iter().map(|(id, _)| id.as_str()))
            }
            Backend::Sqlite => Vec::new(),
        };
        let db = self.db.get_database_backend();
        let (statements, report) = write::statements(self.backend, db, project.0, rows)?;
        Ok(PreparedBatch {
            statements,
            report,
            lock_keys,
        })
    }

    /// Commits prepared batches in one shared transaction: all are committed, or none.
    /// Idempotent like [`Store::ingest`], so a failed commit can be retried by preparing the
    /// same events again.
    pub async fn commit_prepared(&self, batches: Vec<PreparedBatch>) -> Result<IngestReport> {
        let txn = self.begin_write().await?;
        let keys = batches.iter().flat_map(|b| b.lock_keys.iter().copied());
        if let Some(locks) = trace_locks::statement(keys.collect()) {
            txn.execute_raw(locks).await?;
        }
        let mut report = IngestReport::default();
        for batch in batches {
            write::execute(&txn, batch.statements).await?;
            report += batch.report;
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
