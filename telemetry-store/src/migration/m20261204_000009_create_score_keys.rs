//! Creates `score_keys`: the client's own id of a score (Langfuse's score `id`), so that a
//! score sent again with the same id replaces the first instead of adding a second.
//!
//! A table of its own rather than a column of `scores`: older schemas keep working with the
//! same `Store` code, and only scores that come with a client id get a row.

use sea_orm_migration::prelude::*;

use super::m20261130_000001_create_projects::Projects;

/// Creates `score_keys`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden, Clone)]
enum ScoreKeys {
    Table,
    ProjectId,
    ExternalId,
    ScoreId,
}

#[derive(DeriveIden)]
enum Scores {
    Table,
    Id,
}

fn table() -> TableCreateStatement {
    use ScoreKeys::*;
    let mut t = sea_query::Table::create();
    t.table(Table)
        .col(ColumnDef::new(ProjectId).big_integer().not_null())
        .col(ColumnDef::new(ExternalId).string().not_null())
        .col(ColumnDef::new(ScoreId).big_integer().not_null())
        .primary_key(Index::create().col(ProjectId).col(ExternalId))
        .foreign_key(
            ForeignKey::create()
                .name("fk_score_keys_project")
                .from(Table, ProjectId)
                .to(Projects::Table, Projects::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_score_keys_score")
                .from(Table, ScoreId)
                .to(Scores::Table, Scores::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(table()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScoreKeys::Table).to_owned())
            .await
    }
}
