//! The command line: `serve`, `projects`, `keys`. Every option can also come from an
//! environment variable (named in `--help`) or the TOML file given with `--config`;
//! the command line wins over the environment, which wins over the file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use telemetry_api::config::{self, FileConfig, GrpcListen, Limits, ServerConfig};

/// The AI telemetry server and its administration commands.
#[derive(Debug, Parser)]
#[command(name = "telemetry-api", version, about)]
pub(crate) struct Cli {
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB` [default: a SQLite file in
    /// the data directory]
    #[arg(long, global = true, env = "TELEMETRY_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory of the default SQLite database [default: $XDG_DATA_HOME/ai-telemetry or
    /// ~/.local/share/ai-telemetry]
    #[arg(long, global = true, env = "TELEMETRY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// TOML configuration file (keys as the long options, with `_`; limits under `[limits]`)
    #[arg(long, global = true, env = "TELEMETRY_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the server: OTLP/HTTP and native ingest, GraphQL, health and metrics on one port,
    /// OTLP/gRPC on another.
    Serve(ServeArgs),
    /// Manage projects.
    #[command(subcommand)]
    Projects(ProjectsCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:4318, the OTLP/HTTP default]
    #[arg(long, env = "TELEMETRY_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Address of OTLP/gRPC ingest, or `off` for none [default: 127.0.0.1:4317, the OTLP/gRPC
    /// default]
    #[arg(long, env = "TELEMETRY_GRPC_LISTEN")]
    pub grpc_listen: Option<GrpcListen>,
    /// Delete traces older than this many days (checked hourly) [default: keep everything]
    #[arg(long, env = "TELEMETRY_RETENTION_DAYS")]
    pub retention_days: Option<u32>,
    /// Seconds between retention passes [default: 3600]
    #[arg(long, env = "TELEMETRY_RETENTION_INTERVAL_SECS")]
    pub retention_interval_secs: Option<u64>,
    /// Largest request body after decompression, in bytes; more is answered 413
    /// [default: 20971520 (20 MiB)]
    #[arg(long, env = "TELEMETRY_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Spans accepted but not yet committed, at most; beyond, requests get 503 with
    /// Retry-After [default: 200000]
    #[arg(long, env = "TELEMETRY_PIPELINE_CAPACITY_SPANS")]
    pub pipeline_capacity_spans: Option<usize>,
    /// Spans grouped into one transaction, at most [default: 20000]
    #[arg(long, env = "TELEMETRY_MAX_COMMIT_SPANS")]
    pub max_commit_spans: Option<usize>,
    /// Seconds shutdown waits for in-flight requests and the last commit [default: 30]
    #[arg(long, env = "TELEMETRY_SHUTDOWN_TIMEOUT_SECS")]
    pub shutdown_timeout_secs: Option<u64>,
    /// Database pool size [default: 4 for SQLite, 10 for PostgreSQL]
    #[arg(long, env = "TELEMETRY_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,
    /// A read replica of the database (`postgres://…`): GraphQL queries read from it, writes
    /// go to --database-url [default: read the primary]
    #[arg(long, env = "TELEMETRY_READ_DATABASE_URL")]
    pub read_database_url: Option<String>,
    /// Development mode: requests without credentials write into and read from the
    /// `default` project. Refused unless --listen is a loopback address.
    #[arg(long, env = "TELEMETRY_DEV")]
    pub dev: bool,
    /// Seed demo agent traces (a recording of our SDK, replayed as OTLP) into the server
    /// itself (implies --dev on a loopback address, so GraphiQL shows them without a key).
    #[arg(long)]
    pub demo: bool,
}

/// `projects …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ProjectsCommand {
    /// Create a project.
    Create {
        /// Project name (unique; used as its slug).
        name: String,
    },
    /// List projects.
    List,
}

/// `keys …`.
#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Create an API key; its secret is printed once, on the last line of stdout.
    Create {
        /// Project the key grants access to.
        #[arg(long)]
        project: String,
        /// Label of the key.
        #[arg(long, default_value = "default")]
        name: String,
    },
    /// List keys (never their secrets).
    List {
        /// Only this project's keys [default: every project's].
        #[arg(long)]
        project: Option<String>,
    },
    /// Revoke a key: requests with it are refused from now on.
    Revoke {
        /// Project of the key.
        #[arg(long)]
        project: String,
        /// Key id (see `keys list`).
        id: i64,
    },
}

impl Cli {
    /// The configuration file's settings, or defaults without one.
    pub(crate) fn file_config(&self) -> anyhow::Result<FileConfig> {
        match &self.config {
            Some(path) => Ok(FileConfig::load(path)?),
            None => Ok(FileConfig::default()),
        }
    }

    /// The database URL: flag or environment, then the file, then the default SQLite file.
    pub(crate) fn database_url(&self, file: &FileConfig) -> String {
        if let Some(url) = self
            .database_url
            .clone()
            .or_else(|| file.database_url.clone())
        {
            return url;
        }
        let dir = self
            .data_dir
            .clone()
            .or_else(|| file.data_dir.clone().map(PathBuf::from))
            .unwrap_or_else(config::default_data_dir);
        config::sqlite_url_in(&dir)
    }
}

impl ServeArgs {
    /// The server configuration, layering these options over the file over the defaults.
    pub(crate) fn server_config(&self, database_url: String, file: &FileConfig) -> ServerConfig {
        let mut cfg = ServerConfig::new(database_url);
        let defaults = Limits::default();
        cfg.listen = self.listen.or(file.listen).unwrap_or(cfg.listen);
        let default_grpc = config::DEFAULT_GRPC_LISTEN.parse().ok();
        cfg.grpc_listen = match self.grpc_listen.or(file.grpc_listen) {
            Some(GrpcListen(addr)) => addr,
            None => default_grpc,
        };
        cfg.dev = self.dev || file.dev.unwrap_or(false);
        cfg.retention_days = self.retention_days.or(file.retention_days);
        if let Some(secs) = self
            .retention_interval_secs
            .or(file.retention_interval_secs)
        {
            cfg.retention_interval = Duration::from_secs(secs);
        }
        if let Some(secs) = self.shutdown_timeout_secs.or(file.shutdown_timeout_secs) {
            cfg.shutdown_timeout = Duration::from_secs(secs);
        }
        cfg.db_max_connections = self.db_max_connections.or(file.db_max_connections);
        cfg.read_database_url = self
            .read_database_url
            .clone()
            .or_else(|| file.read_database_url.clone());
        let l = &file.limits;
        cfg.limits = Limits {
            max_body_bytes: self
                .max_body_bytes
                .or(l.max_body_bytes)
                .unwrap_or(defaults.max_body_bytes),
            pipeline_capacity_spans: self
                .pipeline_capacity_spans
                .or(l.pipeline_capacity_spans)
                .unwrap_or(defaults.pipeline_capacity_spans),
            max_commit_spans: self
                .max_commit_spans
                .or(l.max_commit_spans)
                .unwrap_or(defaults.max_commit_spans),
            retry_after_secs: l.retry_after_secs.unwrap_or(defaults.retry_after_secs),
        };
        if self.demo && cfg.listen.ip().is_loopback() {
            cfg.dev = true;
        }
        cfg
    }
}
