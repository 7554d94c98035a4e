//! Time partitions of `spans` on PostgreSQL: one range partition per UTC day of `start_time`
//! (`spans_p20261204`), created ahead by the server, plus `spans_default` for anything outside
//! them (backfills older than the partitions, clocks far ahead). Retention drops whole day
//! partitions instead of deleting their rows. SQLite has one table and none of this.
//!
//! A day partition is created detached, filled with the rows of its day that the default
//! partition holds (a span that arrived before its day's partition existed), then attached:
//! attaching takes only a `SHARE UPDATE EXCLUSIVE` lock on `spans`, so ingest goes on, and
//! PostgreSQL refuses to attach a range the default partition still has rows of.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use telemetry_types::Timestamp;

use crate::Store;
use crate::error::Result;
use crate::store::Backend;
use crate::time::nanos;

/// Nanoseconds in a day.
const DAY_NANOS: i64 = 86_400_000_000_000;

/// Days after today whose partitions the server keeps created.
pub const PARTITION_DAYS_AHEAD: u32 = 3;

/// The partition that holds every start time no day partition covers.
pub(crate) const DEFAULT_PARTITION: &str = "spans_default";

/// A day partition of `spans`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanPartition {
    /// Table name, `spans_pYYYYMMDD`.
    pub name: String,
    /// The UTC day it holds.
    pub day: NaiveDate,
}

impl SpanPartition {
    /// The partition of `day`.
    pub fn of_day(day: NaiveDate) -> Self {
        SpanPartition {
            name: format!("spans_p{}", day.format("%Y%m%d")),
            day,
        }
    }

    /// The partition a start time (Unix nanoseconds) falls in.
    pub fn of_nanos(start_nanos: i64) -> Self {
        Self::of_day(DateTime::<Utc>::from_timestamp_nanos(start_nanos).date_naive())
    }

    /// Parses a partition's table name; `None` for any other table.
    fn parse(name: &str) -> Option<Self> {
        let digits = name.strip_prefix("spans_p")?;
        let day = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
        (Self::of_day(day).name == name).then_some(Self::of_day(day))
    }

    /// First start time it holds (inclusive), Unix nanoseconds.
    pub fn from_nanos(&self) -> i64 {
        let days = self.day.signed_duration_since(epoch()).num_days();
        days.saturating_mul(DAY_NANOS)
    }

    /// First start time after it (exclusive).
    pub fn to_nanos(&self) -> i64 {
        self.from_nanos().saturating_add(DAY_NANOS)
    }

    /// The statements that create it, move its day's rows out of the default partition and
    /// attach it; run them in one transaction.
    pub(crate) fn create_statements(&self) -> [String; 4] {
        let (name, from, to) = (&self.name, self.from_nanos(), self.to_nanos());
        let range = format!("start_time >= {from} AND start_time < {to}");
        [
            format!("CREATE TABLE \"{name}\" (LIKE spans INCLUDING DEFAULTS)"),
            format!("INSERT INTO \"{name}\" SELECT * FROM {DEFAULT_PARTITION} WHERE {range}"),
            format!("DELETE FROM {DEFAULT_PARTITION} WHERE {range}"),
            format!(
                "ALTER TABLE spans ATTACH PARTITION \"{name}\" FOR VALUES FROM ({from}) TO ({to})"
            ),
        ]
    }
}

fn epoch() -> NaiveDate {
    DateTime::<Utc>::UNIX_EPOCH.date_naive()
}

/// The days from `first` to `last`, both included.
pub(crate) fn days(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first.iter_days().take_while(move |d| *d <= last)
}

/// The UTC day of a timestamp.
pub(crate) fn day_of(at: Timestamp) -> NaiveDate {
    SpanPartition::of_nanos(nanos(at)).day
}

/// What a pass of [`Store::drop_span_partitions_before`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DroppedPartitions {
    pub partitions: u64,
    pub spans: u64,
}

impl Store {
    /// The day partitions of `spans`, oldest first; empty on SQLite, which has one table.
    pub async fn span_partitions(&self) -> Result<Vec<SpanPartition>> {
        if self.backend != Backend::Postgres {
            return Ok(Vec::new());
        }
        list(&self.db).await
    }

