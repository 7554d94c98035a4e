//! The errors of the store.

use sea_orm::DbErr;

/// A result whose error is the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL is malformed or names an unsupported database.
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL, with any password removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database could not be reached or opened.
    #[error("cannot reach database {url:?}: {source}")]
    Unreachable {
        /// The URL, with any password removed.
        url: String,
        /// The driver's error.
        #[source]
        source: DbErr,
    },
    /// The database has migrations applied that this code does not know: it was migrated by a
    /// newer release. Upgrade this program instead of writing to that database.
    #[error(
        "the database schema is newer than this code: unknown migration(s) {unknown:?} are applied \
         (this code knows up to {latest_known:?}); upgrade the program"
    )]
    SchemaTooNew {
        /// Applied migrations this code does not know.
        unknown: Vec<String>,
        /// The newest migration this code knows.
        latest_known: String,
    },
    /// A project that does not exist was named.
    #[error("project {0} does not exist")]
    ProjectNotFound(i64),
    /// A pagination cursor that this store did not hand out.
    #[error("invalid pagination cursor {0:?}")]
    InvalidCursor(String),
    /// An argument outside its allowed range (a quantile above 1, a zero bucket width, …).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A price table that cannot be read.
    #[error("invalid price table: {0}")]
    PriceTable(String),
    /// A stored JSON document that cannot be decoded.
    #[error("corrupt stored {what}: {source}")]
    Corrupt {
        /// What was being decoded.
        what: &'static str,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// A stored id that is not a valid W3C id.
    #[error("corrupt stored id {0:?}")]
    CorruptId(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl Error {
    /// Whether retrying the same operation later may succeed (the connection was lost, the pool
    /// was exhausted, the database was busy). A storage exporter retries these with backoff.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Unreachable { .. } => true,
            Error::Database(err) => db_err_is_transient(err) || self.is_storage_failure(),
            _ => false,
        }
    }

    /// Whether the database could not write its files: a full disk (`database or disk is
    /// full`), a file-size limit or another write error (`disk I/O error`, what SQLite
    /// reports when a write is cut short). Retrying after space is freed succeeds, so these
    /// are also [transient](Self::is_transient); a server says so in its log.
    pub fn is_storage_failure(&self) -> bool {
        let Error::Database(DbErr::Exec(_) | DbErr::Query(_) | DbErr::Conn(_)) = self else {
            return false;
        };
        let text = self.to_string().to_ascii_lowercase();
        ["disk is full", "disk i/o error", "no space left"]
            .iter()
            .any(|needle| text.contains(needle))
    }
}

/// Whether a driver error is worth retrying.
fn db_err_is_transient(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(_) | DbErr::Query(_) => {
            let text = err.to_string().to_ascii_lowercase();
            [
                "database is locked",
                "busy",
                "connection",
                "broken pipe",
                "terminating",
                "timed out",
                "deadlock",
                "could not serialize",
                "pool",
                "io error",
                "closed",
                // A span routed to the default partition while its day's partition was being
                // attached (`Store::create_span_partitions`): sent again, it goes to the new one.
                "violates partition constraint",
            ]
            .iter()
            .any(|needle| text.contains(needle))
        }
        _ => false,
    }
}

/// Removes the password from a URL for error messages.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_errors_are_told_apart() {
        use sea_orm::RuntimeErr;
        let exec = |msg: &str| Error::Database(DbErr::Exec(RuntimeErr::Internal(msg.to_owned())));
        assert!(exec("FATAL: terminating connection due to administrator command").is_transient());
        assert!(exec("database is locked").is_transient());
        assert!(
            Error::Database(DbErr::Conn(RuntimeErr::Internal("refused".into()))).is_transient()
        );
        assert!(!exec("duplicate key value violates unique constraint").is_transient());
        assert!(
            exec("new row for relation \"spans_default\" violates partition constraint")
                .is_transient()
        );
        for full in [
            "database or disk is full",
            "disk I/O error",
            "No space left on device",
        ] {
            assert!(exec(full).is_storage_failure(), "{full}");
            assert!(exec(full).is_transient(), "{full}");
        }
        assert!(!exec("database is locked").is_storage_failure());
        assert!(!Error::ProjectNotFound(1).is_storage_failure());
        assert!(!Error::ProjectNotFound(1).is_transient());
        assert!(!Error::InvalidCursor("x".into()).is_transient());
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
