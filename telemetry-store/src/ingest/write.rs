//! The statements that write a batch: multi-row upserts split below the bind-parameter limit,
//! and the refresh of the trace totals.

use sea_orm::sea_query::{Expr, InsertStatement, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, Value};

use super::pg_bulk;
use super::rows::{EvalScoreRow, EventRow, Rows, SpanRow, TraceRow};
use crate::entities::{score, span, span_event, trace};
use crate::error::{Error, Result};
use crate::store::Backend;

/// Rows written by one call, per table (retries count again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Span rows upserted.
    pub spans: usize,
    /// Trace rows upserted.
    pub traces: usize,
    /// Span event rows upserted.
    pub span_events: usize,
    /// Score rows upserted from eval spans.
    pub scores: usize,
}

impl std::ops::AddAssign for IngestReport {
    fn add_assign(&mut self, other: Self) {
        self.spans += other.spans;
        self.traces += other.traces;
        self.span_events += other.span_events;
        self.scores += other.scores;
    }
}

/// The statements that write one project's rows, in order. Traces go first, so concurrent
/// writers of the same trace queue on its row and the totals refreshed last see every
/// committed span.
pub(crate) fn statements(
    backend: Backend,
    db: DbBackend,
    project: i64,
    rows: Rows,
) -> Result<(Vec<Statement>, IngestReport)> {
    let report = IngestReport {
        spans: rows.spans.len(),
        traces: rows.traces.len(),
        span_events: rows.events.len(),
        scores: rows.scores.len(),
    };
    let mut span_traces: Vec<String> = rows.spans.iter().map(|s| s.trace_id.clone()).collect();
    span_traces.sort_unstable();
    span_traces.dedup();
    let limit = backend.max_bind_params();
    let mut out = Vec::new();
    for chunk in chunks(rows.traces, limit / TRACE_COLUMNS.len()) {
        out.push(db.build(&trace_upsert(project, chunk)?));
    }
    if backend == Backend::Postgres {
        for chunk in rows.spans.chunks(PG_ARRAY_ROWS) {
            out.push(pg_bulk::span_upsert(project, chunk));
        }
    } else {
        for chunk in chunks(rows.spans, limit / SPAN_COLUMNS.len()) {
            out.push(db.build(&span_upsert(project, chunk)?));
        }
    }
    for chunk in chunks(rows.events, limit / EVENT_COLUMNS.len()) {
        out.push(db.build(&event_upsert(project, chunk)?));
    }
    for chunk in chunks(rows.scores, limit / SCORE_COLUMNS.len()) {
        out.push(db.build(&score_upsert(project, chunk)?));
    }
    if backend == Backend::Postgres {
        for chunk in span_traces.chunks(PG_ARRAY_ROWS) {
            out.push(pg_bulk::refresh_totals(project, chunk));
        }
    } else {
        for chunk in chunks(span_traces, limit - 1) {
            out.push(refresh_totals(db, project, chunk));
        }
    }
    Ok((out, report))
}

/// Rows per PostgreSQL array statement: bounds one statement's size (~1 KiB per span row),
/// not its parameters, which are one per column.
const PG_ARRAY_ROWS: usize = 10_000;

/// The SQL of the totals each trace rolls up from its spans (one row per trace, correlated on
/// it), shared by both databases' refresh statements.
pub(super) const TOTALS_FROM_SPANS: &str = "UPDATE traces SET (span_count, input_tokens, \
     output_tokens, total_tokens, total_cost) = \
     (SELECT COUNT(*), \
       CAST(COALESCE(SUM(s.input_tokens), 0) AS BIGINT), \
       CAST(COALESCE(SUM(s.output_tokens), 0) AS BIGINT), \
       CAST(COALESCE(SUM(s.total_tokens), 0) AS BIGINT), \
       CAST(COALESCE(SUM(s.cost), 0) AS DOUBLE PRECISION) \
       FROM spans s WHERE s.project_id = traces.project_id AND s.trace_id = traces.trace_id) \
     WHERE traces.project_id = $1";

/// Runs prepared statements inside `txn`, in order.
pub(crate) async fn execute(txn: &DatabaseTransaction, statements: Vec<Statement>) -> Result<()> {
    for statement in statements {
        txn.execute_raw(statement).await?;
    }
    Ok(())
}

/// Splits `items` into owned chunks of at most `size` (at least 1).
fn chunks<T>(items: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let size = size.max(1);
    let mut out = Vec::with_capacity(items.len().div_ceil(size));
    let mut iter = items.into_iter().peekable();
    while iter.peek().is_some() {
        out.push(iter.by_ref().take(size).collect());
    }
    out
}

