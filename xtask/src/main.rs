//! `cargo xtask`: see the library's documentation, or run `cargo xtask --help`.

use std::process::ExitCode;

use clap::Parser;
use xtask::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    xtask::exit::code_for(cli.run())
}
