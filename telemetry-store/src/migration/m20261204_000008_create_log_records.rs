//! Creates `log_records`: OTLP log records, kept whole, found by time and by span.

use sea_orm_migration::prelude::*;

use super::{index, m20261130_000001_create_projects::Projects};

/// Creates `log_records`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden, Clone)]
enum LogRecords {
    Table,
    Id,
    ProjectId,
    Time,
    SeverityNumber,
    TraceId,
    SpanId,
    Record,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LogRecords::*;
        let table = sea_query::Table::create()
            .table(Table)
            .col(
                ColumnDef::new(Id)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(ColumnDef::new(ProjectId).big_integer().not_null())
            .col(ColumnDef::new(Time).big_integer().not_null())
            .col(ColumnDef::new(SeverityNumber).integer().not_null())
            .col(ColumnDef::new(TraceId).string_len(32).null())
            .col(ColumnDef::new(SpanId).string_len(16).null())
            .col(ColumnDef::new(Record).text().not_null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_log_records_project")
                    .from(Table, ProjectId)
                    .to(Projects::Table, Projects::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await?;
        let indexes = [
            ("idx_log_records_time", vec![ProjectId, Time]),
            ("idx_log_records_span", vec![ProjectId, TraceId, SpanId]),
        ];
        for (name, cols) in indexes {
            manager.create_index(index(name, Table, &cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LogRecords::Table).to_owned())
            .await
    }
}
