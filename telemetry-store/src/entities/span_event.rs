//! `span_events`: the timed events inside spans.

use sea_orm::entity::prelude::*;

/// A span event row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "span_events")]
pub(crate) struct Model {
    /// Owning project.
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    /// Trace id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub trace_id: String,
    /// Span id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub span_id: String,
    /// Position of the event in the span.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    /// Event name.
    pub name: String,
    /// Time, Unix nanoseconds.
    pub time: i64,
    /// Attributes as JSON, if any.
    pub attributes: Option<String>,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
