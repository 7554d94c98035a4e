//! The `logs` query: OTLP log records of the caller's project, newest first, filtered by
//! time, severity, text and trace.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;
use telemetry_store::{LogCursor, LogFilter, StoredLog};
use telemetry_types::Timestamp;

use super::errors::{GqlResult, bad_input, from_store};
use super::inputs::{self, connection_complexity, time};
use super::scope::Scope;

/// Which log records to list; every set field must match.
#[derive(InputObject, Default)]
#[graphql(name = "LogFilter")]
pub(crate) struct LogFilterInput {
    /// At or after this time.
    from: Option<DateTime<Utc>>,
    /// Before this time.
    to: Option<DateTime<Utc>>,
    /// OpenTelemetry severity number at least this (9 = INFO, 13 = WARN, 17 = ERROR).
    min_severity: Option<i32>,
    /// The record (body, attributes, names) contains this text.
    text: Option<String>,
    /// Recorded in this trace.
    trace_id: Option<String>,
}

impl LogFilterInput {
    fn filter(self) -> GqlResult<LogFilter> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(bad_input("logs filter: `from` is after `to`"));
        }
        Ok(LogFilter {
            from: self.from.map(Timestamp::from_datetime),
            to: self.to.map(Timestamp::from_datetime),
            min_severity: self.min_severity,
            text: self.text,
            trace_id: self.trace_id.as_deref().map(inputs::trace_id).transpose()?,
        })
    }
}

/// One OTLP log record.
#[derive(SimpleObject)]
#[graphql(name = "LogRecord")]
pub(crate) struct LogObject {
    /// When it happened.
    time: DateTime<Utc>,
    /// OpenTelemetry severity number (0 when unspecified).
    severity_number: i32,
    /// Severity as the sender named it.
    severity_text: Option<String>,
    /// Event name, for event records.
    event_name: Option<String>,
    /// The body: a string or structured data.
    body: Option<Json<Value>>,
    /// Attributes.
    attributes: Json<serde_json::Map<String, Value>>,
    /// Trace it was recorded in.
    trace_id: Option<String>,
    /// Span it was recorded in (the record is also one of that span's events).
    span_id: Option<String>,
    /// The sender's `service.name`.
    service_name: String,
}

impl From<StoredLog> for LogObject {
    fn from(log: StoredLog) -> Self {
        let r = log.record;
        LogObject {
            time: time(r.time),
            severity_number: r.severity_number,
            severity_text: r.severity_text,
            event_name: r.event_name,
            body: r.body.map(Json),
            attributes: Json(r.attributes),
            trace_id: r.trace_id.map(|t| t.to_string()),
            span_id: r.span_id.map(|s| s.to_string()),
            service_name: r.service_name,
        }
    }
}

/// Log queries.
#[derive(Default)]
pub(crate) struct LogQueries;

#[Object]
impl LogQueries {
    /// Log records matching `filter`, newest first.
    #[graphql(complexity = "connection_complexity(first, child_complexity)")]
    async fn logs(
        &self,
        ctx: &Context<'_>,
        filter: Option<LogFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, LogObject>> {
        let page = inputs::page(ctx, first, after)?;
        let after = page.cursor.as_deref().map(parse_cursor).transpose()?;
        let filter = filter.unwrap_or_default().filter()?;
        let scope = Scope::of(ctx)?;
        let mut found = scope
            .store()
            .list_logs(scope.project(), &filter, after, page.limit + 1)
            .await
            .map_err(from_store)?;
        let more = found.len() as u64 > page.limit;
        found.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
        let mut connection = Connection::new(after.is_some(), more);
        for log in found {
            let cursor = format!("{}:{}", log.cursor.time, log.cursor.id);
            connection.edges.push(Edge::new(cursor, log.into()));
        }
        Ok(connection)
    }
}

/// A cursor this query handed out: `time:id`.
fn parse_cursor(text: &str) -> GqlResult<LogCursor> {
    let parsed = text.split_once(':').and_then(|(t, id)| {
        Some(LogCursor {
            time: t.parse().ok()?,
            id: id.parse().ok()?,
        })
    });
    parsed.ok_or_else(|| bad_input("invalid logs cursor"))
}
