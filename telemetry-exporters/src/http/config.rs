//! Configuration of the HTTP exporter.

use std::time::Duration;

use telemetry_types::EventKinds;

/// What the HTTP exporter puts on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WireFormat {
    /// OTLP/HTTP protobuf (`application/x-protobuf`), spans mapped to the GenAI semantic
    /// conventions by [`telemetry_otlp`]. Only `span_ended` events are sent.
    #[default]
    OtlpProtobuf,
    /// OTLP/HTTP JSON (`application/json`, lowerCamelCase, hex ids). Only `span_ended` events
    /// are sent.
    OtlpJson,
    /// OTLP/gRPC: the protobuf request sent to
    /// `opentelemetry.proto.collector.trace.v1.TraceService/Export` over HTTP/2 (gzip as a
    /// gRPC message encoding). The endpoint is the collector's address
    /// (`http://127.0.0.1:4317`). Only `span_ended` events are sent.
    OtlpGrpc,
    /// Our native JSON batch of [`TelemetryEvent`](telemetry_types::TelemetryEvent)s; see
    /// `docs/NATIVE_FORMAT.md` and [`NativeBatch`](telemetry_otlp::NativeBatch).
    Native,
}

impl WireFormat {
    /// The `Content-Type` of a request body.
    pub const fn content_type(self) -> &'static str {
        match self {
            WireFormat::OtlpProtobuf => "application/x-protobuf",
            WireFormat::OtlpGrpc => "application/grpc",
            WireFormat::OtlpJson | WireFormat::Native => "application/json",
        }
    }

    /// Whether this format carries only spans (OTLP) rather than every event kind.
    pub const fn spans_only(self) -> bool {
        !matches!(self, WireFormat::Native)
    }
}

/// Compression of request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpCompression {
    /// No compression.
    None,
    /// gzip (`Content-Encoding: gzip`) at a level from 0 to 9.
    Gzip {
        /// Compression level.
        level: u32,
    },
}

impl HttpCompression {
    /// gzip at level 1: the fastest, most of the gain on JSON and protobuf spans.
    pub const fn gzip() -> Self {
        HttpCompression::Gzip { level: 1 }
    }
}

impl Default for HttpCompression {
    fn default() -> Self {
        HttpCompression::gzip()
    }
}

/// When and how long to retry a request that failed in a retryable way (429, 502, 503, 504,
/// a connection error or a timeout), as the OTLP specification asks: exponential backoff
/// with full jitter, a server's `Retry-After` honoured (up to `max_retry_after`), and a
/// deadline after which the batch is given up and counted as dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the first retry (before jitter).
    pub initial_delay: Duration,
    /// Largest delay between two tries (before jitter).
    pub max_delay: Duration,
    /// Most retries of one request.
    pub max_retries: usize,
    /// No retry starts later than this after the first try.
    pub max_elapsed: Duration,
    /// Largest `Retry-After` honoured; longer ones are cut to it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 100 ms doubling up to 5 s, at most 10 retries within 30 s, `Retry-After` up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_retries: 10,
            max_elapsed: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub const fn none() -> Self {
        RetryPolicy {
            initial_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            max_retries: 0,
            max_elapsed: Duration::ZERO,
            max_retry_after: Duration::ZERO,
        }
    }
}

