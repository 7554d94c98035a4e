//! The twin comparison: our SDK and the OpenTelemetry SDK side by side, end to end, against
//! one decode-and-discard OTLP receiver ([`super::discard_receiver`]) in the
//! same run.
//!
//! - **ours**: `Telemetry` → core queue → `HttpExporter` (OTLP/HTTP protobuf) → receiver;
//! - **sdk**: `opentelemetry_sdk` `BatchSpanProcessor` → `opentelemetry-otlp` `SpanExporter`
//!   (HTTP protobuf, blocking reqwest client) → the same receiver.
//!
//! Both record root LLM spans (`chat gpt-4o`, model, provider, input and output tokens) as fast
//! as one thread can, then flush and shut down; the figure is the spans the receiver decoded
//! per second of that whole run. Two runs each:
//!
//! - **large queues**: 25 × `--spans` spans (500 000 at the default), both buffers big enough
//!   for the whole run — the delivered rate;
//! - **defaults**: a burst of 10 × `--spans` spans (200 000) at each SDK's default settings —
//!   how many arrive.
//!
//! Both send uncompressed protobuf (the OpenTelemetry exporter's default; ours defaults to
//! gzip, turned off here so both put the same bytes on the wire and the receiver decodes
//! without inflating).

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, Tracer as _, TracerProvider as _};
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
use telemetry_core::Telemetry;
use telemetry_core::attrs::{LlmGeneration, Usage};
use telemetry_exporters::http::{HttpCompression, HttpExporter, HttpExporterConfig};

use super::discard_receiver::{self, DiscardReceiver};
use super::report::Figure;

/// Large-queue run: this many times `--spans`.
const LARGE_FACTOR: usize = 25;
/// Burst at the defaults: this many times `--spans`.
const BURST_FACTOR: usize = 10;
/// Longest wait for the receiver to see the last spans after a shutdown returned.
const SETTLE: Duration = Duration::from_secs(2);

/// What one side delivered.
#[derive(Debug, Clone, Copy)]
struct Delivery {
    offered: usize,
    delivered: u64,
    secs: f64,
}

impl Delivery {
    fn rate(&self) -> f64 {
        self.delivered as f64 / self.secs.max(1e-9)
    }
}

/// Runs both runs of both sides; the receiver lives for the whole scenario.
pub async fn twin(spans: usize) -> Result<Vec<Figure>> {
    let receiver = discard_receiver::spawn(([127, 0, 0, 1], 0).into()).await?;
    let url = format!("http://{}/v1/traces", receiver.local_addr());
    let large = spans * LARGE_FACTOR;
    let burst = spans * BURST_FACTOR;

    let ours_large = ours(&receiver, &url, large, true).await?;
    let sdk_large = sdk(&receiver, &url, large, true).await?;
    let ours_burst = ours(&receiver, &url, burst, false).await?;
    let sdk_burst = sdk(&receiver, &url, burst, false).await?;
    for (what, d) in [
        ("ours, large queues", ours_large),
        ("sdk, large queues", sdk_large),
        ("ours, defaults", ours_burst),
        ("sdk, defaults", sdk_burst),
    ] {
        println!(
            "twin {what}: {} of {} delivered in {:.2} s = {:.0} spans/s",
            d.delivered,
            d.offered,
            d.secs,
            d.rate()
        );
    }
    receiver.stop().await?;
    Ok(figures(ours_large, sdk_large, ours_burst, sdk_burst))
}

fn figures(
    ours_large: Delivery,
    sdk_large: Delivery,
    ours: Delivery,
    sdk: Delivery,
) -> Vec<Figure> {
    let burst_target = format!("= {} (all)", ours.offered);
    vec![
        Figure::higher(
            "twin",
            "ours_large_spans_per_sec",
            ours_large.rate(),
            "spans/s",
            "≥ 1.5 × sdk_large",
        ),
        Figure::higher(
            "twin",
            "sdk_large_spans_per_sec",
            sdk_large.rate(),
            "spans/s",
            "reference (same run)",
        ),
        Figure::higher(
            "twin",
            "ours_over_sdk_large",
            ours_large.rate() / sdk_large.rate().max(1e-9),
            "×",
            "≥ 1.5",
        ),
        Figure::higher(
            "twin",
            "ours_burst_delivered",
            ours.delivered as f64,
            "spans",
            &burst_target,
        ),
        Figure::higher(
            "twin",
            "sdk_burst_delivered",
            sdk.delivered as f64,
            "spans",
            "reference (same run)",
        ),
    ]
}

