//! W3C Trace Context and Baggage, with the spec's examples.

use std::collections::HashMap;

use telemetry_core::propagation::{Baggage, extract, inject, parse_traceparent};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{Context, SpanId, Telemetry, TraceId, attrs::Generic};

#[test]
fn valid_traceparent_examples_of_the_spec() {
    let (trace, span, sampled) =
        parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
    assert_eq!(trace.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(span.to_string(), "00f067aa0ba902b7");
    assert!(sampled);
    let (_, _, sampled) =
        parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").unwrap();
    assert!(!sampled);
    // A future version with more fields is read by its version-00 prefix.
    assert!(
        parse_traceparent(
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like"
        )
        .is_ok()
    );
}

#[test]
fn invalid_traceparent_examples_of_the_spec() {
    for bad in [
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what",
        "",
    ] {
        assert!(parse_traceparent(bad).is_err(), "{bad:?} must be rejected");
    }
}

#[tokio::test]
async fn extracted_remote_parent_continues_the_trace() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("svc-b")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            .parse()
            .unwrap(),
    );
    headers.insert(
        "tracestate",
        "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7".parse().unwrap(),
    );
    headers.insert(
        "baggage",
        "tenant=acme,userId=alice%20b;prop=1".parse().unwrap(),
    );
    let cx = extract(&headers);
    let span = telemetry
        .span("handle", Generic::default())
        .parent_context(cx)
        .start();
    assert_eq!(span.baggage().unwrap().get("tenant"), Some("acme"));
    assert_eq!(span.baggage().unwrap().get("userId"), Some("alice b"));

    let mut outgoing = HashMap::new();
    inject(&span.context(), &mut outgoing);
    let span_id = span.span_id().unwrap();
    assert_eq!(
        outgoing["traceparent"],
        format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{span_id}-01")
    );
    assert_eq!(
        outgoing["tracestate"],
        "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"
    );
    assert_eq!(
        Baggage::parse(&outgoing["baggage"]).get("userId"),
        Some("alice b")
    );
    span.end();

    telemetry.flush().await.unwrap();
    let record = exporter.span("handle").unwrap();
    assert_eq!(
        record.trace_id,
        TraceId::parse("4bf92f3577b34da6a3ce929d0e0e4736").unwrap()
    );
    assert_eq!(
        record.parent_span_id,
        Some(SpanId::parse("00f067aa0ba902b7").unwrap())
    );
}

#[tokio::test]
async fn unsampled_remote_parent_is_respected_and_invalid_header_starts_a_new_trace() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("svc")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let mut headers = HashMap::new();
    headers.insert(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00".to_owned(),
    );
    let span = telemetry
        .span("unsampled", Generic::default())
        .parent_context(extract(&headers))
        .start();
    assert!(!span.is_recording());
    // Its id still propagates, with the sampled flag off.
    let mut out = HashMap::new();
    inject(&span.context(), &mut out);
    assert!(
        out["traceparent"].starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-")
            && out["traceparent"].ends_with("-00")
    );
    drop(span);

    headers.insert("traceparent".to_owned(), "garbage".to_owned());
    let span = telemetry
        .span("fresh", Generic::default())
        .parent_context(extract(&headers))
        .start();
    assert!(span.is_recording());
    span.end();
    telemetry.flush().await.unwrap();
    assert_eq!(exporter.ended_spans().len(), 1);
    assert_eq!(exporter.span("fresh").unwrap().parent_span_id, None);
    assert!(Context::current().baggage().is_none());
}

#[test]
fn baggage_round_trips_with_encoding() {
    let baggage = Baggage::new().with("k1", "v 1,=;").with("k2", "plain");
    let header = baggage.to_header();
    assert_eq!(Baggage::parse(&header), baggage);
    assert!(
        Baggage::parse(&"k=v,".repeat(5000)).is_empty(),
        "oversized header ignored"
    );
}
