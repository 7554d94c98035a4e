//! `traces`: one row per (project, trace id), merged from trace events and spans.

use sea_orm::entity::prelude::*;

/// A trace row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "traces")]
pub struct Model {
    /// Owning project.
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    /// W3C trace id, lowercase hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub trace_id: String,
    /// Root span name, once the root (or a trace event) arrived.
    pub name: Option<String>,
    /// Service that started the trace.
    pub service_name: Option<String>,
    /// Root span id.
    pub root_span_id: Option<String>,
    /// Earliest start seen, Unix nanoseconds.
    pub start_time: i64,
    /// Latest end seen, Unix nanoseconds.
    pub end_time: Option<i64>,
    /// `end_time - start_time`.
    pub duration_ns: Option<i64>,
    /// Whether any span failed.
    pub has_error: bool,
    /// Released before its root ended.
    pub incomplete: bool,
    /// End user.
    pub user_id: Option<String>,
    /// Session.
    pub session_id: Option<String>,
    /// Deployment environment.
    pub environment: Option<String>,
    /// Application release.
    pub release: Option<String>,
    /// Tags as a JSON array of strings.
    pub tags: Option<String>,
    /// The trace attributes as JSON.
    pub attributes: Option<String>,
    /// Number of stored spans.
    pub span_count: i64,
    /// Sum of the spans' input tokens.
    pub input_tokens: i64,
    /// Sum of the spans' output tokens.
    pub output_tokens: i64,
    /// Sum of the spans' total tokens.
    pub total_tokens: i64,
    /// Sum of the spans' cost, USD.
    pub total_cost: f64,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
