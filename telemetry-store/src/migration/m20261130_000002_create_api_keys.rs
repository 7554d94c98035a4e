//! Creates `api_keys`.

use sea_orm_migration::prelude::*;

use super::m20261130_000001_create_projects::Projects;

/// Creates `api_keys`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden, Clone)]
enum ApiKeys {
    Table,
    Id,
    ProjectId,
    Name,
    Prefix,
    KeyHash,
    CreatedAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(ApiKeys::Table)
            .col(
                ColumnDef::new(ApiKeys::Id)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(ColumnDef::new(ApiKeys::ProjectId).big_integer().not_null())
            .col(ColumnDef::new(ApiKeys::Name).string().not_null())
            .col(ColumnDef::new(ApiKeys::Prefix).string().not_null())
            .col(
                ColumnDef::new(ApiKeys::KeyHash)
                    .string()
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(ApiKeys::CreatedAt).big_integer().not_null())
            .col(ColumnDef::new(ApiKeys::RevokedAt).big_integer().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_api_keys_project")
                    .from(ApiKeys::Table, ApiKeys::ProjectId)
                    .to(Projects::Table, Projects::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await?;
        manager
            .create_index(super::index(
                "idx_api_keys_project",
                ApiKeys::Table,
                &[ApiKeys::ProjectId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiKeys::Table).to_owned())
            .await
    }
}
