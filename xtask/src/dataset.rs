//! Realistic agent traces, generated: the data set of the schema check and of the benchmarks.
//!
//! Modelled on the generator in `telemetry-store/benches/store.rs` (not reachable as a
//! library): an agent run with LLM generations (usage with cache tokens), tool calls (one
//! failing), a RAG query with its embedding, span events, trace attributes, and an eval trace
//! scoring the run.

use std::sync::Arc;

use serde_json::json;
use telemetry_types::attrs::{
    AgentRun, EmbeddingGeneration, EvalExecution, LlmGeneration, RagQuery, ToolCall, Usage,
};
use telemetry_types::{
    SpanAttributes, SpanError, SpanEvent, SpanId, SpanRecord, SpanStatus, TelemetryEvent,
    Timestamp, TraceAttributes, TraceId,
};

const MODELS: [(&str, &str); 4] = [
    ("gpt-4o", "openai"),
    ("gpt-4o-mini", "openai"),
    ("claude-sonnet-4-20250514", "anthropic"),
    ("gemini-2.5-flash", "google"),
];

/// A seeded generator of agent traces.
#[derive(Debug)]
pub struct Generator {
    rng: fastrand::Rng,
    clock_ms: u64,
    trace: Arc<TraceAttributes>,
}

/// Span ids from the generator's rng, so a seed gives the same data set.
fn span_id(rng: &mut fastrand::Rng) -> SpanId {
    let mut bytes = rng.u64(1..).to_be_bytes();
    bytes[0] |= 1;
    SpanId::from_bytes(bytes).unwrap_or_else(SpanId::random)
}

fn trace_id(rng: &mut fastrand::Rng) -> TraceId {
    let hex = format!("{:016x}{:016x}", rng.u64(1..), rng.u64(1..));
    TraceId::parse(&hex).unwrap_or_else(|_| TraceId::random())
}

impl Generator {
    /// A generator; the same seed gives the same traces.
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: fastrand::Rng::with_seed(seed),
            clock_ms: 1_767_225_600_000,
            trace: Arc::new(TraceAttributes {
                user_id: Some("u-7".into()),
                session_id: Some("s-42".into()),
                environment: Some("production".into()),
                tags: vec!["beta".into()],
                ..Default::default()
            }),
        }
    }

    fn span(
        &mut self,
        ids: (TraceId, Option<SpanId>),
        name: &str,
        attrs: SpanAttributes,
    ) -> SpanRecord {
        let start = self.clock_ms;
        let duration = self.rng.u64(5..2000);
        self.clock_ms += self.rng.u64(1..30);
        SpanRecord {
            trace_id: ids.0,
            span_id: span_id(&mut self.rng),
            parent_span_id: ids.1,
            name: name.to_owned().into(),
            service_name: "support-bot".into(),
            attributes: attrs,
            input: Some(json!({"prompt": "What is the refund policy for order 1234?"})),
            output: Some(json!({"text": "Refunds are accepted within 30 days."})),
            metadata: Default::default(),
            start_time: Timestamp::from_unix_nanos(start * 1_000_000),
            end_time: Some(Timestamp::from_unix_nanos((start + duration) * 1_000_000)),
            status: SpanStatus::Ok,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: self.trace.clone(),
        }
    }

    fn llm(&mut self) -> SpanAttributes {
        let (model, provider) = MODELS[self.rng.usize(..MODELS.len())];
        let mut attrs = LlmGeneration::new(model, provider);
        let input = self.rng.u64(200..8000);
        let mut usage = Usage::new(input, self.rng.u64(20..1200));
        usage.cache_read_tokens = Some(input / 3);
        attrs.usage = Some(usage);
        attrs.into()
    }

    /// One agent trace (about 8 spans), as `span_ended` events; with `eval`, plus an eval
    /// trace scoring it (which the store turns into a score).
    pub fn trace(&mut self, eval: bool, out: &mut Vec<TelemetryEvent>) {
        let trace = trace_id(&mut self.rng);
        let mut root = self.span(
            (trace, None),
            "support-agent",
            AgentRun::named("support").into(),
        );
        let parent = Some(root.span_id);
        let mut spans = Vec::new();
        for step in 0..self.rng.usize(2..4) {
            let attrs = self.llm();
            let mut llm = self.span((trace, parent), "chat", attrs);
            llm.events.push(SpanEvent {
                name: "first_token".into(),
                time: llm.start_time,
                attributes: Default::default(),
            });
            spans.push(llm);
            let mut tool = self.span(
                (trace, parent),
                "lookup_order",
                ToolCall::named("lookup_order").into(),
            );
            if step == 1 {
                tool.status = SpanStatus::Error;
                tool.error = Some(SpanError::new("timeout", "order service timed out"));
            }
            spans.push(tool);
        }
        let rag = self.span((trace, parent), "retrieve", RagQuery::default().into());
        let embed = EmbeddingGeneration::new("text-embedding-3-small", "openai");
        spans.push(self.span((trace, Some(rag.span_id)), "embed", embed.into()));
        spans.push(rag);
        root.end_time = spans.iter().filter_map(|s| s.end_time).max();
        spans.push(root);
        if eval {
            let mut judge = EvalExecution::new("llm_judge", "faithfulness");
            judge.score = Some(self.rng.f64());
            judge.evaluated_trace_id = Some(trace);
            let eval_trace = trace_id(&mut self.rng);
            spans.push(self.span((eval_trace, None), "eval", judge.into()));
        }
        out.extend(spans.into_iter().map(|span| TelemetryEvent::SpanEnded {
            span: Arc::new(span),
        }));
    }

    /// At least `spans` span events (whole traces).
    pub fn events(&mut self, spans: usize, eval: bool) -> Vec<TelemetryEvent> {
        let mut out = Vec::with_capacity(spans + 16);
        while out.len() < spans {
            self.trace(eval, &mut out);
        }
        out
    }
}
