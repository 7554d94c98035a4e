//! `scores`: eval results, from eval-execution spans, the API or humans.

use sea_orm::entity::prelude::*;

/// A score row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scores")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Owning project.
    pub project_id: i64,
    /// Trace judged.
    pub trace_id: String,
    /// Span judged, when one span is.
    pub span_id: Option<String>,
    /// What is measured (`faithfulness`).
    pub name: String,
    /// Evaluator (`llm_judge`), if known.
    pub evaluator: Option<String>,
    /// `numeric`, `categorical` or `boolean`.
    pub data_type: String,
    /// Numeric value.
    pub value: Option<f64>,
    /// Categorical value.
    pub label: Option<String>,
    /// Boolean value.
    pub passed: Option<bool>,
    /// `eval`, `api` or `human`.
    pub source: String,
    /// Reason or annotation.
    pub comment: Option<String>,
    /// Trace of the eval span that produced it.
    pub eval_trace_id: Option<String>,
    /// The eval span that produced it.
    pub eval_span_id: Option<String>,
    /// Creation time, Unix nanoseconds.
    pub created_at: i64,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
