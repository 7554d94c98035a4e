//! Configuration: the OpenTelemetry variables read through an injected source (no test touches
//! the process environment), the precedence code > file > environment, and the
//! `TELEMETRY_ENABLED` kill switch.

use std::collections::HashMap;

use telemetry_bridges::{ConfigError, Settings};
use telemetry_core::SamplingStrategy;
use telemetry_core::attrs::Generic;
use telemetry_core::testing::InMemoryExporter;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn otel_env() -> HashMap<String, String> {
    env(&[
        ("OTEL_SERVICE_NAME", "support-bot"),
        ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "authorization=Basic%20abc,x-tenant=t1",
        ),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "service.version=1.2.3,deployment.environment.name=prod,team=ai",
        ),
    ])
}

#[test]
fn an_opentelemetry_configured_deployment_works_unchanged() {
    let settings = Settings::from_env(&otel_env()).expect("valid");
    assert_eq!(settings.service_name.as_deref(), Some("support-bot"));
    assert!(
        matches!(settings.sampling, Some(SamplingStrategy::Ratio { probability }) if probability == 0.25)
    );
    assert_eq!(
        settings.otlp_traces_endpoint().as_deref(),
        Some("http://collector:4318/v1/traces")
    );
    let headers = settings.otlp_headers.clone().unwrap_or_default();
    assert!(headers.contains(&("authorization".to_owned(), "Basic abc".to_owned())));
    #[cfg(feature = "otlp")]
    {
        let exporter = settings.otlp_exporter_config().expect("endpoint set");
        assert_eq!(exporter.endpoint, "http://collector:4318/v1/traces");
    }

    let spans = InMemoryExporter::new();
    let telemetry = Settings::resolve(Settings::default(), Settings::default(), settings)
        .builder()
        .sampling(SamplingStrategy::AlwaysOn)
        .exporter(spans.clone())
        .build()
        .expect("build");
    telemetry.span("s", Generic::default()).start().end();
    telemetry
        .flush_blocking(std::time::Duration::from_secs(5))
        .expect("flush");
    let span = spans.span("s").expect("span");
    assert_eq!(&*span.service_name, "support-bot");
    assert_eq!(span.trace.environment.as_deref(), Some("prod"));
    assert_eq!(span.trace.release.as_deref(), Some("1.2.3"));
    assert!(span.trace.tags.iter().any(|t| &**t == "team=ai"));
}

#[test]
fn code_wins_over_file_which_wins_over_environment() {
    let env = Settings::from_env(&otel_env()).expect("env");
    let file = Settings::from_toml(
        r#"
        service_name = "from-file"
        sampler = "always_off"
        otlp_endpoint = "http://file:4318"
        "#,
    )
    .expect("file");
    let code = Settings {
        service_name: Some("from-code".into()),
        ..Settings::default()
    };
    let resolved = Settings::resolve(code, file, env);
    assert_eq!(
        resolved.service_name.as_deref(),
        Some("from-code"),
        "code over file"
    );
    assert!(
        matches!(resolved.sampling, Some(SamplingStrategy::AlwaysOff)),
        "file over env"
    );
    assert_eq!(
        resolved.otlp_traces_endpoint().as_deref(),
        Some("http://file:4318/v1/traces")
    );
    assert_eq!(
        resolved.otlp_headers.map(|h| h.len()),
        Some(2),
        "env fills the rest"
    );
}

#[test]
fn the_kill_switch_turns_every_span_into_the_sampled_out_path() {
    let from_env = Settings::from_env(&env(&[("TELEMETRY_ENABLED", "false")])).expect("env");
    let code = Settings {
        enabled: Some(true),
        ..Settings::default()
    };
    let resolved = Settings::resolve(code, Settings::default(), from_env);
    assert_eq!(
        resolved.enabled,
        Some(false),
        "the kill switch wins over code"
    );
    let spans = InMemoryExporter::new();
    let telemetry = resolved
        .builder()
        .exporter(spans.clone())
        .build()
        .expect("build");
    let span = telemetry.span("s", Generic::default()).start();
    assert!(!span.is_recording());
    span.end();
    telemetry
        .flush_blocking(std::time::Duration::from_secs(5))
        .expect("flush");
    assert!(spans.ended_spans().is_empty());

    let on = Settings::from_env(&env(&[("TELEMETRY_ENABLED", "true")])).expect("env");
    assert_eq!(on.enabled, Some(true));
}

#[test]
fn invalid_values_are_errors_not_panics() {
    let bad = |k: &str, v: &str| Settings::from_env(&env(&[(k, v)])).err();
    assert!(matches!(
        bad("OTEL_TRACES_SAMPLER", "jaeger_remote"),
        Some(ConfigError::UnknownSampler(_))
    ));
    assert!(matches!(
        Settings::from_env(&env(&[
            ("OTEL_TRACES_SAMPLER", "traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "x")
        ]))
        .err(),
        Some(ConfigError::InvalidSamplerArg(_))
    ));
    assert!(matches!(
        bad("OTEL_EXPORTER_OTLP_HEADERS", "nokey"),
        Some(ConfigError::InvalidList { .. })
    ));
    assert!(matches!(
        bad("TELEMETRY_ENABLED", "maybe"),
        Some(ConfigError::InvalidBool { .. })
    ));
    assert!(Settings::from_toml("unknown_key = 1").is_err());
}

#[test]
fn the_service_name_falls_back_to_the_resource_attribute() {
    let settings =
        Settings::from_env(&env(&[("OTEL_RESOURCE_ATTRIBUTES", "service.name=res")])).expect("env");
    assert_eq!(settings.service_name.as_deref(), Some("res"));
}
