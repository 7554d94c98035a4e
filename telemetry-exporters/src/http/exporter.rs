//! The HTTP exporter: the `TelemetryExporter` side of the buffer, batcher and client.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use telemetry_core::{ExportError, ExporterCapabilities, TelemetryEvent, TelemetryExporter};
use telemetry_types::{EventKind, EventKinds};

use super::batcher::Batcher;
use super::buffer::Buffer;
use super::client::Client;
use super::config::{HttpExporterConfig, WireFormat};
use super::encode::Encoder;
use super::error::HttpExporterError;
use super::stats::{Counters, HttpExporterStats};

/// Sends events over HTTP in batches — OTLP/HTTP (protobuf or JSON) or our native JSON — with
/// gzip, retries with exponential backoff and jitter, and a bounded buffer.
///
/// # Delivery
///
/// `export_batch` appends to a buffer of `buffer_capacity` events and returns. When the buffer
/// is full and requests are going through, it waits up to `overflow_wait` (5 s by default)
/// for room, so a burst slows the core's worker instead of being dropped; what still does not
/// fit — at once while the server is failing — is dropped, **newest** first, and counted in
/// [`HttpExporterStats::dropped_overflow`]; nothing already accepted is evicted. A background
/// task on the tokio runtime of the first `export_batch` call cuts batches (by count, by
/// bytes, and by age) and posts them, `max_concurrent_requests` at a time. A request is
/// retried on 429, 502, 503, 504, connection errors and timeouts (honouring `Retry-After`),
/// never on other statuses (counted as rejected and logged once per batch); an OTLP partial
/// success is counted as rejected. [`flush`](TelemetryExporter::flush) and
/// [`shutdown`](TelemetryExporter::shutdown) wait until every accepted event is delivered,
/// rejected or given up on, and return [`ExportError::Lost`] with the exact number of events
/// rejected or dropped since the previous flush.
///
/// Cloning gives another handle to the same exporter (keep one for [`stats`](Self::stats)).
///
/// ```no_run
/// use telemetry_core::{Telemetry, attrs::ToolCall};
/// use telemetry_exporters::http::HttpExporter;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let otlp = HttpExporter::otlp("http://127.0.0.1:4318/v1/traces")?;
/// let telemetry = Telemetry::builder("agent").exporter(otlp.clone()).build()?;
/// telemetry.span("search", ToolCall::named("search")).start().end();
/// telemetry.shutdown().await?;
/// let stats = otlp.stats();
/// assert_eq!(stats.sent, stats.delivered + stats.rejected + stats.dropped);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpExporter {
    inner: Arc<Inner>,
}

struct Inner {
    config: HttpExporterConfig,
    buffer: Arc<Buffer>,
    client: Arc<Client>,
    /// The batcher task, once started.
    batcher: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Counters at the last flush report.
    reported: Mutex<HttpExporterStats>,
}

impl std::fmt::Debug for HttpExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpExporter")
            .field("name", &self.inner.config.name)
            .field("endpoint", &self.inner.config.endpoint)
            .field("format", &self.inner.config.format)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The batcher sends what is buffered, then stops.
        self.buffer.close();
    }
}

impl HttpExporter {
    /// An exporter with `config`.
    ///
    /// # Errors
    /// [`HttpExporterError`] for an endpoint that is not an `http(s)` URL or an invalid header.
    pub fn new(config: HttpExporterConfig) -> Result<Self, HttpExporterError> {
        let counters = Arc::new(Counters::default());
        let client = Arc::new(Client::new(&config, counters.clone())?);
        let buffer = Arc::new(Buffer::new(config.buffer_capacity, counters));
        Ok(HttpExporter {
            inner: Arc::new(Inner {
                config,
                buffer,
                client,
                batcher: Mutex::new(None),
                reported: Mutex::new(HttpExporterStats::default()),
            }),
        })
    }

