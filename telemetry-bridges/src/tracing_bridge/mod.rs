//! `tracing` → typed AI spans: a `tracing_subscriber::Layer`.

mod events;
mod fields;
mod finish;
mod parent;

use telemetry_core::{Context, SpanAttributes, SpanId, Telemetry};
use telemetry_otlp::span_type_from_attributes;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context as LayerContext, Layer};
use tracing_subscriber::registry::LookupSpan;

use crate::switch::BridgeSwitch;
use fields::SpanFields;
pub(crate) use parent::current_bridged;

/// Prefixes of field names that mark a span as a GenAI span (mapped to a typed span).
const GENAI_PREFIXES: [&str; 5] = [
    "gen_ai.",
    "llm.",
    "openinference.",
    "langfuse.",
    "ai_telemetry.",
];

/// What the layer keeps in a bridged `tracing` span's extensions.
pub(crate) struct Bridged {
    pub(crate) span: telemetry_core::Span,
    pub(crate) cx: Context,
    /// The task-local span current when this span was created (see `resolver::deeper`).
    pub(crate) created_under: Option<SpanId>,
    pub(crate) fields: SpanFields,
}

/// A `tracing_subscriber::Layer` that turns `tracing` spans into typed AI spans of a
/// [`Telemetry`] instance.
///
/// - Spans with GenAI fields (`gen_ai.*`, OpenLLMetry `llm.*`, OpenInference, Langfuse) become
///   typed spans through the mapping OTLP ingest uses; fields recorded after creation count.
/// - Other spans become generic spans when the generic filter lets them through (by default
///   every span does), or are skipped: a skipped span's children attach to its nearest bridged
///   ancestor, so the tree stays connected.
/// - Events inside a bridged span become its span events; an event or field named `error`
///   (as `#[instrument(err)]` records) becomes the span's structured error.
/// - Requires a [`tracing_subscriber::Registry`] underneath (as every `Layer` stack built on
///   `tracing_subscriber::registry()` has).
///
/// ```
/// use telemetry_bridges::TelemetryLayer;
/// use tracing_subscriber::{filter::Targets, layer::SubscriberExt};
///
/// let telemetry = telemetry_core::Telemetry::builder("docs").build()?;
/// let layer = TelemetryLayer::builder(telemetry)
///     .generic_spans(Targets::new().with_target("my_app", tracing::Level::INFO))
///     .build();
/// let switch = layer.switch(); // switch.set(false) turns the bridge off at run time
/// let _subscriber = tracing_subscriber::registry().with(layer);
/// # Ok::<(), telemetry_core::BuildError>(())
/// ```
pub struct TelemetryLayer {
    telemetry: Telemetry,
    generic: Option<Targets>,
    switch: BridgeSwitch,
}

/// Builds a [`TelemetryLayer`].
#[must_use = "call .build()"]
pub struct TelemetryLayerBuilder {
    layer: TelemetryLayer,
}

impl TelemetryLayerBuilder {
    /// Non-GenAI spans become generic spans only when `filter` enables their target and level;
    /// the others are skipped. GenAI spans are always bridged.
    pub fn generic_spans(mut self, filter: Targets) -> Self {
        self.layer.generic = Some(filter);
        self
    }

    /// Skips every non-GenAI span.
    pub fn genai_only(self) -> Self {
        self.generic_spans(Targets::new())
    }

    /// Uses `switch` to turn the layer on and off (e.g. one switch shared with other bridges).
    pub fn switch(mut self, switch: BridgeSwitch) -> Self {
        self.layer.switch = switch;
        self
    }

    /// The layer.
    pub fn build(self) -> TelemetryLayer {
        crate::install_context_resolver();
        self.layer
    }
}

impl TelemetryLayer {
    /// A layer bridging every span (GenAI spans typed, the others generic) into `telemetry`.
    pub fn new(telemetry: Telemetry) -> Self {
        Self::builder(telemetry).build()
    }

    /// A builder, to set the generic-span filter or the switch.
    pub fn builder(telemetry: Telemetry) -> TelemetryLayerBuilder {
        TelemetryLayerBuilder {
            layer: TelemetryLayer {
                telemetry,
                generic: None,
                switch: BridgeSwitch::default(),
            },
        }
    }

    /// The switch that turns this layer off and on at run time (spans created while off are
    /// skipped; those already bridged end normally).
    pub fn switch(&self) -> BridgeSwitch {
        self.switch.clone()
    }

    fn wants(&self, metadata: &Metadata<'_>) -> Option<bool> {
        let genai = is_genai(metadata);
        let generic = || {
            self.generic
                .as_ref()
                .is_none_or(|f| f.would_enable(metadata.target(), metadata.level()))
        };
        (genai || generic()).then_some(genai)
    }

    fn start(
        &self,
        attrs: &Attributes<'_>,
        genai: bool,
        parent: Context,
        task: Option<SpanId>,
    ) -> Bridged {
        let mut fields = SpanFields::default();
        attrs.record(&mut fields);
        let name = attrs.metadata().name();
        // Only the type is decided now (for sampling by span type); the attributes are mapped
        // once, when the span closes and every field has been recorded.
        let attributes = if genai {
            SpanAttributes::empty(span_type_from_attributes(&fields.values))
        } else {
            SpanAttributes::default()
        };
        let span = self
            .telemetry
            .span(name, attributes)
            .parent_context(parent)
            .start();
        Bridged {
            cx: span.context(),
            span,
            created_under: task,
            fields,
        }
    }
}

fn is_genai(metadata: &Metadata<'_>) -> bool {
    metadata
        .fields()
        .iter()
        .any(|f| GENAI_PREFIXES.iter().any(|p| f.name().starts_with(p)))
}

impl<S> Layer<S> for TelemetryLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: LayerContext<'_, S>) {
        if !self.switch.is_on() || !self.telemetry.is_enabled() {
            return;
        }
        let Some(genai) = self.wants(attrs.metadata()) else {
            return;
        };
        let Some(span) = ctx.span(id) else { return };
        let task = crate::resolver::task_context();
        let task_span = task.span_ids().map(|(_, s, _)| s);
        let parent = parent::parent_for(attrs, &span, task);
        let bridged = self.start(attrs, genai, parent, task_span);
        span.extensions_mut().insert(bridged);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: LayerContext<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        if let Some(bridged) = span.extensions_mut().get_mut::<Bridged>() {
            values.record(&mut bridged.fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: LayerContext<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let Some(owner) = span
            .scope()
            .find(|s| s.extensions().get::<Bridged>().is_some())
        else {
            return;
        };
        let mut extensions = owner.extensions_mut();
        if let Some(bridged) = extensions.get_mut::<Bridged>() {
            events::record(bridged, event);
        }
    }

    fn on_close(&self, id: Id, ctx: LayerContext<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        if span.extensions().get::<Bridged>().is_none() {
            return; // skipped: a shared read, no write lock
        }
        let bridged = span.extensions_mut().remove::<Bridged>();
        if let Some(bridged) = bridged {
            finish::finish(bridged, span.name());
        }
    }
}
