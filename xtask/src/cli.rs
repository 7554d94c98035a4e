//! The command line: one subcommand per task, each with its own `--help`.

use clap::{Parser, Subcommand};

use crate::{bench, ci, compat, demo_fixture, exit, import, migrate};

/// The project's operator and contributor tool: migrations, compatibility checks, import,
/// benchmarks and the CI gate.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", after_help = exit::HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply, revert or list the store's schema migrations.
    #[command(after_help = exit::HELP)]
    Migrate(migrate::MigrateArgs),
    /// Compatibility checks: wire fixtures, migrations with data, OTel mapping, public API.
    #[command(after_help = exit::HELP)]
    Compat(compat::CompatArgs),
    /// Import the file exporter's JSON Lines (a file or a directory of rotated files) into a
    /// store; running it twice changes nothing.
    #[command(after_help = exit::HELP)]
    Import(import::ImportArgs),
    /// End-to-end benchmarks, with a results table, JSON output and `--compare`.
    #[command(after_help = exit::HELP)]
    Bench(bench::BenchArgs),
    /// A decode-and-discard OTLP/HTTP protobuf receiver (the ceiling the `otlp_load` bench
    /// compares the server with); prints its address and serves until killed.
    #[command(after_help = exit::HELP)]
    DiscardReceiver(DiscardReceiverArgs),
    /// Record the server's demo traces (`serve --demo`) with the SDK into their OTLP fixture,
    /// or `--check` that the committed fixture is up to date.
    #[command(after_help = exit::HELP)]
    DemoFixture(demo_fixture::DemoFixtureArgs),
    /// The CI gate: the same steps as `.ci/run`.
    #[command(after_help = exit::HELP)]
    Ci(ci::CiArgs),
}

/// `cargo xtask discard-receiver`.
#[derive(Debug, clap::Args)]
pub struct DiscardReceiverArgs {
    /// Address to listen on (port 0: any free port, printed on stdout)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
}

impl Cli {
    /// Runs the chosen command.
    pub fn run(self) -> anyhow::Result<()> {
        match self.command {
            Command::Migrate(args) => migrate::run(args),
            Command::Compat(args) => compat::run(args),
            Command::Import(args) => import::run(args),
            Command::Bench(args) => bench::run(args),
            Command::DiscardReceiver(args) => bench::discard_receiver::run_process(args.listen),
            Command::DemoFixture(args) => demo_fixture::run(args),
            Command::Ci(args) => ci::run(args),
        }
    }
}
