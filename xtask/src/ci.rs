//! `cargo xtask ci`: the CI gate, step for step what `.ci/run` does (a test keeps the two
//! lists equal): format check, clippy with warnings as errors, the README's test command
//! (with PostgreSQL when one answers), examples built, docs with warnings as errors, and
//! `cargo xtask compat`.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;

use crate::db;
use crate::exit::CheckFailed;

/// `cargo xtask ci …`.
#[derive(Debug, Args)]
pub struct CiArgs {
    /// Print the steps without running them
    #[arg(long)]
    pub dry_run: bool,
}

/// One step of the gate: a command with extra environment.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// Shown before it runs.
    pub title: &'static str,
    /// Environment variables set for it.
    pub env: &'static [(&'static str, &'static str)],
    /// The `cargo` arguments.
    pub args: &'static [&'static str],
}

impl Step {
    /// The command line as `.ci/run` writes it.
    pub fn command_line(&self) -> String {
        let env: Vec<String> = self
            .env
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        let mut words = env;
        words.push("cargo".to_owned());
        words.extend(self.args.iter().map(|a| a.to_string()));
        words.join(" ")
    }
}

/// The steps, in `.ci/run`'s order.
pub const STEPS: &[Step] = &[
    Step {
        title: "cargo fmt --check",
        env: &[],
        args: &["fmt", "--all", "--", "--check"],
    },
    Step {
        title: "cargo clippy",
        env: &[],
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    },
    Step {
        title: "tests (the README's test command)",
        env: &[],
        args: &["test", "--workspace"],
    },
    Step {
        title: "examples",
        env: &[],
        args: &["build", "--workspace", "--examples"],
    },
    Step {
        title: "cargo doc (warnings are errors)",
        env: &[("RUSTDOCFLAGS", "-D warnings")],
        args: &["doc", "--workspace", "--no-deps"],
    },
    Step {
        title: "cargo xtask compat",
        env: &[],
        args: &["xtask", "compat"],
    },
];

/// The PostgreSQL server `.ci/run` looks for.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Whether a PostgreSQL server answers at `url` within a few seconds.
fn postgres_answers(url: &str) -> bool {
    let Ok(runtime) = db::runtime() else {
        return false;
    };
    runtime.block_on(async {
        let mut options = sea_orm::ConnectOptions::new(url.to_owned());
        options
            .connect_timeout(Duration::from_secs(3))
            .sqlx_logging(false);
        tokio::time::timeout(Duration::from_secs(5), sea_orm::Database::connect(options))
            .await
            .is_ok_and(|db| db.is_ok())
    })
}

/// The PostgreSQL URL the tests get, if any: the environment's, else the default server's
/// when it answers.
fn postgres_for_tests() -> Option<String> {
    if let Some(url) = db::postgres_url(None) {
        return Some(url);
    }
    postgres_answers(DEFAULT_POSTGRES).then(|| DEFAULT_POSTGRES.to_owned())
}

/// Environment variables `.ci/run` exports for the steps; this gate sets the same ones.
pub const EXPORTED_ENV: [&str; 6] = [
    "CARGO_TERM_COLOR",
    "RUST_BACKTRACE",
    db::POSTGRES_URL_ENV,
    "TELEMETRY_TEST_PYTHON",
    crate::ci_clients::LANGFUSE_ENV,
    crate::ci_clients::MASTRA_ENV,
];

/// The virtual environment with the Python OpenTelemetry SDK that telemetry-api's Python
/// client test uses (`TELEMETRY_TEST_PYTHON`), created when missing as `.ci/run` does; `None`
/// (the test is skipped, loudly) when it cannot be built.
fn python_for_tests() -> Option<String> {
    let tmp = std::env::var("TMPDIR").unwrap_or_else(|_| "/tmp".to_owned());
    let venv = format!("{tmp}/ai-telemetry-otel-venv");
    let python = format!("{venv}/bin/python");
    let ok = || {
        Command::new(&python)
            .args(["-c", "import opentelemetry.sdk.trace, opentelemetry.exporter.otlp.proto.http.trace_exporter"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if !ok() {
        println!("== creating {venv} (opentelemetry-sdk, opentelemetry-exporter-otlp-proto-http)");
        let created = Command::new("python3")
            .args(["-m", "venv", &venv])
            .status()
            .is_ok_and(|s| s.success());
        if created {
            let _ = Command::new(format!("{venv}/bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "opentelemetry-sdk",
                    "opentelemetry-exporter-otlp-proto-http",
                ])
                .status();
        }
    }
    if ok() {
        return Some(python);
    }
    println!("!! =================================================================");
    println!(
        "!! Python venv with the OpenTelemetry SDK unavailable: the Python client test is SKIPPED"
    );
    println!("!! =================================================================");
    None
}

/// Runs `cargo xtask ci`.
pub fn run(args: CiArgs) -> Result<()> {
    if args.dry_run {
        STEPS
            .iter()
            .for_each(|step| println!("{}", step.command_line()));
        return Ok(());
    }
    let postgres = postgres_for_tests();
    match &postgres {
        Some(url) => println!("== PostgreSQL answers: store tests also run against {url}"),
        None => {
            println!("!! =================================================================");
            println!("!! PostgreSQL does not answer: PostgreSQL store tests are SKIPPED");
            println!("!! =================================================================");
        }
    }
    let root = crate::compat::workspace_root();
    let gate = Instant::now();
    // Like `.ci/run`, the Python venvs and the Node project are prepared after the format and
    // lint steps, just before the tests, and named to every later step.
    let mut python = None;
    let mut clients = Vec::new();
    for step in STEPS {
        if step.args.first() == Some(&"test") {
            python = python_for_tests();
            clients = crate::ci_clients::prepare(&root);
        }
        println!("== {}", step.title);
        let started = Instant::now();
        let mut command = Command::new("cargo");
        command
            .current_dir(&root)
            .args(step.args)
            .env("CARGO_TERM_COLOR", "never")
            .env("RUST_BACKTRACE", "0")
            .envs(step.env.iter().copied());
        if let Some(url) = &postgres {
            command.env(db::POSTGRES_URL_ENV, url);
        }
        if let Some(python) = &python {
            command.env("TELEMETRY_TEST_PYTHON", python);
        }
        command.envs(clients.iter().map(|(name, value)| (*name, value)));
        let status = command
            .status()
            .with_context(|| format!("cannot run {}", step.command_line()))?;
        if !status.success() {
            eprintln!("!! =================================================================");
            eprintln!("!! CI FAILED at \"{}\" ({status})", step.title);
            eprintln!("!! =================================================================");
            return Err(CheckFailed(format!(
                "CI step failed ({status}) after {:.0?}: {}",
                started.elapsed(),
                step.command_line()
            ))
            .into());
        }
        println!("== {} passed in {:.0?}", step.title, started.elapsed());
    }
    println!("== CI passed in {:.0?}", gate.elapsed());
    Ok(())
}
