//! Creates `spans` and the indexes of span search and aggregates.

use sea_orm_migration::prelude::*;

use super::{index, m20261130_000001_create_projects::Projects};

/// Creates `spans`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden, Clone)]
enum Spans {
    Table,
    ProjectId,
    TraceId,
    SpanId,
    ParentSpanId,
    SpanType,
    Name,
    ServiceName,
    Status,
    IsError,
    StartTime,
    EndTime,
    DurationNs,
    Model,
    Provider,
    InputTokens,
    OutputTokens,
    TotalTokens,
    CacheReadTokens,
    CacheWriteTokens,
    ReasoningTokens,
    Cost,
    UserId,
    SessionId,
    Record,
}

fn table() -> TableCreateStatement {
    use Spans::*;
    let mut t = sea_query::Table::create();
    t.table(Table)
        .col(ColumnDef::new(ProjectId).big_integer().not_null())
        .col(ColumnDef::new(TraceId).string_len(32).not_null())
        .col(ColumnDef::new(SpanId).string_len(16).not_null())
        .col(ColumnDef::new(ParentSpanId).string_len(16).null());
    for col in [SpanType, Name, ServiceName, Status] {
        t.col(ColumnDef::new(col).string().not_null());
    }
    t.col(ColumnDef::new(IsError).boolean().not_null().default(false))
        .col(ColumnDef::new(StartTime).big_integer().not_null());
    for col in [EndTime, DurationNs] {
        t.col(ColumnDef::new(col).big_integer().null());
    }
    for col in [Model, Provider] {
        t.col(ColumnDef::new(col).string().null());
    }
    for col in [
        InputTokens,
        OutputTokens,
        TotalTokens,
        CacheReadTokens,
        CacheWriteTokens,
        ReasoningTokens,
    ] {
        t.col(ColumnDef::new(col).big_integer().null());
    }
    t.col(ColumnDef::new(Cost).double().null());
    for col in [UserId, SessionId] {
        t.col(ColumnDef::new(col).string().null());
    }
    t.col(ColumnDef::new(Record).text().not_null())
        .primary_key(Index::create().col(ProjectId).col(TraceId).col(SpanId))
        .foreign_key(
            ForeignKey::create()
                .name("fk_spans_project")
                .from(Table, ProjectId)
                .to(Projects::Table, Projects::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Spans::*;
        manager.create_table(table()).await?;
        // The type, model and duration indexes carry every column their aggregates read, so
        // latency quantiles, counts and usage by model are answered from an index alone,
        // without touching the wide rows that hold the records.
        let indexes = [
            ("idx_spans_start", vec![ProjectId, StartTime]),
            (
                "idx_spans_type",
                vec![ProjectId, SpanType, StartTime, Name, DurationNs, IsError],
            ),
            (
                "idx_spans_model",
                vec![
                    ProjectId,
                    Model,
                    Provider,
                    StartTime,
                    InputTokens,
                    OutputTokens,
                    TotalTokens,
                    CacheReadTokens,
                    CacheWriteTokens,
                    ReasoningTokens,
                    Cost,
                ],
            ),
            // Durations in order per type: SQLite reads quantiles from it with LIMIT/OFFSET.
            (
                "idx_spans_duration",
                vec![ProjectId, SpanType, DurationNs, StartTime, Name],
            ),
        ];
        for (name, cols) in indexes {
            manager.create_index(index(name, Table, &cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Spans::Table).to_owned())
            .await
    }
}
