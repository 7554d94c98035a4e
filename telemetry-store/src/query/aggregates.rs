//! Aggregates over spans and traces, computed in the database: tokens and cost by model,
//! latency quantiles, counts and error rates, optionally in time buckets.

use sea_orm::QueryResult;
use serde::{Deserialize, Serialize};
use telemetry_types::{SpanType, Timestamp};

use super::Aggregate;
use super::sql::{Sql, bucket_expr};
use super::usage_totals::UsageTotals;
use crate::Store;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::query::TimeRange;
use crate::store::Backend;
use crate::time::{nanos, timestamp};

/// Tokens and cost of one model in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelUsageRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// Model.
    pub model: String,
    /// Provider.
    pub provider: Option<String>,
    /// Spans calling it.
    pub calls: i64,
    /// Tokens and cost.
    #[serde(flatten)]
    pub totals: UsageTotals,
}

/// Latency quantiles of one span type (and name) in one bucket. Durations in nanoseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencyRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// Span type.
    pub span_type: String,
    /// Span name, when grouping by name.
    pub name: Option<String>,
    /// Ended spans counted.
    pub count: i64,
    /// `(q, value)` for each requested quantile, linearly interpolated (`percentile_cont`).
    pub quantiles: Vec<(f64, f64)>,
}

/// What latency quantiles to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyQuery {
    /// Time range and buckets.
    pub over: Aggregate,
    /// Quantiles in `[0, 1]`, e.g. `[0.5, 0.95, 0.99]`.
    pub quantiles: Vec<f64>,
    /// Group by span name as well as span type.
    pub by_name: bool,
    /// Only this span type.
    pub span_type: Option<SpanType>,
}

impl LatencyQuery {
    /// p50, p95 and p99 by span type and name over `over`.
    pub fn p50_p95_p99(over: Aggregate) -> Self {
        LatencyQuery {
            over,
            quantiles: vec![0.5, 0.95, 0.99],
            by_name: true,
            span_type: None,
        }
    }
}

/// Span counts and errors of one span type in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// Span type.
    pub span_type: String,
    /// Spans.
    pub spans: i64,
    /// Failed spans.
    pub errors: i64,
    /// `errors / spans`.
    pub error_rate: f64,
}

/// Trace counts and errors in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceCountRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// Traces.
    pub traces: i64,
    /// Traces with a failed span.
    pub errors: i64,
    /// `errors / traces`.
    pub error_rate: f64,
}

/// Reads the optional bucket column.
fn bucket_of(row: &QueryResult, has_bucket: bool) -> Result<Option<Timestamp>> {
    if !has_bucket {
        return Ok(None);
    }
    Ok(Some(timestamp(row.try_get::<i64>("", "bucket")?)))
}

/// `SELECT [bucket,] ` and the `GROUP BY` list for the given extra columns.
fn select_groups(sql: &mut Sql, bucket: &Option<String>, columns: &[&str]) -> String {
    let mut groups: Vec<String> = Vec::new();
    sql.push("SELECT ");
    if let Some(expr) = bucket {
        sql.push(&format!("{expr} AS bucket, "));
        groups.push("bucket".into());
    }
    for col in columns {
        sql.push(&format!("{col}, "));
        groups.push((*col).to_owned());
    }
    groups.join(", ")
}

fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl Store {
    /// Tokens and cost by model and provider (spans that name a model), per bucket.
    pub async fn usage_by_model(
        &self,
        project: ProjectId,
        over: &Aggregate,
    ) -> Result<Vec<ModelUsageRow>> {
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "start_time", over.bucket_nanos()?);
        let groups = select_groups(&mut sql, &bucket, &["model", "provider"]);
        sql.push("COUNT(*) AS calls, ");
        UsageTotals::push_sums(&mut sql, "");
        sql.push("FROM spans WHERE project_id = ");
        let p = sql.bind(project.0);
        sql.push(&p).push(" AND model IS NOT NULL");
        sql.time_range("start_time", &over.time);
        sql.push(&format!(" GROUP BY {groups} ORDER BY {groups}"));
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                Ok(ModelUsageRow {
                    bucket: bucket_of(r, bucket.is_some())?,
                    model: r.try_get("", "model")?,
                    provider: r.try_get("", "provider")?,
                    calls: r.try_get("", "calls")?,
                    totals: UsageTotals::read(r)?,
                })
            })
            .collect()
    }

    /// Latency quantiles of ended spans by span type (and name), per bucket. PostgreSQL uses
    /// `percentile_cont`; SQLite reads the two ranks around each quantile from the duration
    /// index and interpolates the same way, so both return the same values.
    pub async fn latency_quantiles(
        &self,
        project: ProjectId,
        query: &LatencyQuery,
    ) -> Result<Vec<LatencyRow>> {
        if query.quantiles.is_empty() || query.quantiles.len() > 32 {
            return Err(Error::InvalidArgument("ask for 1 to 32 quantiles".into()));
        }
        if let Some(q) = query.quantiles.iter().find(|q| !(0.0..=1.0).contains(*q)) {
            return Err(Error::InvalidArgument(format!(
                "quantile {q} is outside [0, 1]"
            )));
        }
        let width = query.over.bucket_nanos()?;
        if self.backend == Backend::Sqlite {
            return sqlite_latency(self, project, query, width).await;
        }
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "start_time", width);
        let columns: &[&str] = if query.by_name {
            &["span_type", "name"]
        } else {
            &["span_type"]
        };
        pg_latency(&mut sql, project, query, &bucket, columns);
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                let quantiles = query
                    .quantiles
                    .iter()
                    .enumerate()
                    .map(|(i, q)| Ok((*q, r.try_get::<f64>("", &format!("q{i}"))?)))
                    .collect::<Result<Vec<_>>>()?;
                Ok(LatencyRow {
                    bucket: bucket_of(r, bucket.is_some())?,
                    span_type: r.try_get("", "span_type")?,
                    name: if query.by_name {
                        Some(r.try_get("", "name")?)
                    } else {
                        None
                    },
                    count: r.try_get("", "n")?,
                    quantiles,
                })
            })
            .collect()
    }

    /// Span counts, errors and error rate by span type, per bucket.
    pub async fn span_counts(&self, project: ProjectId, over: &Aggregate) -> Result<Vec<CountRow>> {
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "start_time", over.bucket_nanos()?);
        let groups = select_groups(&mut sql, &bucket, &["span_type"]);
        sql.push(
            "COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN is_error THEN 1 ELSE 0 END), 0) AS BIGINT) AS errors \
             FROM spans WHERE project_id = ",
        );
        let p = sql.bind(project.0);
        sql.push(&p).time_range("start_time", &over.time);
        sql.push(&format!(" GROUP BY {groups} ORDER BY {groups}"));
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                let (spans, errors): (i64, i64) = (r.try_get("", "n")?, r.try_get("", "errors")?);
                Ok(CountRow {
                    bucket: bucket_of(r, bucket.is_some())?,
                    span_type: r.try_get("", "span_type")?,
                    spans,
                    errors,
                    error_rate: rate(errors, spans),
                })
            })
            .collect()
    }

    /// Trace counts, traces with errors and error rate, per bucket of start time.
    pub async fn trace_counts(
        &self,
        project: ProjectId,
        over: &Aggregate,
    ) -> Result<Vec<TraceCountRow>> {
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "start_time", over.bucket_nanos()?);
        let groups = select_groups(&mut sql, &bucket, &[]);
        sql.push(
            "COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN has_error THEN 1 ELSE 0 END), 0) AS BIGINT) AS errors \
             FROM traces WHERE project_id = ",
        );
        let p = sql.bind(project.0);
        sql.push(&p).time_range("start_time", &over.time);
        if !groups.is_empty() {
            sql.push(&format!(" GROUP BY {groups} ORDER BY {groups}"));
        }
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                let (traces, errors): (i64, i64) = (r.try_get("", "n")?, r.try_get("", "errors")?);
                Ok(TraceCountRow {
                    bucket: bucket_of(r, bucket.is_some())?,
                    traces,
                    errors,
                    error_rate: rate(errors, traces),
                })
            })
            .filter(|row| !matches!(row, Ok(TraceCountRow { traces: 0, .. })))
            .collect()
    }
}

/// The `WHERE` of latency queries: the project's ended spans in range.
fn latency_where(sql: &mut Sql, project: ProjectId, query: &LatencyQuery) {
    let p = sql.bind(project.0);
    sql.push(&format!(
        " FROM spans WHERE project_id = {p} AND duration_ns IS NOT NULL"
    ));
    sql.time_range("start_time", &query.over.time);
    if let Some(span_type) = query.span_type {
        let t = sql.bind(span_type.as_str());
        sql.push(&format!(" AND span_type = {t}"));
    }
}

fn pg_latency(
    sql: &mut Sql,
    project: ProjectId,
    query: &LatencyQuery,
    bucket: &Option<String>,
    columns: &[&str],
) {
    let groups = select_groups(sql, bucket, columns);
    sql.push("COUNT(*) AS n");
    for (i, q) in query.quantiles.iter().enumerate() {
        let p = sql.bind(*q);
        sql.push(&format!(
            ", percentile_cont(CAST({p} AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY duration_ns) AS q{i}"
        ));
    }
    latency_where(sql, project, query);
    sql.push(&format!(" GROUP BY {groups} ORDER BY {groups}"));
}

