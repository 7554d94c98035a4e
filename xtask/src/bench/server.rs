//! Server ingest: core → HTTP exporter (native, gzip) → the real `telemetry-api` server in
//! `--dev` mode on a loopback port → its write pipeline → SQLite.

use anyhow::Result;
use telemetry_api::config::ServerConfig;
use telemetry_api::server::Server;
use telemetry_core::Telemetry;
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig, WireFormat};

use super::pipeline::produce;
use super::report::Figure;
use crate::db::ScratchDb;

/// Spans per second acknowledged by the server (each 2xx means committed).
pub async fn server_ingest(spans: usize) -> Result<Vec<Figure>> {
    let db = ScratchDb::sqlite()?;
    let mut config = ServerConfig::new(db.url.clone());
    config.listen = ([127, 0, 0, 1], 0).into();
    config.dev = true;
    let server = Server::bind(config).await?;
    let url = format!("http://{}/api/v1/events", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let exporter = HttpExporter::new(HttpExporterConfig::new(url).format(WireFormat::Native))?;
    let telemetry = Telemetry::builder("bench")
        .exporter(exporter.clone())
        .build()?;
    let secs = produce(&telemetry, spans, "server_ingest").await?;
    let delivered = exporter.stats().delivered;
    let _ = stop.send(());
    serving.await??;
    anyhow::ensure!(
        delivered >= spans as u64,
        "the server acknowledged {delivered} of {spans} spans"
    );
    Ok(vec![Figure::higher(
        "server_ingest",
        "spans_per_sec",
        spans as f64 / secs,
        "spans/s",
        "≥ 10000 (2xx = committed)",
    )])
}