    /// OTLP/HTTP protobuf with gzip and the default settings, to e.g.
    /// `http://127.0.0.1:4318/v1/traces`.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn otlp(endpoint: impl Into<String>) -> Result<Self, HttpExporterError> {
        Self::new(HttpExporterConfig::new(endpoint))
    }

    /// Our native JSON format with gzip, sending ended spans and ended traces.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn native(endpoint: impl Into<String>) -> Result<Self, HttpExporterError> {
        let config = HttpExporterConfig::new(endpoint)
            .format(WireFormat::Native)
            .events(EventKinds::ENDED)
            .name("native-http");
        Self::new(config)
    }

    /// The exporter's counters now.
    pub fn stats(&self) -> HttpExporterStats {
        self.inner.buffer.counters.snapshot()
    }

    /// The configuration the exporter was built with.
    pub fn config(&self) -> &HttpExporterConfig {
        &self.inner.config
    }

    /// Starts the batcher on the current tokio runtime, or again if it stopped (its runtime
    /// was shut down, or the exporter was closed and drained).
    fn ensure_started(&self) -> Result<(), ExportError> {
        let mut running = self
            .inner
            .batcher
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if running.as_ref().is_some_and(|task| !task.is_finished()) {
            return Ok(());
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| ExportError::Delivery {
            exporter: self.inner.config.name.clone(),
            message: format!("the HTTP exporter needs a tokio runtime: {e}"),
        })?;
        let config = &self.inner.config;
        let batcher = Batcher {
            buffer: self.inner.buffer.clone(),
            client: self.inner.client.clone(),
            encoder: Encoder {
                format: config.format,
                compression: config.body_compression(),
                max_bytes: config.max_batch_bytes,
            },
            max_events: config.max_batch_events,
            max_delay: config.max_batch_delay,
            max_concurrent: config.max_concurrent_requests,
            name: config.name.as_str().into(),
        };
        *running = Some(runtime.spawn(batcher.run()));
        Ok(())
    }

    /// Counts events the full buffer refused; logs when the total passes a power of two.
    fn count_overflow(&self, dropped: u64) {
        if dropped == 0 {
            return;
        }
        let counters = &self.inner.buffer.counters;
        let before = counters.dropped_overflow.fetch_add(dropped, Relaxed);
        let total = before + dropped;
        if total.ilog2() != before.checked_ilog2().unwrap_or(u32::MAX) {
            tracing::warn!(exporter = %self.inner.config.name, dropped = total, "HTTP exporter buffer full; dropping new events");
        }
    }

    /// Counts what was lost since the last report; `Err` when anything was.
    fn report(&self) -> Result<(), ExportError> {
        let now = self.stats();
        let mut last = self
            .inner
            .reported
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let rejected = now.rejected - last.rejected;
        let undeliverable = now.dropped_undeliverable - last.dropped_undeliverable;
        let overflow = now.dropped_overflow - last.dropped_overflow;
        *last = now;
        let failed = rejected + undeliverable + overflow;
        if failed == 0 {
            return Ok(());
        }
        Err(ExportError::Lost {
            exporter: self.inner.config.name.clone(),
            failed,
            message: format!(
                "{rejected} rejected by the server, {undeliverable} undeliverable after retries, \
                 {overflow} dropped because the buffer was full"
            ),
        })
    }
}

#[async_trait]
impl TelemetryExporter for HttpExporter {
    fn name(&self) -> &str {
        &self.inner.config.name
    }

    fn capabilities(&self) -> ExporterCapabilities {
        let config = &self.inner.config;
        let events = if config.format.spans_only() {
            EventKinds::SPAN_ENDED
        } else {
            config.events
        };
        ExporterCapabilities {
            events,
            ..ExporterCapabilities::default()
        }
    }

    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        self.export_batch(vec![event]).await
    }

    /// Buffers the events (OTLP formats keep only `span_ended`); waits only for room in a full
    /// buffer, bounded by `overflow_wait`, never for a failing server.
    async fn export_batch(&self, mut events: Vec<TelemetryEvent>) -> Result<(), ExportError> {
        if self.inner.config.format.spans_only() {
            events.retain(|e| e.kind() == EventKind::SpanEnded);
        }
        let counters = &self.inner.buffer.counters;
        counters.sent.fetch_add(events.len() as u64, Relaxed);
        if self.inner.buffer.is_closed() {
            counters
                .dropped_overflow
                .fetch_add(events.len() as u64, Relaxed);
            return Err(ExportError::Shutdown(self.inner.config.name.clone()));
        }
        if let Err(e) = self.ensure_started() {
            counters
                .dropped_overflow
                .fetch_add(events.len() as u64, Relaxed);
            return Err(e);
        }
        let wait = self.inner.config.overflow_wait;
        let (buffered, dropped) = self.inner.buffer.push_or_wait(events, wait).await;
        self.count_overflow(dropped);
        if buffered >= self.inner.config.max_batch_events {
            self.inner.buffer.wake.notify_one();
        }
        // On the core's current-thread worker, the batcher and the requests run only when the
        // caller yields; a busy core calls back at once, so give them their turn.
        tokio::task::yield_now().await;
        Ok(())
    }

    /// Sends what is buffered now and waits until every accepted event is resolved.
    async fn flush(&self) -> Result<(), ExportError> {
        if !self.inner.buffer.is_empty() {
            self.ensure_started()?;
        }
        self.inner.buffer.wait_idle().await;
        self.report()
    }

    /// Flushes for at most `shutdown_timeout`; past it, stops retrying, drops what is still
    /// buffered and counts it as undeliverable (requests in flight end after their current
    /// try, so add at most one request `timeout`). Then refuses (and counts as dropped) anything
    /// offered later. Reports every loss since the last flush.
    async fn shutdown(&self) -> Result<(), ExportError> {
        let buffer = &self.inner.buffer;
        if !buffer.is_empty() {
            self.ensure_started()?;
        }
        let timeout = self.inner.config.shutdown_timeout;
        if tokio::time::timeout(timeout, buffer.wait_idle())
            .await
            .is_err()
        {
            let abandoned = buffer.give_up();
            buffer
                .counters
                .dropped_undeliverable
                .fetch_add(abandoned, Relaxed);
            buffer.resolve(0);
            buffer.wait_idle().await;
        }
        buffer.close();
        self.report()
    }
}
