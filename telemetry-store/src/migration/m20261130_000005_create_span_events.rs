//! Creates `span_events`.

use sea_orm_migration::prelude::*;

use super::m20261130_000001_create_projects::Projects;

/// Creates `span_events`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum SpanEvents {
    Table,
    ProjectId,
    TraceId,
    SpanId,
    Seq,
    Name,
    Time,
    Attributes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SpanEvents::*;
        let table = sea_query::Table::create()
            .table(Table)
            .col(ColumnDef::new(ProjectId).big_integer().not_null())
            .col(ColumnDef::new(TraceId).string_len(32).not_null())
            .col(ColumnDef::new(SpanId).string_len(16).not_null())
            .col(ColumnDef::new(Seq).integer().not_null())
            .col(ColumnDef::new(Name).string().not_null())
            .col(ColumnDef::new(Time).big_integer().not_null())
            .col(ColumnDef::new(Attributes).text().null())
            .primary_key(
                Index::create()
                    .col(ProjectId)
                    .col(TraceId)
                    .col(SpanId)
                    .col(Seq),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_span_events_project")
                    .from(Table, ProjectId)
                    .to(Projects::Table, Projects::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SpanEvents::Table).to_owned())
            .await
    }
}
