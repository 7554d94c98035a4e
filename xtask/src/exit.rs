//! Exit codes, and the error types that select them.

use std::fmt;
use std::process::ExitCode;

/// Everything went well.
pub const OK: u8 = 0;
/// A check ran and found a problem (a compatibility difference, a benchmark regression, a
/// failed CI step).
pub const CHECK_FAILED: u8 = 1;
/// The command line was wrong, or the request was refused (e.g. `migrate fresh` on
/// PostgreSQL without `--yes`).
pub const USAGE: u8 = 2;
/// The command could not run (database unreachable, unreadable file, …).
pub const ERROR: u8 = 3;

/// A check ran and found a problem; exits with [`CHECK_FAILED`].
#[derive(Debug)]
pub struct CheckFailed(pub String);

impl fmt::Display for CheckFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CheckFailed {}

/// A refused request; exits with [`USAGE`].
#[derive(Debug)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// The exit code for the outcome of a command, printing the error (with its causes) first.
pub fn code_for(result: anyhow::Result<()>) -> ExitCode {
    let Err(error) = result else {
        return ExitCode::from(OK);
    };
    eprintln!("error: {error:#}");
    let code = if error.downcast_ref::<CheckFailed>().is_some() {
        CHECK_FAILED
    } else if error.downcast_ref::<Refused>().is_some() {
        USAGE
    } else {
        ERROR
    };
    ExitCode::from(code)
}

/// Help text listing the exit codes, shown under every command's `--help`.
pub const HELP: &str = "Exit codes: 0 success; 1 a check found a problem (compat difference, \
benchmark regression, failed CI step); 2 bad command line or refused request; 3 could not run \
(database unreachable, unreadable file, …).";
