//! The live tail: spans streamed as they are committed, only the caller's project, with an
//! optional filter.

use async_graphql::futures_util::StreamExt;
use async_graphql::futures_util::stream::{self, BoxStream};
use async_graphql::{Context, InputObject, Subscription};
use telemetry_types::{SpanRecord, SpanStatus, SpanType};
use tokio::sync::broadcast::error::RecvError;

use super::errors::GqlResult;
use super::inputs;
use super::loaders::SpanData;
use super::scope::Scope;
use super::spans::{SpanKind, SpanObject};

/// Which live spans to receive; every set field must match.
#[derive(Debug, Clone, Default, InputObject)]
pub(crate) struct LiveSpanFilter {
    /// Only this trace.
    trace_id: Option<String>,
    /// Only this span type.
    span_type: Option<SpanKind>,
    /// Only names containing this text (case-sensitive).
    name_contains: Option<String>,
    /// Only models starting with this text.
    model_prefix: Option<String>,
    /// Only failed spans.
    errors_only: Option<bool>,
}

/// The checked filter.
struct Matcher {
    trace_id: Option<telemetry_types::TraceId>,
    span_type: Option<SpanType>,
    name_contains: Option<String>,
    model_prefix: Option<String>,
    errors_only: bool,
}

impl Matcher {
    fn new(filter: LiveSpanFilter) -> GqlResult<Self> {
        Ok(Matcher {
            trace_id: filter
                .trace_id
                .as_deref()
                .map(inputs::trace_id)
                .transpose()?,
            span_type: filter.span_type.map(Into::into),
            name_contains: filter.name_contains,
            model_prefix: filter.model_prefix,
            errors_only: filter.errors_only.unwrap_or(false),
        })
    }

    fn matches(&self, span: &SpanRecord) -> bool {
        self.trace_id.is_none_or(|t| t == span.trace_id)
            && self.span_type.is_none_or(|t| t == span.span_type())
            && self
                .name_contains
                .as_deref()
                .is_none_or(|n| span.name.contains(n))
            && self
                .model_prefix
                .as_deref()
                .is_none_or(|p| span.attributes.model().is_some_and(|m| m.starts_with(p)))
            && (!self.errors_only || span.status == SpanStatus::Error)
    }
}

/// Every subscription: the live span tail.
#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Spans of the caller's project as they are committed. A subscriber that falls far
    /// behind skips ahead (the missed spans are in the store).
    async fn spans(
        &self,
        ctx: &Context<'_>,
        filter: Option<LiveSpanFilter>,
    ) -> async_graphql::Result<BoxStream<'static, SpanObject>> {
        let scope = Scope::of(ctx)?;
        let matcher = Matcher::new(filter.unwrap_or_default())?;
        let state = (scope.state().live.subscribe(), matcher, scope.project());
        Ok(
            stream::unfold(state, |(mut rx, matcher, project)| async move {
                loop {
                    match rx.recv().await {
                        Ok(live) if live.project == project && matcher.matches(&live.span) => {
                            let span = SpanObject(SpanData {
                                record: live.span,
                                cost: None,
                            });
                            return Some((span, (rx, matcher, project)));
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(skipped)) => {
                            tracing::warn!(skipped, "graphql: live span subscriber fell behind");
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            })
            .boxed(),
        )
    }
}
