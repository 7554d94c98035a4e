//! [`Decider`]: the policies of a [`TailSampling`](super::TailSampling) ready to evaluate
//! (rate limits with their buckets), and the keep-or-drop decision with its reason.

use std::sync::Arc;
use std::time::Instant;

use telemetry_types::TraceId;

use super::policy::TailPolicy;
use super::rate_limit::TokenBucket;
use super::slowest::SlowestFraction;
use super::trace_view::TraceView;

/// The reason recorded for a trace continued from a sampled remote parent when such traces
/// are force-kept.
pub(crate) const REMOTE_PARENT_REASON: &str = "remote_parent";

enum Rule {
    Leaf(TailPolicy),
    Ratio(f64),
    RateLimit(TokenBucket),
    Slowest(Arc<SlowestFraction>),
    Any(Vec<Rule>),
    All(Vec<Rule>),
}

impl Rule {
    /// The rule for `policy`; each slowest-fraction estimate is also pushed to `observed`, to
    /// be fed every finished root.
    fn compile(policy: &TailPolicy, observed: &mut Vec<Arc<SlowestFraction>>) -> Rule {
        let mut all = |policies: &[TailPolicy]| {
            policies
                .iter()
                .map(|p| Rule::compile(p, observed))
                .collect()
        };
        match policy {
            TailPolicy::Ratio { ratio } => Rule::Ratio(*ratio),
            TailPolicy::RateLimit { per_second } => Rule::RateLimit(TokenBucket::new(*per_second)),
            TailPolicy::SlowestFraction { fraction } => {
                let estimate = Arc::new(SlowestFraction::new(*fraction));
                observed.push(estimate.clone());
                Rule::Slowest(estimate)
            }
            TailPolicy::Any { policies } => Rule::Any(all(policies)),
            TailPolicy::All { policies } => Rule::All(all(policies)),
            leaf => Rule::Leaf(leaf.clone()),
        }
    }

    fn holds(&self, trace: &TraceView<'_>, now: Instant) -> bool {
        match self {
            Rule::Leaf(policy) => policy.leaf_holds(trace),
            Rule::Ratio(ratio) => ratio_kept(trace.trace_id, *ratio),
            Rule::RateLimit(bucket) => bucket.try_take(now),
            Rule::Slowest(estimate) => trace.root.is_some() && estimate.holds(trace.duration()),
            Rule::Any(rules) => rules.iter().any(|r| r.holds(trace, now)),
            Rule::All(rules) => rules.iter().all(|r| r.holds(trace, now)),
        }
    }
}

/// Named top-level rules, any of which keeps a trace.
pub(crate) struct Decider {
    rules: Vec<(Arc<str>, Rule)>,
    /// Slowest-fraction estimates, fed every trace whose root ended (whatever keeps it).
    observed: Vec<Arc<SlowestFraction>>,
    keep_remote_sampled: bool,
}

impl Decider {
    pub(crate) fn new<'a>(
        policies: impl IntoIterator<Item = (&'a str, &'a TailPolicy)>,
        keep_remote_sampled: bool,
    ) -> Self {
        let mut observed = Vec::new();
        let rules = policies
            .into_iter()
            .map(|(name, policy)| (Arc::from(name), Rule::compile(policy, &mut observed)))
            .collect();
        Decider {
            rules,
            observed,
            keep_remote_sampled,
        }
    }

    /// The name of the first rule that keeps `trace`, `None` to drop it.
    pub(crate) fn decide(&self, trace: &TraceView<'_>) -> Option<Arc<str>> {
        // Only ended roots: a trace decided early has lasted "at least" its duration.
        if trace.root.is_some_and(|r| r.end_time.is_some()) {
            let duration = trace.duration();
            self.observed.iter().for_each(|e| e.observe(duration));
        }
        if self.keep_remote_sampled && trace.has_remote_parent() {
            return Some(REMOTE_PARENT_REASON.into());
        }
        let now = Instant::now();
        self.rules
            .iter()
            .find(|(_, rule)| rule.holds(trace, now))
            .map(|(name, _)| name.clone())
    }
}

/// A trace-id ratio decision independent of the head sampler's: the head keeps ids whose low
/// 64 bits fall under its bound, so reusing that rule would keep every head-sampled trace
/// whenever the tail ratio is larger than the head's. Mixing both halves through SplitMix64
/// gives an unrelated, still deterministic, draw.
pub(crate) fn ratio_kept(trace_id: TraceId, ratio: f64) -> bool {
    if ratio >= 1.0 {
        return true;
    }
    if ratio.is_nan() || ratio <= 0.0 {
        return false;
    }
    let id = trace_id.to_int();
    let mixed = splitmix64((id as u64) ^ ((id >> 64) as u64).rotate_left(17));
    mixed < (ratio * u64::MAX as f64) as u64
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
