//! OTLP log records: storing them, the ones recorded in given spans (joined to those spans
//! at read time, so a record stored before its span still shows on it), and the filtered,
//! newest-first list of the logs query.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use telemetry_types::{LogRecord, SpanId, Timestamp, TraceId};

use crate::Store;
use crate::entities::log_record;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::query::escape_like;
use crate::time::nanos;

/// Which logs to list; every set field must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    /// At or after this time.
    pub from: Option<Timestamp>,
    /// Before this time.
    pub to: Option<Timestamp>,
    /// Severity number at least this (records without one have 0).
    pub min_severity: Option<i32>,
    /// The record (body, attributes, names) contains this text.
    pub text: Option<String>,
    /// Recorded in this trace.
    pub trace_id: Option<TraceId>,
}

/// Where a page of logs ends: the last record's time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogCursor {
    /// Time, Unix nanoseconds.
    pub time: i64,
    /// Row id.
    pub id: i64,
}

/// A stored log record and its cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLog {
    /// Its position in the newest-first order.
    pub cursor: LogCursor,
    /// The record.
    pub record: LogRecord,
}

/// A span: trace id and span id.
pub type SpanKey = (TraceId, SpanId);

const LOG_COLUMNS: usize = 6;

impl Store {
    /// Stores `records` in one transaction; returns how many were written.
    pub async fn insert_logs(&self, project: ProjectId, records: &[LogRecord]) -> Result<usize> {
        let rows = records
            .iter()
            .map(|record| row(project, record))
            .collect::<Result<Vec<_>>>()?;
        let per_statement = self.backend().max_bind_params() / LOG_COLUMNS;
        let txn = self.begin_write().await?;
        for chunk in rows.chunks(per_statement.max(1)) {
            log_record::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(rows.len())
    }

    /// Deletes the records older than `cutoff` (of one project, or of all with `None`), at
    /// most `batch_size` per transaction; returns how many were deleted.
    pub async fn delete_logs_before(
        &self,
        project: Option<ProjectId>,
        cutoff: Timestamp,
        batch_size: u64,
    ) -> Result<u64> {
        use log_record::Column as C;
        let mut deleted = 0;
        loop {
            let mut victims = log_record::Entity::find()
                .select_only()
                .column(C::Id)
                .filter(C::Time.lt(nanos(cutoff)))
                .order_by_asc(C::Time)
                .limit(batch_size.clamp(1, 10_000));
            if let Some(project) = project {
                victims = victims.filter(C::ProjectId.eq(project.0));
            }
            let ids: Vec<i64> = victims.into_tuple().all(&self.db).await?;
            if ids.is_empty() {
                return Ok(deleted);
            }
            let txn = self.begin_write().await?;
            deleted += log_record::Entity::delete_many()
                .filter(C::Id.is_in(ids))
                .exec(&txn)
                .await?
                .rows_affected;
            txn.commit().await?;
        }
    }

    /// The records of each of `spans`, oldest first.
    pub async fn logs_of_spans(
        &self,
        project: ProjectId,
        spans: &[SpanKey],
    ) -> Result<HashMap<SpanKey, Vec<LogRecord>>> {
        let mut traces: Vec<String> = spans.iter().map(|(t, _)| t.to_string()).collect();
        traces.sort_unstable();
        traces.dedup();
        let mut out: HashMap<SpanKey, Vec<LogRecord>> = HashMap::new();
        let per_query = self.backend().max_bind_params() - 1;
        for chunk in traces.chunks(per_query.max(1)) {
            let models = log_record::Entity::find()
                .filter(log_record::Column::ProjectId.eq(project.0))
                .filter(log_record::Column::TraceId.is_in(chunk.to_vec()))
                .filter(log_record::Column::SpanId.is_not_null())
                .order_by_asc(log_record::Column::Time)
                .order_by_asc(log_record::Column::Id)
                .all(&self.db)
                .await?;
            for model in models {
                let record = decode(&model.record)?;
                if let (Some(trace), Some(span)) = (record.trace_id, record.span_id)
                    && spans.contains(&(trace, span))
                {
                    out.entry((trace, span)).or_default().push(record);
                }
            }
        }
        Ok(out)
    }

    /// Up to `limit` records matching `filter`, newest first, after `after`.
    pub async fn list_logs(
        &self,
        project: ProjectId,
        filter: &LogFilter,
        after: Option<LogCursor>,
        limit: u64,
    ) -> Result<Vec<StoredLog>> {
        use log_record::Column as C;
        let mut query = log_record::Entity::find().filter(C::ProjectId.eq(project.0));
        if let Some(from) = filter.from {
            query = query.filter(C::Time.gte(nanos(from)));
        }
        if let Some(to) = filter.to {
            query = query.filter(C::Time.lt(nanos(to)));
        }
        if let Some(min) = filter.min_severity {
            query = query.filter(C::SeverityNumber.gte(min));
        }
        if let Some(trace) = filter.trace_id {
            query = query.filter(C::TraceId.eq(trace.to_string()));
        }
        if let Some(text) = filter.text.as_deref().filter(|t| !t.is_empty()) {
            query = query.filter(Expr::col(C::Record).like(like_pattern(text)));
        }
        if let Some(cursor) = after {
            query = query.filter(
                Condition::any().add(C::Time.lt(cursor.time)).add(
                    Condition::all()
                        .add(C::Time.eq(cursor.time))
                        .add(C::Id.lt(cursor.id)),
                ),
            );
        }
        let models = query
            .order_by_desc(C::Time)
            .order_by_desc(C::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        models
            .into_iter()
            .map(|model| {
                Ok(StoredLog {
                    cursor: LogCursor {
                        time: model.time,
                        id: model.id,
                    },
                    record: decode(&model.record)?,
                })
            })
            .collect()
    }
}

fn row(project: ProjectId, record: &LogRecord) -> Result<log_record::ActiveModel> {
    let json = serde_json::to_string(record).map_err(|source| Error::Corrupt {
        what: "log record",
        source,
    })?;
    Ok(log_record::ActiveModel {
        project_id: Set(project.0),
        time: Set(nanos(record.time)),
        severity_number: Set(record.severity_number),
        trace_id: Set(record.trace_id.map(|t| t.to_string())),
        span_id: Set(record.span_id.map(|s| s.to_string())),
        record: Set(json),
        ..Default::default()
    })
}

fn decode(json: &str) -> Result<LogRecord> {
    serde_json::from_str(json).map_err(|source| Error::Corrupt {
        what: "log record",
        source,
    })
}

/// `%text%` with `%`, `_` and `\` taken literally.
fn like_pattern(text: &str) -> sea_orm::sea_query::LikeExpr {
    sea_orm::sea_query::LikeExpr::new(format!("%{}%", escape_like(text))).escape('\\')
}
