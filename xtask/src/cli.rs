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
    /// Record the server's demo traces (`serve --demo`) with the SDK into their OTLP fixture,
    /// or `--check` that the committed fixture is up to date.
    #[command(after_help = exit::HELP)]
    DemoFixture(demo_fixture::DemoFixtureArgs),
    /// The CI gate: the same steps as `.ci/run`.
    #[command(after_help = exit::HELP)]
    Ci(ci::CiArgs),
}

impl Cli {
    /// Runs the chosen command.
    pub fn run(self) -> anyhow::Result<()> {
        match self.command {
            Command::Migrate(args) => migrate::run(args),
            Command::Compat(args) => compat::run(args),
            Command::Import(args) => import::run(args),
            Command::Bench(args) => bench::run(args),
            Command::DemoFixture(args) => demo_fixture::run(args),
            Command::Ci(args) => ci::run(args),
        }
    }
}
