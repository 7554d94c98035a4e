//! The queries added for the GraphQL API: span search over columns, attributes and the tree,
//! subtree totals, batched loads, usage and latency by any dimension, eval breakdowns, one
//! session and item cursors. SQLite always, PostgreSQL when configured.

#[path = "store/common.rs"]
#[allow(dead_code, unreachable_pub)]
mod common;

use common::{close, each_db, ended, failed, llm, project, sid, span, tid};
use telemetry_store::{
    Aggregate, CompareOp, Dimension, LatencyBreakdown, NewScore, Operand, Page, ScoreSource,
    ScoreValue, SpanColumn, SpanCondition, SpanField, SpanQuery, TimeRange, TraceFilter,
    TraceOrder, session_cursor, span_query_cursor, trace_cursor,
};
use telemetry_types::{SpanRecord, TraceAttributes};

/// Trace 1: root 1 → llm 2 (gpt-4o, 3 s) → tool 3 (failed); root 1 → llm 4 (gpt-4o-mini, 1 s).
/// Trace 2: root 10 → llm 11 (claude, 2.5 s).
fn seed_spans() -> Vec<SpanRecord> {
    let session = |mut r: SpanRecord, s: &str| {
        r.trace = std::sync::Arc::new(TraceAttributes {
            session_id: Some(s.to_owned().into()),
            ..TraceAttributes::default()
        });
        r
    };
    vec![
        session(span(1, 1, None, "agent", 0, Some(5000)), "s-1"),
        session(
            llm(1, 2, Some(1), "gpt-4o", "openai", 100, 3100, 1000, 100),
            "s-1",
        ),
        session(failed(span(1, 3, Some(2), "tool", 200, Some(300))), "s-1"),
        session(
            llm(1, 4, Some(1), "gpt-4o-mini", "openai", 3200, 4200, 300, 30),
            "s-1",
        ),
        session(span(2, 10, None, "agent", 10_000, Some(14_000)), "s-1"),
        session(
            llm(
                2,
                11,
                Some(10),
                "claude",
                "anthropic",
                10_100,
                12_600,
                500,
                50,
            ),
            "s-1",
        ),
    ]
}

async fn ingest(store: &telemetry_store::Store) -> telemetry_store::ProjectId {
    let p = project(store, "p").await;
    let events: Vec<_> = seed_spans().into_iter().map(ended).collect();
    store.ingest(p, &events).await.expect("ingest");
    p
}

