//! A decode-and-discard OTLP/HTTP receiver: `POST /v1/traces` with a protobuf body is decoded
//! (prost, as the server decodes it), its spans are counted and dropped, and the answer is an
//! empty `ExportTraceServiceResponse`. It is the ceiling the load generator's figures are read
//! against: what the same requests cost when nothing is mapped or stored.
//!
//! In-process: [`spawn`] on an address (port 0 for any) gives a [`DiscardReceiver`] handle with
//! its counters. As its own process: `cargo xtask discard-receiver --listen 127.0.0.1:0` prints
//! `discard-receiver listening on http://ADDR` and serves until killed; `GET /stats` answers
//! the counters as JSON (`{"requests":…,"spans":…,"refused":…}`).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let receiver = xtask::bench::discard_receiver::spawn(([127, 0, 0, 1], 0).into()).await?;
//! println!("send OTLP to http://{}/v1/traces", receiver.local_addr());
//! // … send requests …
//! println!("{} spans decoded", receiver.stats().spans);
//! receiver.stop().await?;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Largest request body accepted (as the server's default limit).
const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

/// What the receiver has seen so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiverStats {
    /// Requests decoded and answered 200.
    pub requests: u64,
    /// Spans in those requests.
    pub spans: u64,
    /// Requests refused (400: not OTLP protobuf).
    pub refused: u64,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    spans: AtomicU64,
    refused: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> ReceiverStats {
        ReceiverStats {
            requests: self.requests.load(Ordering::Relaxed),
            spans: self.spans.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }
}

/// A running receiver; [`DiscardReceiver::stop`] ends it (dropping the handle ends it too).
#[derive(Debug)]
pub struct DiscardReceiver {
    addr: SocketAddr,
    counters: Arc<Counters>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl DiscardReceiver {
    /// The address it listens on (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The counters now.
    pub fn stats(&self) -> ReceiverStats {
        self.counters.snapshot()
    }

    /// Stops accepting, finishes the requests in flight, and returns the final counters.
    pub async fn stop(mut self) -> Result<ReceiverStats> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .context("the receiver task panicked")?
            .context("the receiver failed")?;
        Ok(self.counters.snapshot())
    }
}

impl Drop for DiscardReceiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` and serves on the current tokio runtime.
pub async fn spawn(addr: SocketAddr) -> Result<DiscardReceiver> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    let counters = Arc::new(Counters::default());
    let app = router(counters.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(DiscardReceiver {
        addr,
        counters,
        stop: Some(stop),
        task,
    })
}

fn router(counters: Arc<Counters>) -> Router {
    Router::new()
        .route("/v1/traces", post(traces))
        .route("/stats", get(stats))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(counters)
}

async fn traces(State(counters): State<Arc<Counters>>, body: Bytes) -> Response {
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        counters.refused.fetch_add(1, Ordering::Relaxed);
        return (
            StatusCode::BAD_REQUEST,
            "not an OTLP protobuf trace request",
        )
            .into_response();
    };
    let spans: usize = request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .map(|s| s.spans.len())
        .sum();
    counters.spans.fetch_add(spans as u64, Ordering::Relaxed);
    counters.requests.fetch_add(1, Ordering::Relaxed);
    (
        [(header::CONTENT_TYPE, "application/x-protobuf")],
        ExportTraceServiceResponse::default().encode_to_vec(),
    )
        .into_response()
}

async fn stats(State(counters): State<Arc<Counters>>) -> axum::Json<ReceiverStats> {
    axum::Json(counters.snapshot())
}

/// `cargo xtask discard-receiver`: serves until the process is killed (or Ctrl-C).
pub fn run_process(listen: SocketAddr) -> Result<()> {
    let runtime = crate::db::runtime()?;
    runtime.block_on(async move {
        let receiver = spawn(listen).await?;
        // The load generator reads this line to learn the port.
        println!(
            "discard-receiver listening on http://{}",
            receiver.local_addr()
        );
        tokio::signal::ctrl_c()
            .await
            .context("cannot wait for Ctrl-C")?;
        let stats = receiver.stop().await?;
        eprintln!(
            "discard-receiver: {} requests, {} spans, {} refused",
            stats.requests, stats.spans, stats.refused
        );
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    use super::*;

    fn request(spans: usize) -> Vec<u8> {
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span::default(); spans],
                    ..ScopeSpans::default()
                }],
                ..ResourceSpans::default()
            }],
        }
        .encode_to_vec()
    }

    async fn post(addr: SocketAddr, body: Vec<u8>) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer[9..12].parse().unwrap()
    }

    #[tokio::test]
    async fn counts_decoded_spans_and_refuses_garbage() {
        let receiver = spawn(([127, 0, 0, 1], 0).into()).await.unwrap();
        let addr = receiver.local_addr();
        assert_eq!(post(addr, request(3)).await, 200);
        assert_eq!(post(addr, request(5)).await, 200);
        assert_eq!(post(addr, vec![0xff, 0xff, 0xff]).await, 400);
        let stats = receiver.stop().await.unwrap();
        assert_eq!(
            stats,
            ReceiverStats {
                requests: 2,
                spans: 8,
                refused: 1
            }
        );
    }
}