/// Spans the receiver decoded since `before`, once it stops growing (bounded by [`SETTLE`]).
async fn settled(receiver: &DiscardReceiver, before: u64, offered: usize) -> u64 {
    let deadline = Instant::now() + SETTLE;
    let mut last = receiver.stats().spans;
    while last - before < offered as u64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = receiver.stats().spans;
        if now == last && now - before > 0 {
            break;
        }
        last = now;
    }
    receiver.stats().spans - before
}

/// Our side: `large` gives the exporter a buffer for the whole run.
async fn ours(
    receiver: &DiscardReceiver,
    url: &str,
    spans: usize,
    large: bool,
) -> Result<Delivery> {
    let mut config = HttpExporterConfig::new(url).compression(HttpCompression::None);
    if large {
        config = config.buffer_capacity(spans);
    }
    let telemetry = Telemetry::builder("twin-ours")
        .exporter(HttpExporter::new(config)?)
        .build()?;
    let before = receiver.stats().spans;
    let started = Instant::now();
    let producer = telemetry.clone();
    tokio::task::spawn_blocking(move || {
        for i in 0..spans {
            let mut attrs = LlmGeneration::new("gpt-4o", "openai");
            attrs.usage = Some(Usage::new(1_000 + i as u64, 80));
            producer.span("chat gpt-4o", attrs).start().end();
        }
    })
    .await
    .context("our producer panicked")?;
    // Losses are in the figure; the report of them is not an error here.
    let _ = telemetry.shutdown().await;
    let secs = started.elapsed().as_secs_f64();
    let delivered = settled(receiver, before, spans).await;
    let dropped = telemetry.stats().dropped();
    println!("twin ours ({spans} spans): core queues dropped {dropped}");
    Ok(Delivery {
        offered: spans,
        delivered,
        secs,
    })
}

/// The OpenTelemetry side: `large` gives the batch processor a queue for the whole run.
async fn sdk(receiver: &DiscardReceiver, url: &str, spans: usize, large: bool) -> Result<Delivery> {
    let url = url.to_owned();
    let before = receiver.stats().spans;
    // The blocking reqwest client may be neither built nor dropped on a runtime thread.
    let secs = tokio::task::spawn_blocking(move || -> Result<f64> {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(url)
            .build()
            .context("cannot build the OTLP span exporter")?;
        let mut batch = BatchConfigBuilder::default();
        if large {
            batch = batch.with_max_queue_size(spans);
        }
        let provider = SdkTracerProvider::builder()
            .with_resource(Resource::builder().with_service_name("twin-sdk").build())
            .with_span_processor(
                BatchSpanProcessor::builder(exporter)
                    .with_batch_config(batch.build())
                    .build(),
            )
            .build();
        let tracer = provider.tracer("twin");
        let started = Instant::now();
        for i in 0..spans {
            let mut span = tracer
                .span_builder("chat gpt-4o")
                .with_kind(SpanKind::Client)
                .with_attributes([
                    KeyValue::new("gen_ai.operation.name", "chat"),
                    KeyValue::new("gen_ai.request.model", "gpt-4o"),
                    KeyValue::new("gen_ai.provider.name", "openai"),
                    KeyValue::new("gen_ai.usage.input_tokens", 1_000 + i as i64),
                    KeyValue::new("gen_ai.usage.output_tokens", 80_i64),
                ])
                .start(&tracer);
            span.end();
        }
        // Losses (a full queue) are in the figure; the error report is not fatal here.
        let _ = provider.force_flush();
        let _ = provider.shutdown();
        Ok(started.elapsed().as_secs_f64())
    })
    .await
    .context("the OpenTelemetry producer panicked")??;
    let delivered = settled(receiver, before, spans).await;
    Ok(Delivery {
        offered: spans,
        delivered,
        secs,
    })
}
