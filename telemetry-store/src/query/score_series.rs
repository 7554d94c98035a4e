//! Scores over time: per bucket, name and evaluator (or source), the count, mean, range and
//! pass rate — one statement, grouped by the column asked for.

use serde::{Deserialize, Serialize};
use telemetry_types::Timestamp;

use super::Aggregate;
use super::sql::{Sql, bucket_expr};
use crate::Store;
use crate::error::Result;
use crate::projects::ProjectId;
use crate::scores::ScoreSource;
use crate::time::timestamp;

/// The statistics of a group of scores, shared by every score series row.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ScoreStats {
    /// Scores.
    pub count: i64,
    /// Mean of the numeric values.
    pub avg: Option<f64>,
    /// Smallest numeric value.
    pub min: Option<f64>,
    /// Largest numeric value.
    pub max: Option<f64>,
    /// Share of boolean scores that passed.
    pub pass_rate: Option<f64>,
}

/// Scores of one name and evaluator in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSeriesRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// Score name.
    pub name: String,
    /// Evaluator.
    pub evaluator: Option<String>,
    /// Count, mean, range and pass rate.
    #[serde(flatten)]
    pub stats: ScoreStats,
}

/// Scores of one name from one source in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSourceRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// Score name.
    pub name: String,
    /// Who produced the scores.
    pub source: ScoreSource,
    /// Count, mean, range and pass rate.
    #[serde(flatten)]
    pub stats: ScoreStats,
}

/// One group of the shared statement: bucket, name, the grouping column's value, statistics.
struct SeriesGroup {
    bucket: Option<Timestamp>,
    name: String,
    key: Option<String>,
    stats: ScoreStats,
}

/// The source stored as `name` (unknown names read as `Eval`, as the store does).
fn source_of(name: Option<&str>) -> ScoreSource {
    match name {
        Some("api") => ScoreSource::Api,
        Some("human") => ScoreSource::Human,
        _ => ScoreSource::Eval,
    }
}

impl Store {
    /// Scores by name and evaluator over time (`name` restricts to one score name).
    pub async fn score_series(
        &self,
        project: ProjectId,
        name: Option<&str>,
        over: &Aggregate,
    ) -> Result<Vec<ScoreSeriesRow>> {
        let groups = self.score_groups(project, name, over, "evaluator").await?;
        Ok(groups
            .into_iter()
            .map(|g| ScoreSeriesRow {
                bucket: g.bucket,
                name: g.name,
                evaluator: g.key,
                stats: g.stats,
            })
            .collect())
    }

    /// Scores by name and source over time (`name` restricts to one score name).
    pub async fn score_series_by_source(
        &self,
        project: ProjectId,
        name: Option<&str>,
        over: &Aggregate,
    ) -> Result<Vec<ScoreSourceRow>> {
        let groups = self.score_groups(project, name, over, "source").await?;
        Ok(groups
            .into_iter()
            .map(|g| ScoreSourceRow {
                bucket: g.bucket,
                name: g.name,
                source: source_of(g.key.as_deref()),
                stats: g.stats,
            })
            .collect())
    }

    /// The statistics of the scores per bucket, name and `column` (a fixed column name).
    async fn score_groups(
        &self,
        project: ProjectId,
        name: Option<&str>,
        over: &Aggregate,
        column: &'static str,
    ) -> Result<Vec<SeriesGroup>> {
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "created_at", over.bucket_nanos()?);
        sql.push("SELECT ");
        if let Some(expr) = &bucket {
            sql.push(&format!("{expr} AS bucket, "));
        }
        let p = sql.bind(project.0);
        sql.push(&format!(
            "name, {column} AS group_key, COUNT(*) AS n, \
             CAST(AVG(value) AS DOUBLE PRECISION) AS avg_v, MIN(value) AS min_v, MAX(value) AS max_v, \
             CAST(AVG(CASE WHEN passed IS NULL THEN NULL WHEN passed THEN 1.0 ELSE 0.0 END) AS DOUBLE PRECISION) AS pass_rate \
             FROM scores WHERE project_id = {p}"
        ));
        sql.time_range("created_at", &over.time);
        if let Some(name) = name {
            let n = sql.bind(name);
            sql.push(&format!(" AND name = {n}"));
        }
        let groups = match bucket {
            Some(_) => format!("bucket, name, {column}"),
            None => format!("name, {column}"),
        };
        sql.push(&format!(" GROUP BY {groups} ORDER BY {groups}"));
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                Ok(SeriesGroup {
                    bucket: match bucket {
                        Some(_) => Some(timestamp(r.try_get("", "bucket")?)),
                        None => None,
                    },
                    name: r.try_get("", "name")?,
                    key: r.try_get("", "group_key")?,
                    stats: ScoreStats {
                        count: r.try_get("", "n")?,
                        avg: r.try_get("", "avg_v")?,
                        min: r.try_get("", "min_v")?,
                        max: r.try_get("", "max_v")?,
                        pass_rate: r.try_get("", "pass_rate")?,
                    },
                })
            })
            .collect()
    }
}
