//! The real clients of telemetry-api's client tests beyond the Python OpenTelemetry SDK,
//! prepared as `.ci/run` prepares them: the Langfuse Python SDK in its own virtual environment
//! (`TELEMETRY_TEST_LANGFUSE_PYTHON`) and the Mastra Node project installed from its lock file
//! (`TELEMETRY_TEST_MASTRA`). A client that cannot be installed is skipped, loudly.

use std::path::Path;
use std::process::Command;

/// The variable naming the Langfuse SDK's Python.
pub const LANGFUSE_ENV: &str = "TELEMETRY_TEST_LANGFUSE_PYTHON";
/// The variable naming `node` for the Mastra client test.
pub const MASTRA_ENV: &str = "TELEMETRY_TEST_MASTRA";

/// The variables of the clients that could be prepared.
pub fn prepare(root: &Path) -> Vec<(&'static str, String)> {
    let mut env = Vec::new();
    match langfuse_python() {
        Some(python) => env.push((LANGFUSE_ENV, python)),
        None => skipped("Langfuse Python SDK unavailable (registry unreachable?): the Langfuse"),
    }
    if mastra_installed(root) {
        env.push((MASTRA_ENV, "node".to_owned()));
    } else {
        skipped("Node.js or the npm registry unavailable: the Mastra");
    }
    env
}

fn skipped(what: &str) {
    println!("!! =================================================================");
    println!("!! {what} client test is SKIPPED");
    println!("!! =================================================================");
}

fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|out| out.status.success())
}

fn langfuse_python() -> Option<String> {
    let tmp = std::env::var("TMPDIR").unwrap_or_else(|_| "/tmp".to_owned());
    let venv = format!("{tmp}/ai-telemetry-langfuse-venv");
    let python = format!("{venv}/bin/python");
    let ok = || {
        succeeds(
            Command::new(&python)
                .args(["-c", "from langfuse import Langfuse, propagate_attributes"]),
        )
    };
    if !ok() {
        println!("== creating {venv} (langfuse)");
        if succeeds(Command::new("python3").args(["-m", "venv", &venv])) {
            let _ = Command::new(format!("{venv}/bin/pip"))
                .args(["install", "--quiet", "langfuse"])
                .status();
        }
    }
    ok().then_some(python)
}

fn mastra_installed(root: &Path) -> bool {
    let dir = root.join("telemetry-api/tests/clients/mastra");
    let installed = || dir.join("node_modules/@mastra/otel-exporter").is_dir();
    if !installed() && succeeds(Command::new("node").arg("--version")) {
        println!("== npm ci in {}", dir.display());
        let _ = Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--loglevel=error",
            ])
            .current_dir(&dir)
            .status();
    }
    installed()
}
