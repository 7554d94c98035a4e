//! Creates `traces` and the indexes of the trace list.

use sea_orm_migration::prelude::*;

use super::{index, m20261130_000001_create_projects::Projects};

/// Creates `traces`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden, Clone)]
enum Traces {
    Table,
    ProjectId,
    TraceId,
    Name,
    ServiceName,
    RootSpanId,
    StartTime,
    EndTime,
    DurationNs,
    HasError,
    Incomplete,
    UserId,
    SessionId,
    Environment,
    Release,
    Tags,
    Attributes,
    SpanCount,
    InputTokens,
    OutputTokens,
    TotalTokens,
    TotalCost,
}

fn table() -> TableCreateStatement {
    use Traces::*;
    let mut t = sea_query::Table::create();
    t.table(Table)
        .col(ColumnDef::new(ProjectId).big_integer().not_null())
        .col(ColumnDef::new(TraceId).string_len(32).not_null());
    for col in [
        Name,
        ServiceName,
        RootSpanId,
        UserId,
        SessionId,
        Environment,
        Release,
    ] {
        t.col(ColumnDef::new(col).string().null());
    }
    t.col(ColumnDef::new(StartTime).big_integer().not_null())
        .col(ColumnDef::new(EndTime).big_integer().null())
        .col(ColumnDef::new(DurationNs).big_integer().null())
        .col(ColumnDef::new(HasError).boolean().not_null().default(false))
        .col(
            ColumnDef::new(Incomplete)
                .boolean()
                .not_null()
                .default(false),
        )
        .col(ColumnDef::new(Tags).text().null())
        .col(ColumnDef::new(Attributes).text().null());
    for col in [SpanCount, InputTokens, OutputTokens, TotalTokens] {
        t.col(ColumnDef::new(col).big_integer().not_null().default(0));
    }
    t.col(ColumnDef::new(TotalCost).double().not_null().default(0.0))
        .primary_key(Index::create().col(ProjectId).col(TraceId))
        .foreign_key(
            ForeignKey::create()
                .name("fk_traces_project")
                .from(Table, ProjectId)
                .to(Projects::Table, Projects::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Traces::*;
        manager.create_table(table()).await?;
        let indexes = [
            ("idx_traces_start", vec![ProjectId, StartTime, TraceId]),
            ("idx_traces_session", vec![ProjectId, SessionId, StartTime]),
            ("idx_traces_user", vec![ProjectId, UserId, StartTime]),
            ("idx_traces_name", vec![ProjectId, Name, StartTime]),
        ];
        for (name, cols) in indexes {
            manager.create_index(index(name, Table, &cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Traces::Table).to_owned())
            .await
    }
}
