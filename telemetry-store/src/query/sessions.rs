//! Sessions: the traces of one conversation, summed up.

use serde::{Deserialize, Serialize};
use telemetry_types::Timestamp;

use super::sql::Sql;
use super::{Page, Paged, TimeRange, cursor_parts};
use crate::Store;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::time::timestamp;

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Session id.
    pub session_id: String,
    /// Traces in the session.
    pub trace_count: i64,
    /// Start of its first trace.
    pub first_time: Timestamp,
    /// Start of its last trace.
    pub last_time: Timestamp,
    /// Tokens of all its traces.
    pub total_tokens: i64,
    /// Cost of all its traces, USD.
    pub total_cost: f64,
    /// Whether any of its traces failed.
    pub has_error: bool,
}

impl Store {
    /// One page of the project's sessions with a trace starting in `time`, most recently
    /// active first.
    pub async fn list_sessions(
        &self,
        project: ProjectId,
        time: &TimeRange,
        page: &Page,
    ) -> Result<Paged<SessionSummary>> {
        let mut sql = Sql::default();
        let p = sql.bind(project.0);
        sql.push(&format!(
            "SELECT session_id, COUNT(*) AS n, MIN(start_time) AS first_t, MAX(start_time) AS last_t, \
             CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) AS tokens, \
             CAST(COALESCE(SUM(total_cost), 0) AS DOUBLE PRECISION) AS cost, \
             CAST(MAX(CASE WHEN has_error THEN 1 ELSE 0 END) AS BIGINT) AS errors \
             FROM traces WHERE project_id = {p} AND session_id IS NOT NULL"
        ));
        sql.time_range("start_time", time);
        sql.push(" GROUP BY session_id");
        if let Some(cursor) = &page.cursor {
            let parts = cursor_parts(cursor, "ss", 2)?;
            let last: i64 = parts[0]
                .parse()
                .map_err(|_| Error::InvalidCursor(cursor.clone()))?;
            let (l, id) = (sql.bind(last), sql.bind(parts[1].to_owned()));
            sql.push(&format!(
                " HAVING MAX(start_time) < {l} OR (MAX(start_time) = {l} AND session_id < {id})"
            ));
        }
        let limit = page.clamped_limit();
        let lim = sql.bind(i64::try_from(limit + 1).unwrap_or(1001));
        sql.push(&format!(
            " ORDER BY last_t DESC, session_id DESC LIMIT {lim}"
        ));
        let rows = sql.fetch(&self.db).await?;
        let mut items = rows
            .iter()
            .map(|r| {
                Ok(SessionSummary {
                    session_id: r.try_get("", "session_id")?,
                    trace_count: r.try_get("", "n")?,
                    first_time: timestamp(r.try_get("", "first_t")?),
                    last_time: timestamp(r.try_get("", "last_t")?),
                    total_tokens: r.try_get("", "tokens")?,
                    total_cost: r.try_get("", "cost")?,
                    has_error: r.try_get::<i64>("", "errors")? > 0,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            items
                .last()
                .map(|s| format!("ss:{}:{}", s.last_time.as_unix_nanos(), s.session_id))
        } else {
            None
        };
        Ok(Paged { items, next_cursor })
    }
}