/// Settings of an [`HttpExporter`](super::HttpExporter), built with chained methods.
///
/// ```
/// use std::time::Duration;
/// use telemetry_exporters::http::{HttpExporterConfig, WireFormat};
///
/// let config = HttpExporterConfig::new("https://collector.example.com/v1/traces")
///     .format(WireFormat::OtlpProtobuf)
///     .header("authorization", "Bearer secret")
///     .timeout(Duration::from_secs(5))
///     .max_batch_events(1024);
/// assert_eq!(config.headers.len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct HttpExporterConfig {
    /// URL requests are posted to (`http://127.0.0.1:4318/v1/traces` for a local collector).
    pub endpoint: String,
    /// Wire format.
    pub format: WireFormat,
    /// Body compression.
    pub compression: HttpCompression,
    /// Extra headers on every request (authentication, tenant).
    pub headers: Vec<(String, String)>,
    /// Time allowed for one request, from connecting to reading the response.
    pub timeout: Duration,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// A batch is sent once it holds this many events.
    pub max_batch_events: usize,
    /// A request body (before compression) holds at most this many bytes; larger batches are
    /// split (an event larger than this is sent alone).
    pub max_batch_bytes: usize,
    /// A batch is sent at the latest this long after its first event arrived.
    pub max_batch_delay: Duration,
    /// Events held waiting for a request. Memory is bounded by this plus
    /// `max_concurrent_requests` batches in flight: about 80 MiB for the default 65 536
    /// typical LLM spans (see `docs/BENCHMARKS.md`). What happens when it is full is
    /// `overflow_wait`.
    pub buffer_capacity: usize,
    /// When the buffer is full and requests are going through, `export_batch` waits up to
    /// this long for room (back-pressure on the core's queue, so a burst is delivered rather
    /// than dropped); whatever still does not fit is dropped, newest first, and counted in
    /// `dropped_overflow`. While the server is failing (a request is being retried) or after
    /// shutdown it does not wait. `Duration::ZERO` drops at once.
    pub overflow_wait: Duration,
    /// Requests in flight at once.
    pub max_concurrent_requests: usize,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Longest time `shutdown` waits for delivery; then retries stop, what is still buffered
    /// is dropped, and the loss is reported. Keep it below the core's shutdown timeout (30 s).
    pub shutdown_timeout: Duration,
    /// Event kinds wanted from the core (OTLP formats use only `span_ended`).
    pub events: EventKinds,
    /// Name of the exporter in logs and stats.
    pub name: String,
}

impl HttpExporterConfig {
    /// OTLP protobuf with gzip to `endpoint`; 10 s timeout, batches of up to 2048 events,
    /// 4 MiB or 1 s, a buffer of 65 536 events waited on for up to 5 s when full, 2 requests
    /// in flight, default retries, 10 s for shutdown.
    pub fn new(endpoint: impl Into<String>) -> Self {
        HttpExporterConfig {
            endpoint: endpoint.into(),
            format: WireFormat::OtlpProtobuf,
            compression: HttpCompression::gzip(),
            headers: Vec::new(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_batch_events: 2048,
            max_batch_bytes: 4 << 20,
            max_batch_delay: Duration::from_secs(1),
            buffer_capacity: 65_536,
            overflow_wait: Duration::from_secs(5),
            max_concurrent_requests: 2,
            retry: RetryPolicy::default(),
            shutdown_timeout: Duration::from_secs(10),
            events: EventKinds::SPAN_ENDED,
            name: "http".to_owned(),
        }
    }

    /// Sets the wire format.
    pub fn format(mut self, format: WireFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the body compression.
    pub fn compression(mut self, compression: HttpCompression) -> Self {
        self.compression = compression;
        self
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the per-request timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the largest batch, in events.
    pub fn max_batch_events(mut self, events: usize) -> Self {
        self.max_batch_events = events.max(1);
        self
    }

    /// Sets the largest uncompressed body, in bytes.
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.max_batch_bytes = bytes.max(1);
        self
    }

    /// Sets how long a batch may wait to fill up.
    pub fn max_batch_delay(mut self, delay: Duration) -> Self {
        self.max_batch_delay = delay;
        self
    }

    /// Sets the buffer capacity, in events.
    pub fn buffer_capacity(mut self, events: usize) -> Self {
        self.buffer_capacity = events.max(1);
        self
    }

    /// Sets how long a full buffer is waited on while requests go through (see
    /// [`overflow_wait`](Self::overflow_wait)); `Duration::ZERO` drops at once.
    pub fn overflow_wait(mut self, wait: Duration) -> Self {
        self.overflow_wait = wait;
        self
    }

    /// Sets how many requests may be in flight at once.
    pub fn max_concurrent_requests(mut self, requests: usize) -> Self {
        self.max_concurrent_requests = requests.max(1);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets how long `shutdown` waits for delivery before giving up.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Sets the event kinds wanted (native format only; OTLP sends ended spans).
    pub fn events(mut self, events: EventKinds) -> Self {
        self.events = events;
        self
    }

    /// The compression of the encoded body: none for gRPC, which compresses the message
    /// itself (`grpc-encoding: gzip`) as `compression` asks.
    pub(crate) fn body_compression(&self) -> HttpCompression {
        match self.format {
            WireFormat::OtlpGrpc => HttpCompression::None,
            _ => self.compression,
        }
    }

    /// Sets the exporter's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}
