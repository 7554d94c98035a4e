//! The load generator's spans: agent runs as an instrumented agent sends them over OTLP — a
//! root `invoke_agent` span and nine children (chat, tool and embedding calls) with `gen_ai.*`
//! operation, provider, model and token attributes, and small input and output messages.
//!
//! The spans form one numbered stream (span `g` is position `g % 10` of trace `g / 10`), cut
//! into requests of `batch` spans, so a request is any slice of it and the spans of one trace
//! may arrive in two requests, as they do from a batching exporter. Ids are derived from the
//! run's seed and the span's number, so the ids a request carried are known without keeping
//! them ([`LoadSpans::span_ids`]).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, status};
use prost::Message;

/// Spans per agent run: the root and nine children.
pub const SPANS_PER_TRACE: u64 = 10;

/// 2026-01-01T00:00:00Z in Unix nanoseconds: the first trace's start.
const EPOCH_NS: u64 = 1_767_225_600_000_000_000;

/// The spans of one run of the generator.
#[derive(Debug, Clone, Copy)]
pub struct LoadSpans {
    /// Distinguishes the ids of this run from any other run's.
    pub seed: u64,
    /// Spans per request.
    pub batch: usize,
}

impl LoadSpans {
    /// Request `r` of the run, encoded as OTLP protobuf.
    pub fn encode_request(&self, r: usize) -> Vec<u8> {
        let spans = self.numbers(r).map(|g| self.span(g)).collect();
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![
                        kv("service.name", s("support-agent")),
                        kv("deployment.environment.name", s("bench")),
                    ],
                    ..Resource::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..ScopeSpans::default()
                }],
                ..ResourceSpans::default()
            }],
        }
        .encode_to_vec()
    }

    /// The (trace id, span id) pairs of request `r`, as lowercase hex.
    pub fn span_ids(&self, r: usize) -> impl Iterator<Item = (String, String)> + '_ {
        self.numbers(r)
            .map(|g| (hex(&self.trace_id(g / SPANS_PER_TRACE)), hex(&span_id(g))))
    }

    fn numbers(&self, r: usize) -> std::ops::Range<u64> {
        let first = (r * self.batch) as u64;
        first..first + self.batch as u64
    }

    fn trace_id(&self, trace: u64) -> [u8; 16] {
        (((self.seed as u128) << 64) | (trace as u128 + 1)).to_be_bytes()
    }

    /// Span `g` of the stream.
    fn span(&self, g: u64) -> Span {
        let trace = g / SPANS_PER_TRACE;
        let position = g % SPANS_PER_TRACE;
        let base = EPOCH_NS + trace * 1_000_000_000;
        let root = trace * SPANS_PER_TRACE;
        let mut span = Span {
            trace_id: self.trace_id(trace).to_vec(),
            span_id: span_id(g).to_vec(),
            ..Span::default()
        };
        if position == 0 {
            span.name = "invoke_agent support".to_owned();
            span.kind = 1;
            span.start_time_unix_nano = base;
            span.end_time_unix_nano = base + 900_000_000;
            span.attributes = vec![
                kv("gen_ai.operation.name", s("invoke_agent")),
                kv("gen_ai.agent.name", s("support")),
                kv("session.id", s(&format!("session-{}", trace % 1000))),
            ];
            return span;
        }
        let start = base + position * 80_000_000;
        span.parent_span_id = span_id(root).to_vec();
        span.kind = 3;
        span.start_time_unix_nano = start;
        span.end_time_unix_nano = start + 30_000_000 + (g % 7) * 5_000_000;
        let (name, attributes) = child(position, g);
        span.name = name.to_owned();
        span.attributes = attributes;
        if g.is_multiple_of(97) {
            span.status = Some(Status {
                code: status::StatusCode::Error as i32,
                message: "upstream timeout".to_owned(),
            });
        }
        span
    }
}

