//! What a span end does when an exporter's queue is full.

use std::time::Duration;

/// What the recording thread does when an exporter's queue
/// ([`ExporterCapabilities::queue_capacity`](crate::ExporterCapabilities::queue_capacity)) is
/// full; set with [`TelemetryBuilder::overflow_policy`](crate::TelemetryBuilder::overflow_policy).
///
/// - [`Wait`](OverflowPolicy::Wait) (the default, 100 ms): the recording thread wakes the
///   exporter's worker and waits, up to the bound, for room; nothing is lost as long as the
///   exporter keeps up on average, so a burst is delivered whole. An event still without room
///   at the bound is dropped and counted, and the queue stops waiting (drops at once) until
///   the exporter has taken enough to bring it below half: an exporter that hangs costs the
///   application one bound per stall, not one per span. The wait blocks the recording thread (also a tokio
///   worker thread, when spans end in async code).
/// - [`DropNewest`](OverflowPolicy::DropNewest): never wait; the event that does not fit is
///   dropped and counted ([`Telemetry::stats`](crate::Telemetry::stats)). The application never
///   slows down for an exporter, and a burst larger than the queue loses its tail.
///
/// ```
/// use std::time::Duration;
/// use telemetry_core::{OverflowPolicy, Telemetry};
///
/// let telemetry = Telemetry::builder("svc")
///     .overflow_policy(OverflowPolicy::Wait(Duration::from_millis(20)))
///     .build()
///     .unwrap();
/// # drop(telemetry);
/// assert_eq!(OverflowPolicy::default(), OverflowPolicy::Wait(Duration::from_millis(100)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowPolicy {
    /// Drop the event that does not fit (and count it).
    DropNewest,
    /// Wait up to this long for room, then drop (and count) and stop waiting until the queue
    /// is below half again.
    Wait(Duration),
}

/// The default bound of [`OverflowPolicy::Wait`].
pub const DEFAULT_OVERFLOW_WAIT: Duration = Duration::from_millis(100);

impl Default for OverflowPolicy {
    fn default() -> Self {
        OverflowPolicy::Wait(DEFAULT_OVERFLOW_WAIT)
    }
}
