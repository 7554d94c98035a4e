//! Creates `projects`.

use sea_orm_migration::prelude::*;

/// Creates `projects`.
#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
pub(super) enum Projects {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
    Prices,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(Projects::Table)
            .col(
                ColumnDef::new(Projects::Id)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(
                ColumnDef::new(Projects::Slug)
                    .string()
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(Projects::Name).string().not_null())
            .col(ColumnDef::new(Projects::CreatedAt).big_integer().not_null())
            .col(ColumnDef::new(Projects::Prices).text().null())
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Projects::Table).to_owned())
            .await
    }
}
