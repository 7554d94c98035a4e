//! Tail sampling: each policy keeps exactly the traces it should, head and tail together,
//! remote parents, bounds (memory, early and timed-out decisions), delivery across flush and
//! shutdown, run-time changes and configuration.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use telemetry_core::propagation::extract;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{
    EventKinds, ExporterCapabilities, SamplingStrategy, Span, SpanError, SpanType, TAIL_REASON_KEY,
    TailPolicy, TailSampling, Telemetry, TelemetryEvent, TraceId,
    attrs::{AgentRun, Cost, EvalExecution, Generic, LlmGeneration, ToolCall, Usage},
};

/// A large queue, so bursts released by a decision are never dropped by the exporter's queue.
fn big_queue() -> ExporterCapabilities {
    ExporterCapabilities {
        queue_capacity: 1 << 20,
        ..ExporterCapabilities::default()
    }
}

fn with(tail: TailSampling) -> (Telemetry, InMemoryExporter) {
    with_head(SamplingStrategy::AlwaysOn, tail)
}

fn with_head(head: SamplingStrategy, tail: TailSampling) -> (Telemetry, InMemoryExporter) {
    let exporter = InMemoryExporter::new().with_capabilities(big_queue());
    let telemetry = Telemetry::builder("tail")
        .sampling(head)
        .tail_sampling(tail)
        .exporter(exporter.clone())
        .build()
        .unwrap();
    (telemetry, exporter)
}

/// Traces with at least one delivered span.
fn kept(exporter: &InMemoryExporter) -> HashSet<TraceId> {
    exporter.ended_spans().iter().map(|s| s.trace_id).collect()
}

fn reason_of(exporter: &InMemoryExporter, root: &str) -> Option<String> {
    let span = exporter.span(root)?;
    span.metadata
        .get(TAIL_REASON_KEY)
        .and_then(|v| v.as_str().map(str::to_owned))
}

/// A root with a child and a grandchild; `leaf` finishes the grandchild.
fn three_level_trace(
    telemetry: &Telemetry,
    name: &'static str,
    leaf: impl FnOnce(Span),
) -> TraceId {
    let root = telemetry.trace(name, AgentRun::named("agent")).start();
    let trace_id = root.trace_id().unwrap();
    root.in_scope(|| {
        let child = telemetry.span("step", ToolCall::named("search")).start();
        child.in_scope(|| leaf(telemetry.span("leaf", Generic::default()).start()));
        child.end();
    });
    root.end();
    trace_id
}

#[tokio::test]
async fn an_error_deep_in_the_tree_keeps_the_whole_trace_and_nothing_leaves_before_the_root_ends() {
    let (telemetry, exporter) = with(TailSampling::new().keep_errors());
    let root = telemetry.trace("failing", AgentRun::named("agent")).start();
    let failing = root.trace_id().unwrap();
    root.in_scope(|| {
        let child = telemetry.span("step", ToolCall::named("search")).start();
        child.in_scope(|| {
            telemetry
                .span("leaf", Generic::default())
                .start()
                .end_with_error(SpanError::new("timeout", "upstream timed out"));
        });
        child.end();
    });
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert!(exporter.events().is_empty(), "held until the root ends");
    assert_eq!(telemetry.stats().tail.spans_held, 2);
    root.end();
    let clean = three_level_trace(&telemetry, "clean", Span::end);
    telemetry.flush().await.unwrap();

    let delivered = exporter.ended_spans();
    assert_eq!(delivered.len(), 3, "the errored trace, whole");
    assert!(delivered.iter().all(|s| s.trace_id == failing));
    assert!(!kept(&exporter).contains(&clean));
    assert_eq!(reason_of(&exporter, "failing").as_deref(), Some("error"));
    assert!(
        exporter
            .span("leaf")
            .unwrap()
            .metadata
            .get(TAIL_REASON_KEY)
            .is_none()
    );
    let stats = telemetry.stats().tail;
    assert_eq!((stats.traces_kept, stats.traces_dropped), (1, 1));
    assert_eq!(stats.spans_dropped, 3);
    assert_eq!((stats.traces_held, stats.spans_held), (0, 0));
    let ended = exporter.ended_traces();
    assert_eq!(ended.len(), 1, "trace_ended only for the kept trace");
    assert_eq!(ended[0].trace_id, failing);
}

