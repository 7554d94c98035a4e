//! [`Store`]: connecting, pooling and migrating.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use sea_orm_migration::MigratorTrait;
use telemetry_types::Timestamp;

use crate::cost::PriceTable;
use crate::error::{Error, Result, redact_url};
use crate::migration::{Migrator, known_migrations};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite (embedded, one file, WAL).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Backend {
    /// The most bind parameters one statement may carry, kept below each database's limit
    /// (SQLite allows 32766 since 3.32, PostgreSQL 65535).
    pub const fn max_bind_params(self) -> usize {
        match self {
            Backend::Sqlite => 30_000,
            Backend::Postgres => 60_000,
        }
    }
}

/// Connection settings beyond the URL.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Pool size; SQLite defaults to 4 (one writer at a time, readers in parallel with WAL),
    /// PostgreSQL to 10.
    pub max_connections: Option<u32>,
    /// How long to wait for a connection (to open one, or to get one from the pool).
    pub connect_timeout: Duration,
    /// How long SQLite waits for a lock held by another connection before failing.
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: None,
            connect_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// The telemetry store: a connection pool to SQLite or PostgreSQL with the operations the
/// server and the storage exporter need. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    pub(crate) backend: Backend,
    pub(crate) prices: Arc<PriceCache>,
}

/// Per-project price tables, loaded lazily from `projects.prices`.
#[derive(Debug, Default)]
pub(crate) struct PriceCache {
    projects: RwLock<HashMap<i64, Option<Arc<PriceTable>>>>,
}

impl PriceCache {
    /// The cached override of a project: `None` when not loaded yet.
    pub(crate) fn get(&self, project: i64) -> Option<Option<Arc<PriceTable>>> {
        let map = self.projects.read().unwrap_or_else(|e| e.into_inner());
        map.get(&project).cloned()
    }

    /// Caches a project's override.
    pub(crate) fn put(&self, project: i64, table: Option<Arc<PriceTable>>) {
        let mut map = self.projects.write().unwrap_or_else(|e| e.into_inner());
        map.insert(project, table);
    }

    /// Drops a project's cached override.
    pub(crate) fn forget(&self, project: i64) {
        let mut map = self.projects.write().unwrap_or_else(|e| e.into_inner());
        map.remove(&project);
    }
}

