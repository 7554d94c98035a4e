//! OTLP mapping + protobuf encoding of a batch of LLM-generation spans: the direct encoder
//! (`encode_export_request_into`, one reused buffer) against the reference in the same run,
//! `export_request` (opentelemetry-proto structs) + `prost::Message::encode_to_vec`.
//!
//! `cargo bench -p telemetry-otlp --bench encode`

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prost::Message;
use telemetry_types::attrs::{LlmGeneration, Usage};
use telemetry_types::{SpanId, SpanRecord, SpanStatus, Timestamp, TraceId};

/// What the core hands the HTTP exporter in its bench: children of one agent run with model,
/// provider and input/output tokens, status OK.
fn llm_spans(count: u64) -> Vec<Arc<SpanRecord>> {
    let trace_id = TraceId::random();
    let root = SpanId::random();
    (0..count)
        .map(|i| {
            let mut llm = LlmGeneration::new("gpt-4o", "openai");
            llm.usage = Some(Usage::new(1_000 + i, 80));
            let start = 1_764_541_865_000_000_000 + i * 1_000;
            Arc::new(SpanRecord {
                trace_id,
                span_id: SpanId::random(),
                parent_span_id: Some(root),
                name: "chat gpt-4o".into(),
                service_name: Arc::from("bench"),
                attributes: llm.into(),
                input: None,
                output: None,
                metadata: Default::default(),
                start_time: Timestamp::from_unix_nanos(start),
                end_time: Some(Timestamp::from_unix_nanos(start + 700)),
                status: SpanStatus::Ok,
                error: None,
                errored_descendants: Vec::new(),
                events: Vec::new(),
                ended_by_drop: false,
                trace: Default::default(),
            })
        })
        .collect()
}

fn encode(c: &mut Criterion) {
    for count in [2_048u64, 10_000] {
        let spans = llm_spans(count);
        let mut group = c.benchmark_group(format!("otlp_encode_{count}"));
        group.throughput(Throughput::Elements(count));
        group.bench_function("reference_export_request_prost", |b| {
            b.iter(|| black_box(telemetry_otlp::export_request(&spans).encode_to_vec()))
        });
        let mut buffer = Vec::new();
        group.bench_function("encode_export_request_into", |b| {
            b.iter(|| {
                buffer.clear();
                telemetry_otlp::encode_export_request_into(&spans, &mut buffer);
                black_box(buffer.len())
            })
        });
        group.bench_function("encode_export_request", |b| {
            b.iter(|| black_box(telemetry_otlp::encode_export_request(&spans)))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = encode
}
criterion_main!(benches);
