//! API keys: a secret is shown once at creation; only its SHA-256 is stored.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Store;
use crate::entities::api_key;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::time::now_nanos;

/// Every secret starts with this, so leaked keys are easy to scan for.
pub const SECRET_PREFIX: &str = "tsk_";

/// An API key as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Key id.
    pub id: i64,
    /// Project the key grants access to.
    pub project_id: ProjectId,
    /// Human label.
    pub name: String,
    /// First characters of the secret.
    pub prefix: String,
    /// Creation time, Unix nanoseconds.
    pub created_at: i64,
    /// Revocation time, Unix nanoseconds.
    pub revoked_at: Option<i64>,
}

/// A key just created, with the secret that is never shown again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// The stored key.
    pub key: ApiKey,
    /// The secret to hand to the user once.
    pub secret: String,
}

impl From<api_key::Model> for ApiKey {
    fn from(m: api_key::Model) -> Self {
        ApiKey {
            id: m.id,
            project_id: ProjectId(m.project_id),
            name: m.name,
            prefix: m.prefix,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// Lowercase hex SHA-256 of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new secret: the prefix and 32 random bytes from the operating system, in hex.
fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::InvalidArgument(format!("no randomness for a secret: {e}")))?;
    Ok(format!("{SECRET_PREFIX}{}", hex::encode(bytes)))
}

impl Store {
    /// Creates a key for `project`; the returned secret is not stored and cannot be recovered.
    pub async fn create_api_key(&self, project: ProjectId, name: &str) -> Result<NewApiKey> {
        if self.project(project).await?.is_none() {
            return Err(Error::ProjectNotFound(project.0));
        }
        let secret = new_secret()?;
        let model = api_key::ActiveModel {
            project_id: Set(project.0),
            name: Set(name.to_owned()),
            prefix: Set(secret.chars().take(SECRET_PREFIX.len() + 8).collect()),
            key_hash: Set(hash_secret(&secret)),
            created_at: Set(now_nanos()),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(NewApiKey {
            key: model.into(),
            secret,
        })
    }

    /// The live (not revoked) key whose secret this is, if any. Comparison is by hash lookup,
    /// so no secret is ever compared in the clear.
    pub async fn verify_api_key(&self, secret: &str) -> Result<Option<ApiKey>> {
        if !secret.starts_with(SECRET_PREFIX) {
            return Ok(None);
        }
        let found = api_key::Entity::find()
            .filter(api_key::Column::KeyHash.eq(hash_secret(secret)))
            .filter(api_key::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?;
        Ok(found.map(ApiKey::from))
    }

    /// Revokes a key of `project`; `false` when it does not exist there or was already revoked.
    pub async fn revoke_api_key(&self, project: ProjectId, key_id: i64) -> Result<bool> {
        let result = api_key::Entity::update_many()
            .col_expr(api_key::Column::RevokedAt, now_nanos().into())
            .filter(api_key::Column::Id.eq(key_id))
            .filter(api_key::Column::ProjectId.eq(project.0))
            .filter(api_key::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected > 0)
    }

    /// The project's keys, oldest first, revoked ones included.
    pub async fn list_api_keys(&self, project: ProjectId) -> Result<Vec<ApiKey>> {
        let keys = api_key::Entity::find()
            .filter(api_key::Column::ProjectId.eq(project.0))
            .order_by_asc(api_key::Column::Id)
            .all(&self.db)
            .await?;
        Ok(keys.into_iter().map(ApiKey::from).collect())
    }
}
