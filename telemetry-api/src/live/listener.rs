//! Receiving the other servers' announcements and publishing their spans to this server's
//! live subscribers. Two tasks, so that loading spans never holds up the notification
//! connection: one drains notices into a bounded queue, the other loads and publishes.

use std::sync::Arc;
use std::time::Duration;

use telemetry_store::{CommittedSpans, Store};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::state::LiveSpan;

/// Notices waiting to be loaded; beyond, they are dropped.
const QUEUE: usize = 1_024;

/// Wait before listening again after the database went away.
const RETRY: Duration = Duration::from_secs(1);

/// Starts listening when `store` is shared (PostgreSQL): spans announced by servers other
/// than `origin` go to `live`. `None` on SQLite.
pub(crate) fn listen(
    store: Store,
    live: broadcast::Sender<LiveSpan>,
    origin: u64,
) -> Option<(JoinHandle<()>, JoinHandle<()>)> {
    if store.backend() != telemetry_store::Backend::Postgres {
        return None;
    }
    let (tx, rx) = mpsc::channel(QUEUE);
    let receive = tokio::spawn(receive(store.clone(), live.clone(), origin, tx));
    let publish = tokio::spawn(publish(store, live, rx));
    Some((receive, publish))
}

/// Listens (again after each failure) and queues the foreign notices while anyone watches.
async fn receive(
    store: Store,
    live: broadcast::Sender<LiveSpan>,
    origin: u64,
    queue: mpsc::Sender<CommittedSpans>,
) {
    loop {
        let mut listener = match store.committed_listener().await {
            Ok(Some(listener)) => listener,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, "live tail: cannot listen for other servers' spans");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        loop {
            match listener.recv().await {
                Ok(notice) if notice.origin == origin || live.receiver_count() == 0 => {}
                Ok(notice) => {
                    if queue.try_send(notice).is_err() {
                        super::dropped("listen", 1);
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "live tail: lost the notification connection");
                    tokio::time::sleep(RETRY).await;
                    break;
                }
            }
        }
    }
}

/// Loads the announced spans and publishes them.
async fn publish(
    store: Store,
    live: broadcast::Sender<LiveSpan>,
    mut queue: mpsc::Receiver<CommittedSpans>,
) {
    while let Some(notice) = queue.recv().await {
        match store.spans_by_keys(notice.project, &notice.spans).await {
            Ok(spans) => {
                for stored in spans {
                    let _ = live.send(LiveSpan {
                        project: notice.project,
                        span: Arc::new(stored.record),
                    });
                }
            }
            Err(err) => {
                super::dropped("listen", 1);
                tracing::warn!(error = %err, "live tail: loading another server's spans failed");
            }
        }
    }
}
