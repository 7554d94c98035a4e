//! Server settings: where to listen, which database, limits, retention and modes, and the
//! TOML file that can hold them.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

/// OTLP/HTTP's default address, on loopback.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4318";
/// OTLP/gRPC's default address, on loopback (the command line's default; see
/// [`ServerConfig::grpc_listen`]).
pub const DEFAULT_GRPC_LISTEN: &str = "127.0.0.1:4317";
/// Default cap on a decompressed request body: 20 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 20 * 1024 * 1024;
/// Default number of spans the write pipeline holds before answering 503.
pub const DEFAULT_PIPELINE_CAPACITY_SPANS: usize = 200_000;
/// Default number of spans committed in one shared transaction, at most.
pub const DEFAULT_MAX_COMMIT_SPANS: usize = 20_000;

/// Limits that protect the server's memory and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted after decompression; more is answered 413 as soon as
    /// the limit is crossed, without reading (or inflating) the rest.
    pub max_body_bytes: usize,
    /// Spans accepted but not yet committed, at most; a request that would go over is
    /// answered 503 with `Retry-After`.
    pub pipeline_capacity_spans: usize,
    /// Spans grouped into one transaction, at most (a single larger request still commits
    /// as one transaction).
    pub max_commit_spans: usize,
    /// Seconds a client is asked to wait (`Retry-After`) when the pipeline is full.
    pub retry_after_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            pipeline_capacity_spans: DEFAULT_PIPELINE_CAPACITY_SPANS,
            max_commit_spans: DEFAULT_MAX_COMMIT_SPANS,
            retry_after_secs: 1,
        }
    }
}

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (`127.0.0.1:4318` by default).
    pub listen: SocketAddr,
    /// Address of OTLP/gRPC ingest; `None` serves no gRPC. [`ServerConfig::new`] leaves it
    /// off, so that embedded servers and tests do not compete for 4317; the command line
    /// defaults to [`DEFAULT_GRPC_LISTEN`].
    pub grpc_listen: Option<SocketAddr>,
    /// `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// Accept unauthenticated requests into the default project (loopback only).
    pub dev: bool,
    /// Delete traces older than this many days, checked every `retention_interval`.
    pub retention_days: Option<u32>,
    /// How often retention runs.
    pub retention_interval: Duration,
    /// How often the planner's statistics are refreshed ([`telemetry_store::Store::optimize`];
    /// also once at start).
    pub optimize_interval: Duration,
    /// Limits.
    pub limits: Limits,
    /// How long shutdown waits for in-flight requests and the last commit.
    pub shutdown_timeout: Duration,
    /// Database pool size (the store's default when `None`).
    pub db_max_connections: Option<u32>,
    /// A read replica of the database: GraphQL queries read from it, every write (ingest,
    /// score mutations, keys, retention) goes to `database_url`. `None` reads the primary.
    pub read_database_url: Option<String>,
}

impl ServerConfig {
    /// Defaults (loopback on 4318, no retention, default limits) over `database_url`.
    pub fn new(database_url: impl Into<String>) -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 4318)),
            grpc_listen: None,
            database_url: database_url.into(),
            dev: false,
            retention_days: None,
            retention_interval: Duration::from_secs(3600),
            optimize_interval: Duration::from_secs(300),
            limits: Limits::default(),
            shutdown_timeout: Duration::from_secs(30),
            db_max_connections: None,
            read_database_url: None,
        }
    }
}

/// The TOML configuration file (`--config`): every key optional, command-line flags and
/// environment variables win over it.
///
/// ```
/// let file: telemetry_api::config::FileConfig = toml::from_str(r#"
///     database_url = "sqlite:///var/lib/ai-telemetry/telemetry.db"
///     listen = "0.0.0.0:4318"
///     retention_days = 30
///     [limits]
///     max_body_bytes = 10485760
/// "#).unwrap();
/// assert_eq!(file.retention_days, Some(30));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Database URL.
    pub database_url: Option<String>,
    /// Directory of the default SQLite file.
    pub data_dir: Option<String>,
    /// Listen address.
    pub listen: Option<SocketAddr>,
    /// OTLP/gRPC listen address, or `"off"`.
    pub grpc_listen: Option<GrpcListen>,
    /// Development mode.
    pub dev: Option<bool>,
    /// Retention in days.
    pub retention_days: Option<u32>,
    /// Retention interval in seconds.
    pub retention_interval_secs: Option<u64>,
    /// Shutdown timeout in seconds.
    pub shutdown_timeout_secs: Option<u64>,
    /// Database pool size.
    pub db_max_connections: Option<u32>,
    /// Read-replica URL for GraphQL queries.
    pub read_database_url: Option<String>,
    /// Limits.
    #[serde(default)]
    pub limits: FileLimits,
}

/// Where OTLP/gRPC listens: an address, or `off` for no gRPC server.
///
/// ```
/// use telemetry_api::config::GrpcListen;
///
/// assert_eq!("off".parse::<GrpcListen>().unwrap(), GrpcListen(None));
/// let on: GrpcListen = "0.0.0.0:4317".parse().unwrap();
/// assert_eq!(on.0.map(|a| a.port()), Some(4317));
/// assert!("4317".parse::<GrpcListen>().is_err());
/// let file: telemetry_api::config::FileConfig = toml::from_str(r#"grpc_listen = "off""#).unwrap();
/// assert_eq!(file.grpc_listen, Some(GrpcListen(None)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct GrpcListen(pub Option<SocketAddr>);

impl TryFrom<String> for GrpcListen {
    type Error = std::net::AddrParseError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl std::str::FromStr for GrpcListen {
    type Err = std::net::AddrParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(GrpcListen(None));
        }
        text.parse().map(|addr| GrpcListen(Some(addr)))
    }
}

/// The `[limits]` table of the configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    /// See [`Limits::max_body_bytes`].
    pub max_body_bytes: Option<usize>,
    /// See [`Limits::pipeline_capacity_spans`].
    pub pipeline_capacity_spans: Option<usize>,
    /// See [`Limits::max_commit_spans`].
    pub max_commit_spans: Option<usize>,
    /// See [`Limits::retry_after_secs`].
    pub retry_after_secs: Option<u64>,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for these settings.
    #[error("invalid configuration file {path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: toml::de::Error,
    },
}

impl FileConfig {
    /// Reads a TOML configuration file.
    pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: shown,
            source,
        })
    }
}

/// The default SQLite URL inside `data_dir`.
pub fn sqlite_url_in(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("telemetry.db").display())
}

/// The default data directory: `$XDG_DATA_HOME/ai-telemetry`, else
/// `$HOME/.local/share/ai-telemetry`, else `./.ai-telemetry`.
pub fn default_data_dir() -> std::path::PathBuf {
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(xdg) = from_env("XDG_DATA_HOME") {
        return Path::new(&xdg).join("ai-telemetry");
    }
    if let Some(home) = from_env("HOME") {
        return Path::new(&home).join(".local/share/ai-telemetry");
    }
    Path::new(".ai-telemetry").to_path_buf()
}
