//! The exporter trait: where events leave the runtime.

use async_trait::async_trait;
use telemetry_types::{EventKinds, TelemetryEvent};

/// An exporter could not deliver.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The destination refused or failed; retrying may help.
    #[error("{exporter}: delivery failed: {message}")]
    Delivery {
        /// Exporter name.
        exporter: String,
        /// What went wrong.
        message: String,
    },
    /// Some events could not be delivered and were given up on.
    #[error("{exporter}: {failed} events were not delivered: {message}")]
    Lost {
        /// Exporter name.
        exporter: String,
        /// How many events were lost.
        failed: u64,
        /// Why.
        message: String,
    },
    /// The exporter is shut down.
    #[error("{0}: exporter is shut down")]
    Shutdown(String),
    /// Flush or shutdown did not finish in time.
    #[error("{0}: timed out")]
    Timeout(String),
    /// Any other failure.
    #[error(transparent)]
    Other(#[from] Box<dyn std::error::Error + Send + Sync>),
}

/// What an exporter wants from the runtime ("capability detection"): the core sends an
/// exporter only the event kinds it asks for, so an exporter that only wants ended spans costs
/// nothing at span start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExporterCapabilities {
    /// Event kinds this exporter receives.
    pub events: EventKinds,
    /// Whether the exporter wants span inputs and outputs; when `false` it gets records
    /// without them.
    pub include_io: bool,
    /// Capacity of this exporter's queue in the core, in events (default 65 536; a root span
    /// with no child is four events for an exporter that wants all kinds). When it is full,
    /// the [`OverflowPolicy`](crate::OverflowPolicy) chosen with
    /// [`TelemetryBuilder::overflow_policy`](crate::TelemetryBuilder::overflow_policy)
    /// applies: by default the recording thread waits up to 100 ms for room, then the event is
    /// dropped and counted ([`Telemetry::stats`](crate::Telemetry::stats));
    /// `OverflowPolicy::DropNewest` drops at once.
    pub queue_capacity: usize,
}

impl Default for ExporterCapabilities {
    fn default() -> Self {
        ExporterCapabilities {
            events: EventKinds::ALL,
            include_io: true,
            queue_capacity: 65_536,
        }
    }
}

/// A destination for telemetry events (the seed's `TelemetryExporter`).
///
/// The runtime gives each exporter its own bounded queue and worker thread, so an exporter may
/// take its time, fail or even panic without affecting the application or other exporters.
/// Exporters own their batching and delivery.
///
/// ```
/// use async_trait::async_trait;
/// use telemetry_core::{ExportError, TelemetryEvent, TelemetryExporter};
///
/// struct Stdout;
///
/// #[async_trait]
/// impl TelemetryExporter for Stdout {
///     fn name(&self) -> &str { "stdout" }
///     async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
///         if let TelemetryEvent::SpanEnded { span } = &event {
///             println!("{} took {:?}", span.name, span.duration());
///         }
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait TelemetryExporter: Send + Sync + 'static {
    /// A name for logs and stats, unique within one telemetry instance.
    fn name(&self) -> &str;

    /// What the exporter wants; see [`ExporterCapabilities`].
    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities::default()
    }

    /// Handles one event. Called from the exporter's own worker, never from application code.
    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError>;

    /// Handles a batch of events, in order. The default calls [`export_event`] for each and
    /// returns the first error after trying them all; exporters that batch override it.
    ///
    /// [`export_event`]: TelemetryExporter::export_event
    async fn export_batch(&self, events: Vec<TelemetryEvent>) -> Result<(), ExportError> {
        let mut first_error = None;
        for event in events {
            if let Err(e) = self.export_event(event).await {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Delivers everything received so far before returning (or reports what failed).
    async fn flush(&self) -> Result<(), ExportError> {
        Ok(())
    }

    /// Flushes and releases resources. No event is sent after it.
    async fn shutdown(&self) -> Result<(), ExportError> {
        self.flush().await
    }
}
