//! Retention: deleting old traces in bounded batches.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use telemetry_types::Timestamp;

use crate::Store;
use crate::entities::{score, span, span_event, trace};
use crate::error::Result;
use crate::projects::ProjectId;
use crate::time::nanos;

/// What a retention pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Traces deleted.
    pub traces: u64,
    /// Spans deleted.
    pub spans: u64,
    /// Span events deleted.
    pub span_events: u64,
    /// Scores of those traces deleted.
    pub scores: u64,
    /// Log records older than the cutoff deleted.
    pub log_records: u64,
    /// Day partitions of spans dropped whole (PostgreSQL; their spans count in `spans`).
    pub span_partitions: u64,
    /// Transactions used.
    pub batches: u64,
}

impl Store {
    /// Deletes the traces that started before `cutoff` (of one project, or of all with `None`),
    /// with their spans, span events and scores, `batch_size` traces per transaction so that
    /// no transaction holds locks for long; then the log records older than `cutoff`.
    ///
    /// On PostgreSQL, for all projects, the day partitions of spans that end by `cutoff` are
    /// dropped whole first (a span in them started before `cutoff`, and so did its trace);
    /// the rest of those traces is then deleted row by row.
    pub async fn delete_traces_before(
        &self,
        project: Option<ProjectId>,
        cutoff: Timestamp,
        batch_size: u64,
    ) -> Result<RetentionReport> {
        let mut report = RetentionReport::default();
        if project.is_none() {
            let dropped = self.drop_span_partitions_before(cutoff).await?;
            report.span_partitions = dropped.partitions;
            report.spans = dropped.spans;
        }
        loop {
            let mut query = trace::Entity::find()
                .select_only()
                .column(trace::Column::ProjectId)
                .column(trace::Column::TraceId)
                .filter(trace::Column::StartTime.lt(nanos(cutoff)))
                .order_by_asc(trace::Column::StartTime)
                .limit(batch_size.clamp(1, 10_000));
            if let Some(project) = project {
                query = query.filter(trace::Column::ProjectId.eq(project.0));
            }
            let victims: Vec<(i64, String)> = query.into_tuple().all(&self.db).await?;
            if victims.is_empty() {
                report.log_records = self.delete_logs_before(project, cutoff, batch_size).await?;
                return Ok(report);
            }
            let mut by_project: BTreeMap<i64, Vec<String>> = BTreeMap::new();
            for (project, trace_id) in victims {
                by_project.entry(project).or_default().push(trace_id);
            }
            self.delete_batch(by_project, &mut report).await?;
            report.batches += 1;
        }
    }

    async fn delete_batch(
        &self,
        by_project: BTreeMap<i64, Vec<String>>,
        report: &mut RetentionReport,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        for (project, ids) in by_project {
            report.span_events += span_event::Entity::delete_many()
                .filter(span_event::Column::ProjectId.eq(project))
                .filter(span_event::Column::TraceId.is_in(ids.clone()))
                .exec(&txn)
                .await?
                .rows_affected;
            report.spans += span::Entity::delete_many()
                .filter(span::Column::ProjectId.eq(project))
                .filter(span::Column::TraceId.is_in(ids.clone()))
                .exec(&txn)
                .await?
                .rows_affected;
            report.scores += score::Entity::delete_many()
                .filter(score::Column::ProjectId.eq(project))
                .filter(score::Column::TraceId.is_in(ids.clone()))
                .exec(&txn)
                .await?
                .rows_affected;
            report.traces += trace::Entity::delete_many()
                .filter(trace::Column::ProjectId.eq(project))
                .filter(trace::Column::TraceId.is_in(ids))
                .exec(&txn)
                .await?
                .rows_affected;
        }
        txn.commit().await?;
        Ok(())
    }
}
