//! Totals over a span's subtree (the span and all its descendants), computed in the database
//! with a recursive query, for many spans at once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use telemetry_types::{SpanId, TraceId};

use super::sql::Sql;
use super::usage_totals::UsageTotals;
use crate::Store;
use crate::error::{Error, Result};
use crate::projects::ProjectId;

/// Sums over a span and all its descendants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SubtreeTotals {
    /// Spans in the subtree, the span itself included.
    pub span_count: i64,
    /// Failed descendants (the span itself excluded).
    pub errored_descendants: i64,
    /// Tokens and cost.
    #[serde(flatten)]
    pub totals: UsageTotals,
}

/// Most spans in one recursive statement.
const CHUNK: usize = 400;

impl Store {
    /// Subtree totals of each of `spans` that the project has (missing spans are absent from
    /// the map). Cycles in parent links are tolerated (each span counts once per subtree).
    pub async fn subtree_totals(
        &self,
        project: ProjectId,
        spans: &[(TraceId, SpanId)],
    ) -> Result<HashMap<(TraceId, SpanId), SubtreeTotals>> {
        let mut out = HashMap::with_capacity(spans.len());
        for chunk in spans.chunks(CHUNK) {
            let sql = subtree_sql(project, chunk);
            for r in sql.fetch(&self.db).await? {
                let trace: String = r.try_get("", "root_trace")?;
                let span: String = r.try_get("", "root_span")?;
                let key = (
                    TraceId::parse(&trace).map_err(|_| Error::CorruptId(trace.clone()))?,
                    SpanId::parse(&span).map_err(|_| Error::CorruptId(span.clone()))?,
                );
                let totals = SubtreeTotals {
                    span_count: r.try_get("", "n")?,
                    errored_descendants: r.try_get("", "desc_errors")?,
                    totals: UsageTotals::read(&r)?,
                };
                out.insert(key, totals);
            }
        }
        Ok(out)
    }
}

/// The recursive statement for one chunk of spans. `CROSS JOIN` (conditions in `WHERE`, so
/// PostgreSQL reads it as an inner join) makes SQLite walk from the subtree's rows to their
/// children through `idx_spans_parent`: left to choose, its planner scanned the project's spans
/// once per subtree row (a 5 000-span trace took over 15 s instead of well under one).
fn subtree_sql(project: ProjectId, chunk: &[(TraceId, SpanId)]) -> Sql {
    let mut sql = Sql::default();
    let p = sql.bind(project.0);
    let pairs: Vec<String> = chunk
        .iter()
        .map(|(t, s)| {
            let t = sql.bind(t.to_string());
            let s = sql.bind(s.to_string());
            format!("({t}, {s})")
        })
        .collect();
    sql.push(&format!(
        "WITH RECURSIVE sub(root_trace, root_span, span_id) AS (\
         SELECT trace_id, span_id, span_id FROM spans \
         WHERE project_id = {p} AND (trace_id, span_id) IN ({}) \
         UNION SELECT sub.root_trace, sub.root_span, c.span_id FROM sub CROSS JOIN spans c \
         WHERE c.project_id = {p} AND c.trace_id = sub.root_trace AND c.parent_span_id = sub.span_id) \
         SELECT sub.root_trace, sub.root_span, COUNT(*) AS n, \
         CAST(COALESCE(SUM(CASE WHEN s.is_error AND s.span_id <> sub.root_span THEN 1 ELSE 0 END), 0) AS BIGINT) AS desc_errors, ",
        pairs.join(", ")
    ));
    UsageTotals::push_sums(&mut sql, "s.");
    sql.push(&format!(
        "FROM sub CROSS JOIN spans s \
         WHERE s.project_id = {p} AND s.trace_id = sub.root_trace AND s.span_id = sub.span_id \
         GROUP BY sub.root_trace, sub.root_span"
    ));
    sql
}