#[tokio::test]
async fn a_slow_root_is_kept_a_fast_one_dropped() {
    let (telemetry, exporter) = with(TailSampling::new().keep_slower_than(Duration::from_secs(2)));
    let earlier = telemetry_core::Timestamp::from_unix_nanos(
        telemetry_core::Timestamp::now().as_unix_nanos() - 5_000_000_000,
    );
    let slow = telemetry
        .trace("slow", AgentRun::default())
        .start_time(earlier)
        .start();
    let slow_id = slow.trace_id().unwrap();
    slow.end();
    telemetry.trace("fast", AgentRun::default()).start().end();
    telemetry.flush().await.unwrap();
    assert_eq!(kept(&exporter), HashSet::from([slow_id]));
    assert_eq!(reason_of(&exporter, "slow").as_deref(), Some("slow_root"));
}

fn llm_trace(telemetry: &Telemetry, name: &'static str, cost: f64, tokens: u64) -> TraceId {
    let root = telemetry.trace(name, AgentRun::default()).start();
    let id = root.trace_id().unwrap();
    root.in_scope(|| {
        for _ in 0..2 {
            let llm = telemetry
                .span("chat", LlmGeneration::new("gpt-4o", "openai"))
                .start();
            llm.record_usage(Usage::new(tokens / 2, 0));
            llm.record_cost(Cost::total_usd(cost / 2.0));
            llm.end();
        }
    });
    root.end();
    id
}

#[tokio::test]
async fn a_costly_trace_is_kept_by_its_total_cost_and_a_long_one_by_its_tokens() {
    let (telemetry, exporter) = with(TailSampling::new().keep_cost_at_least(0.5));
    let costly = llm_trace(&telemetry, "costly", 0.6, 100);
    llm_trace(&telemetry, "cheap", 0.4, 100);
    telemetry.flush().await.unwrap();
    assert_eq!(
        kept(&exporter),
        HashSet::from([costly]),
        "0.3 + 0.3 ≥ 0.5 > 0.2 + 0.2"
    );
    assert_eq!(reason_of(&exporter, "costly").as_deref(), Some("cost"));

    let (telemetry, exporter) = with(TailSampling::new().keep_tokens_at_least(10_000));
    let long = llm_trace(&telemetry, "long", 0.0, 12_000);
    llm_trace(&telemetry, "short", 0.0, 8_000);
    telemetry.flush().await.unwrap();
    assert_eq!(kept(&exporter), HashSet::from([long]));
    assert_eq!(reason_of(&exporter, "long").as_deref(), Some("tokens"));
}

fn eval_trace(
    telemetry: &Telemetry,
    name: &'static str,
    metric: &'static str,
    score: f64,
) -> TraceId {
    let root = telemetry.trace(name, AgentRun::default()).start();
    let id = root.trace_id().unwrap();
    root.in_scope(|| {
        let eval = telemetry
            .span(
                "judge",
                EvalExecution {
                    score: Some(score),
                    ..EvalExecution::new("llm_judge", metric)
                },
            )
            .start();
        eval.end();
    });
    root.end();
    id
}