    /// Creates the missing day partitions from the day of `now` to [`PARTITION_DAYS_AHEAD`]
    /// days after it, moving any rows of those days out of the default partition; returns how
    /// many it created. One server at a time (the `partitions` advisory lock): while another
    /// holds it, this one leaves the work to it and returns 0. The server runs it at start
    /// ([`Store::migrate`]) and every hour. Nothing to do on SQLite.
    pub async fn create_span_partitions(&self, now: Timestamp) -> Result<usize> {
        if self.backend != Backend::Postgres {
            return Ok(0);
        }
        self.exclusive("partitions", self.create_missing_partitions(now))
            .await?
            .unwrap_or(Ok(0))
    }

    async fn create_missing_partitions(&self, now: Timestamp) -> Result<usize> {
        let today = day_of(now);
        let last = today + chrono::Days::new(u64::from(PARTITION_DAYS_AHEAD));
        let existing = list(&self.db).await?;
        let mut created = 0;
        for day in days(today, last) {
            let partition = SpanPartition::of_day(day);
            if existing.contains(&partition) {
                continue;
            }
            let txn = self.db.begin().await?;
            for sql in partition.create_statements() {
                txn.execute_unprepared(&sql).await?;
            }
            txn.commit().await?;
            tracing::info!(partition = %partition.name, "created a span partition");
            created += 1;
        }
        Ok(created)
    }

    /// Drops the day partitions that end at or before `cutoff` (every span in them started
    /// before it); returns how many partitions and spans went.
    pub(crate) async fn drop_span_partitions_before(
        &self,
        cutoff: Timestamp,
    ) -> Result<DroppedPartitions> {
        let mut dropped = DroppedPartitions::default();
        if self.backend != Backend::Postgres {
            return Ok(dropped);
        }
        for partition in list(&self.db).await? {
            if partition.to_nanos() > nanos(cutoff) {
                break;
            }
            dropped.spans += drop_partition(&self.db, &partition).await?;
            dropped.partitions += 1;
            tracing::info!(partition = %partition.name, "dropped a span partition past retention");
        }
        Ok(dropped)
    }
}

/// Drops one partition in a transaction of its own; returns the spans it held. The lock
/// timeout keeps a long-running query on `spans` from queueing ingest behind the drop's
/// exclusive lock: the drop gives up and the next pass tries again.
async fn drop_partition(db: &DatabaseConnection, partition: &SpanPartition) -> Result<u64> {
    let txn = db.begin().await?;
    txn.execute_unprepared("SET LOCAL lock_timeout = '5s'")
        .await?;
    let count = Statement::from_string(
        txn.get_database_backend(),
        format!("SELECT COUNT(*) FROM \"{}\"", partition.name),
    );
    let spans: i64 = match txn.query_one_raw(count).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    txn.execute_unprepared(&format!("DROP TABLE \"{}\"", partition.name))
        .await?;
    txn.commit().await?;
    Ok(u64::try_from(spans).unwrap_or(0))
}

/// The day partitions attached to `spans`, oldest first.
async fn list(db: &impl ConnectionTrait) -> Result<Vec<SpanPartition>> {
    let sql = "SELECT c.relname::text FROM pg_inherits i \
               JOIN pg_class c ON c.oid = i.inhrelid \
               JOIN pg_class p ON p.oid = i.inhparent \
               WHERE p.relname = 'spans' AND p.relnamespace = current_schema()::regnamespace";
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut partitions = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        partitions.extend(SpanPartition::parse(&name));
    }
    partitions.sort_by_key(|p| p.day);
    Ok(partitions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_covers_its_utc_day() {
        let p = SpanPartition::of_nanos(1_764_806_400_000_000_000 + 5);
        assert_eq!(p.name, "spans_p20251204");
        assert_eq!(p.from_nanos(), 1_764_806_400_000_000_000);
        assert_eq!(p.to_nanos() - p.from_nanos(), DAY_NANOS);
        assert_eq!(SpanPartition::parse(&p.name), Some(p));
    }

    #[test]
    fn other_tables_are_not_partitions() {
        for name in [
            "spans",
            "spans_default",
            "spans_p2025124",
            "spans_p20251304",
        ] {
            assert_eq!(SpanPartition::parse(name), None, "{name}");
        }
    }

    #[test]
    fn days_include_both_ends() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 30).expect("date");
        let last = NaiveDate::from_ymd_opt(2027, 1, 2).expect("date");
        assert_eq!(days(first, last).count(), 4);
    }
}
