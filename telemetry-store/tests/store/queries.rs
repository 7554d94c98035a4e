//! Trace list filters, ordering and pagination (also under concurrent inserts), span search,
//! the span tree, sessions and project isolation.

use std::collections::HashSet;
use std::time::Duration;

use telemetry_store::{
    CompareOp, Operand, Page, ProjectId, SpanColumn, SpanCondition, SpanField, SpanQuery, Store,
    TimeRange, TraceFilter, TraceOrder,
};
use telemetry_types::attrs::{RagQuery, ToolCall};
use telemetry_types::{SpanType, TraceAttributes, TraceId};

use crate::common::*;

fn attrs(user: &str, session: &str, tags: &[&str], env: &str, release: &str) -> TraceAttributes {
    TraceAttributes {
        user_id: Some(user.to_owned().into()),
        session_id: Some(session.to_owned().into()),
        tags: tags.iter().map(|t| (*t).to_owned().into()).collect(),
        environment: Some(env.to_owned().into()),
        release: Some(release.to_owned().into()),
        ..TraceAttributes::default()
    }
}

/// Six traces with distinct properties; trace `n` starts at `n × 1000` ms.
async fn fixture(store: &Store, p: ProjectId) {
    let mut events = Vec::new();
    let a = attrs("alice", "s1", &["vip", "beta"], "prod", "1.0");
    let b = attrs("bob", "s2", &["beta"], "staging", "1.1");
    // 1: agent with gpt-4o, 2 s, alice.
    events.push(ended(with_trace(
        span(1, 1, None, "Support Agent", 1000, Some(3000)),
        a.clone(),
    )));
    events.push(ended(with_trace(
        llm(1, 2, Some(1), "gpt-4o", "openai", 1100, 2000, 1000, 500),
        a.clone(),
    )));
    // 2: failing tool, 0.5 s, bob.
    let mut tool = span(2, 2, Some(1), "search", 2100, Some(2400));
    tool.attributes = ToolCall::default().into();
    events.push(ended(with_trace(
        span(2, 1, None, "checkout", 2000, Some(2500)),
        b.clone(),
    )));
    events.push(ended(with_trace(failed(tool), b.clone())));
    // 3: RAG + claude, 10 s, alice in session s3.
    let c = attrs("alice", "s3", &["vip"], "prod", "1.1");
    let mut rag = span(3, 2, Some(1), "retrieve", 3100, Some(3200));
    rag.attributes = RagQuery::default().into();
    events.push(ended(with_trace(
        span(3, 1, None, "support agent v2", 3000, Some(13000)),
        c.clone(),
    )));
    events.push(ended(with_trace(rag, c.clone())));
    events.push(ended(with_trace(
        llm(
            3,
            3,
            Some(1),
            "claude-sonnet-4",
            "anthropic",
            3300,
            9000,
            100_000,
            2000,
        ),
        c,
    )));
    // 4, 5, 6: plain, no attributes, 100 ms each.
    for n in 4..=6u64 {
        events.push(ended(span(
            n as u128,
            1,
            None,
            "batch_job",
            n * 1000,
            Some(n * 1000 + 100),
        )));
    }
    store.ingest(p, &events).await.unwrap();
}

async fn ids(store: &Store, p: ProjectId, filter: TraceFilter) -> Vec<TraceId> {
    let page = store
        .list_traces(p, &filter, &Page::first(100))
        .await
        .unwrap();
    page.items.into_iter().map(|t| t.trace_id).collect()
}

fn set(ns: &[u128]) -> Vec<TraceId> {
    let mut v: Vec<TraceId> = ns.iter().map(|n| tid(*n)).collect();
    v.sort_by_key(|t| std::cmp::Reverse(*t));
    v
}

async fn matching(store: &Store, p: ProjectId, filter: TraceFilter) -> Vec<TraceId> {
    let mut got = ids(store, p, filter).await;
    got.sort_by_key(|t| std::cmp::Reverse(*t));
    got
}