#[tokio::test]
async fn a_low_eval_score_keeps_the_trace() {
    let (telemetry, exporter) = with(TailSampling::new().keep_eval_score_below(0.5));
    let bad = eval_trace(&telemetry, "bad", "faithfulness", 0.2);
    eval_trace(&telemetry, "good", "faithfulness", 0.9);
    telemetry.flush().await.unwrap();
    assert_eq!(kept(&exporter), HashSet::from([bad]));
    assert_eq!(
        reason_of(&exporter, "bad").as_deref(),
        Some("low_eval_score")
    );

    let only_relevance = TailSampling::new().policy(
        "irrelevant",
        TailPolicy::EvalScoreBelow {
            below: 0.5,
            metric: Some("relevance".into()),
        },
    );
    let (telemetry, exporter) = with(only_relevance);
    eval_trace(&telemetry, "other-metric", "faithfulness", 0.1);
    let irrelevant = eval_trace(&telemetry, "irrelevant", "relevance", 0.1);
    telemetry.flush().await.unwrap();
    assert_eq!(kept(&exporter), HashSet::from([irrelevant]));
    assert_eq!(
        reason_of(&exporter, "irrelevant").as_deref(),
        Some("irrelevant")
    );
}

#[tokio::test]
async fn span_type_name_and_attribute_conditions_and_nested_combinations() {
    let tail = TailSampling::new()
        .keep_span_type(SpanType::McpToolCall)
        .keep_span_named("refund")
        .keep_attribute_equals("tenant", "acme")
        .keep_attribute_at_least("usage.input_tokens", 1000.0)
        .policy(
            "gpt4_and_errors",
            TailPolicy::All {
                policies: vec![
                    TailPolicy::AttributeEquals {
                        key: "model".into(),
                        value: "gpt-4o".into(),
                    },
                    TailPolicy::Any {
                        policies: vec![
                            TailPolicy::Error,
                            TailPolicy::SpanName { name: "x".into() },
                        ],
                    },
                ],
            },
        );
    let (telemetry, exporter) = with(tail);
    let one = |name: &str, child: &dyn Fn(&Telemetry)| {
        let root = telemetry
            .trace(name.to_owned(), AgentRun::default())
            .start();
        let id = root.trace_id().unwrap();
        root.in_scope(|| child(&telemetry));
        root.end();
        id
    };
    let mcp = one("mcp", &|t| {
        t.span("call", telemetry_core::attrs::McpToolCall::default())
            .start()
            .end();
    });
    let refund = one("refund", &|_| {});
    let tenant = one("tenant", &|t| {
        let span = t.span("s", Generic::default()).start();
        span.set_metadata("tenant", "acme");
        span.end();
    });
    one("other-tenant", &|t| {
        let span = t.span("s", Generic::default()).start();
        span.set_metadata("tenant", "globex");
        span.end();
    });
    let tokens = one("tokens", &|t| {
        let llm = t
            .span("chat", LlmGeneration::new("claude", "anthropic"))
            .start();
        llm.record_usage(Usage::new(1500, 1));
        llm.end();
    });
    one("few-tokens", &|t| {
        let llm = t
            .span("chat", LlmGeneration::new("claude", "anthropic"))
            .start();
        llm.record_usage(Usage::new(10, 1));
        llm.end();
    });
    let gpt4_error = one("gpt4-error", &|t| {
        t.span("chat", LlmGeneration::new("gpt-4o", "openai"))
            .start()
            .end_with_error(SpanError::new("rate_limited", "429"));
    });
    one("gpt4-fine", &|t| {
        t.span("chat", LlmGeneration::new("gpt-4o", "openai"))
            .start()
            .end()
    });
    telemetry.flush().await.unwrap();

    assert_eq!(
        kept(&exporter),
        HashSet::from([mcp, refund, tenant, tokens, gpt4_error])
    );
    let reasons: Vec<_> = ["mcp", "refund", "tenant", "tokens", "gpt4-error"]
        .iter()
        .map(|n| reason_of(&exporter, n).unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "span_type",
            "span_name",
            "attribute",
            "attribute",
            "gpt4_and_errors"
        ]
    );
}