impl Store {
    /// Connects with default options; see [`Store::connect_with`].
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, StoreOptions::default()).await
    }

    /// Connects to `sqlite://path` (created if missing, with WAL, `synchronous=NORMAL`, a busy
    /// timeout and foreign keys; `sqlite::memory:` for a private in-memory database) or to
    /// `postgres://…`. Fails with [`Error::SchemaTooNew`] when the database was migrated by a
    /// newer release; does not apply migrations (call [`Store::migrate`]).
    pub async fn connect_with(url: &str, options: StoreOptions) -> Result<Store> {
        let backend = backend_of(url)?;
        let connect = match backend {
            Backend::Sqlite => sqlite_options(url, &options)?,
            Backend::Postgres => postgres_options(url, &options)?,
        };
        let db = Database::connect(connect)
            .await
            .map_err(|source| Error::Unreachable {
                url: redact_url(url),
                source,
            })?;
        let store = Store {
            db,
            backend,
            prices: Arc::new(PriceCache::default()),
        };
        store.check_schema_not_newer().await?;
        Ok(store)
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<()> {
        self.check_schema_not_newer().await?;
        Migrator::up(&self.db, None).await?;
        // A database migrated days ago by another server may lack today's span partition.
        self.create_span_partitions(Timestamp::now()).await?;
        Ok(())
    }

    /// Names of the migrations applied to the database, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>> {
        if !self.has_table("seaql_migrations").await? {
            return Ok(Vec::new());
        }
        let stmt = Statement::from_string(
            self.db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        );
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|row| row.try_get_by_index::<String>(0).map_err(Error::from))
            .collect()
    }

    /// Refreshes the planner's statistics (and, on PostgreSQL, the visibility map that lets
    /// aggregates be answered from the covering indexes alone): `ANALYZE` on SQLite,
    /// `VACUUM (ANALYZE)` of the store's tables on PostgreSQL. Run it after large imports or
    /// retention passes, or periodically; PostgreSQL's autovacuum does the same on its own
    /// schedule.
    pub async fn maintain(&self) -> Result<()> {
        let sql = match self.backend {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM (ANALYZE) traces, spans, span_events, scores",
        };
        self.db.execute_unprepared(sql).await?;
        Ok(())
    }

    /// Keeps the planner's statistics current at little cost; the server runs it at start,
    /// periodically, and each time the data it wrote doubled. Without statistics both
    /// databases take every index on `project_id` for selective and pick plans hundreds of
    /// times slower as the store grows.
    ///
    /// SQLite: `PRAGMA optimize=0x10002`, which analyzes (with a bounded sample) only the
    /// tables whose size changed a lot since their last analysis. New statistics reach the
    /// connection that ran it at once and the pool's other connections when they are
    /// recycled (SQLite connections live at most five minutes for this reason).
    /// PostgreSQL: `VACUUM (ANALYZE)` of the store's tables that were never analyzed or
    /// changed by more than a tenth since (autovacuum does the same, but only once a minute
    /// at best and not before a bulk load is over). With several servers on one database
    /// only one refreshes at a time (see [`Store::exclusive`]); the others skip the round.
    pub async fn optimize(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                self.db
                    .execute_unprepared("PRAGMA optimize=0x10002")
                    .await?;
            }
            Backend::Postgres => {
                // One server at a time when several share the database; the others skip.
                match self.exclusive("optimize", self.vacuum_stale()).await? {
                    Some(vacuumed) => vacuumed?,
                    None => tracing::debug!("another server is refreshing planner statistics"),
                }
            }
        }
        Ok(())
    }

    /// `VACUUM (ANALYZE)` of the store's PostgreSQL tables whose statistics are stale.
    async fn vacuum_stale(&self) -> Result<()> {
        let stale = Statement::from_string(
            self.db.get_database_backend(),
            "SELECT relname::text FROM pg_stat_user_tables \
             WHERE schemaname = current_schema() \
             AND (relname IN ('traces', 'spans', 'span_events', 'scores') \
                  OR relname LIKE 'spans\\_%') \
             AND n_live_tup + n_mod_since_analyze > 0 \
             AND ((last_analyze IS NULL AND last_autoanalyze IS NULL) \
                  OR n_mod_since_analyze > 1000 + n_live_tup / 10)",
        );
        let mut spans_stale = false;
        for row in self.db.query_all_raw(stale).await? {
            let table: String = row.try_get_by_index(0)?;
            spans_stale |= table.starts_with("spans_");
            // VACUUM as well: the visibility map it sets lets PostgreSQL answer
            // aggregates from the covering indexes alone (latency quantiles at 1M
            // spans: 1.05 s after ANALYZE alone, 0.5 s after VACUUM (ANALYZE)).
            self.db
                .execute_unprepared(&format!("VACUUM (ANALYZE) \"{table}\""))
                .await?;
        }
        if spans_stale {
            // Autovacuum never analyzes a partitioned parent, and the planner's estimates for
            // queries over all the day partitions (trace by id, aggregates) come from it.
            self.db.execute_unprepared("ANALYZE spans").await?;
        }
        Ok(())
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The underlying sea-orm connection, for callers that need their own queries.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }

    /// Fails when the database has migrations this code does not know.
    async fn check_schema_not_newer(&self) -> Result<()> {
        let known = known_migrations();
        let unknown: Vec<String> = self
            .applied_migrations()
            .await?
            .into_iter()
            .filter(|applied| !known.contains(applied))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        Err(Error::SchemaTooNew {
            unknown,
            latest_known: known.last().cloned().unwrap_or_default(),
        })
    }

    /// Whether a table exists.
    async fn has_table(&self, table: &str) -> Result<bool> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = $1"
            }
        };
        let stmt =
            Statement::from_sql_and_values(self.db.get_database_backend(), sql, [table.into()]);
        let row = self.db.query_one_raw(stmt).await?;
        let count: i64 = match row {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        };
        Ok(count > 0)
    }
}