/// SQLite has no `percentile_cont`. The groups and their sizes come from one `GROUP BY`; then
/// each quantile `q` of a group of `n` reads the two durations at ranks `⌊q·(n−1)⌋` and the
/// next with `ORDER BY duration_ns LIMIT 2 OFFSET k` on the duration index (no sort, no rows
/// loaded beyond those two) and interpolates between them like `percentile_cont`.
async fn sqlite_latency(
    store: &Store,
    project: ProjectId,
    query: &LatencyQuery,
    width: Option<i64>,
) -> Result<Vec<LatencyRow>> {
    let mut sql = Sql::default();
    let bucket = bucket_expr(&mut sql, "start_time", width);
    let columns: &[&str] = if query.by_name {
        &["span_type", "name"]
    } else {
        &["span_type"]
    };
    let groups = select_groups(&mut sql, &bucket, columns);
    sql.push("COUNT(*) AS n");
    latency_where(&mut sql, project, query);
    sql.push(&format!(" GROUP BY {groups} ORDER BY {groups}"));
    let mut out = Vec::new();
    for r in sql.fetch(&store.db).await? {
        let mut row = LatencyRow {
            bucket: bucket_of(&r, bucket.is_some())?,
            span_type: r.try_get("", "span_type")?,
            name: if query.by_name {
                Some(r.try_get("", "name")?)
            } else {
                None
            },
            count: r.try_get("", "n")?,
            quantiles: Vec::with_capacity(query.quantiles.len()),
        };
        for q in &query.quantiles {
            let value = sqlite_quantile(store, project, query, &row, width, *q).await?;
            row.quantiles.push((*q, value));
        }
        out.push(row);
    }
    Ok(out)
}

/// One quantile of one group (see [`sqlite_latency`]).
async fn sqlite_quantile(
    store: &Store,
    project: ProjectId,
    query: &LatencyQuery,
    group: &LatencyRow,
    width: Option<i64>,
    q: f64,
) -> Result<f64> {
    let bucket_range = match (group.bucket, width) {
        (Some(bucket), Some(width)) => TimeRange {
            from: Some(bucket),
            to: Some(timestamp(nanos(bucket).saturating_add(width))),
        },
        _ => TimeRange::default(),
    };
    let walk = DurationWalk {
        project,
        span_type: &group.span_type,
        name: group.name.as_deref(),
        ranges: [&query.over.time, &bucket_range],
    };
    walk.quantile(store, group.count, q).await
}

/// A walk along `idx_spans_duration` (project, span type, duration…) over the ended spans of
/// one type (and name) within time ranges: SQLite's way to a quantile without sorting.
pub(crate) struct DurationWalk<'a> {
    pub(crate) project: ProjectId,
    pub(crate) span_type: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) ranges: [&'a TimeRange; 2],
}

impl DurationWalk<'_> {
    /// Quantile `q` of the `count` spans walked, interpolated between the durations at ranks
    /// `⌊q·(n−1)⌋` and the next like `percentile_cont`. The two ranks are read with
    /// `LIMIT 2 OFFSET k` from whichever end of the index is nearer, so p99 of a million
    /// spans skips ten thousand entries, not 990 thousand.
    pub(crate) async fn quantile(&self, store: &Store, count: i64, q: f64) -> Result<f64> {
        let pos = q * (count - 1).max(0) as f64;
        let rank = pos.floor() as i64;
        let from_top = rank > count / 2;
        // From the top, rank+1 comes first; at the very top there is no rank+1.
        let (offset, limit) = match count - 2 - rank {
            _ if !from_top => (rank, 2),
            top if top >= 0 => (top, 2),
            _ => (0, 1),
        };
        let values = self.read(store, offset, limit, from_top).await?;
        let (lo, hi) = match (from_top, values.as_slice()) {
            (_, []) => return Ok(0.0),
            (_, [only]) => (*only, *only),
            (false, [lo, hi, ..]) => (*lo, *hi),
            (true, [hi, lo, ..]) => (*lo, *hi),
        };
        Ok(lo as f64 + (pos - rank as f64) * (hi - lo) as f64)
    }

    async fn read(&self, store: &Store, offset: i64, limit: i64, desc: bool) -> Result<Vec<i64>> {
        let mut sql = Sql::default();
        let p = sql.bind(self.project.0);
        let t = sql.bind(self.span_type.to_owned());
        sql.push(&format!(
            "SELECT duration_ns FROM spans INDEXED BY idx_spans_duration \
             WHERE project_id = {p} AND span_type = {t} AND duration_ns IS NOT NULL"
        ));
        if let Some(name) = self.name {
            let n = sql.bind(name.to_owned());
            sql.push(&format!(" AND name = {n}"));
        }
        for range in self.ranges {
            sql.time_range("start_time", range);
        }
        let offset = sql.bind(offset);
        let direction = if desc { "DESC" } else { "ASC" };
        sql.push(&format!(
            " ORDER BY duration_ns {direction} LIMIT {limit} OFFSET {offset}"
        ));
        sql.fetch(&store.db)
            .await?
            .iter()
            .map(|r| Ok(r.try_get_by_index::<i64>(0)?))
            .collect()
    }
}