#[tokio::test]
async fn the_ratio_keeps_its_share_of_10_000_traces_and_others_are_kept_regardless() {
    let (telemetry, exporter) = with(TailSampling::new().keep_errors().keep_ratio(0.1));
    for i in 0..10_000 {
        let root = telemetry.trace("t", AgentRun::default()).start();
        if i % 100 == 0 {
            root.end_with_error(SpanError::new("e", "failed"));
        } else {
            root.end();
        }
    }
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    let errors = spans.iter().filter(|s| s.error.is_some()).count();
    let by_ratio = spans
        .iter()
        .filter(|s| s.metadata[TAIL_REASON_KEY] == "ratio")
        .count();
    assert_eq!(errors, 100, "every error kept");
    // 9 900 clean traces at 10 %: mean 990, standard deviation ≈ 30; ± 5 σ.
    assert!((840..=1140).contains(&by_ratio), "{by_ratio}");
    assert_eq!(
        telemetry.stats().tail.traces_kept as usize,
        errors + by_ratio
    );
}

#[tokio::test]
async fn head_ratio_first_then_an_independent_tail_ratio_on_what_is_left() {
    let (telemetry, exporter) = with_head(
        SamplingStrategy::ratio(0.5),
        TailSampling::new().keep_ratio(0.5),
    );
    for _ in 0..8_000 {
        telemetry.trace("t", AgentRun::default()).start().end();
    }
    telemetry.flush().await.unwrap();
    let stats = telemetry.stats().tail;
    let decided = stats.traces_kept + stats.traces_dropped;
    // Head: ≈ 4 000 (σ ≈ 45); tail: half of those, independently (σ ≈ 32).
    assert!((3_750..=4_250).contains(&decided), "{decided}");
    let kept = exporter.ended_spans().len();
    assert!((1_800..=2_200).contains(&kept), "{kept}");
}

