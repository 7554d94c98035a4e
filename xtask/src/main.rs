//! `cargo xtask`: the project's operator and contributor tool.
//!
//! No subcommand exists yet (migrations, compatibility checks, import, benchmarks and CI come
//! with their own issue); running it says so and exits with status 2.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    eprintln!(
        "cargo xtask: no subcommands are implemented yet (asked for {:?}); run `bash .ci/run` for the CI gate",
        args
    );
    ExitCode::from(2)
}
