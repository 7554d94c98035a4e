//! Processors: redaction on by default, exclude-fields, truncation, include-I/O, custom
//! processors that modify, drop or panic.

use serde_json::json;
use telemetry_core::processors::{REDACTED, SpanProcessor, Verdict};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{SpanError, SpanRecord, Telemetry, TelemetryBuilder, attrs::*};

async fn one_span(
    builder: TelemetryBuilder,
    f: impl FnOnce(&Telemetry),
) -> Option<std::sync::Arc<SpanRecord>> {
    let exporter = InMemoryExporter::new();
    let telemetry = builder.exporter(exporter.clone()).build().unwrap();
    f(&telemetry);
    telemetry.flush().await.unwrap();
    exporter.ended_spans().first().cloned()
}

#[tokio::test]
async fn sensitive_data_is_redacted_by_default_everywhere() {
    let span = one_span(Telemetry::builder("redact"), |t| {
        let s = t
            .span("call", Generic { fields: json!({"api_key": "k", "model": "m"}).as_object().unwrap().clone() })
            .input(&json!({"messages": ["hi"], "Authorization": "Bearer x", "nested": {"client-secret": "s"}}))
            .metadata("refresh_token", "r")
            .metadata("body", &"{\"password\":\"p\",\"ok\":1}")
            .start();
        s.record_error(SpanError::new("Http", "{\"jwt\":\"abc\"}").retryable(true));
        s.end_with_output(&json!({"SSN": "123", "max_tokens": 64}));
    })
    .await
    .unwrap();
    let input = span.input.as_ref().unwrap();
    assert_eq!(input["Authorization"], REDACTED);
    assert_eq!(input["nested"]["client-secret"], REDACTED);
    assert_eq!(input["messages"][0], "hi");
    assert_eq!(span.output.as_ref().unwrap()["SSN"], REDACTED);
    assert_eq!(span.output.as_ref().unwrap()["max_tokens"], 64);
    assert_eq!(span.metadata["refresh_token"], REDACTED);
    // Compared as JSON: key order depends on serde_json's `preserve_order` feature, which
    // other crates of the workspace switch on.
    let body: serde_json::Value =
        serde_json::from_str(span.metadata["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({"ok": 1, "password": REDACTED}));
    let SpanAttributes::Generic(generic) = &span.attributes else {
        panic!()
    };
    assert_eq!(generic.fields["api_key"], REDACTED);
    assert_eq!(generic.fields["model"], "m");
    assert_eq!(
        span.error.as_ref().unwrap().message,
        "{\"jwt\":\"[REDACTED]\"}"
    );
}

#[tokio::test]
async fn redaction_can_be_switched_off_and_extended() {
    let span = one_span(Telemetry::builder("r").redact_sensitive_data(false), |t| {
        t.span("s", Generic::default())
            .input(&json!({"password": "p"}))
            .start()
            .end()
    })
    .await
    .unwrap();
    assert_eq!(span.input.as_ref().unwrap()["password"], "p");
    let span = one_span(Telemetry::builder("r").sensitive_keys(["iban"]), |t| {
        t.span("s", Generic::default())
            .input(&json!({"customer_IBAN": "DE00"}))
            .start()
            .end()
    })
    .await
    .unwrap();
    assert_eq!(span.input.as_ref().unwrap()["customer_IBAN"], REDACTED);
}

#[tokio::test]
async fn exclude_fields_truncation_and_include_io() {
    let span = one_span(
        Telemetry::builder("p")
            .exclude_fields(["internal"])
            .max_data_size(Some(32)),
        |t| {
            t.span("s", Generic::default())
                .input(&json!({"internal": 1, "keep": {"internal": 2, "x": 3}}))
                .metadata("internal", &true)
                .metadata("long", &"x".repeat(100))
                .start()
                .end_with_output(&json!({"big": "y".repeat(100)}))
        },
    )
    .await
    .unwrap();
    assert_eq!(span.input.as_ref().unwrap(), &json!({"keep": {"x": 3}}));
    assert!(!span.metadata.contains_key("internal"));
    assert!(
        span.metadata["long"]
            .as_str()
            .unwrap()
            .ends_with("…[truncated 68 bytes]")
    );
    assert_eq!(span.output.as_ref().unwrap()["_truncated"], true);

    let span = one_span(Telemetry::builder("p").include_io(false), |t| {
        let s = t.span("s", Generic::default()).input("in").start();
        s.record_input("in again");
        s.end_with_output("out");
    })
    .await
    .unwrap();
    assert!(span.input.is_none() && span.output.is_none());
}

struct Rename;
impl SpanProcessor for Rename {
    fn name(&self) -> &str {
        "rename"
    }
    fn process(&self, span: &mut SpanRecord) -> Verdict {
        span.name = format!("renamed-{}", span.name).into();
        Verdict::Keep
    }
}

struct DropHealth;
impl SpanProcessor for DropHealth {
    fn name(&self) -> &str {
        "drop-health"
    }
    fn process(&self, span: &mut SpanRecord) -> Verdict {
        if span.name.ends_with("healthz") {
            Verdict::Drop
        } else {
            Verdict::Keep
        }
    }
}

struct Boom;
impl SpanProcessor for Boom {
    fn name(&self) -> &str {
        "boom"
    }
    fn process(&self, _: &mut SpanRecord) -> Verdict {
        panic!("processor bug")
    }
}

#[tokio::test]
async fn custom_processors_run_in_order_and_a_panic_does_not_lose_the_span() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("custom")
        .processor(Rename)
        .processor(Boom)
        .processor(DropHealth)
        .exporter(exporter.clone())
        .build()
        .unwrap();
    telemetry.span("work", Generic::default()).start().end();
    telemetry.span("healthz", Generic::default()).start().end();
    telemetry.flush().await.unwrap();
    let names: Vec<_> = exporter
        .ended_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["renamed-work"]);
    let stats = telemetry.stats();
    assert_eq!(
        stats.processor_panics, 4,
        "span_started and span_ended of two spans"
    );
    assert_eq!(stats.spans_dropped_by_processors, 2);
}
