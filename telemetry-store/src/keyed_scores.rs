//! Scores that carry the client's own id (Langfuse's score `id`): sending the same id again
//! replaces the score instead of adding a second one, as Langfuse does.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, sea_query::OnConflict};

use crate::Store;
use crate::entities::{score, score_key};
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::scores::{NewScore, Score, score_row};

impl Store {
    /// Records the score with the client's id `key`, or replaces the score recorded under
    /// that key before (keeping its creation time).
    pub async fn put_score(&self, project: ProjectId, key: &str, new: NewScore) -> Result<Score> {
        if key.is_empty() {
            return Err(Error::InvalidArgument("score id is empty".into()));
        }
        let mut row = score_row(project, new)?;
        if self.project(project).await?.is_none() {
            return Err(Error::ProjectNotFound(project.0));
        }
        let txn = self.begin_write().await?;
        let known = score_key::Entity::find_by_id((project.0, key.to_owned()))
            .one(&txn)
            .await?;
        let stored = match known.map(|k| k.score_id) {
            Some(id) => match score::Entity::find_by_id(id).one(&txn).await? {
                Some(old) => {
                    row.id = Set(id);
                    row.created_at = Set(old.created_at);
                    row.update(&txn).await?
                }
                None => insert_keyed(&txn, project, key, row).await?,
            },
            None => insert_keyed(&txn, project, key, row).await?,
        };
        txn.commit().await?;
        Ok(stored.into())
    }
}

/// Inserts the score and points `key` at it.
async fn insert_keyed(
    txn: &sea_orm::DatabaseTransaction,
    project: ProjectId,
    key: &str,
    row: score::ActiveModel,
) -> Result<score::Model> {
    let stored = row.insert(txn).await?;
    let key_row = score_key::ActiveModel {
        project_id: Set(project.0),
        external_id: Set(key.to_owned()),
        score_id: Set(stored.id),
    };
    // A key left pointing at a deleted score is moved to the new one.
    score_key::Entity::insert(key_row)
        .on_conflict(
            OnConflict::columns([score_key::Column::ProjectId, score_key::Column::ExternalId])
                .update_column(score_key::Column::ScoreId)
                .to_owned(),
        )
        .exec(txn)
        .await?;
    Ok(stored)
}
