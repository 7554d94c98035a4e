//! Which telemetry records an instrumented call: the context's, else `telemetry = "name"` in
//! the global registry, else the registry's default. Instance names are unique to this file,
//! and no test relies on which instance is the global default except the one that sets it.

#![cfg(feature = "macros")]

use std::time::Duration;

use telemetry_core::attrs::Generic;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{Registry, Telemetry, with_span};

fn register(name: &str) -> InMemoryExporter {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("macros-registry")
        .name(name)
        .exporter(spans.clone())
        .build()
        .unwrap();
    Registry::global().register(telemetry);
    spans
}

fn flush(name: &str) {
    Registry::global()
        .get(name)
        .unwrap()
        .flush_blocking(Duration::from_secs(5))
        .unwrap();
}

#[with_span(telemetry = "macros-registry-named")]
fn named_call(x: u32) -> u32 {
    x
}

#[with_span(telemetry = "macros-registry-shadowed")]
fn shadowed_call(x: u32) -> u32 {
    x
}

#[with_span(telemetry = "macros-registry-missing")]
fn missing_name_call() -> u32 {
    7
}

#[test]
fn named_instance_is_used_without_context() {
    let spans = register("macros-registry-named");
    assert_eq!(named_call(3), 3);
    flush("macros-registry-named");
    let span = spans
        .span("named_call")
        .expect("recorded by the named instance");
    assert!(span.parent_span_id.is_none(), "a root without context");
}

#[test]
fn context_wins_over_the_named_instance() {
    let named = register("macros-registry-shadowed");
    let ctx_spans = InMemoryExporter::new();
    let ctx = Telemetry::builder("macros-registry-ctx")
        .exporter(ctx_spans.clone())
        .build()
        .unwrap();
    let root = ctx.trace("root", Generic::default()).start();
    let root_id = root.span_id();
    root.in_scope(|| shadowed_call(1));
    root.end();
    ctx.flush_blocking(Duration::from_secs(5)).unwrap();
    let span = ctx_spans
        .span("shadowed_call")
        .expect("recorded by the context's instance");
    assert_eq!(span.parent_span_id, root_id);
    flush("macros-registry-shadowed");
    assert!(named.span("shadowed_call").is_none());
}

#[test]
fn default_instance_is_the_fallback() {
    let spans = register("macros-registry-default");
    assert!(Registry::global().set_default("macros-registry-default"));
    assert_eq!(missing_name_call(), 7);
    flush("macros-registry-default");
    assert!(spans.span("missing_name_call").is_some());
}
