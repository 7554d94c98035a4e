//! Several writers and servers on one database: trace roll-ups stay exact when the spans of a
//! trace are committed concurrently by different connections, upkeep runs under one holder
//! of its lock at a time, and committed spans are announced to the other servers.

use std::time::Duration;

use telemetry_store::{Backend, CommittedSpans, Page, Store, TraceFilter};
use telemetry_types::TelemetryEvent;
use tokio::sync::oneshot;

use crate::common::*;

const TRACES: u128 = 12;
const SPANS_PER_TRACE: u64 = 24;
const WRITERS: u64 = 6;

/// Span `i` of `trace`: an LLM call with `i + 1` input tokens, the fifth of each trace failed.
fn trace_span(trace: u128, i: u64) -> TelemetryEvent {
    let id = trace as u64 * 1_000 + i;
    let parent = (i > 0).then_some(trace as u64 * 1_000);
    let record = llm(
        trace,
        id,
        parent,
        "gpt-4o",
        "openai",
        i * 10,
        i * 10 + 5,
        i + 1,
        2,
    );
    ended(if i == 4 { failed(record) } else { record })
}

/// Commits `events` in transactions of two batches each (as a server's group commit does),
/// retrying what a concurrent writer's lock made fail, as a client retries a 503; how many
/// retries it took.
async fn write_all(
    store: Store,
    project: telemetry_store::ProjectId,
    events: Vec<TelemetryEvent>,
) -> usize {
    let mut retries = 0;
    for pair in events.chunks(8) {
        let (a, b) = pair.split_at(pair.len() / 2);
        let mut attempts = 0;
        loop {
            match store.ingest_many(&[(project, a), (project, b)]).await {
                Ok(_) => break,
                Err(err) if err.is_transient() && attempts < 20 => attempts += 1,
                Err(err) => panic!("ingest failed: {err}"),
            }
        }
        retries += attempts;
    }
    retries
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_of_one_trace_keep_exact_totals() {
    each_db("concurrent roll-ups", |store| async move {
        let p = project(&store, "p").await;
        // Writer w gets spans i ≡ w (mod WRITERS) of every trace, in a different trace order
        // each, and everything is sent twice (retries must not count twice).
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let mut events = Vec::new();
            for round in 0..2 {
                for t in 0..TRACES {
                    let trace = (t + u128::from(w) * 5 + round) % TRACES;
                    for i in (w..SPANS_PER_TRACE).step_by(WRITERS as usize) {
                        events.push(trace_span(trace, i));
                    }
                }
            }
            writers.push(tokio::spawn(write_all(store.clone(), p, events)));
        }
        let mut retries = 0;
        for writer in writers {
            retries += writer.await.expect("writer");
        }
        println!(
            "{:?}: {retries} transactions retried (lock-order deadlocks)",
            store.backend()
        );
        let page = store
            .list_traces(p, &TraceFilter::default(), &Page::first(100))
            .await
            .expect("list");
        assert_eq!(page.items.len(), TRACES as usize);
        let want_input: u64 = (1..=SPANS_PER_TRACE).sum();
        for t in page.items {
            assert_eq!(
                t.span_count, SPANS_PER_TRACE as i64,
                "span count of {}",
                t.trace_id
            );
            assert_eq!(
                t.input_tokens, want_input as i64,
                "input tokens of {}",
                t.trace_id
            );
            assert_eq!(t.output_tokens, 2 * SPANS_PER_TRACE as i64);
            assert!(t.has_error, "the failed span marks {}", t.trace_id);
            assert_eq!(t.start_time, at(0), "start of {}", t.trace_id);
            assert_eq!(
                t.end_time,
                Some(at((SPANS_PER_TRACE - 1) * 10 + 5)),
                "end of {}",
                t.trace_id
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upkeep_runs_under_one_holder_at_a_time() {
    each_db("exclusive upkeep", |store| async move {
        let (started_tx, started) = oneshot::channel();
        let (release, released) = oneshot::channel::<()>();
        let holder = store.clone();
        let first = tokio::spawn(async move {
            holder
                .exclusive("retention", async move {
                    let _ = started_tx.send(());
                    let _ = released.await;
                    "first"
                })
                .await
                .expect("first")
        });
        started.await.expect("the first job runs");
        let second = store
            .exclusive("retention", async { "second" })
            .await
            .expect("second");
        let other = store
            .exclusive("optimize", async { "other" })
            .await
            .expect("other");
        assert_eq!(other, Some("other"), "another lock name is not held");
        match store.backend() {
            Backend::Postgres => assert_eq!(second, None, "the lock is held"),
            Backend::Sqlite => assert_eq!(second, Some("second"), "one file, one server"),
        }
        let _ = release.send(());
        assert_eq!(first.await.expect("join"), Some("first"));
        let after = store
            .exclusive("retention", async { "after" })
            .await
            .expect("after");
        assert_eq!(after, Some("after"), "released when the holder finished");
        store.optimize().await.expect("optimize takes its own lock");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_spans_are_announced_to_listeners() {
    each_db("committed notices", |store| async move {
        let p = project(&store, "p").await;
        let q = project(&store, "q").await;
        let events: Vec<TelemetryEvent> = (0..3).map(|i| trace_span(1, i)).collect();
        store.ingest(p, &events).await.expect("ingest");
        store.ingest(q, &events[..1]).await.expect("ingest");
        let keys = vec![(tid(1), sid(1_000)), (tid(1), sid(1_002)), (tid(9), sid(1))];
        let mut found = store.spans_by_keys(p, &keys).await.expect("by keys");
        found.sort_by_key(|s| s.record.span_id);
        let ids: Vec<_> = found.iter().map(|s| s.record.span_id).collect();
        assert_eq!(
            ids,
            vec![sid(1_000), sid(1_002)],
            "only the stored keys of the project"
        );

        let notice = CommittedSpans {
            origin: 42,
            project: p,
            spans: keys,
        };
        let listener = store.committed_listener().await.expect("listen");
        let Some(mut listener) = listener else {
            assert_eq!(
                store.backend(),
                Backend::Sqlite,
                "only SQLite has no listener"
            );
            store
                .announce_committed(&notice)
                .await
                .expect("a no-op on SQLite");
            return;
        };
        store.announce_committed(&notice).await.expect("announce");
        let got = tokio::time::timeout(Duration::from_secs(10), listener.recv())
            .await
            .expect("a notice within 10 s")
            .expect("received");
        assert_eq!(got, notice);
    })
    .await;
}
