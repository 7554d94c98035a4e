//! Where a span's attributes come from when it starts: built already ([`SpanAttributes`], from
//! [`Telemetry::span`](crate::Telemetry::span)) or built by a closure only once the span is
//! sampled ([`Lazy`], from [`Telemetry::span_with`](crate::Telemetry::span_with)). The lazy
//! form knows its span type from the closure's return type, so the sampling decision needs no
//! attributes and a sampled-out span never builds (or moves) them.

use telemetry_types::attrs::{
    AgentRun, EmbeddingGeneration, EvalExecution, Generic, LlmGeneration, McpToolCall,
    MemoryLookup, MemoryUpdate, RagQuery, ToolCall, WorkflowRun, WorkflowStep,
};
use telemetry_types::{SpanAttributes, SpanType};

/// An attributes struct of one span type (`LlmGeneration`, `ToolCall`, …): the type is known
/// without building a value, which is what lets [`Telemetry::span_with`](crate::Telemetry::span_with)
/// decide sampling before its closure runs.
pub trait TypedAttributes: Into<SpanAttributes> {
    /// The span type of every value of this struct.
    const SPAN_TYPE: SpanType;
}

macro_rules! typed {
    ($($name:ident),* $(,)?) => {$(
        impl TypedAttributes for $name {
            const SPAN_TYPE: SpanType = SpanType::$name;
        }
    )*};
}

typed!(
    AgentRun,
    WorkflowRun,
    WorkflowStep,
    LlmGeneration,
    ToolCall,
    McpToolCall,
    MemoryLookup,
    MemoryUpdate,
    RagQuery,
    EmbeddingGeneration,
    EvalExecution,
    Generic,
);

/// What a [`SpanBuilder`](crate::SpanBuilder) holds for the span's attributes: the span type
/// (asked before the sampling decision) and the attributes (asked only for a sampled span).
/// Implemented by [`SpanAttributes`] and [`Lazy`]; sealed.
pub trait AttributeSource: sealed::Sealed {
    /// The span type, for the sampler.
    fn span_type(&self) -> SpanType;
    /// The attributes of a span that records.
    fn into_attributes(self) -> SpanAttributes;
}

impl AttributeSource for SpanAttributes {
    #[inline]
    fn span_type(&self) -> SpanType {
        SpanAttributes::span_type(self)
    }
    #[inline]
    fn into_attributes(self) -> SpanAttributes {
        self
    }
}

/// Attributes built by a closure when (and only when) the span is sampled; see
/// [`Telemetry::span_with`](crate::Telemetry::span_with).
pub struct Lazy<F>(pub(crate) F);

impl<F, A> AttributeSource for Lazy<F>
where
    F: FnOnce() -> A,
    A: TypedAttributes,
{
    #[inline]
    fn span_type(&self) -> SpanType {
        A::SPAN_TYPE
    }
    #[inline]
    fn into_attributes(self) -> SpanAttributes {
        (self.0)().into()
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for telemetry_types::SpanAttributes {}
    impl<F> Sealed for super::Lazy<F> {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_struct_names_the_type_its_attributes_report() {
        fn check<A: TypedAttributes + Default>() {
            assert_eq!(A::default().into().span_type(), A::SPAN_TYPE);
        }
        check::<AgentRun>();
        check::<WorkflowRun>();
        check::<WorkflowStep>();
        check::<LlmGeneration>();
        check::<ToolCall>();
        check::<McpToolCall>();
        check::<MemoryLookup>();
        check::<MemoryUpdate>();
        check::<RagQuery>();
        check::<EmbeddingGeneration>();
        check::<EvalExecution>();
        check::<Generic>();
    }
}
