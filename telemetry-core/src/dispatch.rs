//! Hands events to exporters: one bounded queue and one worker thread per exporter.
//!
//! The producer side (span end) pushes into its own thread's buffer ([`Handoff`]): one relaxed
//! `fetch_add`, an uncontended lock, no syscall. The worker takes every thread's buffer whole
//! on a short interval, and is woken early only when the queue crosses a high-water mark (once
//! per crossing), so a busy application never pays for a wake-up per span and the worker's
//! cost per event stays a move. A full queue follows the [`OverflowPolicy`]. Flush and shutdown
//! travel on a separate control channel; the worker collects every thread's buffer after
//! receiving them, so every event accepted before the call (on any thread, also one that has
//! exited) is handled before it returns.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures::FutureExt;
use parking_lot::Mutex;
use telemetry_types::{EventKind, TelemetryEvent};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::exporter::{ExportError, ExporterCapabilities, TelemetryExporter};
use crate::handoff::Handoff;
use crate::overflow::OverflowPolicy;

/// Largest batch handed to one `export_batch` call.
const MAX_BATCH: usize = 4096;
/// How often an idle worker looks at its queue.
const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// Counters of one exporter, readable through [`crate::Telemetry::stats`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExporterStats {
    /// Exporter name.
    pub name: String,
    /// Events accepted into the exporter's queue.
    pub accepted: u64,
    /// Events dropped because the queue was full or the exporter was shut down.
    pub dropped: u64,
    /// Events the exporter handled without error.
    pub exported: u64,
    /// Events in batches the exporter returned an error for (or panicked on).
    pub failed: u64,
    /// Times the exporter panicked.
    pub panics: u64,
    /// Events waiting in the queue now.
    pub queued: u64,
    /// Whether the exporter currently receives events (see [`crate::Telemetry::set_exporter_enabled`]).
    pub enabled: bool,
}

/// The state shared by the slot (producers) and its worker.
struct Shared {
    handoff: Handoff,
    counters: Counters,
    wake: Notify,
    /// A wait for room timed out: drop at once until the worker has drained below half.
    stalled: AtomicBool,
}

#[derive(Default)]
struct Counters {
    dropped: AtomicU64,
    exported: AtomicU64,
    failed: AtomicU64,
    panics: AtomicU64,
}

enum Control {
    Flush(oneshot::Sender<Result<(), String>>),
    Shutdown(oneshot::Sender<Result<(), String>>),
}

