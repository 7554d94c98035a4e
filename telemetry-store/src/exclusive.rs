//! Jobs that one server at a time runs against a shared database (retention, statistics
//! maintenance): on PostgreSQL a session advisory lock (`pg_try_advisory_lock`) taken on a
//! connection of its own, so any number of servers can share one database without running
//! the same upkeep at once. On SQLite (one file, one server) the job just runs.

use std::future::Future;
use std::sync::Arc;

use sea_orm::sqlx::{self, Postgres, pool::PoolConnection};
use sea_orm::{DbErr, RuntimeErr};

use crate::Store;
use crate::error::{Error, Result};
use crate::store::Backend;

/// First half of every advisory lock key the store takes (`pg_try_advisory_lock(int, int)`),
/// so its locks never meet an application's single-key locks.
const LOCK_CLASS: i32 = 0x7e1e;

impl Store {
    /// Runs `job` unless another process holds the lock named `name` on the same PostgreSQL
    /// database: `Ok(Some(result))` when it ran, `Ok(None)` when another holder was running
    /// it. The lock is held on a dedicated connection that is closed afterwards (also when
    /// the job is cancelled), which releases it; a server that dies releases it with its
    /// connection. On SQLite the job always runs.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let store = telemetry_store::Store::connect("sqlite::memory:").await?;
    /// let ran = store.exclusive("retention", async { 42 }).await?;
    /// assert_eq!(ran, Some(42));
    /// # Ok::<(), telemetry_store::Error>(()) }).unwrap();
    /// ```
    pub async fn exclusive<T>(
        &self,
        name: &str,
        job: impl Future<Output = T>,
    ) -> Result<Option<T>> {
        if self.backend == Backend::Sqlite {
            return Ok(Some(job.await));
        }
        let Some(_held) = self.try_lock(name).await? else {
            return Ok(None);
        };
        Ok(Some(job.await))
    }

    /// Takes the advisory lock `name` on a connection of its own; `None` when another session
    /// holds it. Dropping the connection closes it and so releases the lock.
    async fn try_lock(&self, name: &str) -> Result<Option<PoolConnection<Postgres>>> {
        let pool = self.db.get_postgres_connection_pool();
        let mut conn = pool.acquire().await.map_err(conn_err)?;
        // Never back into the pool: a pooled session would keep the lock.
        conn.close_on_drop();
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(lock_key(name))
            .fetch_one(&mut *conn)
            .await
            .map_err(exec_err)?;
        Ok(locked.then_some(conn))
    }
}

/// A stable 32-bit key for a lock name (FNV-1a), the same in every process and release.
pub(crate) fn lock_key(name: &str) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    i32::from_ne_bytes(hash.to_ne_bytes())
}

pub(crate) fn conn_err(err: sqlx::Error) -> Error {
    Error::Database(DbErr::Conn(RuntimeErr::SqlxError(Arc::new(err))))
}

pub(crate) fn exec_err(err: sqlx::Error) -> Error {
    Error::Database(DbErr::Exec(RuntimeErr::SqlxError(Arc::new(err))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_stable_and_distinct() {
        assert_eq!(lock_key("retention"), lock_key("retention"));
        assert_ne!(lock_key("retention"), lock_key("optimize"));
        // FNV-1a of the empty string is its offset basis.
        assert_eq!(
            lock_key(""),
            i32::from_ne_bytes(0x811c_9dc5u32.to_ne_bytes())
        );
    }
}
