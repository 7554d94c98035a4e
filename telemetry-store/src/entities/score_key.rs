//! `score_keys`: a client's own id of a score (Langfuse's score `id`) → our score.

use sea_orm::entity::prelude::*;

/// A score key row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "score_keys")]
pub(crate) struct Model {
    /// Owning project.
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    /// The client's id of the score.
    #[sea_orm(primary_key, auto_increment = false)]
    pub external_id: String,
    /// The score (`scores.id`).
    pub score_id: i64,
}

/// Relations (none are navigated through sea-orm).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