/// The core's side of one exporter.
pub(crate) struct ExporterSlot {
    name: Arc<str>,
    capabilities: ExporterCapabilities,
    control: mpsc::UnboundedSender<Control>,
    shared: Arc<Shared>,
    capacity: u64,
    high_water: u64,
    overflow: OverflowPolicy,
    enabled: AtomicBool,
    closed: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl ExporterSlot {
    /// Starts the worker thread of `exporter`.
    pub(crate) fn start(
        exporter: Arc<dyn TelemetryExporter>,
        overflow: OverflowPolicy,
    ) -> std::io::Result<Self> {
        let name: Arc<str> = exporter.name().into();
        let capabilities = exporter.capabilities();
        let capacity = capabilities.queue_capacity.max(1) as u64;
        let (control, control_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            handoff: Handoff::new(),
            counters: Counters::default(),
            wake: Notify::new(),
            stalled: AtomicBool::new(false),
        });
        let worker = Worker {
            exporter,
            shared: shared.clone(),
            control: control_rx,
            half: capacity / 2,
            last_error_log: None,
        };
        let thread = std::thread::Builder::new()
            .name(format!("telemetry-export-{name}"))
            .spawn(move || worker.run())?;
        Ok(ExporterSlot {
            name,
            capabilities,
            control,
            shared,
            capacity,
            high_water: (capacity / 8).max(1),
            overflow,
            enabled: AtomicBool::new(true),
            closed: AtomicBool::new(false),
            thread: Mutex::new(Some(thread)),
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn capabilities(&self) -> ExporterCapabilities {
        self.capabilities
    }

    /// Whether this exporter wants events of `kind` now.
    #[inline]
    pub(crate) fn wants(&self, kind: EventKind) -> bool {
        self.capabilities.events.contains(kind) && self.enabled.load(Relaxed)
    }

    pub(crate) fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Relaxed);
    }

    /// Queues `event`; a full queue follows the overflow policy (drop, or wait for room up to a
    /// bound), and a drop is counted.
    #[inline]
    pub(crate) fn offer(&self, event: TelemetryEvent) {
        // After shutdown the worker may still be collecting for a moment; an event queued then
        // would never be read, so it is counted as dropped instead.
        if self.closed.load(Relaxed) {
            self.count_drop();
            return;
        }
        if self.shared.handoff.len() >= self.capacity {
            self.overflow(event);
            return;
        }
        self.push(event);
    }

    #[inline]
    fn push(&self, event: TelemetryEvent) {
        let before = self.shared.handoff.push(event);
        if before + 1 == self.high_water {
            self.shared.wake.notify_one();
        }
    }

    /// The queue is full: drop, or wake the worker and wait for room up to the bound.
    #[cold]
    fn overflow(&self, event: TelemetryEvent) {
        let OverflowPolicy::Wait(bound) = self.overflow else {
            self.count_drop();
            return;
        };
        if self.shared.stalled.load(Relaxed) {
            self.count_drop();
            return;
        }
        let deadline = Instant::now() + bound;
        let mut spins = 0u32;
        loop {
            self.shared.wake.notify_one();
            if self.shared.handoff.len() < self.capacity {
                self.push(event);
                return;
            }
            if self.closed.load(Relaxed) || Instant::now() >= deadline {
                self.shared.stalled.store(true, Relaxed);
                self.count_drop();
                return;
            }
            spins += 1;
            if spins < 16 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }

    fn count_drop(&self) {
        let dropped = self.shared.counters.dropped.fetch_add(1, Relaxed);
        if dropped.is_power_of_two() {
            tracing::warn!(exporter = %self.name, dropped = dropped + 1, "exporter queue full or shut down; dropping events");
        }
    }

    /// Waits until every event accepted before the call was handled and the exporter flushed.
    pub(crate) async fn flush(&self) -> Result<(), ExportError> {
        self.call(Control::Flush).await
    }

    /// [`flush`](Self::flush) or [`shutdown`](Self::shutdown) (`what`) bounded by `timeout`;
    /// a timeout names this exporter, so the caller knows which one held things up.
    pub(crate) async fn within(
        &self,
        timeout: Duration,
        what: &str,
        work: impl Future<Output = Result<(), ExportError>>,
    ) -> Result<(), ExportError> {
        tokio::time::timeout(timeout, work)
            .await
            .unwrap_or_else(|_| {
                Err(ExportError::Timeout(format!(
                    "exporter {:?}: {what} did not finish within {timeout:?}",
                    &*self.name
                )))
            })
    }

    /// Flushes, shuts the exporter down and stops its worker.
    pub(crate) async fn shutdown(&self) -> Result<(), ExportError> {
        if self.closed.swap(true, Relaxed) {
            return Ok(());
        }
        let result = self.call(Control::Shutdown).await;
        self.shared.handoff.close();
        // The worker has answered and returns right after; detach it instead of blocking here.
        drop(self.thread.lock().take());
        result
    }

    /// Like [`flush`](Self::flush), for code outside any async runtime.
    pub(crate) fn flush_blocking(&self, timeout: Duration) -> Result<(), ExportError> {
        let (tx, rx) = oneshot::channel();
        if self.control.send(Control::Flush(tx)).is_err() {
            return Err(ExportError::Shutdown(self.name.to_string()));
        }
        let deadline = Instant::now() + timeout;
        let mut rx = rx;
        loop {
            match rx.try_recv() {
                Ok(result) => return self.map(result),
                Err(oneshot::error::TryRecvError::Closed) => {
                    return Err(ExportError::Shutdown(self.name.to_string()));
                }
                Err(oneshot::error::TryRecvError::Empty) if Instant::now() >= deadline => {
                    return Err(ExportError::Timeout(self.name.to_string()));
                }
                Err(oneshot::error::TryRecvError::Empty) => {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    }

    async fn call(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<(), String>>) -> Control,
    ) -> Result<(), ExportError> {
        let (tx, rx) = oneshot::channel();
        if self.control.send(make(tx)).is_err() {
            return Err(ExportError::Shutdown(self.name.to_string()));
        }
        match rx.await {
            Ok(result) => self.map(result),
            Err(_) => Err(ExportError::Shutdown(self.name.to_string())),
        }
    }

    fn map(&self, result: Result<(), String>) -> Result<(), ExportError> {
        result.map_err(|message| ExportError::Delivery {
            exporter: self.name.to_string(),
            message,
        })
    }

    pub(crate) fn stats(&self) -> ExporterStats {
        let c = &self.shared.counters;
        ExporterStats {
            name: self.name.to_string(),
            accepted: self.shared.handoff.accepted(),
            dropped: c.dropped.load(Relaxed),
            exported: c.exported.load(Relaxed),
            failed: c.failed.load(Relaxed),
            panics: c.panics.load(Relaxed),
            queued: self.shared.handoff.len(),
            enabled: self.enabled.load(Relaxed),
        }
    }
}

impl Drop for ExporterSlot {
    fn drop(&mut self) {
        // Threads forget their buffer for this exporter the next time they register one.
        self.shared.handoff.close();
    }
}

struct Worker {
    exporter: Arc<dyn TelemetryExporter>,
    shared: Arc<Shared>,
    control: mpsc::UnboundedReceiver<Control>,
    /// Below this length (after an exported batch) a stalled queue waits for room again.
    half: u64,
    last_error_log: Option<Instant>,
}

impl Worker {
    fn run(mut self) {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                tracing::error!(exporter = self.exporter.name(), error = %e, "cannot start exporter runtime");
                return;
            }
        };
        runtime.block_on(async move {
            loop {
                if self.drain_once().await {
                    continue;
                }
                tokio::select! {
                    message = self.control.recv() => match message {
                        Some(Control::Flush(done)) => {
                            let result = self.flush().await;
                            let _ = done.send(result);
                        }
                        Some(Control::Shutdown(done)) => {
                            let result = self.shut_down().await;
                            let _ = done.send(result);
                            return;
                        }
                        None => {
                            let _ = self.shut_down().await;
                            return;
                        }
                    },
                    () = self.shared.wake.notified() => {}
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                }
            }
        });
    }

    /// Exports what every thread has buffered, in batches of at most `MAX_BATCH`; returns
    /// whether there was anything.
    async fn drain_once(&mut self) -> bool {
        let mut events = self.shared.handoff.collect();
        if events.is_empty() {
            return false;
        }
        // Room is made batch by batch as the exporter takes them, so a producer waiting for
        // room waits for one batch, not for the whole round.
        while !events.is_empty() {
            let rest = events.split_off(events.len().min(MAX_BATCH));
            let count = events.len();
            self.export(events).await;
            self.shared.handoff.done(count);
            if self.shared.handoff.len() < self.half {
                self.shared.stalled.store(false, Relaxed);
            }
            events = rest;
        }
        true
    }

    async fn drain_all(&mut self) {
        while self.drain_once().await {}
    }

    async fn export(&mut self, batch: Vec<TelemetryEvent>) {
        let count = batch.len() as u64;
        let outcome = AssertUnwindSafe(self.exporter.export_batch(batch))
            .catch_unwind()
            .await;
        match outcome {
            Ok(Ok(())) => {
                self.shared.counters.exported.fetch_add(count, Relaxed);
            }
            Ok(Err(error)) => {
                self.shared.counters.failed.fetch_add(count, Relaxed);
                self.log_error(&error.to_string());
            }
            Err(panic) => {
                self.shared.counters.failed.fetch_add(count, Relaxed);
                self.shared.counters.panics.fetch_add(1, Relaxed);
                self.log_error(&format!("exporter panicked: {}", panic_message(&panic)));
            }
        }
    }

    async fn flush(&mut self) -> Result<(), String> {
        self.drain_all().await;
        self.guarded(|e| e.flush()).await
    }

    async fn shut_down(&mut self) -> Result<(), String> {
        self.drain_all().await;
        let result = self.guarded(|e| e.shutdown()).await;
        // A span that ended while shutdown began may have slipped in after the last drain:
        // it can no longer be delivered, so it is counted as dropped rather than left behind.
        let late = self.shared.handoff.collect().len();
        self.shared.handoff.done(late);
        self.shared.counters.dropped.fetch_add(late as u64, Relaxed);
        result
    }

    /// Runs a flush or shutdown call with panics caught.
    async fn guarded<'a, F>(
        &'a self,
        call: impl FnOnce(&'a dyn TelemetryExporter) -> F,
    ) -> Result<(), String>
    where
        F: std::future::Future<Output = Result<(), ExportError>> + 'a,
    {
        match AssertUnwindSafe(call(&*self.exporter)).catch_unwind().await {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(panic) => {
                self.shared.counters.panics.fetch_add(1, Relaxed);
                Err(format!("exporter panicked: {}", panic_message(&panic)))
            }
        }
    }

    /// Logs at most one error a second per exporter.
    fn log_error(&mut self, message: &str) {
        let now = Instant::now();
        if self
            .last_error_log
            .is_none_or(|last| now.duration_since(last) >= Duration::from_secs(1))
        {
            self.last_error_log = Some(now);
            tracing::warn!(
                exporter = self.exporter.name(),
                error = message,
                "export failed"
            );
        }
    }
}

/// The message of a caught panic.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned())
}
