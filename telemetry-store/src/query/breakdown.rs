//! Aggregates over spans grouped by any of span type, name, model, provider and service:
//! tokens and cost, and latency quantiles, optionally in time buckets. Computed in the
//! database.

use sea_orm::QueryResult;
use serde::{Deserialize, Serialize};
use telemetry_types::{SpanType, Timestamp};

use super::aggregates::DurationWalk;
use super::sql::{Sql, bucket_expr};
use super::usage_totals::UsageTotals;
use super::{Aggregate, TimeRange};
use crate::Store;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::store::Backend;
use crate::time::timestamp;

/// A column spans can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Span type.
    SpanType,
    /// Span name.
    Name,
    /// Model.
    Model,
    /// Provider.
    Provider,
    /// Service.
    Service,
}

impl Dimension {
    fn column(self) -> &'static str {
        match self {
            Dimension::SpanType => "span_type",
            Dimension::Name => "name",
            Dimension::Model => "model",
            Dimension::Provider => "provider",
            Dimension::Service => "service_name",
        }
    }
}

/// Tokens and cost of one group in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageBreakdownRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// The group's value of each requested dimension, in the requested order.
    pub keys: Vec<Option<String>>,
    /// Spans counted (those with a model, tokens or a cost).
    pub calls: i64,
    /// Tokens and cost.
    #[serde(flatten)]
    pub totals: UsageTotals,
}

/// Latency quantiles of one group in one bucket; durations in nanoseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencyBreakdownRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// The group's value of each requested dimension, in the requested order.
    pub keys: Vec<Option<String>>,
    /// Ended spans counted.
    pub count: i64,
    /// Mean duration.
    pub avg: f64,
    /// `(q, value)` per requested quantile, linearly interpolated like `percentile_cont`.
    pub quantiles: Vec<(f64, f64)>,
}

/// What latency quantiles to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyBreakdown {
    /// Time range and buckets.
    pub over: Aggregate,
    /// Grouping (may be empty: one group).
    pub dimensions: Vec<Dimension>,
    /// Quantiles in `[0, 1]`.
    pub quantiles: Vec<f64>,
    /// Only this span type.
    pub span_type: Option<SpanType>,
    /// Only this model.
    pub model: Option<String>,
}

fn check_dimensions(dims: &[Dimension]) -> Result<()> {
    let mut seen = Vec::new();
    for d in dims {
        if seen.contains(d) {
            return Err(Error::InvalidArgument(format!("dimension {d:?} twice")));
        }
        seen.push(*d);
    }
    Ok(())
}

/// The group columns (`bucket`, `k0`, `k1`…) and the select list that defines them.
fn group_columns(bucket: &Option<String>, dims: &[Dimension]) -> (Vec<String>, String) {
    let mut names = Vec::new();
    let mut select = String::new();
    if let Some(expr) = bucket {
        select.push_str(&format!("{expr} AS bucket, "));
        names.push("bucket".to_owned());
    }
    for (i, d) in dims.iter().enumerate() {
        select.push_str(&format!("{} AS k{i}, ", d.column()));
        names.push(format!("k{i}"));
    }
    (names, select)
}

fn read_keys(
    r: &QueryResult,
    bucketed: bool,
    dims: usize,
) -> Result<(Option<Timestamp>, Vec<Option<String>>)> {
    let bucket = if bucketed {
        Some(timestamp(r.try_get::<i64>("", "bucket")?))
    } else {
        None
    };
    let keys = (0..dims)
        .map(|i| Ok(r.try_get::<Option<String>>("", &format!("k{i}"))?))
        .collect::<Result<Vec<_>>>()?;
    Ok((bucket, keys))
}

/// ` GROUP BY … ORDER BY …`, or nothing without groups.
fn group_by(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        let list = names.join(", ");
        format!(" GROUP BY {list} ORDER BY {list}")
    }
}

