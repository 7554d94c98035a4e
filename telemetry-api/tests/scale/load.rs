//! A steady load of whole traces against one server, recording what was acknowledged, and
//! the check that every acknowledged span is in the store.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use telemetry_store::Store;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::common::*;

/// Spans per request (one trace per request).
pub(crate) const SPANS: u64 = 40;

/// Senders posting one trace per request to whichever address `target` holds, until
/// stopped; what each answer was.
pub(crate) struct Load {
    stop: Arc<AtomicBool>,
    pub(crate) target: Arc<Mutex<SocketAddr>>,
    pub(crate) acked: Arc<Mutex<Vec<u64>>>,
    pub(crate) unavailable: Arc<AtomicU64>,
    pub(crate) failed: Arc<AtomicU64>,
    tasks: Vec<JoinHandle<()>>,
}

impl Load {
    /// Starts `senders` tasks; sender `s` sends traces `s * 1_000_000 + n`.
    pub(crate) fn start(addr: SocketAddr, secret: &str, senders: u64) -> Load {
        let load = Load {
            stop: Arc::new(AtomicBool::new(false)),
            target: Arc::new(Mutex::new(addr)),
            acked: Arc::default(),
            unavailable: Arc::default(),
            failed: Arc::default(),
            tasks: Vec::new(),
        };
        let client = reqwest::Client::new();
        let tasks = (0..senders)
            .map(|s| {
                let (stop, target) = (load.stop.clone(), load.target.clone());
                let (acked, unavailable, failed) = (
                    load.acked.clone(),
                    load.unavailable.clone(),
                    load.failed.clone(),
                );
                let (client, secret) = (client.clone(), secret.to_owned());
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let trace = s * 1_000_000 + n;
                        n += 1;
                        let spans = (0..SPANS).map(|i| chat_span(trace, i)).collect();
                        let addr = *target.lock().await;
                        match post(&client, addr, &secret, body(spans)).await {
                            Outcome::Acked => acked.lock().await.push(trace),
                            Outcome::Unavailable => {
                                unavailable.fetch_add(1, Ordering::Relaxed);
                                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                            }
                            Outcome::Failed => {
                                failed.fetch_add(1, Ordering::Relaxed);
                                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                            }
                        }
                    }
                })
            })
            .collect();
        Load { tasks, ..load }
    }

    /// Requests acknowledged so far.
    pub(crate) async fn acked_count(&self) -> usize {
        self.acked.lock().await.len()
    }

    /// Stops the senders; the acknowledged traces.
    pub(crate) async fn finish(self) -> Vec<u64> {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.expect("sender");
        }
        let acked = self.acked.lock().await;
        acked.clone()
    }
}

/// Asserts that every trace in `acked` has all its spans stored in project `slug`.
pub(crate) async fn assert_all_stored(url: &str, slug: &str, acked: &[u64]) {
    let store = Store::connect(url).await.expect("store");
    let project = store
        .project_by_slug(slug)
        .await
        .expect("q")
        .expect("project")
        .id;
    let ids: Vec<_> = acked.iter().map(|t| typed_trace_id(*t)).collect();
    for chunk in ids.chunks(200) {
        let traces = store.traces_by_ids(project, chunk).await.expect("traces");
        if traces.len() != chunk.len() {
            let found: Vec<_> = traces.iter().map(|t| t.trace_id).collect();
            let missing: Vec<usize> = (0..ids.len())
                .filter(|i| chunk.contains(&ids[*i]) && !found.contains(&ids[*i]))
                .collect();
            let spans = store
                .spans_of_traces(project, &[ids[missing[0]]])
                .await
                .expect("spans");
            panic!(
                "{} acknowledged traces missing, at positions {missing:?} of {} acknowledged \
                 (the first has {} spans stored)",
                missing.len(),
                ids.len(),
                spans.len()
            );
        }
        for trace in traces {
            assert_eq!(
                trace.span_count, SPANS as i64,
                "acknowledged trace {} lost spans",
                trace.trace_id
            );
        }
    }
    store.close().await.expect("close");
}