fn query_error(e: sea_orm::sea_query::error::Error) -> Error {
    Error::Database(sea_orm::DbErr::Custom(format!("building a statement: {e}")))
}

const TRACE_COLUMNS: [trace::Column; 16] = [
    trace::Column::ProjectId,
    trace::Column::TraceId,
    trace::Column::Name,
    trace::Column::ServiceName,
    trace::Column::RootSpanId,
    trace::Column::StartTime,
    trace::Column::EndTime,
    trace::Column::DurationNs,
    trace::Column::HasError,
    trace::Column::Incomplete,
    trace::Column::UserId,
    trace::Column::SessionId,
    trace::Column::Environment,
    trace::Column::Release,
    trace::Column::Tags,
    trace::Column::Attributes,
];

fn trace_values(project: i64, id: String, t: TraceRow) -> Vec<Expr> {
    let duration = t.end_time.map(|end| end.saturating_sub(t.start_time));
    vec![
        project.into(),
        id.into(),
        t.name.into(),
        t.service_name.into(),
        t.root_span_id.into(),
        t.start_time.into(),
        t.end_time.into(),
        duration.into(),
        t.has_error.into(),
        t.incomplete.into(),
        t.user_id.into(),
        t.session_id.into(),
        t.environment.into(),
        t.release.into(),
        t.tags.into(),
        t.attributes.into(),
    ]
}

/// Trace upsert: earliest start, latest end, errors and incompleteness OR-ed, and every other
/// field kept unless the new row knows it.
fn trace_upsert(project: i64, rows: Vec<(String, TraceRow)>) -> Result<InsertStatement> {
    use trace::Column as C;
    let mut stmt = Query::insert();
    stmt.into_table(trace::Entity).columns(TRACE_COLUMNS);
    for (id, row) in rows {
        stmt.values(trace_values(project, id, row))
            .map_err(query_error)?;
    }
    let start = "CASE WHEN excluded.start_time < traces.start_time \
                 THEN excluded.start_time ELSE traces.start_time END";
    let end = "CASE WHEN traces.end_time IS NULL OR excluded.end_time > traces.end_time \
               THEN excluded.end_time ELSE traces.end_time END";
    let mut conflict = OnConflict::columns([C::ProjectId, C::TraceId]);
    conflict
        .value(C::StartTime, Expr::cust(start))
        .value(C::EndTime, Expr::cust(end))
        .value(C::DurationNs, Expr::cust(format!("({end}) - ({start})")))
        .value(
            C::HasError,
            Expr::cust("traces.has_error OR excluded.has_error"),
        )
        .value(
            C::Incomplete,
            Expr::cust("traces.incomplete OR excluded.incomplete"),
        );
    let keep = [
        ("name", C::Name),
        ("service_name", C::ServiceName),
        ("root_span_id", C::RootSpanId),
        ("user_id", C::UserId),
        ("session_id", C::SessionId),
        ("environment", C::Environment),
        ("release", C::Release),
        ("tags", C::Tags),
        ("attributes", C::Attributes),
    ];
    for (name, col) in keep {
        conflict.value(
            col,
            Expr::cust(format!("COALESCE(excluded.{name}, traces.{name})")),
        );
    }
    stmt.on_conflict(conflict);
    Ok(stmt)
}

pub(super) const SPAN_COLUMNS: [span::Column; 24] = [
    span::Column::ProjectId,
    span::Column::TraceId,
    span::Column::SpanId,
    span::Column::ParentSpanId,
    span::Column::SpanType,
    span::Column::Name,
    span::Column::ServiceName,
    span::Column::Status,
    span::Column::IsError,
    span::Column::StartTime,
    span::Column::EndTime,
    span::Column::DurationNs,
    span::Column::Model,
    span::Column::Provider,
    span::Column::InputTokens,
    span::Column::OutputTokens,
    span::Column::TotalTokens,
    span::Column::CacheReadTokens,
    span::Column::CacheWriteTokens,
    span::Column::ReasoningTokens,
    span::Column::Cost,
    span::Column::UserId,
    span::Column::SessionId,
    span::Column::Record,
];

fn span_values(project: i64, s: SpanRow) -> Vec<Expr> {
    let mut values: Vec<Expr> = vec![
        project.into(),
        s.trace_id.into(),
        s.span_id.into(),
        s.parent_span_id.into(),
        s.span_type.into(),
        s.name.into(),
        s.service_name.into(),
        s.status.into(),
        s.is_error.into(),
        s.start_time.into(),
        s.end_time.into(),
        s.duration_ns.into(),
        s.model.into(),
        s.provider.into(),
    ];
    values.extend(s.tokens.into_iter().map(Expr::from));
    values.extend([
        s.cost.into(),
        s.user_id.into(),
        s.session_id.into(),
        s.record.into(),
    ]);
    values
}