impl Store {
    /// Tokens and cost of the spans that name a model, report tokens or carry a cost,
    /// grouped by `dims`, per bucket.
    pub async fn usage_breakdown(
        &self,
        project: ProjectId,
        dims: &[Dimension],
        over: &Aggregate,
    ) -> Result<Vec<UsageBreakdownRow>> {
        check_dimensions(dims)?;
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "start_time", over.bucket_nanos()?);
        let (names, select) = group_columns(&bucket, dims);
        sql.push("SELECT ")
            .push(&select)
            .push("COUNT(*) AS calls, ");
        UsageTotals::push_sums(&mut sql, "");
        let p = sql.bind(project.0);
        sql.push(&format!(
            "FROM spans WHERE project_id = {p} AND (model IS NOT NULL OR total_tokens IS NOT NULL \
             OR input_tokens IS NOT NULL OR cost IS NOT NULL)"
        ));
        sql.time_range("start_time", &over.time);
        sql.push(&group_by(&names));
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                let (bucket, keys) = read_keys(r, bucket.is_some(), dims.len())?;
                Ok(UsageBreakdownRow {
                    bucket,
                    keys,
                    calls: r.try_get("", "calls")?,
                    totals: UsageTotals::read(r)?,
                })
            })
            .filter(|row| !matches!(row, Ok(UsageBreakdownRow { calls: 0, .. })))
            .collect()
    }

    /// Latency quantiles of ended spans grouped by any dimensions, per bucket. PostgreSQL
    /// uses `percentile_cont`; SQLite ranks rows with window functions and interpolates the
    /// same way.
    pub async fn latency_breakdown(
        &self,
        project: ProjectId,
        query: &LatencyBreakdown,
    ) -> Result<Vec<LatencyBreakdownRow>> {
        check_dimensions(&query.dimensions)?;
        if query.quantiles.is_empty() || query.quantiles.len() > 32 {
            return Err(Error::InvalidArgument("ask for 1 to 32 quantiles".into()));
        }
        if let Some(q) = query.quantiles.iter().find(|q| !(0.0..=1.0).contains(*q)) {
            return Err(Error::InvalidArgument(format!(
                "quantile {q} is outside [0, 1]"
            )));
        }
        let width = query.over.bucket_nanos()?;
        if self.backend == Backend::Sqlite && walkable(query, width) {
            return self.walked_latency(project, query).await;
        }
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "start_time", width);
        let (names, select) = group_columns(&bucket, &query.dimensions);
        match self.backend {
            Backend::Postgres => pg_quantiles(&mut sql, project, query, &names, &select),
            Backend::Sqlite => sqlite_quantiles(&mut sql, project, query, &names, &select),
        }
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                let (bucket, keys) = read_keys(r, bucket.is_some(), query.dimensions.len())?;
                let quantiles = query
                    .quantiles
                    .iter()
                    .enumerate()
                    .map(|(i, q)| Ok((*q, r.try_get::<f64>("", &format!("q{i}"))?)))
                    .collect::<Result<Vec<_>>>()?;
                Ok(LatencyBreakdownRow {
                    bucket,
                    keys,
                    count: r.try_get("", "n")?,
                    avg: r.try_get("", "avg_d")?,
                    quantiles,
                })
            })
            .collect()
    }
}

/// Whether SQLite can answer by walking the duration index (see [`DurationWalk`]): by span
/// type only, over the whole range, for any model. Window functions would sort every span.
fn walkable(query: &LatencyBreakdown, width: Option<i64>) -> bool {
    width.is_none() && query.model.is_none() && query.dimensions == [Dimension::SpanType]
}

impl Store {
    /// Latency by span type on SQLite: counts and means from one `GROUP BY` on the covering
    /// duration index, then each quantile read at its rank from the same index.
    async fn walked_latency(
        &self,
        project: ProjectId,
        query: &LatencyBreakdown,
    ) -> Result<Vec<LatencyBreakdownRow>> {
        let mut sql = Sql::default();
        sql.push("SELECT span_type AS k0, COUNT(*) AS n, CAST(AVG(duration_ns) AS REAL) AS avg_d");
        ended_spans(&mut sql, project, query);
        sql.push(" GROUP BY k0 ORDER BY k0");
        let everything = TimeRange::default();
        let mut out = Vec::new();
        for r in sql.fetch(&self.db).await? {
            let span_type: String = r.try_get("", "k0")?;
            let count: i64 = r.try_get("", "n")?;
            let walk = DurationWalk {
                project,
                span_type: &span_type,
                name: None,
                ranges: [&query.over.time, &everything],
            };
            let mut quantiles = Vec::with_capacity(query.quantiles.len());
            for q in &query.quantiles {
                quantiles.push((*q, walk.quantile(self, count, *q).await?));
            }
            out.push(LatencyBreakdownRow {
                bucket: None,
                count,
                avg: r.try_get("", "avg_d")?,
                quantiles,
                keys: vec![Some(span_type)],
            });
        }
        Ok(out)
    }
}

