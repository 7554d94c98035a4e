//! Rewriting a recorded OTLP request so it can be replayed: fresh ids (consistently, including
//! the ids our attributes carry as hex text, such as an eval's evaluated trace) and moved
//! timestamps. The server's demo replays a committed recording this way.

use std::collections::HashMap;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value as Av};
use opentelemetry_proto::tonic::trace::v1::Span;

/// Every span of `request`, in order.
fn spans_mut(request: &mut ExportTraceServiceRequest) -> impl Iterator<Item = &mut Span> {
    request
        .resource_spans
        .iter_mut()
        .flat_map(|r| r.scope_spans.iter_mut())
        .flat_map(|s| s.spans.iter_mut())
}

/// Gives every trace and span id of `request` a new value: the n-th distinct trace id (in
/// order of appearance) becomes `new_trace(n)`, the n-th distinct span id `new_span(n)`.
/// Parent ids, links and attribute values that spell an id in hex follow.
///
/// ```
/// use telemetry_otlp::rewrite;
/// # let mut request = telemetry_otlp::export_request(&[]);
/// rewrite::remap_ids(&mut request, |n| [n as u8 + 1; 16], |n| [n as u8 + 1; 8]);
/// ```
pub fn remap_ids(
    request: &mut ExportTraceServiceRequest,
    mut new_trace: impl FnMut(usize) -> [u8; 16],
    mut new_span: impl FnMut(usize) -> [u8; 8],
) {
    let mut traces = IdMap::default();
    let mut spans = IdMap::default();
    for span in spans_mut(request) {
        traces.map(&mut span.trace_id, &mut new_trace);
        spans.map(&mut span.span_id, &mut new_span);
        spans.map(&mut span.parent_span_id, &mut new_span);
        for link in &mut span.links {
            traces.map(&mut link.trace_id, &mut new_trace);
            spans.map(&mut link.span_id, &mut new_span);
        }
    }
    // Second pass: an attribute may name a span that appears later in the request.
    let hex: HashMap<String, String> = traces.hex().chain(spans.hex()).collect();
    for span in spans_mut(request) {
        let events = span.events.iter_mut().flat_map(|e| e.attributes.iter_mut());
        for kv in span.attributes.iter_mut().chain(events) {
            rewrite_hex(kv, &hex);
        }
    }
}

/// Applies `shift` to every timestamp of `request` (span start and end, events).
pub fn retime(request: &mut ExportTraceServiceRequest, shift: impl Fn(u64) -> u64) {
    for span in spans_mut(request) {
        span.start_time_unix_nano = shift(span.start_time_unix_nano);
        span.end_time_unix_nano = shift(span.end_time_unix_nano);
        for event in &mut span.events {
            event.time_unix_nano = shift(event.time_unix_nano);
        }
    }
}

/// Every timestamp of `request`, in the order [`retime`] visits them.
pub fn timestamps(request: &ExportTraceServiceRequest) -> Vec<u64> {
    let spans = request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans);
    spans
        .flat_map(|span| {
            let events = span.events.iter().map(|e| e.time_unix_nano);
            [span.start_time_unix_nano, span.end_time_unix_nano]
                .into_iter()
                .chain(events)
        })
        .collect()
}

/// Old id bytes → new id bytes, in order of first appearance.
#[derive(Default)]
struct IdMap {
    ids: HashMap<Vec<u8>, Vec<u8>>,
}

impl IdMap {
    fn map<const N: usize>(&mut self, id: &mut Vec<u8>, fresh: &mut impl FnMut(usize) -> [u8; N]) {
        if id.is_empty() {
            return;
        }
        let next = self.ids.len();
        let new = self
            .ids
            .entry(id.clone())
            .or_insert_with(|| fresh(next).to_vec());
        id.clone_from(new);
    }

    fn hex(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.ids.iter().map(|(old, new)| (hex(old), hex(new)))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn rewrite_hex(kv: &mut KeyValue, hex: &HashMap<String, String>) {
    if let Some(value) = &mut kv.value {
        rewrite_value(value, hex);
    }
}

fn rewrite_value(value: &mut AnyValue, hex: &HashMap<String, String>) {
    match &mut value.value {
        Some(Av::StringValue(s)) => {
            if let Some(new) = hex.get(s.as_str()) {
                s.clone_from(new);
            }
        }
        Some(Av::ArrayValue(array)) => {
            for item in &mut array.values {
                rewrite_value(item, hex);
            }
        }
        Some(Av::KvlistValue(list)) => {
            for kv in &mut list.values {
                rewrite_hex(kv, hex);
            }
        }
        _ => {}
    }
}
