//! `spans`: the full record as JSON plus denormalized columns for filters and aggregates.

use sea_orm::entity::prelude::*;

/// A span row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "spans")]
pub struct Model {
    /// Owning project.
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    /// Trace id, lowercase hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub trace_id: String,
    /// Span id, lowercase hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub span_id: String,
    /// Parent span id.
    pub parent_span_id: Option<String>,
    /// Span type wire name (`llm_generation`).
    pub span_type: String,
    /// Operation name.
    pub name: String,
    /// Service that recorded it.
    pub service_name: String,
    /// `unset`, `ok` or `error`.
    pub status: String,
    /// Whether the span failed.
    pub is_error: bool,
    /// Start, Unix nanoseconds.
    pub start_time: i64,
    /// End, Unix nanoseconds; none while only the start is known.
    pub end_time: Option<i64>,
    /// Duration in nanoseconds.
    pub duration_ns: Option<i64>,
    /// Model name.
    pub model: Option<String>,
    /// Provider.
    pub provider: Option<String>,
    /// Input tokens (including cached ones).
    pub input_tokens: Option<i64>,
    /// Output tokens (including reasoning ones).
    pub output_tokens: Option<i64>,
    /// Total tokens.
    pub total_tokens: Option<i64>,
    /// Cache-read input tokens.
    pub cache_read_tokens: Option<i64>,
    /// Cache-write input tokens.
    pub cache_write_tokens: Option<i64>,
    /// Reasoning output tokens.
    pub reasoning_tokens: Option<i64>,
    /// Cost in USD, reported or computed from the price table.
    pub cost: Option<f64>,
    /// End user.
    pub user_id: Option<String>,
    /// Session.
    pub session_id: Option<String>,
    /// The full `SpanRecord` as JSON.
    pub record: String,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