/// Span upsert, idempotent on (project, trace, span): a row is replaced unless the new record
/// is a start and the stored one has already ended (an end that overtook its start is kept).
fn span_upsert(project: i64, rows: Vec<SpanRow>) -> Result<InsertStatement> {
    use span::Column as C;
    let mut stmt = Query::insert();
    stmt.into_table(span::Entity).columns(SPAN_COLUMNS);
    for row in rows {
        stmt.values(span_values(project, row))
            .map_err(query_error)?;
    }
    let mut conflict = OnConflict::columns([C::ProjectId, C::TraceId, C::SpanId]);
    conflict
        .update_columns(SPAN_COLUMNS[3..].iter().copied())
        .action_and_where(Expr::cust(
            "excluded.end_time IS NOT NULL OR spans.end_time IS NULL",
        ));
    stmt.on_conflict(conflict);
    Ok(stmt)
}

const EVENT_COLUMNS: [span_event::Column; 7] = [
    span_event::Column::ProjectId,
    span_event::Column::TraceId,
    span_event::Column::SpanId,
    span_event::Column::Seq,
    span_event::Column::Name,
    span_event::Column::Time,
    span_event::Column::Attributes,
];

fn event_upsert(project: i64, rows: Vec<EventRow>) -> Result<InsertStatement> {
    use span_event::Column as C;
    let mut stmt = Query::insert();
    stmt.into_table(span_event::Entity).columns(EVENT_COLUMNS);
    for e in rows {
        let values: Vec<Expr> = vec![
            project.into(),
            e.trace_id.into(),
            e.span_id.into(),
            e.seq.into(),
            e.name.into(),
            e.time.into(),
            e.attributes.into(),
        ];
        stmt.values(values).map_err(query_error)?;
    }
    stmt.on_conflict(
        OnConflict::columns([C::ProjectId, C::TraceId, C::SpanId, C::Seq])
            .update_columns([C::Name, C::Time, C::Attributes])
            .to_owned(),
    );
    Ok(stmt)
}

const SCORE_COLUMNS: [score::Column; 14] = [
    score::Column::ProjectId,
    score::Column::TraceId,
    score::Column::SpanId,
    score::Column::Name,
    score::Column::Evaluator,
    score::Column::DataType,
    score::Column::Value,
    score::Column::Label,
    score::Column::Passed,
    score::Column::Source,
    score::Column::Comment,
    score::Column::EvalTraceId,
    score::Column::EvalSpanId,
    score::Column::CreatedAt,
];

fn score_values(project: i64, s: EvalScoreRow) -> Vec<Expr> {
    vec![
        project.into(),
        s.trace_id.into(),
        s.span_id.into(),
        s.name.into(),
        s.evaluator.into(),
        s.data_type.into(),
        s.value.into(),
        s.label.into(),
        s.passed.into(),
        "eval".into(),
        s.comment.into(),
        Some(s.eval_trace_id).into(),
        Some(s.eval_span_id).into(),
        s.created_at.into(),
    ]
}

/// Score upsert keyed by the eval span that produced it, so a retried batch keeps one score.
fn score_upsert(project: i64, rows: Vec<EvalScoreRow>) -> Result<InsertStatement> {
    use score::Column as C;
    let mut stmt = Query::insert();
    stmt.into_table(score::Entity).columns(SCORE_COLUMNS);
    for row in rows {
        stmt.values(score_values(project, row))
            .map_err(query_error)?;
    }
    stmt.on_conflict(
        OnConflict::columns([C::ProjectId, C::EvalTraceId, C::EvalSpanId])
            .update_columns(SCORE_COLUMNS[1..11].iter().copied())
            .to_owned(),
    );
    Ok(stmt)
}

/// Recomputes the span count, token and cost totals of the given traces from their spans
/// (idempotent, unlike incrementing them). The totals come from a subquery correlated on the
/// trace, which both databases answer from the spans' primary key, so the cost grows with
/// the batch and not with the table (a grouped join over `spans` let PostgreSQL, before its
/// first `ANALYZE`, scan every span of the project for each batch).
fn refresh_totals(backend: DbBackend, project: i64, trace_ids: Vec<String>) -> Statement {
    let placeholders: Vec<String> = (0..trace_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "{TOTALS_FROM_SPANS} AND traces.trace_id IN ({})",
        placeholders.join(", ")
    );
    let mut values: Vec<Value> = Vec::with_capacity(trace_ids.len() + 1);
    values.push(project.into());
    values.extend(trace_ids.into_iter().map(Value::from));
    Statement::from_sql_and_values(backend, sql, values)
}
