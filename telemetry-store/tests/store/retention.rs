//! Retention deletes old traces with everything that hangs off them, in bounded batches.

use telemetry_store::{NewScore, Page, ScoreSource, ScoreValue, SpanQuery, TimeRange};
use telemetry_types::SpanEvent;

use crate::common::*;

#[tokio::test]
async fn retention_deletes_old_traces_in_batches() {
    each_db("retention", |store| async move {
        let p = project(&store, "p").await;
        let q = project(&store, "q").await;
        let mut events = Vec::new();
        for n in 0..10u64 {
            let mut root = span(n as u128, 1, None, "t", n * 1000, Some(n * 1000 + 10));
            root.events.push(SpanEvent {
                name: "e".into(),
                time: at(n * 1000),
                attributes: Default::default(),
            });
            events.push(ended(root));
            events.push(ended(span(
                n as u128,
                2,
                Some(1),
                "c",
                n * 1000,
                Some(n * 1000 + 5),
            )));
        }
        store.ingest(p, &events).await.unwrap();
        store.ingest(q, &events).await.unwrap();
        for n in [1u128, 8] {
            store
                .create_score(
                    p,
                    NewScore {
                        trace_id: tid(n),
                        span_id: None,
                        name: "s".into(),
                        value: ScoreValue::Numeric(1.0),
                        source: ScoreSource::Human,
                        evaluator: None,
                        comment: None,
                    },
                )
                .await
                .unwrap();
        }
        // Traces 0..6 of project p started before 6 s.
        let report = store
            .delete_traces_before(Some(p), at(6000), 4)
            .await
            .unwrap();
        assert_eq!(
            (
                report.traces,
                report.spans,
                report.span_events,
                report.scores
            ),
            (6, 12, 6, 1)
        );
        assert_eq!(report.batches, 2);
        let left = store
            .query_spans(p, &SpanQuery::default(), &Page::first(100))
            .await
            .unwrap();
        assert_eq!(left.items.len(), 8);
        assert!(left.items.iter().all(|s| s.record.start_time >= at(6000)));
        assert!(store.get_trace(p, tid(2)).await.unwrap().is_none());
        assert_eq!(
            store
                .get_trace(p, tid(8))
                .await
                .unwrap()
                .unwrap()
                .scores
                .len(),
            1
        );
        // Project q is untouched until it is its turn (None = every project).
        let q_spans = store
            .query_spans(q, &SpanQuery::default(), &Page::first(100))
            .await
            .unwrap();
        assert_eq!(q_spans.items.len(), 20);
        let report = store
            .delete_traces_before(None, at(100_000), 1000)
            .await
            .unwrap();
        assert_eq!(report.traces, 14);
        let all = telemetry_store::Aggregate::over(TimeRange::ALL);
        assert!(store.trace_counts(q, &all).await.unwrap().is_empty());
    })
    .await;
}
