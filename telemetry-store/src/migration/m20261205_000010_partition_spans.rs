//! PostgreSQL only: `spans` becomes a table range-partitioned by `start_time`, one partition
//! per UTC day plus a default one, so that retention drops whole days instead of deleting
//! rows and each day's indexes stay small. The data is copied over; SQLite is left as it is.
//!
//! A partitioned table's primary key must contain the partition key, so the key becomes
//! (project, trace, span, start time): a span's start never changes between the start and
//! end events or a retry, so ingest stays idempotent (its upsert names the four columns).
//!
//! Day partitions are created for the days of the existing data within [`BACKFILL_DAYS`]
//! before today and up to [`crate::partitions::PARTITION_DAYS_AHEAD`] after it; older rows
//! go to `spans_default`, from which retention deletes them row by row as before.
//!
//! The duration index is not recreated on PostgreSQL (see [`KEYS_AND_INDEXES`]).

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use crate::partitions::{self, DEFAULT_PARTITION, PARTITION_DAYS_AHEAD, SpanPartition};

/// Moves `spans` onto time partitions.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

/// The index of SQLite's quantile walk, which the schema before this migration had on
/// PostgreSQL too; `down` puts it back.
const DURATION_INDEX: &str = "CREATE INDEX idx_spans_duration ON spans \
     (project_id, span_type, duration_ns, start_time, name)";

/// Days before today whose existing spans get a day partition of their own.
const BACKFILL_DAYS: u64 = 62;

/// The table-level parts of `spans` both directions recreate: key, foreign key, indexes.
/// Not the duration index (below): PostgreSQL's quantiles (`percentile_cont`) read durations
/// from the type index, which covers them, so on PostgreSQL it was a sixth b-tree written per
/// span for no query; SQLite walks it with `LIMIT … OFFSET` and keeps it.
const KEYS_AND_INDEXES: [&str; 5] = [
    "ALTER TABLE spans ADD CONSTRAINT fk_spans_project FOREIGN KEY (project_id) \
     REFERENCES projects (id) ON DELETE CASCADE",
    "CREATE INDEX idx_spans_start ON spans (project_id, start_time)",
    "CREATE INDEX idx_spans_type ON spans \
     (project_id, span_type, start_time, name, duration_ns, is_error)",
    "CREATE INDEX idx_spans_model ON spans (project_id, model, provider, start_time, \
     input_tokens, output_tokens, total_tokens, cache_read_tokens, cache_write_tokens, \
     reasoning_tokens, cost)",
    "CREATE INDEX idx_spans_parent ON spans (project_id, trace_id, parent_span_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE spans RENAME TO spans_unpartitioned")
            .await?;
        db.execute_unprepared(
            "CREATE TABLE spans (LIKE spans_unpartitioned INCLUDING DEFAULTS) \
             PARTITION BY RANGE (start_time)",
        )
        .await?;
        db.execute_unprepared(&format!(
            "CREATE TABLE {DEFAULT_PARTITION} PARTITION OF spans DEFAULT"
        ))
        .await?;
        for partition in initial_partitions(db).await? {
            for sql in partition.create_statements() {
                db.execute_unprepared(&sql).await?;
            }
        }
        db.execute_unprepared("INSERT INTO spans SELECT * FROM spans_unpartitioned")
            .await?;
        db.execute_unprepared("DROP TABLE spans_unpartitioned")
            .await?;
        db.execute_unprepared(
            "ALTER TABLE spans ADD PRIMARY KEY (project_id, trace_id, span_id, start_time)",
        )
        .await?;
        for sql in KEYS_AND_INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE spans RENAME TO spans_partitioned")
            .await?;
        db.execute_unprepared("CREATE TABLE spans (LIKE spans_partitioned INCLUDING DEFAULTS)")
            .await?;
        db.execute_unprepared("INSERT INTO spans SELECT * FROM spans_partitioned")
            .await?;
        // Dropping the parent drops every partition with it.
        db.execute_unprepared("DROP TABLE spans_partitioned")
            .await?;
        db.execute_unprepared("ALTER TABLE spans ADD PRIMARY KEY (project_id, trace_id, span_id)")
            .await?;
        for sql in KEYS_AND_INDEXES.iter().chain([&DURATION_INDEX]) {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

/// The day partitions to create: the days of the existing spans from [`BACKFILL_DAYS`] before
/// today, and today up to [`PARTITION_DAYS_AHEAD`] days ahead.
async fn initial_partitions(db: &SchemaManagerConnection<'_>) -> Result<Vec<SpanPartition>, DbErr> {
    let today = Utc::now().date_naive();
    let first = today - chrono::Days::new(BACKFILL_DAYS);
    let last = today + chrono::Days::new(u64::from(PARTITION_DAYS_AHEAD));
    let from = SpanPartition::of_day(first).from_nanos();
    let to = SpanPartition::of_day(last).to_nanos();
    let sql = format!(
        "SELECT DISTINCT start_time / 86400000000000 FROM spans_unpartitioned \
         WHERE start_time >= {from} AND start_time < {to}"
    );
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?;
    let mut with_data = Vec::with_capacity(rows.len());
    for row in rows {
        let day: i64 = row.try_get_by_index(0)?;
        with_data.push(SpanPartition::of_nanos(day * 86_400_000_000_000).day);
    }
    Ok(partitions::days(first, last)
        .filter(|day| *day >= today || with_data.contains(day))
        .map(SpanPartition::of_day)
        .collect())
}
