//! Scores created through the API or by people, and reading a trace's scores.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use telemetry_types::{SpanId, TraceId};

use crate::Store;
use crate::entities::score;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::time::now_nanos;

/// Who produced a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreSource {
    /// An eval execution span.
    Eval,
    /// A program, through the API.
    Api,
    /// A person annotating.
    Human,
}

impl ScoreSource {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ScoreSource::Eval => "eval",
            ScoreSource::Api => "api",
            ScoreSource::Human => "human",
        }
    }

    fn parse(s: &str) -> ScoreSource {
        match s {
            "api" => ScoreSource::Api,
            "human" => ScoreSource::Human,
            _ => ScoreSource::Eval,
        }
    }
}

/// The value of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ScoreValue {
    /// A number (finite).
    Numeric(f64),
    /// A category (`correct`, `hallucinated`).
    Categorical(String),
    /// Pass or fail.
    Boolean(bool),
}

/// A score to create through the API or by a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewScore {
    /// Trace judged.
    pub trace_id: TraceId,
    /// Span judged, if one span is.
    pub span_id: Option<SpanId>,
    /// What is measured.
    pub name: String,
    /// The value.
    pub value: ScoreValue,
    /// `Api` or `Human` (an `Eval` source is accepted too).
    pub source: ScoreSource,
    /// Evaluator or annotator.
    pub evaluator: Option<String>,
    /// Why.
    pub comment: Option<String>,
}

/// A stored score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Score id.
    pub id: i64,
    /// Trace judged.
    pub trace_id: String,
    /// Span judged.
    pub span_id: Option<String>,
    /// What is measured.
    pub name: String,
    /// Evaluator.
    pub evaluator: Option<String>,
    /// `numeric`, `categorical` or `boolean`: which of the values below is the score.
    pub data_type: String,
    /// Numeric value.
    pub value: Option<f64>,
    /// Categorical value.
    pub label: Option<String>,
    /// Boolean value.
    pub passed: Option<bool>,
    /// Who produced it.
    pub source: ScoreSource,
    /// Reason or annotation.
    pub comment: Option<String>,
    /// The eval span that produced it.
    pub eval_span_id: Option<String>,
    /// Creation time, Unix nanoseconds.
    pub created_at: i64,
}

impl From<score::Model> for Score {
    fn from(m: score::Model) -> Self {
        Score {
            id: m.id,
            trace_id: m.trace_id,
            span_id: m.span_id,
            name: m.name,
            evaluator: m.evaluator,
            data_type: m.data_type,
            value: m.value,
            label: m.label,
            passed: m.passed,
            source: ScoreSource::parse(&m.source),
            comment: m.comment,
            eval_span_id: m.eval_span_id,
            created_at: m.created_at,
        }
    }
}

impl Store {
    /// Records a score (an API result or a human annotation).
    pub async fn create_score(&self, project: ProjectId, new: NewScore) -> Result<Score> {
        let model = score_row(project, new)?;
        if self.project(project).await?.is_none() {
            return Err(Error::ProjectNotFound(project.0));
        }
        Ok(model.insert(&self.db).await?.into())
    }

    /// Deletes a score of the project; `false` when there was none.
    pub async fn delete_score(&self, project: ProjectId, score_id: i64) -> Result<bool> {
        let result = score::Entity::delete_many()
            .filter(score::Column::ProjectId.eq(project.0))
            .filter(score::Column::Id.eq(score_id))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected > 0)
    }

    /// The scores of a trace, oldest first.
    pub async fn scores_of_trace(
        &self,
        project: ProjectId,
        trace_id: TraceId,
    ) -> Result<Vec<Score>> {
        let models = score::Entity::find()
            .filter(score::Column::ProjectId.eq(project.0))
            .filter(score::Column::TraceId.eq(trace_id.to_string()))
            .order_by_asc(score::Column::CreatedAt)
            .order_by_asc(score::Column::Id)
            .all(&self.db)
            .await?;
        Ok(models.into_iter().map(Score::from).collect())
    }
}

/// The row of a new score, its value checked (a name, a finite number).
pub(crate) fn score_row(project: ProjectId, new: NewScore) -> Result<score::ActiveModel> {
    if new.name.is_empty() {
        return Err(Error::InvalidArgument("score name is empty".into()));
    }
    let (data_type, value, label, passed) = match new.value {
        ScoreValue::Numeric(v) if v.is_finite() => ("numeric", Some(v), None, None),
        ScoreValue::Numeric(v) => {
            return Err(Error::InvalidArgument(format!(
                "score value {v} is not finite"
            )));
        }
        ScoreValue::Categorical(l) => ("categorical", None, Some(l), None),
        ScoreValue::Boolean(b) => ("boolean", None, None, Some(b)),
    };
    Ok(score::ActiveModel {
        project_id: Set(project.0),
        trace_id: Set(new.trace_id.to_string()),
        span_id: Set(new.span_id.map(|s| s.to_string())),
        name: Set(new.name),
        evaluator: Set(new.evaluator),
        data_type: Set(data_type.to_owned()),
        value: Set(value),
        label: Set(label),
        passed: Set(passed),
        source: Set(new.source.as_str().to_owned()),
        comment: Set(new.comment),
        eval_trace_id: Set(None),
        eval_span_id: Set(None),
        created_at: Set(now_nanos()),
        ..Default::default()
    })
}
