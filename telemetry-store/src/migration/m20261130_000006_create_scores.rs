//! Creates `scores` and the indexes of eval analysis.

use sea_orm_migration::prelude::*;

use super::{index, m20261130_000001_create_projects::Projects};

/// Creates `scores`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden, Clone)]
enum Scores {
    Table,
    Id,
    ProjectId,
    TraceId,
    SpanId,
    Name,
    Evaluator,
    DataType,
    Value,
    Label,
    Passed,
    Source,
    Comment,
    EvalTraceId,
    EvalSpanId,
    CreatedAt,
}

fn table() -> TableCreateStatement {
    use Scores::*;
    let mut t = sea_query::Table::create();
    t.table(Table)
        .col(
            ColumnDef::new(Id)
                .big_integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(ColumnDef::new(ProjectId).big_integer().not_null())
        .col(ColumnDef::new(TraceId).string_len(32).not_null())
        .col(ColumnDef::new(SpanId).string_len(16).null())
        .col(ColumnDef::new(Name).string().not_null())
        .col(ColumnDef::new(Evaluator).string().null())
        .col(ColumnDef::new(DataType).string().not_null())
        .col(ColumnDef::new(Value).double().null())
        .col(ColumnDef::new(Label).string().null())
        .col(ColumnDef::new(Passed).boolean().null())
        .col(ColumnDef::new(Source).string().not_null())
        .col(ColumnDef::new(Comment).text().null())
        .col(ColumnDef::new(EvalTraceId).string_len(32).null())
        .col(ColumnDef::new(EvalSpanId).string_len(16).null())
        .col(ColumnDef::new(CreatedAt).big_integer().not_null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_scores_project")
                .from(Table, ProjectId)
                .to(Projects::Table, Projects::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Scores::*;
        manager.create_table(table()).await?;
        let indexes = [
            ("idx_scores_name_time", vec![ProjectId, Name, CreatedAt]),
            ("idx_scores_trace", vec![ProjectId, TraceId]),
        ];
        for (name, cols) in indexes {
            manager.create_index(index(name, Table, &cols)).await?;
        }
        let mut unique = index(
            "uq_scores_eval_span",
            Table,
            &[ProjectId, EvalTraceId, EvalSpanId],
        );
        manager.create_index(unique.unique().to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Scores::Table).to_owned())
            .await
    }
}
