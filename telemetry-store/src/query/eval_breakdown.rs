//! More eval analysis: scores by source over time, the average score per model, and the
//! scores (with their trace and span) below a threshold.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use super::TimeRange;
use super::score_averages::BY_MODEL;
use crate::Store;
use crate::entities::score;
use crate::error::Result;
use crate::projects::ProjectId;
use crate::scores::Score;
use crate::time::nanos;

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

impl Store {
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