#[tokio::test]
async fn the_rate_limit_caps_what_the_ratio_keeps_but_not_the_other_policies() {
    let (telemetry, exporter) = with(TailSampling::new().keep_errors().keep_all().rate_limit(5.0));
    let started = Instant::now();
    for i in 0..1_000 {
        let root = telemetry.trace("t", AgentRun::default()).start();
        if i % 10 == 0 {
            root.end_with_error(SpanError::new("e", "failed"));
        } else {
            root.end();
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    let by_ratio = spans
        .iter()
        .filter(|s| s.metadata[TAIL_REASON_KEY] == "ratio")
        .count();
    let ceiling = 5 + (elapsed * 5.0).ceil() as usize;
    assert!(
        (5..=ceiling).contains(&by_ratio),
        "{by_ratio} in {elapsed} s"
    );
    assert_eq!(spans.len() - by_ratio, 100, "errors are not rate limited");
}

#[tokio::test]
async fn remote_parents_go_through_the_policies_unless_force_kept() {
    let remote = |telemetry: &Telemetry| {
        let headers = HashMap::from([(
            "traceparent".to_owned(),
            format!("00-{}-00f067aa0ba902b7-01", TraceId::random()),
        )]);
        let span = telemetry
            .span("handle", Generic::default())
            .parent_context(extract(&headers))
            .start();
        assert!(
            span.is_recording(),
            "sampled=1 is a head decision to record"
        );
        span.end();
    };
    let (telemetry, exporter) = with(TailSampling::new().keep_errors());
    remote(&telemetry);
    telemetry.flush().await.unwrap();
    assert!(
        exporter.ended_spans().is_empty(),
        "a clean remote trace is dropped by default"
    );

    let (telemetry, exporter) = with(TailSampling::new().keep_errors().keep_remote_sampled(true));
    remote(&telemetry);
    telemetry.trace("local", AgentRun::default()).start().end();
    telemetry.flush().await.unwrap();
    assert_eq!(
        exporter.ended_spans().len(),
        1,
        "only the remote trace is force-kept"
    );
    assert_eq!(
        reason_of(&exporter, "handle").as_deref(),
        Some("remote_parent")
    );
}

#[tokio::test]
async fn memory_stays_bounded_with_100_000_never_ending_traces() {
    let tail = TailSampling::new().keep_errors();
    let (telemetry, exporter) = with(tail);
    let mut roots = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let root = telemetry.trace("never-ends", AgentRun::default()).start();
        root.in_scope(|| telemetry.span("child", Generic::default()).start().end());
        roots.push(root);
        let stats = telemetry.stats().tail;
        assert!(stats.traces_held <= 10_000 && stats.spans_held <= 100_000);
    }
    let stats = telemetry.stats().tail;
    assert_eq!(stats.traces_held, 10_000);
    assert_eq!(stats.spans_held, 10_000);
    assert_eq!(
        stats.decided_early, 90_000,
        "the oldest decided early, never silently lost"
    );
    assert_eq!(stats.traces_dropped, 90_000);
    assert_eq!(stats.spans_dropped, 90_000);
    drop(roots);
    telemetry.shutdown().await.unwrap();
    assert!(
        exporter.ended_spans().is_empty(),
        "keep_errors keeps none of them"
    );
}

#[tokio::test]
async fn spans_bound_decides_the_oldest_trace_early_on_what_it_has() {
    let tail = TailSampling::new().keep_all().max_spans(10).max_traces(100);
    let (telemetry, exporter) = with(tail);
    let first = telemetry.trace("first", AgentRun::default()).start();
    first.in_scope(|| {
        for _ in 0..8 {
            telemetry.span("a", Generic::default()).start().end();
        }
    });
    let second = telemetry.trace("second", AgentRun::default()).start();
    second.in_scope(|| {
        for _ in 0..4 {
            telemetry.span("b", Generic::default()).start().end();
        }
    });
    let stats = telemetry.stats().tail;
    assert_eq!(stats.decided_early, 1);
    assert_eq!(stats.spans_held, 4, "the second trace's spans remain");
    first.end();
    second.end();
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    assert_eq!(
        spans.len(),
        14,
        "early-kept spans, the late root, the second trace"
    );
    assert_eq!(telemetry.stats().tail.late_spans_delivered, 1);
}

#[tokio::test]
async fn a_root_that_never_ends_is_decided_after_the_wait_on_activity_or_sweep() {
    let tail = TailSampling::new()
        .keep_all()
        .decision_wait(Duration::from_millis(50));
    let (telemetry, exporter) = with(tail);
    let stuck = telemetry.trace("stuck", AgentRun::default()).start();
    stuck.in_scope(|| telemetry.span("work", Generic::default()).start().end());
    tokio::time::sleep(Duration::from_millis(80)).await;
    telemetry.expire_traces();
    assert_eq!(telemetry.stats().tail.decided_by_timeout, 1);

    let other = telemetry.trace("stuck-too", AgentRun::default()).start();
    other.in_scope(|| telemetry.span("work", Generic::default()).start().end());
    tokio::time::sleep(Duration::from_millis(80)).await;
    telemetry
        .trace("activity", AgentRun::default())
        .start()
        .end();
    assert_eq!(
        telemetry.stats().tail.decided_by_timeout,
        2,
        "checked as spans end"
    );
    telemetry.flush().await.unwrap();
    assert_eq!(exporter.ended_spans().len(), 3);
    assert_eq!(
        exporter.span("work").unwrap().metadata[TAIL_REASON_KEY],
        "ratio",
        "the reason goes on the first held span when the root is not held"
    );
    drop((stuck, other));
}

#[tokio::test]
async fn one_hundred_thousand_spans_kept_all_delivered_once_across_flush_and_shutdown() {
    let (telemetry, exporter) = with(TailSampling::new().keep_all());
    let mut open = Vec::new();
    for t in 0..1_000 {
        let root = telemetry.trace("t", AgentRun::default()).start();
        let half = root.in_scope(|| {
            let children: Vec<_> = (0..99)
                .map(|_| telemetry.span("c", Generic::default()).start())
                .collect();
            let mut children = children.into_iter();
            children.by_ref().take(50).for_each(Span::end);
            children.collect::<Vec<_>>()
        });
        if t % 2 == 0 {
            half.into_iter().for_each(Span::end);
            root.end();
        } else {
            open.push((root, half));
        }
    }
    telemetry.flush().await.unwrap();
    assert_eq!(
        telemetry.stats().tail.traces_held,
        0,
        "flush decides everything held"
    );
    for (root, rest) in open {
        rest.into_iter().for_each(Span::end);
        root.end();
    }
    telemetry.shutdown().await.unwrap();

    let spans = exporter.ended_spans();
    let ids: HashSet<_> = spans.iter().map(|s| s.span_id).collect();
    assert_eq!(spans.len(), 100_000);
    assert_eq!(ids.len(), 100_000, "none duplicated");
    assert_eq!(exporter.ended_traces().len(), 1_000);
    let stats = telemetry.stats();
    assert_eq!(stats.tail.traces_kept, 1_000);
    assert_eq!(stats.tail.decided_on_flush, 500);
    assert_eq!(stats.dropped(), 0);
}

#[tokio::test]
async fn started_events_trace_started_held_span_started_not_delivered() {
    let (telemetry, exporter) = with(TailSampling::new().keep_span_named("keep"));
    telemetry.trace("keep", AgentRun::default()).start().end();
    telemetry.trace("drop", AgentRun::default()).start().end();
    telemetry.flush().await.unwrap();
    let kinds: Vec<_> = exporter
        .events()
        .iter()
        .map(|e| match e {
            TelemetryEvent::TraceStarted { .. } => "trace_started",
            TelemetryEvent::SpanStarted { .. } => "span_started",
            TelemetryEvent::SpanEnded { .. } => "span_ended",
            TelemetryEvent::TraceEnded { .. } => "trace_ended",
        })
        .collect();
    assert_eq!(kinds, ["trace_started", "span_ended", "trace_ended"]);
}

#[tokio::test]
async fn every_exporter_gets_the_kept_trace_with_its_own_io_choice() {
    let full = InMemoryExporter::named("full").with_capabilities(big_queue());
    let no_io = InMemoryExporter::named("no-io").with_capabilities(ExporterCapabilities {
        include_io: false,
        events: EventKinds::SPAN_ENDED,
        ..big_queue()
    });
    let telemetry = Telemetry::builder("tail")
        .tail_sampling(TailSampling::new().keep_errors())
        .exporter(full.clone())
        .exporter(no_io.clone())
        .build()
        .unwrap();
    let root = telemetry
        .trace("r", AgentRun::default())
        .input("question")
        .start();
    root.end_with_error(SpanError::new("e", "failed"));
    telemetry.flush().await.unwrap();
    assert!(full.span("r").unwrap().input.is_some());
    let stripped = no_io.span("r").unwrap();
    assert!(stripped.input.is_none());
    assert_eq!(stripped.metadata[TAIL_REASON_KEY], "error");
}

#[tokio::test]
async fn tail_sampling_changes_at_run_time_and_held_traces_are_decided_on_the_change() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("tail")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    assert!(telemetry.tail_sampling().is_none());
    telemetry
        .set_tail_sampling(Some(TailSampling::new().keep_all()))
        .unwrap();
    let root = telemetry.trace("held", AgentRun::default()).start();
    root.in_scope(|| telemetry.span("child", Generic::default()).start().end());
    assert_eq!(telemetry.stats().tail.spans_held, 1);
    telemetry.set_tail_sampling(None).unwrap();
    assert_eq!(telemetry.stats().tail.decided_on_flush, 1);
    root.end();
    telemetry.flush().await.unwrap();
    assert_eq!(
        exporter.ended_spans().len(),
        2,
        "held child delivered, root sent directly"
    );
    assert!(
        telemetry
            .set_tail_sampling(Some(TailSampling::new().keep_ratio(2.0)))
            .is_err()
    );
    assert!(telemetry.tail_sampling().is_none());
}

