//! `set_context_resolver`: a bridge's resolver is asked for the current context (its own
//! process: the resolver is process-wide).

use std::collections::HashMap;
use std::sync::OnceLock;

use telemetry_core::attrs::Generic;
use telemetry_core::{Context, FutureExt, Telemetry, propagation};

/// The context a bridge would know about (e.g. an active OpenTelemetry span).
static OUTSIDE: OnceLock<Context> = OnceLock::new();

fn resolver(task_local: Option<&Context>) -> Option<Context> {
    match task_local {
        Some(cx) if cx.span_ids().is_some() => None,
        _ => OUTSIDE.get().cloned(),
    }
}

#[tokio::test]
async fn the_resolver_supplies_the_parent_only_where_it_says_so() {
    let headers = HashMap::from([(
        "traceparent".to_owned(),
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_owned(),
    )]);
    assert!(OUTSIDE.set(propagation::extract(&headers)).is_ok());
    assert!(telemetry_core::set_context_resolver(resolver));
    assert!(
        !telemetry_core::set_context_resolver(resolver),
        "installed once"
    );

    let telemetry = Telemetry::builder("test").build().expect("build");
    let outside = telemetry.span("outside", Generic::default()).start();
    let (trace_id, _, _) = Context::current().span_ids().expect("from the resolver");
    assert_eq!(outside.trace_id(), Some(trace_id));
    assert_eq!(trace_id.to_string(), "0af7651916cd43dd8448eb211c80319c");

    let root = telemetry.span("root", Generic::default()).root().start();
    async {
        // A task-local span is current: the resolver keeps it.
        assert_eq!(
            Context::current().span_ids().map(|(_, s, _)| s),
            root.span_id()
        );
        let child = telemetry.span("child", Generic::default()).start();
        assert_eq!(child.trace_id(), root.trace_id());
    }
    .in_span(&root)
    .await;
}
