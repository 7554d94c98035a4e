//! `serve --demo`: realistic agent traces replayed to the server itself, over the real OTLP
//! ingest path (socket, auth, `POST /v1/traces`, protobuf decode, mapping, store) with a key
//! created for the target project.
//!
//! The traces are a committed recording of our SDK (`fixtures/demo/conversations.pb`, written
//! by `cargo xtask demo-fixture`): each conversation is an agent run with two LLM generations
//! (tokens and cost), a tool call (the first conversation's fails), a RAG query with its
//! embedding, and an eval trace that scores the run. Each replay gets fresh ids and is moved
//! so that its last span ends now.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use telemetry_otlp::rewrite;
use telemetry_store::{ProjectId, Store};
use telemetry_types::{SpanId, TraceId};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Conversations in the recording.
pub const CONVERSATIONS: usize = 4;

/// The recording: one OTLP protobuf request.
const FIXTURE: &[u8] = include_bytes!("../fixtures/demo/conversations.pb");

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The key could not be created.
    #[error("cannot create the demo key: {0}")]
    Store(#[from] telemetry_store::Error),
    /// The embedded recording does not decode.
    #[error("the demo recording does not decode: {0}")]
    Fixture(#[from] telemetry_otlp::DecodeError),
    /// The server could not be reached.
    #[error("cannot send the demo traces: {0}")]
    Io(#[from] std::io::Error),
    /// The server refused the request.
    #[error("the server answered {0}")]
    Refused(String),
}

/// Seeds the demo traces into `project` through the server at `addr`; returns the spans
/// delivered.
pub async fn seed(store: &Store, project: ProjectId, addr: SocketAddr) -> Result<u64, DemoError> {
    let key = store.create_api_key(project, "demo").await?;
    let request = replay(now_nanos())?;
    let rejected = post(addr, &key.secret, &request.encode_to_vec()).await?;
    Ok(span_count(&request).saturating_sub(rejected))
}

/// The recording with fresh ids, moved so that its last timestamp is `now` (Unix nanos).
pub fn replay(now: u64) -> Result<ExportTraceServiceRequest, DemoError> {
    let mut request = telemetry_otlp::decode_protobuf(FIXTURE)?;
    rewrite::remap_ids(
        &mut request,
        |_| TraceId::random().to_bytes(),
        |_| SpanId::random().to_bytes(),
    );
    let last = rewrite::timestamps(&request)
        .into_iter()
        .max()
        .unwrap_or(now);
    let shift = now.saturating_sub(last);
    rewrite::retime(&mut request, |t| t + shift);
    Ok(request)
}

fn span_count(request: &ExportTraceServiceRequest) -> u64 {
    let scopes = request.resource_spans.iter().flat_map(|r| &r.scope_spans);
    scopes.map(|s| s.spans.len() as u64).sum()
}

fn now_nanos() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
}

/// One `POST /v1/traces` over HTTP/1.1 (the server's own socket: no client library needed
/// for one request to loopback); any status but 200 is an error. Returns the spans the
/// server's partial success says it rejected.
async fn post(addr: SocketAddr, secret: &str, body: &[u8]) -> Result<u64, DemoError> {
    let mut stream = TcpStream::connect(addr).await?;
    let head = format!(
        "POST /v1/traces HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {secret}\r\n\
         content-type: application/x-protobuf\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n");
    let (head, body) = answer.split_at(split.map_or(answer.len(), |at| at + 4));
    let head = String::from_utf8_lossy(head);
    let status = head.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(DemoError::Refused(status.to_owned()));
    }
    let partial = ExportTraceServiceResponse::decode(body)
        .ok()
        .and_then(|r| r.partial_success);
    Ok(partial.map_or(0, |p| u64::try_from(p.rejected_spans).unwrap_or(0)))
}