#[test]
fn configuration_from_code_string_environment_and_serde_agree() {
    let code = TailSampling::new()
        .keep_errors()
        .keep_slower_than(Duration::from_millis(2500))
        .keep_span_type(SpanType::ToolCall)
        .keep_attribute_equals("tenant", "acme")
        .keep_ratio(0.01)
        .rate_limit(10.0)
        .decision_wait(Duration::from_secs(5))
        .max_traces(500);
    let env = HashMap::from([
        (
            "TELEMETRY_TAIL_SAMPLING",
            "errors, slower_than=2500ms, span_type=tool_call, attribute=tenant:acme, ratio=0.01, rate_limit=10",
        ),
        ("TELEMETRY_TAIL_DECISION_WAIT", "5s"),
        ("TELEMETRY_TAIL_MAX_TRACES", "500"),
    ]);
    let from_env = TailSampling::from_vars(|k| env.get(k).map(|v| (*v).to_owned()))
        .unwrap()
        .unwrap();
    assert_eq!(from_env, code);
    let json = serde_json::to_string(&code).unwrap();
    assert_eq!(serde_json::from_str::<TailSampling>(&json).unwrap(), code);
    let nested: TailSampling = serde_json::from_str(
        r#"{"policies":[{"name":"big","type":"all","policies":[{"type":"error"},{"type":"cost","min":1.0}]}]}"#,
    )
    .unwrap();
    assert_eq!(nested.policies()[0].name, "big");
    assert!(TailSampling::from_vars(|_| None).unwrap().is_none());
    assert!("errors,bogus=1".parse::<TailSampling>().is_err());
    assert!("ratio=1.5".parse::<TailSampling>().is_err());
    let bad_wait = HashMap::from([
        ("TELEMETRY_TAIL_SAMPLING", "errors"),
        ("TELEMETRY_TAIL_DECISION_WAIT", "soon"),
    ]);
    assert!(TailSampling::from_vars(|k| bad_wait.get(k).map(|v| (*v).to_owned())).is_err());
    let invalid = Telemetry::builder("x")
        .tail_sampling(TailSampling::new().rate_limit(-1.0))
        .build();
    assert!(invalid.is_err());
}