#[tokio::test]
async fn every_trace_filter() {
    each_db("every_trace_filter", |store| async move {
        let p = project(&store, "p").await;
        fixture(&store, p).await;
        let f = TraceFilter::default;
        let s = &store;
        assert_eq!(matching(s, p, f()).await, set(&[1, 2, 3, 4, 5, 6]));
        let time = TimeRange::between(at(2000), at(4000));
        assert_eq!(
            matching(s, p, TraceFilter { time, ..f() }).await,
            set(&[2, 3])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    name: Some("checkout".into()),
                    ..f()
                }
            )
            .await,
            set(&[2])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    name_contains: Some("SUPPORT".into()),
                    ..f()
                }
            )
            .await,
            set(&[1, 3])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    name_contains: Some("_".into()),
                    ..f()
                }
            )
            .await,
            set(&[4, 5, 6])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    span_type: Some(SpanType::RagQuery),
                    ..f()
                }
            )
            .await,
            set(&[3])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    span_type: Some(SpanType::LlmGeneration),
                    ..f()
                }
            )
            .await,
            set(&[1, 3])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    has_error: Some(true),
                    ..f()
                }
            )
            .await,
            set(&[2])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    has_error: Some(false),
                    ..f()
                }
            )
            .await,
            set(&[1, 3, 4, 5, 6])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    model: Some("gpt-4o".into()),
                    ..f()
                }
            )
            .await,
            set(&[1])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    provider: Some("anthropic".into()),
                    ..f()
                }
            )
            .await,
            set(&[3])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    user_id: Some("alice".into()),
                    ..f()
                }
            )
            .await,
            set(&[1, 3])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    session_id: Some("s2".into()),
                    ..f()
                }
            )
            .await,
            set(&[2])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    tags: vec!["beta".into()],
                    ..f()
                }
            )
            .await,
            set(&[1, 2])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    tags: vec!["beta".into(), "vip".into()],
                    ..f()
                }
            )
            .await,
            set(&[1])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    tags: vec!["vi".into()],
                    ..f()
                }
            )
            .await,
            set(&[])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    environment: Some("prod".into()),
                    ..f()
                }
            )
            .await,
            set(&[1, 3])
        );
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    release: Some("1.1".into()),
                    ..f()
                }
            )
            .await,
            set(&[2, 3])
        );
        let min_duration = Some(Duration::from_millis(500));
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    min_duration,
                    ..f()
                }
            )
            .await,
            set(&[1, 2, 3])
        );
        // Trace 3: 100k × 3/M + 2000 × 15/M = 0.33; trace 1: 0.0075.
        assert_eq!(
            matching(
                s,
                p,
                TraceFilter {
                    min_cost: Some(0.01),
                    ..f()
                }
            )
            .await,
            set(&[3])
        );
        let combined = TraceFilter {
            user_id: Some("alice".into()),
            tags: vec!["vip".into()],
            release: Some("1.0".into()),
            ..f()
        };
        assert_eq!(matching(s, p, combined).await, set(&[1]));
    })
    .await;
}

#[tokio::test]
async fn orders_and_pages_without_repeats_or_gaps() {
    each_db("orders_and_pages", |store| async move {
        let p = project(&store, "p").await;
        fixture(&store, p).await;
        let order_of = |order| TraceFilter {
            order,
            ..TraceFilter::default()
        };
        assert_eq!(
            ids(&store, p, order_of(TraceOrder::StartTimeDesc)).await,
            [6, 5, 4, 3, 2, 1].map(tid)
        );
        assert_eq!(
            ids(&store, p, order_of(TraceOrder::StartTimeAsc)).await,
            [1, 2, 3, 4, 5, 6].map(tid)
        );
        assert_eq!(
            ids(&store, p, order_of(TraceOrder::DurationDesc)).await[..3],
            [3, 1, 2].map(tid)
        );
        assert_eq!(
            ids(&store, p, order_of(TraceOrder::CostDesc)).await[..2],
            [3, 1].map(tid)
        );
        for order in [
            TraceOrder::StartTimeDesc,
            TraceOrder::StartTimeAsc,
            TraceOrder::DurationDesc,
            TraceOrder::CostDesc,
        ] {
            let all = ids(&store, p, order_of(order)).await;
            let mut paged = Vec::new();
            let mut page = Page::first(4);
            loop {
                let got = store.list_traces(p, &order_of(order), &page).await.unwrap();
                paged.extend(got.items.iter().map(|t| t.trace_id));
                if let (Some(cursor), Some(last)) = (&got.next_cursor, got.items.last()) {
                    assert_eq!(cursor, &telemetry_store::trace_cursor(order, last));
                }
                match got.next_cursor {
                    Some(c) => page = Page::after(4, c),
                    None => break,
                }
            }
            assert_eq!(paged, all, "{order:?}");
        }
        let bad = store
            .list_traces(p, &TraceFilter::default(), &Page::after(2, "zz:1:2"))
            .await;
        assert!(matches!(bad, Err(telemetry_store::Error::InvalidCursor(_))));
    })
    .await;
}

