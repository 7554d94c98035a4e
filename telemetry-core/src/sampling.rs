//! Sampling: decided once per trace at its root, refined per span type, changeable at run time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use arc_swap::ArcSwap;
use telemetry_types::{SamplingContext, SamplingStrategy, SpanId, SpanType, ratio_sampled};

/// The sampler's state, swapped as a whole when changed at run time.
#[derive(Clone)]
struct SamplerState {
    strategy: SamplingStrategy,
    /// Fraction of spans of each type kept inside sampled traces (1.0 = all).
    type_ratios: [f64; 12],
    /// Span types switched off entirely.
    type_enabled: [bool; 12],
}

/// A sampling probability outside `[0, 1]` (or NaN), refused wherever a ratio is set: by the
/// builder ([`crate::BuildError::InvalidRatio`]), by `Telemetry::set_sampling` and by
/// `Telemetry::set_span_type_ratio`. A ratio like `50` usually meant 50 %, so it is an error,
/// not silently 1.0.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("a sampling ratio must be in [0, 1], got {0}")]
pub struct InvalidRatio(pub f64);

/// Checks a sampling probability: `Ok` when it is in `[0, 1]`.
pub(crate) fn check_ratio(ratio: f64) -> Result<f64, InvalidRatio> {
    if (0.0..=1.0).contains(&ratio) {
        Ok(ratio)
    } else {
        Err(InvalidRatio(ratio))
    }
}

/// Checks the ratio of a [`SamplingStrategy::Ratio`].
pub(crate) fn check_strategy(strategy: &SamplingStrategy) -> Result<(), InvalidRatio> {
    match strategy {
        SamplingStrategy::Ratio { probability } => check_ratio(*probability).map(drop),
        _ => Ok(()),
    }
}

/// The sampler of one telemetry instance.
pub(crate) struct Sampler {
    state: ArcSwap<SamplerState>,
    /// The strategy samples no root at all (always-off, ratio 0): a root is sampled out on
    /// this one load, before the state is read.
    roots_off: AtomicBool,
    /// Serializes strategy changes, so the flag and the state always agree.
    strategy_writes: parking_lot::Mutex<()>,
}

/// Whether `strategy` samples out every root whatever its trace id.
fn samples_no_root(strategy: &SamplingStrategy) -> bool {
    match strategy {
        SamplingStrategy::AlwaysOff => true,
        SamplingStrategy::Ratio { probability } => probability.is_nan() || *probability <= 0.0,
        _ => false,
    }
}

impl Sampler {
    pub(crate) fn new(strategy: SamplingStrategy) -> Self {
        Sampler {
            roots_off: AtomicBool::new(samples_no_root(&strategy)),
            strategy_writes: parking_lot::Mutex::new(()),
            state: ArcSwap::from_pointee(SamplerState {
                strategy,
                type_ratios: [1.0; 12],
                type_enabled: [true; 12],
            }),
        }
    }

    /// Whether no root is sampled whatever its trace id (always-off, ratio 0).
    #[inline]
    pub(crate) fn roots_off(&self) -> bool {
        self.roots_off.load(Relaxed)
    }

    /// Decides for a trace root.
    #[inline]
    pub(crate) fn sample_root(&self, context: &SamplingContext<'_>, span_id: SpanId) -> bool {
        let state = self.state.load();
        state.type_enabled[context.span_type.index()]
            && state.strategy.should_sample(context)
            && Self::refine(&state, context.span_type, span_id)
    }

    /// Decides for a span inside a sampled trace (the per-span-type refinement).
    #[inline]
    pub(crate) fn sample_child(&self, span_type: SpanType, span_id: SpanId) -> bool {
        let state = self.state.load();
        state.type_enabled[span_type.index()] && Self::refine(&state, span_type, span_id)
    }

    #[inline]
    fn refine(state: &SamplerState, span_type: SpanType, span_id: SpanId) -> bool {
        let ratio = state.type_ratios[span_type.index()];
        // A span id is 8 random bytes; widen it so the trace-id ratio rule applies.
        ratio >= 1.0 || ratio_sampled_span(span_id, ratio)
    }

    fn update(&self, f: impl Fn(&mut SamplerState)) {
        self.state.rcu(|current| {
            let mut next = SamplerState::clone(current);
            f(&mut next);
            Arc::new(next)
        });
    }

    pub(crate) fn set_strategy(&self, strategy: SamplingStrategy) {
        let off = samples_no_root(&strategy);
        let _serialized = self.strategy_writes.lock();
        self.update(|s| s.strategy = strategy.clone());
        self.roots_off.store(off, Relaxed);
    }

    pub(crate) fn strategy(&self) -> SamplingStrategy {
        self.state.load().strategy.clone()
    }

    pub(crate) fn set_type_ratio(&self, span_type: SpanType, ratio: f64) {
        self.update(|s| s.type_ratios[span_type.index()] = ratio);
    }

    pub(crate) fn set_type_enabled(&self, span_type: SpanType, enabled: bool) {
        self.update(|s| s.type_enabled[span_type.index()] = enabled);
    }
}

fn ratio_sampled_span(span_id: SpanId, ratio: f64) -> bool {
    match telemetry_types::TraceId::from_bytes((span_id.to_int() as u128).to_be_bytes()) {
        Some(id) => ratio_sampled(id, ratio),
        None => false,
    }
}
