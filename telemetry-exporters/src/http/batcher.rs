//! The background task: cuts batches from the buffer and sends each from its own task,
//! with at most `max_concurrent_requests` in flight.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use telemetry_types::TelemetryEvent;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::buffer::Buffer;
use super::client::Client;
use super::encode::{Encoder, Payload};
use super::response::Failure;

/// Batches smaller than this are encoded on the runtime's thread, larger ones on the
/// blocking pool (which runs in parallel with the exporter's worker).
const ENCODE_INLINE_MAX: usize = 64;
/// Longest idle wait of the batcher when the buffer is empty.
const IDLE_WAIT: Duration = Duration::from_millis(250);

/// Everything the batcher needs.
pub(crate) struct Batcher {
    pub(crate) buffer: Arc<Buffer>,
    pub(crate) client: Arc<Client>,
    pub(crate) encoder: Encoder,
    pub(crate) max_events: usize,
    pub(crate) max_delay: Duration,
    pub(crate) max_concurrent: usize,
    pub(crate) name: Arc<str>,
}

impl Batcher {
    /// Runs until the buffer is closed and empty.
    pub(crate) async fn run(self) {
        let permits = Arc::new(Semaphore::new(self.max_concurrent));
        loop {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                return;
            };
            let Some(batch) = self.next_batch().await else {
                return;
            };
            let job = Job {
                buffer: self.buffer.clone(),
                client: self.client.clone(),
                encoder: self.encoder,
                name: self.name.clone(),
            };
            tokio::spawn(job.send(batch, permit));
        }
    }

    /// Waits for the next due batch; `None` once closed and drained.
    async fn next_batch(&self) -> Option<Vec<TelemetryEvent>> {
        loop {
            if let Some(batch) = self.buffer.take_ready(self.max_events, self.max_delay) {
                return Some(batch);
            }
            if self.buffer.is_closed() && self.buffer.is_empty() {
                return None;
            }
            let wait = self.buffer.time_to_due(self.max_delay).unwrap_or(IDLE_WAIT);
            let _ = tokio::time::timeout(wait, self.buffer.wake.notified()).await;
        }
    }
}

/// Sending one batch.
struct Job {
    buffer: Arc<Buffer>,
    client: Arc<Client>,
    encoder: Encoder,
    name: Arc<str>,
}

impl Job {
    async fn send(self, batch: Vec<TelemetryEvent>, permit: OwnedSemaphorePermit) {
        let total = batch.len() as u64;
        let (payloads, unencodable) = self.encode(batch).await;
        let counters = &self.buffer.counters;
        counters
            .dropped_undeliverable
            .fetch_add(unencodable, Relaxed);
        for payload in &payloads {
            self.deliver(payload).await;
        }
        drop(permit);
        self.buffer.resolve(total);
    }

    async fn encode(&self, batch: Vec<TelemetryEvent>) -> (Vec<Payload>, u64) {
        if batch.len() <= ENCODE_INLINE_MAX {
            return self.encoder.encode(&batch);
        }
        let encoder = self.encoder;
        let count = batch.len() as u64;
        match tokio::task::spawn_blocking(move || encoder.encode(&batch)).await {
            Ok(result) => result,
            Err(e) => {
                tracing::warn!(exporter = %self.name, error = %e, "encoding a batch failed");
                (Vec::new(), count)
            }
        }
    }

    /// Sends one payload and counts how it ended; logs once per payload that did not fully
    /// arrive.
    async fn deliver(&self, payload: &Payload) {
        let counters = &self.buffer.counters;
        let events = payload.events;
        match self
            .client
            .deliver(
                payload,
                || self.buffer.giving_up(),
                || self.buffer.mark_failing(),
            )
            .await
        {
            Ok(accepted) => {
                self.buffer.mark_answering();
                let rejected = accepted.rejected.min(events);
                counters.delivered.fetch_add(events - rejected, Relaxed);
                counters.rejected.fetch_add(rejected, Relaxed);
                if rejected > 0 {
                    let message = accepted.message.as_deref().unwrap_or("");
                    tracing::warn!(exporter = %self.name, rejected, message, "server rejected part of a batch");
                }
            }
            Err(failure @ Failure::Rejected { .. }) => {
                self.buffer.mark_answering();
                counters.rejected.fetch_add(events, Relaxed);
                tracing::warn!(exporter = %self.name, events, error = %failure, "server rejected a batch; not retried");
            }
            Err(failure @ Failure::Retryable { .. }) => {
                counters.dropped_undeliverable.fetch_add(events, Relaxed);
                tracing::warn!(exporter = %self.name, events, error = %failure, "batch dropped after retries");
            }
        }
    }
}