#[tokio::test]
async fn pagination_is_stable_under_concurrent_inserts() {
    each_db("pagination_concurrent", |store| async move {
        let p = project(&store, "p").await;
        // 200 traces at 1 ms steps, in 4 batches.
        for chunk in 0..4u64 {
            let batch: Vec<_> = (chunk * 50..chunk * 50 + 50)
                .map(|i| ended(span(i as u128, 1, None, "t", i, Some(i + 5))))
                .collect();
            store.ingest(p, &batch).await.unwrap();
        }
        let writer = {
            let store = store.clone();
            tokio::spawn(async move {
                // New traces, both newer and older than the page boundaries, while paging.
                for i in 0..40u64 {
                    let n = 10_000 + i as u128;
                    let start = if i % 2 == 0 { 1_000 + i } else { i * 5 };
                    store
                        .ingest(p, &[ended(span(n, 1, None, "new", start, Some(start + 1)))])
                        .await
                        .unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut seen = Vec::new();
        let mut page = Page::first(7);
        loop {
            let got = store
                .list_traces(p, &TraceFilter::default(), &page)
                .await
                .unwrap();
            seen.extend(got.items.iter().map(|t| t.trace_id));
            tokio::task::yield_now().await;
            match got.next_cursor {
                Some(c) => page = Page::after(7, c),
                None => break,
            }
        }
        writer.await.unwrap();
        let unique: HashSet<_> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no trace is repeated");
        for i in 0..200u128 {
            assert!(unique.contains(&tid(i)), "trace {i} was skipped");
        }
    })
    .await;
}

#[tokio::test]
async fn span_tree_search_and_sessions() {
    each_db("span_tree_search_sessions", |store| async move {
        let p = project(&store, "p").await;
        fixture(&store, p).await;
        let detail = store.get_trace(p, tid(3)).await.unwrap().unwrap();
        assert_eq!(detail.roots.len(), 1);
        let names: Vec<_> = detail.roots[0]
            .children
            .iter()
            .map(|c| c.span.record.name.to_string())
            .collect();
        assert_eq!(names, ["retrieve", "chat"]);
        assert!(store.get_trace(p, tid(99)).await.unwrap().is_none());

        let search = |query: SpanQuery| {
            let store = store.clone();
            async move {
                store
                    .query_spans(p, &query, &Page::first(100))
                    .await
                    .unwrap()
                    .items
                    .len()
            }
        };
        let when = |column: SpanColumn, op: CompareOp, value: Operand| SpanQuery {
            conditions: vec![SpanCondition::new(SpanField::Column(column), op, value)],
            ..Default::default()
        };
        let text = |value: &str| Operand::Text(value.into());
        assert_eq!(search(SpanQuery::default()).await, 10);
        let llm = when(SpanColumn::SpanType, CompareOp::Eq, text("llm_generation"));
        assert_eq!(search(llm).await, 2);
        let failed = when(SpanColumn::IsError, CompareOp::Eq, Operand::Bool(true));
        assert_eq!(search(failed).await, 1);
        let one_trace = SpanQuery {
            trace_id: Some(tid(3)),
            ..Default::default()
        };
        assert_eq!(search(one_trace).await, 3);
        let model = when(SpanColumn::Model, CompareOp::Eq, text("claude-sonnet-4"));
        assert_eq!(search(model).await, 1);
        let provider = when(SpanColumn::Provider, CompareOp::Eq, text("openai"));
        assert_eq!(search(provider).await, 1);
        let named = when(
            SpanColumn::Name,
            CompareOp::ContainsIgnoreCase,
            text("agent"),
        );
        assert_eq!(search(named).await, 2);
        let user = when(SpanColumn::UserId, CompareOp::Eq, text("bob"));
        assert_eq!(search(user).await, 2);
        let session = when(SpanColumn::SessionId, CompareOp::Eq, text("s3"));
        assert_eq!(search(session).await, 3);
        let five_s = Duration::from_secs(5).as_nanos() as f64;
        let slow = when(
            SpanColumn::DurationNs,
            CompareOp::Gte,
            Operand::Number(five_s),
        );
        assert_eq!(search(slow).await, 2);
        let costly = when(SpanColumn::Cost, CompareOp::Gte, Operand::Number(0.1));
        assert_eq!(search(costly).await, 1);
        // Span pagination covers everything once.
        let mut seen = HashSet::new();
        let mut page = Page::first(3);
        loop {
            let got = store
                .query_spans(p, &SpanQuery::default(), &page)
                .await
                .unwrap();
            for s in &got.items {
                assert!(seen.insert((s.record.trace_id, s.record.span_id)));
            }
            match got.next_cursor {
                Some(c) => page = Page::after(3, c),
                None => break,
            }
        }
        assert_eq!(seen.len(), 10);

        let sessions = store
            .list_sessions(p, &TimeRange::ALL, &Page::first(10))
            .await
            .unwrap();
        let got: Vec<_> = sessions
            .items
            .iter()
            .map(|s| (s.session_id.as_str(), s.trace_count, s.has_error))
            .collect();
        assert_eq!(got, [("s3", 1, false), ("s2", 1, true), ("s1", 1, false)]);
        assert_eq!(sessions.items[0].total_tokens, 102_000);
        let first = store
            .list_sessions(p, &TimeRange::ALL, &Page::first(2))
            .await
            .unwrap();
        let rest = store
            .list_sessions(
                p,
                &TimeRange::ALL,
                &Page::after(2, first.next_cursor.clone().unwrap()),
            )
            .await
            .unwrap();
        assert_eq!(
            first.next_cursor.as_deref(),
            Some(telemetry_store::session_cursor(&first.items[1]).as_str())
        );
        assert_eq!(rest.items.len(), 1);
        assert_eq!(rest.items[0].session_id, "s1");
    })
    .await;
}

#[tokio::test]
async fn projects_are_isolated() {
    each_db("projects_are_isolated", |store| async move {
        let a = project(&store, "a").await;
        let b = project(&store, "b").await;
        fixture(&store, a).await;
        // The same trace id in B, different content.
        store
            .ingest(b, &[ended(span(1, 1, None, "b-only", 0, Some(1)))])
            .await
            .unwrap();
        assert_eq!(ids(&store, b, TraceFilter::default()).await, vec![tid(1)]);
        assert_eq!(ids(&store, a, TraceFilter::default()).await.len(), 6);
        let in_b = store.get_trace(b, tid(1)).await.unwrap().unwrap();
        assert_eq!(in_b.roots.len(), 1);
        assert_eq!(in_b.trace.name.as_deref(), Some("b-only"));
        assert!(store.get_trace(b, tid(3)).await.unwrap().is_none());
        let all = telemetry_store::Aggregate::over(TimeRange::ALL);
        assert!(store.usage_by_model(b, &all).await.unwrap().is_empty());
        assert_eq!(store.span_counts(b, &all).await.unwrap()[0].spans, 1);
        assert!(
            store
                .list_sessions(b, &TimeRange::ALL, &Page::first(5))
                .await
                .unwrap()
                .items
                .is_empty()
        );
        let spans = store
            .query_spans(b, &SpanQuery::default(), &Page::first(50))
            .await
            .unwrap();
        assert_eq!(spans.items.len(), 1);
    })
    .await;
}
