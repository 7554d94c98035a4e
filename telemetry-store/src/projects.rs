//! Projects (tenants) and their price-table overrides.

use std::fmt;
use std::sync::Arc;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::cost::PriceTable;
use crate::entities::project;
use crate::error::{Error, Result};
use crate::time::now_nanos;

/// A project's id. Every ingest and every query is scoped to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProjectId(pub i64);

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Its id.
    pub id: ProjectId,
    /// Unique, URL-safe name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Creation time, Unix nanoseconds.
    pub created_at: i64,
}

impl From<project::Model> for Project {
    fn from(model: project::Model) -> Self {
        Project {
            id: ProjectId(model.id),
            slug: model.slug,
            name: model.name,
            created_at: model.created_at,
        }
    }
}

impl Store {
    /// Creates a project; fails if the slug is taken.
    pub async fn create_project(&self, slug: &str, name: &str) -> Result<Project> {
        if slug.is_empty() {
            return Err(Error::InvalidArgument("project slug is empty".to_owned()));
        }
        let model = project::ActiveModel {
            slug: Set(slug.to_owned()),
            name: Set(name.to_owned()),
            created_at: Set(now_nanos()),
            prices: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(model.into())
    }

    /// The project with this slug.
    pub async fn project_by_slug(&self, slug: &str) -> Result<Option<Project>> {
        let found = project::Entity::find()
            .filter(project::Column::Slug.eq(slug))
            .one(&self.db)
            .await?;
        Ok(found.map(Project::from))
    }

    /// The project with this id.
    pub async fn project(&self, id: ProjectId) -> Result<Option<Project>> {
        let found = project::Entity::find_by_id(id.0).one(&self.db).await?;
        Ok(found.map(Project::from))
    }

    /// Every project, oldest first.
    pub async fn list_projects(&self) -> Result<Vec<Project>> {
        let all = project::Entity::find()
            .order_by_asc(project::Column::Id)
            .all(&self.db)
            .await?;
        Ok(all.into_iter().map(Project::from).collect())
    }

    /// Sets (or, with `None`, clears) the project's price-table override. Its entries are
    /// searched before the built-in table's.
    pub async fn set_project_prices(
        &self,
        id: ProjectId,
        prices: Option<&PriceTable>,
    ) -> Result<()> {
        let json = match prices {
            Some(table) => {
                table.validate()?;
                Some(serde_json::to_string(table).map_err(|e| Error::PriceTable(e.to_string()))?)
            }
            None => None,
        };
        let Some(model) = project::Entity::find_by_id(id.0).one(&self.db).await? else {
            return Err(Error::ProjectNotFound(id.0));
        };
        let mut active: project::ActiveModel = model.into();
        active.prices = Set(json);
        active.update(&self.db).await?;
        self.prices.forget(id.0);
        Ok(())
    }

    /// The project's price-table override, cached after the first read.
    /// Fails with [`Error::ProjectNotFound`] when the project does not exist.
    pub(crate) async fn project_prices(&self, id: ProjectId) -> Result<Option<Arc<PriceTable>>> {
        if let Some(cached) = self.prices.get(id.0) {
            return Ok(cached);
        }
        let Some(model) = project::Entity::find_by_id(id.0).one(&self.db).await? else {
            return Err(Error::ProjectNotFound(id.0));
        };
        let table = match model.prices {
            Some(json) => Some(Arc::new(PriceTable::from_json(&json)?)),
            None => None,
        };
        self.prices.put(id.0, table.clone());
        Ok(table)
    }
}