#[tokio::test]
async fn errors_and_the_slowest_one_percent() {
    let (telemetry, exporter) = with(TailSampling::new().keep_errors().keep_slowest(0.01));
    // Durations 1..=3 000 ms in a scrambled order (a multiplicative permutation mod 3 001).
    for i in 1..=3_000u64 {
        let ms = i * 1_234 % 3_001;
        let now = telemetry_core::Timestamp::now().as_unix_nanos();
        let start = telemetry_core::Timestamp::from_unix_nanos(now - ms * 1_000_000);
        let root = telemetry
            .trace(format!("t{ms}"), AgentRun::default())
            .start_time(start)
            .start();
        if i % 500 == 0 {
            root.end_with_error(SpanError::new("e", "failed"));
        } else {
            root.end();
        }
    }
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    let errors = spans
        .iter()
        .filter(|s| s.metadata[TAIL_REASON_KEY] == "error")
        .count();
    let slowest: Vec<_> = spans
        .iter()
        .filter(|s| s.metadata[TAIL_REASON_KEY] == "slowest")
        .map(|s| s.duration().unwrap().as_millis())
        .collect();
    assert_eq!(errors, 6);
    // 1 % of the 2 900 traces after the warm-up is 29; the estimate is rough early on.
    assert!((18..=45).contains(&slowest.len()), "{}", slowest.len());
    assert!(slowest.iter().all(|&ms| ms >= 2_800), "{slowest:?}");
}
