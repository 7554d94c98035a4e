//! More eval analysis: scores by source over time, the average score per model, and the
//! scores (with their trace and span) below a threshold.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use telemetry_types::Timestamp;

use super::score_averages::BY_MODEL;
use super::sql::{Sql, bucket_expr};
use super::{Aggregate, TimeRange};
use crate::Store;
use crate::entities::score;
use crate::error::Result;
use crate::projects::ProjectId;
use crate::scores::{Score, ScoreSource};
use crate::time::{nanos, timestamp};

/// Scores of one name from one source in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSourceRow {
    /// Start of the bucket (`None` without buckets).
    pub bucket: Option<Timestamp>,
    /// Score name.
    pub name: String,
    /// Who produced the scores.
    pub source: ScoreSource,
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

/// Average of a score per model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// Model.
    pub model: String,
    /// Numeric scores counted.
    pub count: i64,
    /// Their mean.
    pub avg: f64,
}

/// The source stored as `name` (unknown names read as `Eval`, as the store does).
fn source_of(name: &str) -> ScoreSource {
    match name {
        "api" => ScoreSource::Api,
        "human" => ScoreSource::Human,
        _ => ScoreSource::Eval,
    }
}

impl Store {
    /// Scores by name and source over time (`name` restricts to one score name).
    pub async fn score_series_by_source(
        &self,
        project: ProjectId,
        name: Option<&str>,
        over: &Aggregate,
    ) -> Result<Vec<ScoreSourceRow>> {
        let mut sql = Sql::default();
        let bucket = bucket_expr(&mut sql, "created_at", over.bucket_nanos()?);
        sql.push("SELECT ");
        if let Some(expr) = &bucket {
            sql.push(&format!("{expr} AS bucket, "));
        }
        let p = sql.bind(project.0);
        sql.push(&format!(
            "name, source, COUNT(*) AS n, CAST(AVG(value) AS DOUBLE PRECISION) AS avg_v, \
             MIN(value) AS min_v, MAX(value) AS max_v, \
             CAST(AVG(CASE WHEN passed IS NULL THEN NULL WHEN passed THEN 1.0 ELSE 0.0 END) AS DOUBLE PRECISION) AS pass_rate \
             FROM scores WHERE project_id = {p}"
        ));
        sql.time_range("created_at", &over.time);
        if let Some(name) = name {
            let n = sql.bind(name);
            sql.push(&format!(" AND name = {n}"));
        }
        let groups = if bucket.is_some() {
            "bucket, name, source"
        } else {
            "name, source"
        };
        sql.push(&format!(" GROUP BY {groups} ORDER BY {groups}"));
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                let source: String = r.try_get("", "source")?;
                Ok(ScoreSourceRow {
                    bucket: match bucket {
                        Some(_) => Some(timestamp(r.try_get("", "bucket")?)),
                        None => None,
                    },
                    name: r.try_get("", "name")?,
                    source: source_of(&source),
                    count: r.try_get("", "n")?,
                    avg: r.try_get("", "avg_v")?,
                    min: r.try_get("", "min_v")?,
                    max: r.try_get("", "max_v")?,
                    pass_rate: r.try_get("", "pass_rate")?,
                })
            })
            .collect()
    }

    /// Average numeric value of one score name per model: a span's score counts for the
    /// span's model; a trace's score counts once for each model its spans called.
    pub async fn score_by_model(
        &self,
        project: ProjectId,
        name: &str,
        time: &TimeRange,
    ) -> Result<Vec<ModelScore>> {
        let groups = self.score_averages(project, name, time, &BY_MODEL);
        Ok(groups
            .await?
            .into_iter()
            .map(|g| ModelScore {
                // The join keeps only spans that name a model.
                model: g.key.unwrap_or_default(),
                count: g.count,
                avg: g.avg,
            })
            .collect())
    }

    /// Numeric scores of `name` below `threshold`, lowest first (each names its trace and,
    /// when it judged one span, that span).
    pub async fn scores_below(
        &self,
        project: ProjectId,
        name: &str,
        threshold: f64,
        time: &TimeRange,
        limit: u64,
    ) -> Result<Vec<Score>> {
        let mut find = score::Entity::find()
            .filter(score::Column::ProjectId.eq(project.0))
            .filter(score::Column::Name.eq(name))
            .filter(score::Column::Value.lt(threshold));
        if let Some(from) = time.from {
            find = find.filter(score::Column::CreatedAt.gte(nanos(from)));
        }
        if let Some(to) = time.to {
            find = find.filter(score::Column::CreatedAt.lt(nanos(to)));
        }
        let models = find
            .order_by_asc(score::Column::Value)
            .order_by_asc(score::Column::Id)
            .limit(limit.clamp(1, 1000))
            .all(&self.db)
            .await?;
        Ok(models.into_iter().map(Score::from).collect())
    }
}
