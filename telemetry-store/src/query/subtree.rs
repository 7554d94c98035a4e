//! Totals over a span's subtree (the span and all its descendants), computed in the database
//! with a recursive query, for many spans at once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use telemetry_types::{SpanId, TraceId};

use super::sql::Sql;
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
    /// Input tokens.
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
    /// Cache-read tokens.
    pub cache_read_tokens: i64,
    /// Cache-write tokens.
    pub cache_write_tokens: i64,
    /// Reasoning tokens.
    pub reasoning_tokens: i64,
    /// Total tokens.
    pub total_tokens: i64,
    /// Cost, USD.
    pub cost: f64,
}

/// Most spans in one recursive statement.
const CHUNK: usize = 400;

const TOKEN_COLUMNS: [&str; 6] = [
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
];

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
                    input_tokens: r.try_get("", "input_tokens")?,
                    output_tokens: r.try_get("", "output_tokens")?,
                    cache_read_tokens: r.try_get("", "cache_read_tokens")?,
                    cache_write_tokens: r.try_get("", "cache_write_tokens")?,
                    reasoning_tokens: r.try_get("", "reasoning_tokens")?,
                    total_tokens: r.try_get("", "total_tokens")?,
                    cost: r.try_get("", "cost")?,
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
    for col in TOKEN_COLUMNS {
        sql.push(&format!(
            "CAST(COALESCE(SUM(s.{col}), 0) AS BIGINT) AS {col}, "
        ));
    }
    sql.push(&format!(
        "CAST(COALESCE(SUM(s.cost), 0) AS DOUBLE PRECISION) AS cost FROM sub CROSS JOIN spans s \
         WHERE s.project_id = {p} AND s.trace_id = sub.root_trace AND s.span_id = sub.span_id \
         GROUP BY sub.root_trace, sub.root_span"
    ));
    sql
}
