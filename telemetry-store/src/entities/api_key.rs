//! `api_keys`: only the SHA-256 of each secret is stored.

use sea_orm::entity::prelude::*;

/// An API key row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Project the key grants access to.
    pub project_id: i64,
    /// Human label.
    pub name: String,
    /// First characters of the secret, to recognise a key in a list.
    pub prefix: String,
    /// Lowercase hex SHA-256 of the secret.
    #[sea_orm(unique)]
    pub key_hash: String,
    /// Creation time, Unix nanoseconds.
    pub created_at: i64,
    /// Revocation time, Unix nanoseconds.
    pub revoked_at: Option<i64>,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