/// ` FROM spans WHERE` the project's ended spans in range, of the type and model asked.
fn ended_spans(sql: &mut Sql, project: ProjectId, query: &LatencyBreakdown) {
    let p = sql.bind(project.0);
    sql.push(&format!(
        " FROM spans WHERE project_id = {p} AND duration_ns IS NOT NULL"
    ));
    sql.time_range("start_time", &query.over.time);
    if let Some(span_type) = query.span_type {
        let t = sql.bind(span_type.as_str());
        sql.push(&format!(" AND span_type = {t}"));
    }
    if let Some(model) = &query.model {
        let m = sql.bind(model.clone());
        sql.push(&format!(" AND model = {m}"));
    }
}

fn pg_quantiles(
    sql: &mut Sql,
    project: ProjectId,
    query: &LatencyBreakdown,
    names: &[String],
    select: &str,
) {
    sql.push("SELECT ")
        .push(select)
        .push("COUNT(*) AS n, CAST(AVG(duration_ns) AS DOUBLE PRECISION) AS avg_d");
    for (i, q) in query.quantiles.iter().enumerate() {
        let p = sql.bind(*q);
        sql.push(&format!(
            ", percentile_cont(CAST({p} AS DOUBLE PRECISION)) WITHIN GROUP (ORDER BY duration_ns) AS q{i}"
        ));
    }
    ended_spans(sql, project, query);
    if names.is_empty() {
        sql.push(" HAVING COUNT(*) > 0");
    }
    sql.push(&group_by(names));
}

/// SQLite has no `percentile_cont`: rank each group's durations, pick the two ranks around
/// `q·(n−1)` and interpolate between them.
fn sqlite_quantiles(
    sql: &mut Sql,
    project: ProjectId,
    query: &LatencyBreakdown,
    names: &[String],
    select: &str,
) {
    sql.push("WITH base AS (SELECT ")
        .push(select)
        .push("duration_ns AS d");
    ended_spans(sql, project, query);
    let partition = if names.is_empty() {
        String::new()
    } else {
        format!("PARTITION BY {} ", names.join(", "))
    };
    let cols = names.iter().map(|n| format!("{n}, ")).collect::<String>();
    sql.push(&format!(
        "), ranked AS (SELECT {cols}d, ROW_NUMBER() OVER ({partition}ORDER BY d) - 1 AS rn, \
         COUNT(*) OVER ({partition}) AS n FROM base), picked AS (SELECT {cols}MAX(n) AS n, \
         AVG(d) AS avg_d"
    ));
    let mut positions = Vec::new();
    for (i, q) in query.quantiles.iter().enumerate() {
        let p = sql.bind(*q);
        let pos = format!("({p} * (n - 1))");
        sql.push(&format!(
            ", MAX(CASE WHEN rn = CAST({pos} AS INTEGER) THEN d END) AS lo{i}, \
             MAX(CASE WHEN rn = CAST({pos} AS INTEGER) + 1 THEN d END) AS hi{i}"
        ));
        positions.push(p);
    }
    sql.push(" FROM ranked");
    sql.push(&group_by(names));
    sql.push(&format!(") SELECT {cols}n, CAST(avg_d AS REAL) AS avg_d"));
    for (i, p) in positions.iter().enumerate() {
        let pos = format!("({p} * (n - 1))");
        sql.push(&format!(
            ", CAST(lo{i} + ({pos} - CAST({pos} AS INTEGER)) * (COALESCE(hi{i}, lo{i}) - lo{i}) AS REAL) AS q{i}"
        ));
    }
    sql.push(" FROM picked WHERE n > 0");
    if !names.is_empty() {
        sql.push(&format!(" ORDER BY {}", names.join(", ")));
    }
}