/// A child at `position` (1–9) of its trace: chat, tool and embedding calls in turn.
fn child(position: u64, g: u64) -> (&'static str, Vec<KeyValue>) {
    match position % 3 {
        1 => (
            "chat gpt-4o-mini",
            vec![
                kv("gen_ai.operation.name", s("chat")),
                kv("gen_ai.provider.name", s("openai")),
                kv("gen_ai.request.model", s("gpt-4o-mini")),
                kv("gen_ai.usage.input_tokens", int(600 + (g % 400) as i64)),
                kv("gen_ai.usage.output_tokens", int(40 + (g % 60) as i64)),
                kv("gen_ai.response.finish_reasons", s("stop")),
                kv(
                    "gen_ai.input.messages",
                    s(
                        r#"[{"role":"user","parts":[{"type":"text","content":"Where is my order?"}]}]"#,
                    ),
                ),
                kv(
                    "gen_ai.output.messages",
                    s(
                        r#"[{"role":"assistant","parts":[{"type":"text","content":"Let me check."}]}]"#,
                    ),
                ),
            ],
        ),
        2 => (
            "embeddings text-embedding-3-small",
            vec![
                kv("gen_ai.operation.name", s("embeddings")),
                kv("gen_ai.provider.name", s("openai")),
                kv("gen_ai.request.model", s("text-embedding-3-small")),
                kv("gen_ai.usage.input_tokens", int(12 + (g % 20) as i64)),
            ],
        ),
        _ => (
            "execute_tool lookup_order",
            vec![
                kv("gen_ai.operation.name", s("execute_tool")),
                kv("gen_ai.tool.name", s("lookup_order")),
                kv("gen_ai.tool.call.arguments", s(r#"{"order":"A-1042"}"#)),
                kv("gen_ai.tool.call.result", s(r#"{"status":"shipped"}"#)),
            ],
        ),
    }
}

fn span_id(g: u64) -> [u8; 8] {
    (g + 1).to_be_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    }
}

fn s(value: &str) -> any_value::Value {
    any_value::Value::StringValue(value.to_owned())
}

fn int(value: i64) -> any_value::Value {
    any_value::Value::IntValue(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_ids_lists_the_ids_each_request_carries() {
        let load = LoadSpans { seed: 7, batch: 16 };
        let body = load.encode_request(1);
        let request = ExportTraceServiceRequest::decode(body.as_slice()).unwrap();
        let spans = &request.resource_spans[0].scope_spans[0].spans;
        let ids: Vec<_> = load.span_ids(1).collect();
        assert_eq!(spans.len(), 16);
        assert_eq!(ids.len(), 16);
        for (span, (trace, id)) in spans.iter().zip(&ids) {
            assert_eq!(&hex(&span.trace_id), trace);
            assert_eq!(&hex(&span.span_id), id);
        }
        // Spans 16–19 end the trace rooted at span 10 (sent in request 0); span 20 is the
        // next root, and 21 its child.
        assert_eq!(spans[0].parent_span_id, span_id(10).to_vec());
        assert!(spans[4].parent_span_id.is_empty());
        assert_eq!(spans[5].parent_span_id, spans[4].span_id);
        assert_eq!(spans[5].trace_id, spans[4].trace_id);
    }

    #[test]
    fn runs_with_other_seeds_do_not_share_ids() {
        let a: Vec<_> = LoadSpans { seed: 1, batch: 4 }.span_ids(0).collect();
        let b: Vec<_> = LoadSpans { seed: 2, batch: 4 }.span_ids(0).collect();
        assert!(a.iter().all(|id| !b.contains(id)));
    }

    #[test]
    fn a_span_is_a_few_hundred_bytes_of_protobuf() {
        let load = LoadSpans {
            seed: 1,
            batch: 512,
        };
        let per_span = load.encode_request(0).len() / 512;
        assert!((150..400).contains(&per_span), "{per_span} bytes per span");
    }
}