fn ids(page: &telemetry_store::Paged<telemetry_store::StoredSpan>) -> Vec<u64> {
    let mut out: Vec<u64> = page
        .items
        .iter()
        .map(|s| {
            (0..100)
                .find(|n| sid(*n) == s.record.span_id)
                .unwrap_or(999)
        })
        .collect();
    out.sort_unstable();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn span_search_combines_columns_attributes_and_structure() {
    each_db("analysis_span_search", |store| async move {
        let p = ingest(&store).await;
        let all = Page::first(100);
        let cond = |field, op, value| SpanCondition::new(field, op, value);
        let q = SpanQuery {
            conditions: vec![
                cond(
                    SpanField::Column(SpanColumn::SpanType),
                    CompareOp::Eq,
                    Operand::Text("llm_generation".into()),
                ),
                cond(
                    SpanField::Attribute("model".into()),
                    CompareOp::StartsWith,
                    Operand::Text("gpt-4".into()),
                ),
                cond(
                    SpanField::Column(SpanColumn::DurationNs),
                    CompareOp::Gt,
                    Operand::Number(2e9),
                ),
            ],
            ..SpanQuery::default()
        };
        assert_eq!(
            ids(&store.query_spans(p, &q, &all).await.expect("search")),
            [2]
        );
        let q = SpanQuery {
            conditions: vec![cond(
                SpanField::Attribute("usage.input_tokens".into()),
                CompareOp::Lte,
                Operand::Number(500.0),
            )],
            ..SpanQuery::default()
        };
        assert_eq!(
            ids(&store.query_spans(p, &q, &all).await.expect("search")),
            [4, 11]
        );
        let q = SpanQuery {
            errored_descendants: Some(true),
            ..SpanQuery::default()
        };
        assert_eq!(
            ids(&store.query_spans(p, &q, &all).await.expect("search")),
            [1, 2]
        );
        let q = SpanQuery {
            errored_descendants: Some(false),
            root: Some(true),
            ..SpanQuery::default()
        };
        assert_eq!(
            ids(&store.query_spans(p, &q, &all).await.expect("search")),
            [10]
        );
        // Pages of two, following the cursors, cover every span once.
        let mut seen = Vec::new();
        let mut page = Page::first(2);
        loop {
            let got = store
                .query_spans(p, &SpanQuery::default(), &page)
                .await
                .expect("page");
            if let Some(last) = got.items.last() {
                assert_eq!(
                    Some(span_query_cursor(last)),
                    got.next_cursor.clone().or(Some(span_query_cursor(last)))
                );
            }
            seen.extend(ids(&got));
            match got.next_cursor {
                Some(c) => page = Page::after(2, c),
                None => break,
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, [1, 2, 3, 4, 10, 11]);
        // Bad paths and mismatched kinds are argument errors.
        let bad = SpanQuery {
            conditions: vec![cond(
                SpanField::Attribute("a'b".into()),
                CompareOp::Exists,
                Operand::None,
            )],
            ..SpanQuery::default()
        };
        assert!(store.query_spans(p, &bad, &all).await.is_err());
        let bad = SpanQuery {
            conditions: vec![cond(
                SpanField::Column(SpanColumn::Cost),
                CompareOp::Contains,
                Operand::Text("x".into()),
            )],
            ..SpanQuery::default()
        };
        assert!(store.query_spans(p, &bad, &all).await.is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subtree_totals_and_batched_loads() {
    each_db("analysis_subtree", |store| async move {
        let p = ingest(&store).await;
        let keys = [
            (tid(1), sid(1)),
            (tid(1), sid(2)),
            (tid(2), sid(10)),
            (tid(9), sid(9)),
        ];
        let totals = store.subtree_totals(p, &keys).await.expect("totals");
        assert_eq!(totals.len(), 3, "the unknown span is absent");
        let root = totals[&(tid(1), sid(1))];
        assert_eq!((root.span_count, root.errored_descendants), (4, 1));
        assert_eq!(
            (root.totals.input_tokens, root.totals.output_tokens),
            (1300, 130)
        );
        let llm = totals[&(tid(1), sid(2))];
        assert_eq!(
            (
                llm.span_count,
                llm.errored_descendants,
                llm.totals.input_tokens
            ),
            (2, 1, 1000)
        );
        assert_eq!(totals[&(tid(2), sid(10))].totals.total_tokens, 550);

        let traces = store
            .traces_by_ids(p, &[tid(1), tid(2), tid(7)])
            .await
            .expect("traces");
        assert_eq!(traces.len(), 2);
        let spans = store
            .spans_of_traces(p, &[tid(1), tid(2)])
            .await
            .expect("spans");
        assert_eq!(spans.len(), 6);
        let other = project(&store, "other").await;
        assert!(
            store
                .spans_of_traces(other, &[tid(1)])
                .await
                .expect("spans")
                .is_empty()
        );
        assert!(
            store
                .traces_by_ids(other, &[tid(1)])
                .await
                .expect("traces")
                .is_empty()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breakdowns_by_dimension() {
    each_db("analysis_breakdowns", |store| async move {
        let p = ingest(&store).await;
        let over = Aggregate::over(TimeRange::ALL);
        let rows = store
            .usage_breakdown(p, &[Dimension::Provider], &over)
            .await
            .expect("usage");
        let openai = rows
            .iter()
            .find(|r| r.keys == [Some("openai".to_owned())])
            .expect("openai");
        assert_eq!(
            (
                openai.calls,
                openai.totals.input_tokens,
                openai.totals.output_tokens
            ),
            (2, 1300, 130)
        );
        let q = LatencyBreakdown {
            over,
            dimensions: vec![Dimension::Model],
            quantiles: vec![0.5, 1.0],
            span_type: None,
            model: Some("gpt-4o".into()),
        };
        let rows = store.latency_breakdown(p, &q).await.expect("latency");
        assert_eq!(rows.len(), 1);
        assert!(close(rows[0].quantiles[1].1, 3e9));
        let all = LatencyBreakdown {
            dimensions: vec![],
            model: None,
            ..q
        };
        let rows = store.latency_breakdown(p, &all).await.expect("latency");
        // Durations (ms): 5000, 3000, 100, 1000, 4000, 2500 → median 2750.
        assert_eq!(rows[0].count, 6);
        assert!(close(rows[0].quantiles[0].1, 2.75e9), "{:?}", rows[0]);
        assert!(
            store
                .usage_breakdown(p, &[Dimension::Model, Dimension::Model], &over)
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eval_breakdowns_sessions_and_cursors() {
    each_db("analysis_evals", |store| async move {
        let p = ingest(&store).await;
        let score = |trace, span: Option<u64>, v: f64, source| NewScore {
            trace_id: tid(trace),
            span_id: span.map(sid),
            name: "quality".into(),
            value: ScoreValue::Numeric(v),
            source,
            evaluator: None,
            comment: None,
        };
        store
            .create_score(p, score(1, None, 0.4, ScoreSource::Human))
            .await
            .expect("score");
        store
            .create_score(p, score(2, Some(11), 0.8, ScoreSource::Api))
            .await
            .expect("score");
        let rows = store
            .score_series_by_source(p, Some("quality"), &Aggregate::over(TimeRange::ALL))
            .await
            .expect("series");
        assert_eq!(rows.len(), 2);
        let mut by_model = store
            .score_by_model(p, "quality", &TimeRange::ALL)
            .await
            .expect("by model");
        by_model.sort_by(|a, b| a.model.cmp(&b.model));
        let got: Vec<(&str, i64)> = by_model
            .iter()
            .map(|m| (m.model.as_str(), m.count))
            .collect();
        assert_eq!(got, [("claude", 1), ("gpt-4o", 1), ("gpt-4o-mini", 1)]);
        let below = store
            .scores_below(p, "quality", 0.5, &TimeRange::ALL, 10)
            .await
            .expect("below");
        assert_eq!(below.len(), 1);
        assert_eq!(below[0].trace_id, tid(1).to_string());

        let session = store
            .session(p, "s-1")
            .await
            .expect("session")
            .expect("exists");
        assert_eq!(
            (session.trace_count, session.total_tokens),
            (2, 1300 + 130 + 550)
        );
        assert!(session.has_error);
        assert!(store.session(p, "none").await.expect("session").is_none());

        // Item cursors resume right after their item, in every order.
        for order in [
            TraceOrder::StartTimeDesc,
            TraceOrder::StartTimeAsc,
            TraceOrder::DurationDesc,
            TraceOrder::CostDesc,
        ] {
            let filter = TraceFilter {
                order,
                ..TraceFilter::default()
            };
            let first = store
                .list_traces(p, &filter, &Page::first(1))
                .await
                .expect("page");
            assert_eq!(
                first.next_cursor,
                Some(trace_cursor(order, &first.items[0])),
                "{order:?}"
            );
        }
        let sessions = store
            .list_sessions(p, &TimeRange::ALL, &Page::first(1))
            .await
            .expect("sessions");
        assert_eq!(session_cursor(&sessions.items[0]).split(':').count(), 3);
    })
    .await;
}

/// `percentile_cont` computed here, from sorted values.
fn percentile_cont(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_by_span_type_matches_percentile_cont_at_both_ends() {
    each_db("analysis_latency_walk", |store| async move {
        let p = project(&store, "walk").await;
        // 37 generic spans with scattered durations (ms), plus one running span (not counted).
        let durations: Vec<u64> = (0..37u64).map(|i| (i * 7919) % 1000 + 1).collect();
        let mut events: Vec<_> = durations
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let start = i as u64 * 10;
                ended(span(1, i as u64 + 1, None, "s", start, Some(start + d)))
            })
            .collect();
        events.push(ended(span(1, 99, None, "open", 0, None)));
        store.ingest(p, &events).await.expect("ingest");
        let quantiles = vec![0.0, 0.01, 0.37, 0.5, 0.51, 0.9, 0.97, 0.99, 1.0];
        let q = LatencyBreakdown {
            over: Aggregate::over(TimeRange::ALL),
            dimensions: vec![Dimension::SpanType],
            quantiles: quantiles.clone(),
            span_type: None,
            model: None,
        };
        let rows = store.latency_breakdown(p, &q).await.expect("latency");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].count, 37);
        let mut sorted: Vec<f64> = durations.iter().map(|d| *d as f64 * 1e6).collect();
        sorted.sort_by(f64::total_cmp);
        for (i, want) in quantiles.iter().enumerate() {
            let (q, got) = rows[0].quantiles[i];
            assert!(close(q, *want));
            assert!(close(got, percentile_cont(&sorted, q)), "q={q}: {got}");
        }
    })
    .await;
}
