//! `projects`: the tenants. Every other row belongs to one.

use sea_orm::entity::prelude::*;

/// A project row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique, URL-safe name.
    #[sea_orm(unique)]
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Creation time, Unix nanoseconds.
    pub created_at: i64,
    /// Price-table override as JSON (see [`crate::cost::PriceTable`]), or none.
    pub prices: Option<String>,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
