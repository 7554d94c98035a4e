//! An in-memory exporter for tests, ours and our users'.

use std::sync::Arc;

use async_trait::async_trait;
use parking_lot::Mutex;
use telemetry_types::{SpanRecord, TelemetryEvent, TraceRecord};

use crate::exporter::{ExportError, ExporterCapabilities, TelemetryExporter};

/// Keeps every event it receives. Clone it before handing it to the builder, then
/// [`flush`](crate::Telemetry::flush) and inspect.
///
/// ```
/// use telemetry_core::{testing::InMemoryExporter, Telemetry, attrs::ToolCall};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let exporter = InMemoryExporter::new();
/// let telemetry = Telemetry::builder("test").exporter(exporter.clone()).build().unwrap();
/// telemetry.span("search", ToolCall::named("search")).start().end();
/// telemetry.flush().await.unwrap();
/// assert_eq!(exporter.ended_spans()[0].name, "search");
/// # });
/// ```
#[derive(Clone, Default)]
pub struct InMemoryExporter {
    name: Arc<str>,
    events: Arc<Mutex<Vec<TelemetryEvent>>>,
    capabilities: Option<ExporterCapabilities>,
}

impl InMemoryExporter {
    /// An exporter called `in-memory` that wants every event.
    pub fn new() -> Self {
        Self::named("in-memory")
    }

    /// An exporter with another name (for several in one instance).
    pub fn named(name: &str) -> Self {
        InMemoryExporter {
            name: name.into(),
            events: Arc::default(),
            capabilities: None,
        }
    }

    /// The same exporter declaring other capabilities.
    pub fn with_capabilities(mut self, capabilities: ExporterCapabilities) -> Self {
        self.capabilities = Some(capabilities);
        self
    }

    /// Every event received, in order.
    pub fn events(&self) -> Vec<TelemetryEvent> {
        self.events.lock().clone()
    }

    /// Records of `span_ended` events, in order.
    pub fn ended_spans(&self) -> Vec<Arc<SpanRecord>> {
        self.events
            .lock()
            .iter()
            .filter_map(|e| match e {
                TelemetryEvent::SpanEnded { span } => Some(span.clone()),
                _ => None,
            })
            .collect()
    }

    /// The ended span called `name` (the first, if several).
    pub fn span(&self, name: &str) -> Option<Arc<SpanRecord>> {
        self.ended_spans().into_iter().find(|s| s.name == name)
    }

    /// Records of `trace_ended` events, in order.
    pub fn ended_traces(&self) -> Vec<Arc<TraceRecord>> {
        self.events
            .lock()
            .iter()
            .filter_map(|e| match e {
                TelemetryEvent::TraceEnded { trace } => Some(trace.clone()),
                _ => None,
            })
            .collect()
    }

    /// Forgets every event.
    pub fn clear(&self) {
        self.events.lock().clear();
    }
}

#[async_trait]
impl TelemetryExporter for InMemoryExporter {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> ExporterCapabilities {
        self.capabilities.unwrap_or_default()
    }

    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        self.events.lock().push(event);
        Ok(())
    }

    async fn export_batch(&self, events: Vec<TelemetryEvent>) -> Result<(), ExportError> {
        self.events.lock().extend(events);
        Ok(())
    }
}
