//! The registry: named instances, default, selector, no shared state between tests.

use telemetry_core::propagation::Baggage;
use telemetry_core::{Context, Registry, Telemetry, attrs::Generic, resolve_telemetry};

fn instance(name: &str) -> Telemetry {
    Telemetry::builder(name).build().unwrap()
}

#[test]
fn named_instances_default_and_unregister() {
    let registry = Registry::new();
    assert!(registry.resolve(None).is_none());
    registry.register(instance("a"));
    registry.register(instance("b"));
    assert_eq!(
        registry.resolve(None).unwrap().name(),
        "a",
        "first registered is the default"
    );
    assert!(registry.set_default("b"));
    assert!(!registry.set_default("missing"));
    assert_eq!(registry.resolve(Some("a")).unwrap().name(), "a");
    assert_eq!(registry.resolve(Some("missing")).unwrap().name(), "b");
    assert_eq!(registry.names(), ["a", "b"]);
    registry.unregister("b");
    assert!(registry.resolve(None).is_none());
    assert_eq!(registry.get("a").unwrap().name(), "a");
}

#[test]
fn selector_picks_per_call_from_the_context() {
    let registry = Registry::new();
    registry.register(instance("default"));
    registry.register(instance("tenant-acme"));
    registry.set_selector(|cx| cx.baggage()?.get("tenant").map(|t| format!("tenant-{t}")));
    assert_eq!(registry.resolve(None).unwrap().name(), "default");
    let cx = Context::new().with_baggage(Baggage::new().with("tenant", "acme"));
    assert_eq!(
        cx.clone()
            .in_scope(|| registry.resolve(None))
            .unwrap()
            .name(),
        "tenant-acme"
    );
    let cx = Context::new().with_baggage(Baggage::new().with("tenant", "unknown"));
    assert_eq!(
        cx.in_scope(|| registry.resolve(None)).unwrap().name(),
        "default"
    );
}

#[test]
fn resolve_prefers_the_current_context() {
    let mine = Telemetry::builder("svc")
        .name("registry-test-ctx")
        .build()
        .unwrap();
    Registry::global().register(mine.clone());
    let other = instance("registry-test-other");
    let span = other.span("s", Generic::default()).start();
    let inside = span.in_scope(|| resolve_telemetry(Some("registry-test-ctx")));
    assert_eq!(inside.unwrap().name(), "registry-test-other");
    assert_eq!(
        resolve_telemetry(Some("registry-test-ctx")).unwrap().name(),
        "registry-test-ctx"
    );
    Registry::global().unregister("registry-test-ctx");
}
