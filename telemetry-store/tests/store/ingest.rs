//! Ingest: idempotence, start/end merge, out-of-order events, trace rows, batching, cost.

use std::sync::Arc;

use telemetry_store::cost::PriceTable;
use telemetry_store::{Error, SpanQuery, Store};
use telemetry_types::attrs::Cost;
use telemetry_types::{SpanEvent, TelemetryEvent, TraceAttributes, TraceRecord};

use crate::common::*;

async fn span_count(store: &Store, project: telemetry_store::ProjectId) -> usize {
    store
        .query_spans(
            project,
            &SpanQuery::default(),
            &telemetry_store::Page::first(1000),
        )
        .await
        .unwrap()
        .items
        .len()
}

#[tokio::test]
async fn retried_batch_never_duplicates() {
    each_db("retried_batch_never_duplicates", |store| async move {
        let p = project(&store, "p").await;
        let mut root = span(1, 1, None, "agent", 0, Some(100));
        root.events.push(SpanEvent {
            name: "step".into(),
            time: at(5),
            attributes: Default::default(),
        });
        let batch = vec![
            ended(root),
            ended(llm(1, 2, Some(1), "gpt-4o", "openai", 10, 50, 1000, 500)),
            ended(eval(1, 3, "faithfulness", 0.75, 200)),
        ];
        for _ in 0..3 {
            store.ingest(p, &batch).await.unwrap();
        }
        assert_eq!(span_count(&store, p).await, 3);
        let trace = store.trace_summary(p, tid(1)).await.unwrap().unwrap();
        assert_eq!(trace.span_count, 2);
        assert_eq!(trace.total_tokens, 1500);
        assert!(close(trace.total_cost, 0.0075), "{}", trace.total_cost);
        let detail = store.get_trace(p, tid(1)).await.unwrap().unwrap();
        assert_eq!(detail.scores.len(), 1);
        assert_eq!(detail.roots[0].span.record.events.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn start_and_end_merge_into_one_row_in_any_order() {
    each_db("start_and_end_merge", |store| async move {
        let p = project(&store, "p").await;
        let mut a = span(1, 1, None, "in-order", 0, Some(40));
        a.output = Some(serde_json::json!("done"));
        let mut b = span(2, 1, None, "out-of-order", 0, Some(60));
        b.output = Some(serde_json::json!("kept"));
        // In order, separate batches.
        store.ingest(p, &[started(a.clone())]).await.unwrap();
        let open = store.get_span(p, tid(1), sid(1)).await.unwrap().unwrap();
        assert!(open.record.end_time.is_none());
        store.ingest(p, &[ended(a)]).await.unwrap();
        // End first, then the late start: the end is kept.
        store.ingest(p, &[ended(b.clone())]).await.unwrap();
        store.ingest(p, &[started(b.clone())]).await.unwrap();
        // Both in one batch, end first.
        let c = span(3, 1, None, "same-batch", 0, Some(70));
        store
            .ingest(p, &[ended(c.clone()), started(c)])
            .await
            .unwrap();
        for (trace, end, output) in [(1, 40, Some("done")), (2, 60, Some("kept")), (3, 70, None)] {
            let s = store
                .get_span(p, tid(trace), sid(1))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(s.record.end_time, Some(at(end)), "trace {trace}");
            assert_eq!(s.record.output.as_ref().and_then(|o| o.as_str()), output);
            let t = store.trace_summary(p, tid(trace)).await.unwrap().unwrap();
            assert_eq!(t.duration_ns, Some(end as i64 * 1_000_000));
        }
        assert_eq!(span_count(&store, p).await, 3);
    })
    .await;
}

#[tokio::test]
async fn spans_without_trace_events_build_the_trace_row() {
    each_db("spans_build_trace_row", |store| async move {
        let p = project(&store, "p").await;
        // A failing child arrives first: the trace exists without a name.
        store
            .ingest(
                p,
                &[ended(failed(span(1, 2, Some(1), "tool", 20, Some(30))))],
            )
            .await
            .unwrap();
        let t = store.trace_summary(p, tid(1)).await.unwrap().unwrap();
        assert_eq!(t.name, None);
        assert!(t.has_error);
        assert_eq!((t.start_time, t.end_time), (at(20), Some(at(30))));
        // Another child extends the end; then the root sets the name and the start.
        store
            .ingest(p, &[ended(span(1, 3, Some(1), "late", 25, Some(500)))])
            .await
            .unwrap();
        let attrs = TraceAttributes {
            user_id: Some("u1".into()),
            tags: vec!["a".into()],
            ..Default::default()
        };
        store
            .ingest(
                p,
                &[ended(with_trace(
                    span(1, 1, None, "agent", 0, Some(100)),
                    attrs,
                ))],
            )
            .await
            .unwrap();
        let t = store.trace_summary(p, tid(1)).await.unwrap().unwrap();
        assert_eq!(t.name.as_deref(), Some("agent"));
        assert_eq!((t.start_time, t.end_time), (at(0), Some(at(500))));
        assert_eq!(t.duration_ns, Some(500_000_000));
        assert!(t.has_error, "an error is never forgotten");
        assert_eq!(t.user_id.as_deref(), Some("u1"));
        assert_eq!(t.tags, vec!["a".to_owned()]);
        assert_eq!(t.span_count, 3);
        let detail = store.get_trace(p, tid(1)).await.unwrap().unwrap();
        assert_eq!(detail.roots.len(), 1);
        assert_eq!(detail.roots[0].children.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn trace_events_and_spans_merge() {
    each_db("trace_events_merge", |store| async move {
        let p = project(&store, "p").await;
        let mut trace = TraceRecord {
            trace_id: tid(7),
            name: "support".into(),
            service_name: Arc::from("svc"),
            root_span_id: sid(1),
            start_time: at(0),
            end_time: None,
            has_error: false,
            incomplete: false,
            attributes: TraceAttributes {
                session_id: Some("s1".into()),
                environment: Some("prod".into()),
                ..Default::default()
            },
        };
        store
            .ingest(
                p,
                &[TelemetryEvent::TraceStarted {
                    trace: Arc::new(trace.clone()),
                }],
            )
            .await
            .unwrap();
        trace.end_time = Some(at(300));
        trace.incomplete = true;
        store
            .ingest(
                p,
                &[
                    ended(span(7, 2, Some(1), "child", 10, Some(20))),
                    TelemetryEvent::TraceEnded {
                        trace: Arc::new(trace),
                    },
                ],
            )
            .await
            .unwrap();
        let t = store.trace_summary(p, tid(7)).await.unwrap().unwrap();
        assert_eq!(t.name.as_deref(), Some("support"));
        assert_eq!(t.session_id.as_deref(), Some("s1"));
        assert_eq!(t.environment.as_deref(), Some("prod"));
        assert_eq!(t.end_time, Some(at(300)));
        assert!(t.incomplete);
        assert_eq!(t.span_count, 1);
    })
    .await;
}

#[tokio::test]
async fn large_batches_are_split_below_the_parameter_limit() {
    each_db("large_batches", |store| async move {
        let p = project(&store, "p").await;
        // 3000 spans × 24 columns = 72 000 parameters, over both databases' limits; and
        // 3000 traces for the totals refresh.
        let batch: Vec<TelemetryEvent> = (0..3000u64)
            .map(|i| {
                ended(llm(
                    i as u128,
                    i,
                    None,
                    "gpt-4o-mini",
                    "openai",
                    i,
                    i + 10,
                    100,
                    10,
                ))
            })
            .collect();
        let report = store.ingest(p, &batch).await.unwrap();
        assert_eq!(report.spans, 3000);
        let counts = store
            .trace_counts(
                p,
                &telemetry_store::Aggregate::over(telemetry_store::TimeRange::ALL),
            )
            .await
            .unwrap();
        assert_eq!(counts[0].traces, 3000);
        let usage = store
            .usage_by_model(
                p,
                &telemetry_store::Aggregate::over(telemetry_store::TimeRange::ALL),
            )
            .await
            .unwrap();
        assert_eq!(usage[0].calls, 3000);
        assert_eq!(usage[0].totals.input_tokens, 300_000);
    })
    .await;
}

#[tokio::test]
async fn cost_is_computed_only_when_missing_and_honours_project_prices() {
    each_db("cost", |store| async move {
        let p = project(&store, "p").await;
        let q = project(&store, "q").await;
        let mut priced = llm(2, 1, None, "gpt-4o", "openai", 0, 10, 1000, 500);
        if let telemetry_types::SpanAttributes::LlmGeneration(a) = &mut priced.attributes {
            a.cost = Some(Cost::total_usd(42.0));
        }
        let mut cached = llm(3, 1, None, "gpt-4o-mini", "openai", 0, 10, 10_000, 1_000);
        cached.attributes.usage_mut().unwrap().cache_read_tokens = Some(4_000);
        let batch = vec![
            ended(llm(1, 1, None, "gpt-4o", "openai", 0, 10, 1000, 500)),
            ended(priced),
            ended(cached),
            ended(llm(4, 1, None, "unknown-model", "acme", 0, 10, 1000, 500)),
        ];
        store.ingest(p, &batch).await.unwrap();
        let cost = |t| {
            let store = store.clone();
            async move { store.get_span(p, tid(t), sid(1)).await.unwrap().unwrap() }
        };
        let s = cost(1).await;
        assert!(close(s.cost.unwrap(), 0.0075));
        let recorded = s.record.attributes.cost().unwrap();
        assert!(
            close(recorded.input.unwrap(), 0.0025),
            "computed cost is kept in the record"
        );
        assert_eq!(cost(2).await.cost, Some(42.0));
        // 6000 × 0.15/M + 4000 × 0.075/M + 1000 × 0.60/M = 0.0009 + 0.0003 + 0.0006.
        assert!(close(cost(3).await.cost.unwrap(), 0.0018));
        assert_eq!(cost(4).await.cost, None);
        // Project q pays $1/M for everything on gpt-4o.
        let table =
            PriceTable::from_json(r#"{"models":[{"pattern":"gpt-4o","input":1,"output":1}]}"#)
                .unwrap();
        store.set_project_prices(q, Some(&table)).await.unwrap();
        store.ingest(q, &batch[..1]).await.unwrap();
        let s = store.get_span(q, tid(1), sid(1)).await.unwrap().unwrap();
        assert!(close(s.cost.unwrap(), 0.0015));
    })
    .await;
}

#[tokio::test]
async fn unknown_project_is_a_typed_error() {
    each_db("unknown_project", |store| async move {
        let err = store
            .ingest(
                telemetry_store::ProjectId(999),
                &[ended(span(1, 1, None, "x", 0, Some(1)))],
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ProjectNotFound(999)), "{err}");
    })
    .await;
}

#[tokio::test]
async fn ingest_many_commits_all_projects_or_none() {
    each_db("ingest_many", |store| async move {
        let a = project(&store, "a").await;
        let b = project(&store, "b").await;
        let batch_a = vec![ended(span(1, 1, None, "a", 0, Some(1)))];
        let batch_b = vec![
            ended(span(1, 1, None, "b", 0, Some(1))),
            ended(span(1, 2, Some(1), "b2", 0, Some(1))),
        ];
        let report = store
            .ingest_many(&[(a, &batch_a), (b, &batch_b)])
            .await
            .unwrap();
        assert_eq!((report.spans, report.traces), (3, 2));
        assert_eq!(span_count(&store, a).await, 1);
        assert_eq!(span_count(&store, b).await, 2);
        let more = vec![ended(span(2, 1, None, "a", 0, Some(1)))];
        let missing = telemetry_store::ProjectId(4242);
        assert!(
            store
                .ingest_many(&[(a, &more), (missing, &more)])
                .await
                .is_err()
        );
        assert_eq!(
            span_count(&store, a).await,
            1,
            "nothing of a failed call is written"
        );
    })
    .await;
}

#[tokio::test]
async fn prepared_batches_commit_together_and_retry_by_preparing_again() {
    each_db("prepared_batches", |store| async move {
        let a = project(&store, "a").await;
        let b = project(&store, "b").await;
        let batch_a = vec![
            ended(span(1, 1, None, "a", 0, Some(10))),
            ended(llm(1, 2, Some(1), "gpt-4o", "openai", 1, 9, 1000, 500)),
        ];
        let batch_b = vec![ended(span(7, 1, None, "b", 0, Some(1)))];
        // Preparing writes nothing.
        let prepared_a = store.prepare(a, &batch_a).await.unwrap();
        assert_eq!(prepared_a.report().spans, 2);
        assert_eq!(span_count(&store, a).await, 0);
        let missing = telemetry_store::ProjectId(4242);
        let err = store.prepare(missing, &batch_b).await.unwrap_err();
        assert!(matches!(err, Error::ProjectNotFound(_)), "{err}");
        drop(prepared_a);
        // Prepared (twice, as a retry would) and committed together: same rows, once.
        for _ in 0..2 {
            let batches = vec![
                store.prepare(a, &batch_a).await.unwrap(),
                store.prepare(b, &batch_b).await.unwrap(),
            ];
            let report = store.commit_prepared(batches).await.unwrap();
            assert_eq!((report.spans, report.traces), (3, 2));
        }
        assert_eq!(span_count(&store, a).await, 2);
        assert_eq!(span_count(&store, b).await, 1);
        let trace = store.trace_summary(a, tid(1)).await.unwrap().unwrap();
        assert_eq!((trace.span_count, trace.total_tokens), (2, 1500));
    })
    .await;
}
