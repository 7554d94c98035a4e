//! `log_records`: OTLP log records; the whole record is JSON in `record`.

use sea_orm::entity::prelude::*;

/// A log record row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "log_records")]
pub(crate) struct Model {
    /// Row id (the cursor of the logs query).
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Owning project.
    pub project_id: i64,
    /// Time, Unix nanoseconds.
    pub time: i64,
    /// OpenTelemetry severity number (0 when unspecified).
    pub severity_number: i32,
    /// Trace id, when recorded in a trace.
    pub trace_id: Option<String>,
    /// Span id, when recorded in a span.
    pub span_id: Option<String>,
    /// The `telemetry_types::LogRecord` as JSON.
    pub record: String,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
