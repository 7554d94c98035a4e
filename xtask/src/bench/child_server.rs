//! A server in its own process (the release `telemetry-api serve`, or `cargo xtask
//! discard-receiver`): started with a loopback port 0, its address read from the line it
//! prints, and killed (`SIGKILL`, like `kill -9`) when dropped or stopped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a server may take to print its address (a PostgreSQL migration included).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running child process serving HTTP on `addr`.
#[derive(Debug)]
pub struct ChildServer {
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
}

impl ChildServer {
    /// Starts `command` and waits for a stdout line containing `marker` followed by
    /// `http://ADDR`. The rest of its stdout is discarded; its stderr goes to ours.
    pub async fn start(mut command: Command, marker: &str) -> Result<ChildServer> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {command:?}"))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let addr = tokio::time::timeout(START_TIMEOUT, read_addr(stdout, marker))
            .await
            .with_context(|| format!("{command:?} printed no address in {START_TIMEOUT:?}"))??;
        Ok(ChildServer { addr, child })
    }

    /// Kills the process and waits for it.
    pub async fn kill(mut self) -> Result<()> {
        self.child.kill().await.context("cannot kill the server")
    }
}

/// Reads lines until `marker … http://ADDR`; keeps draining stdout afterwards so the child
/// never blocks on a full pipe.
async fn read_addr(stdout: tokio::process::ChildStdout, marker: &str) -> Result<SocketAddr> {
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        let Some(rest) = line.split_once(marker).map(|(_, rest)| rest) else {
            continue;
        };
        let Some(addr) = rest.split("http://").nth(1) else {
            continue;
        };
        let addr: SocketAddr = addr
            .trim()
            .trim_end_matches('/')
            .parse()
            .with_context(|| format!("not an address: {line}"))?;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        return Ok(addr);
    }
    bail!("the process exited before printing its address")
}

/// The decode-and-discard receiver as its own process: this xtask binary, `discard-receiver`.
pub async fn discard_receiver() -> Result<ChildServer> {
    let exe = std::env::current_exe().context("cannot find the xtask binary")?;
    let mut command = Command::new(exe);
    command.args(["discard-receiver", "--listen", "127.0.0.1:0"]);
    ChildServer::start(command, "discard-receiver listening on").await
}

/// `telemetry-api serve` on `database_url`, loopback port 0, `--dev` (no credentials), no
/// gRPC, its data directory in `data_dir`.
pub async fn telemetry_api(bin: &Path, database_url: &str, data_dir: &Path) -> Result<ChildServer> {
    let mut command = Command::new(bin);
    command
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--grpc-listen",
            "off",
            "--dev",
        ])
        .arg("--database-url")
        .arg(database_url)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("TELEMETRY_CONFIG");
    ChildServer::start(command, "ai-telemetry listening on").await
}

/// The release `telemetry-api` binary: `given`, or built now with
/// `cargo build --release -p telemetry-api` (a no-op when it is up to date).
pub fn server_binary(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(bin) = given {
        return Ok(bin);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "telemetry-api",
            "--bin",
            "telemetry-api",
        ])
        .current_dir(crate::compat::workspace_root())
        .status()
        .context("cannot run cargo build")?;
    anyhow::ensure!(status.success(), "cargo build of telemetry-api failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::compat::workspace_root().join("target"));
    Ok(target.join("release").join("telemetry-api"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_the_address_a_child_prints() {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "echo starting; echo 'x listening on http://127.0.0.1:4999/'; sleep 30",
        ]);
        let server = ChildServer::start(command, "listening on").await.unwrap();
        assert_eq!(server.addr, "127.0.0.1:4999".parse().unwrap());
        server.kill().await.unwrap();
    }

    #[tokio::test]
    async fn a_child_that_exits_silently_is_an_error() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo nothing"]);
        let err = ChildServer::start(command, "listening on")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("exited"), "{err:#}");
    }
}