/// Which backend a URL names.
fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(Error::InvalidUrl {
            url: redact_url(url),
            reason: "expected sqlite://path or postgres://…".to_owned(),
        })
    }
}

/// Pool settings shared by both backends.
fn pool_options(url: &str, options: &StoreOptions, default_max: u32) -> ConnectOptions {
    let mut connect = ConnectOptions::new(url.to_owned());
    connect
        .max_connections(options.max_connections.unwrap_or(default_max))
        .min_connections(1)
        .connect_timeout(options.connect_timeout)
        .acquire_timeout(options.connect_timeout)
        .sqlx_logging(false);
    connect
}

/// How long a pooled SQLite connection lives (see [`Store::optimize`]).
const SQLITE_CONNECTION_LIFETIME: Duration = Duration::from_secs(300);

/// SQLite: validate the URL, create the parent directory, set the pragmas.
fn sqlite_options(url: &str, options: &StoreOptions) -> Result<ConnectOptions> {
    let invalid = |reason: String| Error::InvalidUrl {
        url: url.to_owned(),
        reason,
    };
    let parsed: SqliteConnectOptions = url.parse().map_err(|e| invalid(format!("{e}")))?;
    let path = parsed.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if !in_memory {
        create_parent_dir(&path).map_err(|e| Error::InvalidUrl {
            url: url.to_owned(),
            reason: format!("cannot create the directory of {}: {e}", path.display()),
        })?;
    }
    let busy = options.busy_timeout;
    let mut connect = pool_options(url, options, if in_memory { 1 } else { 4 });
    if !in_memory {
        // A connection loads the planner's statistics when it opens: recycling connections
        // brings what `Store::optimize` gathered to all of them. (An in-memory database lives
        // only as long as its one connection, which must therefore never be recycled.)
        connect.max_lifetime(SQLITE_CONNECTION_LIFETIME);
    }
    connect.map_sqlx_sqlite_pool_opts(|pool| {
        pool.before_acquire(|conn, _| Box::pin(async move { Ok(outside_transaction(conn)) }))
    });
    connect.map_sqlx_sqlite_opts(move |opts| {
        opts.create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(busy)
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-65536")
    });
    Ok(connect)
}

/// Whether a pooled SQLite connection may be handed out again: not when it is still inside
/// a transaction. After a failed write (a full disk: `disk I/O error` on `COMMIT`) SQLite may
/// have rolled the transaction back itself, so the driver's `ROLLBACK` fails and it keeps
/// counting the transaction as open; the next transaction on that connection would then be a
/// `SAVEPOINT` inside a transaction that is never committed, and commits that report success
/// would be lost. Such a connection is closed instead (which rolls back whatever is open and
/// releases the write lock); the pool opens a fresh one. (`test_before_acquire` pings first,
/// so the driver has processed the rollback by the time this runs.)
fn outside_transaction(conn: &mut sea_orm::sqlx::SqliteConnection) -> bool {
    use sea_orm::sqlx::Connection;
    let inside = conn.is_in_transaction();
    if inside {
        tracing::warn!(
            "closing a SQLite connection left inside a transaction by a failed commit or rollback"
        );
    }
    !inside
}

/// PostgreSQL: validate the URL.
fn postgres_options(url: &str, options: &StoreOptions) -> Result<ConnectOptions> {
    url.parse::<PgConnectOptions>()
        .map_err(|e| Error::InvalidUrl {
            url: redact_url(url),
            reason: format!("{e}"),
        })?;
    Ok(pool_options(url, options, 10))
}

/// Creates the directory a database file lives in.
fn create_parent_dir(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}
