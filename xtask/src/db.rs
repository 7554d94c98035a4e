//! Database URLs and scratch databases (a temporary SQLite file, or a PostgreSQL database
//! created for the run and dropped after it).

#[cfg(feature = "server")]
use std::path::PathBuf;

use anyhow::{Context, Result};
use sea_orm::{ConnectionTrait, Database};

/// Environment variable the server reads its database URL from (`telemetry-api --help`).
pub const DATABASE_URL_ENV: &str = "TELEMETRY_DATABASE_URL";
/// Environment variable naming a PostgreSQL server for tests and checks.
pub const POSTGRES_URL_ENV: &str = "TELEMETRY_TEST_POSTGRES_URL";

/// The server's default database: the SQLite file in its data directory
/// (`TELEMETRY_DATA_DIR`, else `$XDG_DATA_HOME/ai-telemetry`, else
/// `~/.local/share/ai-telemetry`), as `telemetry-api` computes it.
#[cfg(feature = "server")]
pub fn default_database_url() -> Result<String> {
    let dir = std::env::var_os("TELEMETRY_DATA_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(telemetry_api::config::default_data_dir);
    Ok(telemetry_api::config::sqlite_url_in(&dir))
}

/// Without the `server` feature the server's default is unknown: asks for a URL.
#[cfg(not(feature = "server"))]
pub fn default_database_url() -> Result<String> {
    Err(crate::exit::Refused(format!(
        "no database given: pass --database-url or set {DATABASE_URL_ENV} \
         (this xtask was built without the `server` feature that knows the server's default)"
    ))
    .into())
}

/// A URL given on the command line or in the environment, else the default one.
pub fn url_or_default(url: Option<String>) -> Result<String> {
    match url {
        Some(url) => Ok(url),
        None => default_database_url(),
    }
}

/// A two-worker tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")
}

/// Whether `url` names a SQLite database file (not an in-memory one).
pub fn is_sqlite_file(url: &str) -> bool {
    url.starts_with("sqlite:") && !url.contains(":memory:") && !url.contains("mode=memory")
}

/// A database that exists for one check: dropped (PostgreSQL) or deleted (SQLite) by
/// [`ScratchDb::drop_now`], or on drop of its temporary directory.
#[derive(Debug)]
pub struct ScratchDb {
    /// URL to connect to.
    pub url: String,
    kind: Scratch,
}

#[derive(Debug)]
enum Scratch {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin: String, name: String },
}

impl ScratchDb {
    /// A new SQLite file in a temporary directory.
    pub fn sqlite() -> Result<ScratchDb> {
        let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
        let url = format!("sqlite://{}", dir.path().join("scratch.db").display());
        Ok(ScratchDb {
            url,
            kind: Scratch::Sqlite(dir),
        })
    }

    /// A new, empty PostgreSQL database named `{prefix}_{pid}_{n}` on the server of
    /// `admin_url` (any database of that server the user may connect to).
    pub async fn postgres(admin_url: &str, prefix: &str, n: usize) -> Result<ScratchDb> {
        let name = format!("{prefix}_{}_{n}", std::process::id());
        let admin = Database::connect(admin_url)
            .await
            .with_context(|| format!("PostgreSQL at {} does not answer", redact(admin_url)))?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .with_context(|| format!("cannot create database {name}; the user needs CREATEDB"))?;
        admin.close().await?;
        Ok(ScratchDb {
            url: replace_database(admin_url, &name)?,
            kind: Scratch::Postgres {
                admin: admin_url.to_owned(),
                name,
            },
        })
    }

    /// Drops the database now (PostgreSQL); deletes the file (SQLite).
    pub async fn drop_now(self) -> Result<()> {
        if let Scratch::Postgres { admin, name } = self.kind {
            let db = Database::connect(&admin).await?;
            db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            db.close().await?;
        }
        Ok(())
    }
}

/// `postgres://user@host:port/db?opts` with `db` replaced by `name`.
pub fn replace_database(url: &str, name: &str) -> Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let server = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    anyhow::ensure!(
        server.len() > scheme_end,
        "not a PostgreSQL URL: {}",
        redact(url)
    );
    Ok(match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    })
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    match (rest.find('@'), rest.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &rest[..colon],
                &rest[at..]
            )
        }
        _ => url.to_owned(),
    }
}

/// The PostgreSQL URL from `--postgres-url` or [`POSTGRES_URL_ENV`], if any.
pub fn postgres_url(flag: Option<String>) -> Option<String> {
    flag.or_else(|| std::env::var(POSTGRES_URL_ENV).ok())
        .filter(|url| !url.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_name() {
        let url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable";
        assert_eq!(
            replace_database(url, "x").unwrap(),
            "postgres://postgres@127.0.0.1:5432/x?sslmode=disable"
        );
        assert_eq!(
            replace_database("postgres://u@h", "x").unwrap(),
            "postgres://u@h/x"
        );
    }

    #[test]
    fn hides_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
