//! Helpers shared by the xtask tests: running the binary and reading its output.

#![allow(dead_code, unreachable_pub)]

use std::process::{Command, Output};

/// Runs `xtask` with `args` (and no database URL from the environment).
pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("TELEMETRY_DATABASE_URL")
        .output()
        .expect("run xtask")
}

/// Stdout and stderr, for assertions and failure messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// The PostgreSQL server for tests, or `None` after saying loudly that they are skipped.
pub fn postgres(test: &str) -> Option<String> {
    match std::env::var("TELEMETRY_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("!! SKIPPED {test}: TELEMETRY_TEST_POSTGRES_URL is not set");
            None
        }
    }
}
