//! One session by id, and the cursors of listed traces and sessions (so a connection can
//! give every item its own cursor).

use super::sql::Sql;
use super::{SessionSummary, TraceOrder, TraceSummary};
use crate::Store;
use crate::error::Result;
use crate::projects::ProjectId;
use crate::time::timestamp;

/// The cursor of `trace` in a [`Store::list_traces`] listing in `order`: passing it as a page's
/// cursor returns the traces after it.
pub fn trace_cursor(order: TraceOrder, trace: &TraceSummary) -> String {
    let (tag, value) = match order {
        TraceOrder::StartTimeDesc => ("td", trace.start_time.as_unix_nanos().to_string()),
        TraceOrder::StartTimeAsc => ("ta", trace.start_time.as_unix_nanos().to_string()),
        TraceOrder::DurationDesc => ("dd", trace.duration_ns.unwrap_or(-1).to_string()),
        TraceOrder::CostDesc => ("cd", trace.total_cost.to_string()),
    };
    format!("{tag}:{value}:{}", trace.trace_id)
}

/// The cursor of `session` in a [`Store::list_sessions`] listing.
pub fn session_cursor(session: &SessionSummary) -> String {
    format!(
        "ss:{}:{}",
        session.last_time.as_unix_nanos(),
        session.session_id
    )
}

impl Store {
    /// One session of the project, summed over all its traces; `None` when it has none.
    pub async fn session(
        &self,
        project: ProjectId,
        session_id: &str,
    ) -> Result<Option<SessionSummary>> {
        let mut sql = Sql::default();
        let p = sql.bind(project.0);
        let s = sql.bind(session_id);
        sql.push(&format!(
            "SELECT COUNT(*) AS n, MIN(start_time) AS first_t, MAX(start_time) AS last_t, \
             CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) AS tokens, \
             CAST(COALESCE(SUM(total_cost), 0) AS DOUBLE PRECISION) AS cost, \
             CAST(COALESCE(MAX(CASE WHEN has_error THEN 1 ELSE 0 END), 0) AS BIGINT) AS errors \
             FROM traces WHERE project_id = {p} AND session_id = {s}"
        ));
        let rows = sql.fetch(&self.db).await?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let n: i64 = r.try_get("", "n")?;
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(SessionSummary {
            session_id: session_id.to_owned(),
            trace_count: n,
            first_time: timestamp(r.try_get("", "first_t")?),
            last_time: timestamp(r.try_get("", "last_t")?),
            total_tokens: r.try_get("", "tokens")?,
            total_cost: r.try_get("", "cost")?,
            has_error: r.try_get::<i64>("", "errors")? > 0,
        }))
    }
}
