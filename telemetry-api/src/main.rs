//! The `telemetry-api` binary: `serve`, `projects`, `keys`. See `telemetry-api --help`.

mod cli;
mod commands;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use cli::{Cli, Command};

/// The server allocates and frees many short-lived buffers per span (decoded requests, rows,
/// statement arguments); glibc's allocator spent about a fifth of ingest time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(matches!(cli.command, Command::Serve(_)));
    let file = cli.file_config()?;
    let database_url = cli.database_url(&file);
    match cli.command {
        Command::Serve(args) => {
            let config = args.server_config(database_url, &file);
            commands::serve(config, args.demo).await
        }
        Command::Projects(command) => commands::projects(&database_url, command).await,
        Command::Keys(command) => commands::keys(&database_url, command).await,
    }
}

/// Logs to stderr; `RUST_LOG` overrides the level (info for `serve`, warnings otherwise).
fn init_logging(serving: bool) {
    let default = if serving { "info" } else { "warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
