//! Queries, every one scoped to a project: traces, spans, aggregates, evals and sessions.

mod aggregates;
mod batch;
mod breakdown;
mod eval_breakdown;
mod evals;
mod score_averages;
mod score_series;
mod session_lookup;
mod sessions;
mod span_search;
mod spans;
mod sql;
mod subtree;
mod traces;
mod usage_totals;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use telemetry_types::Timestamp;

pub use aggregates::{CountRow, LatencyQuery, LatencyRow, ModelUsageRow, TraceCountRow};
pub use evals::{HistogramBin, ScoreDistribution, TraceNameScore};
pub use score_series::{ScoreSeriesRow, ScoreSourceRow, ScoreStats};
pub use sessions::SessionSummary;
pub use spans::{SpanNode, StoredSpan, TraceDetail};
pub use traces::{TraceFilter, TraceOrder, TraceSummary};

pub use breakdown::{Dimension, LatencyBreakdown, LatencyBreakdownRow, UsageBreakdownRow};
pub use eval_breakdown::ModelScore;
pub use session_lookup::{session_cursor, trace_cursor};
pub use span_search::{
    CompareOp, MAX_SPAN_CONDITIONS, Operand, SpanColumn, SpanCondition, SpanField, SpanQuery,
    span_query_cursor,
};
pub use subtree::SubtreeTotals;
pub use usage_totals::UsageTotals;

use crate::error::{Error, Result};

/// A half-open time range `[from, to)`; an open end is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    /// Inclusive start.
    pub from: Option<Timestamp>,
    /// Exclusive end.
    pub to: Option<Timestamp>,
}

impl TimeRange {
    /// Every time.
    pub const ALL: TimeRange = TimeRange {
        from: None,
        to: None,
    };

    /// `[from, to)`.
    pub fn between(from: Timestamp, to: Timestamp) -> Self {
        TimeRange {
            from: Some(from),
            to: Some(to),
        }
    }
}

/// Which page of a list to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Page {
    /// Most items to return (clamped to 1..=1000).
    pub limit: u64,
    /// The `next_cursor` of the previous page; `None` for the first page.
    pub cursor: Option<String>,
}

impl Page {
    /// The first page of `limit` items.
    pub fn first(limit: u64) -> Self {
        Page {
            limit,
            cursor: None,
        }
    }

    /// The page of `limit` items after `cursor`.
    pub fn after(limit: u64, cursor: impl Into<String>) -> Self {
        Page {
            limit,
            cursor: Some(cursor.into()),
        }
    }

    /// The limit, clamped to 1..=1000.
    pub(crate) fn clamped_limit(&self) -> u64 {
        self.limit.clamp(1, 1000)
    }
}

/// One page of results. Pagination is keyset-based: rows inserted while paging never make a
/// page repeat or skip rows that existed before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paged<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Cursor of the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// The time range and bucketing of an aggregate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Aggregate {
    /// Which spans (by start time) or scores (by creation time) count.
    pub time: TimeRange,
    /// Width of the time buckets; `None` for one bucket over the whole range.
    pub bucket: Option<Duration>,
}

impl Aggregate {
    /// One bucket over `time`.
    pub fn over(time: TimeRange) -> Self {
        Aggregate { time, bucket: None }
    }

    /// Buckets of `width` over `time`.
    pub fn bucketed(time: TimeRange, width: Duration) -> Self {
        Aggregate {
            time,
            bucket: Some(width),
        }
    }

    /// The bucket width in nanoseconds, validated.
    pub(crate) fn bucket_nanos(&self) -> Result<Option<i64>> {
        match self.bucket {
            None => Ok(None),
            Some(width) => {
                let nanos = i64::try_from(width.as_nanos()).unwrap_or(i64::MAX);
                if nanos <= 0 {
                    return Err(Error::InvalidArgument(
                        "bucket width must be positive".into(),
                    ));
                }
                Ok(Some(nanos))
            }
        }
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
/// `lower(column) LIKE '%text%'`, case-insensitive, with `text`'s LIKE wildcards escaped.
pub(crate) fn lower_contains(
    column: impl sea_orm::sea_query::IntoColumnRef,
    text: &str,
) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape('\\'))
}

pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Splits a cursor `kind:value:rest…` after checking its kind.
pub(crate) fn cursor_parts<'a>(cursor: &'a str, kind: &str, parts: usize) -> Result<Vec<&'a str>> {
    let invalid = || Error::InvalidCursor(cursor.to_owned());
    let mut split = cursor.splitn(parts + 1, ':');
    if split.next() != Some(kind) {
        return Err(invalid());
    }
    let rest: Vec<&str> = split.collect();
    if rest.len() != parts {
        return Err(invalid());
    }
    Ok(rest)
}
