//! [`TailSampling`]: the configuration of tail sampling, in code, from a policy string or
//! from the environment.

use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use telemetry_types::SpanType;

use super::policy::TailPolicy;

/// Default longest wait for a trace's root before the trace is decided on what it has.
pub const DEFAULT_DECISION_WAIT: Duration = Duration::from_secs(30);
/// Default most traces held at once.
pub const DEFAULT_MAX_TRACES: usize = 10_000;
/// Default most spans held at once (over all traces).
pub const DEFAULT_MAX_SPANS: usize = 100_000;

/// Why a tail-sampling configuration is invalid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TailConfigError {
    /// A ratio outside `[0, 1]` or NaN.
    #[error("tail sampling ratio must be within [0, 1], got {0}")]
    InvalidRatio(f64),
    /// A rate limit below zero or not finite.
    #[error("tail sampling rate limit must be a finite number ≥ 0, got {0}")]
    InvalidRateLimit(f64),
    /// An item of a policy string that is not understood.
    #[error("tail sampling: cannot read {0:?}")]
    InvalidItem(String),
    /// An environment variable holding something else than expected.
    #[error("{variable}: cannot read {value:?}")]
    InvalidVariable {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
    },
}

/// A named top-level policy: its name is the reason recorded on the traces it keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedPolicy {
    /// The reason recorded when this policy keeps a trace.
    pub name: String,
    /// The rule.
    #[serde(flatten)]
    pub policy: TailPolicy,
}

/// Tail sampling: spans of a (head-sampled) trace are held until its local root ends, then
/// the whole trace is kept when any policy holds, else dropped. See `docs/SAMPLING.md`.
///
/// The policies are tried in order; the ratio (and the rate limit on what it keeps) applies
/// last, to the traces no other policy kept.
///
/// ```
/// use std::time::Duration;
/// use telemetry_core::TailSampling;
///
/// let tail = TailSampling::new()
///     .keep_errors()
///     .keep_slower_than(Duration::from_secs(10))
///     .keep_cost_at_least(0.50)
///     .keep_ratio(0.01)
///     .rate_limit(20.0);
/// assert_eq!(tail, "errors,slower_than=10s,cost_at_least=0.5,ratio=0.01,rate_limit=20".parse()?);
/// # Ok::<(), telemetry_core::TailConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TailSampling {
    pub(super) policies: Vec<NamedPolicy>,
    pub(super) ratio: Option<f64>,
    pub(super) rate_limit: Option<f64>,
    pub(super) decision_wait_ms: u64,
    pub(super) max_traces: usize,
    pub(super) max_spans: usize,
    pub(super) keep_remote_sampled: bool,
}

impl Default for TailSampling {
    fn default() -> Self {
        TailSampling {
            policies: Vec::new(),
            ratio: None,
            rate_limit: None,
            decision_wait_ms: DEFAULT_DECISION_WAIT.as_millis() as u64,
            max_traces: DEFAULT_MAX_TRACES,
            max_spans: DEFAULT_MAX_SPANS,
            keep_remote_sampled: false,
        }
    }
}

impl TailSampling {
    /// No policy yet (a trace nothing keeps is dropped), default bounds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a top-level policy called `name`.
    pub fn policy(mut self, name: impl Into<String>, policy: TailPolicy) -> Self {
        self.policies.push(NamedPolicy {
            name: name.into(),
            policy,
        });
        self
    }

    fn keep(self, policy: TailPolicy) -> Self {
        let name = policy.default_name();
        self.policy(name, policy)
    }

    /// Keeps traces with an errored span (reason `error`).
    pub fn keep_errors(self) -> Self {
        self.keep(TailPolicy::Error)
    }

    /// Keeps traces whose root lasted at least `duration` (reason `slow_root`).
    pub fn keep_slower_than(self, duration: Duration) -> Self {
        self.keep(TailPolicy::SlowRoot {
            min_ms: duration.as_millis() as u64,
        })
    }

    /// Keeps traces whose root is among the slowest `fraction` of recent traces (reason
    /// `slowest`; a running estimate, see [`TailPolicy::SlowestFraction`]).
    pub fn keep_slowest(self, fraction: f64) -> Self {
        self.keep(TailPolicy::SlowestFraction { fraction })
    }

    /// Keeps traces whose spans cost at least `total` (reason `cost`).
    pub fn keep_cost_at_least(self, total: f64) -> Self {
        self.keep(TailPolicy::Cost { min: total })
    }

    /// Keeps traces whose spans used at least `tokens` (reason `tokens`).
    pub fn keep_tokens_at_least(self, tokens: u64) -> Self {
        self.keep(TailPolicy::Tokens { min: tokens })
    }

    /// Keeps traces with an eval score below `score` (reason `low_eval_score`).
    pub fn keep_eval_score_below(self, score: f64) -> Self {
        self.keep(TailPolicy::EvalScoreBelow {
            below: score,
            metric: None,
        })
    }

    /// Keeps traces with a span of `span_type` (reason `span_type`).
    pub fn keep_span_type(self, span_type: SpanType) -> Self {
        self.keep(TailPolicy::SpanType { span_type })
    }

    /// Keeps traces with a span called `name` (reason `span_name`).
    pub fn keep_span_named(self, name: impl Into<String>) -> Self {
        self.keep(TailPolicy::SpanName { name: name.into() })
    }

    /// Keeps traces with a span whose attribute `key` equals `value` (reason `attribute`; keys
    /// as in [`TailPolicy::attribute`]).
    pub fn keep_attribute_equals(self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.keep(TailPolicy::AttributeEquals {
            key: key.into(),
            value: value.into(),
        })
    }

    /// Keeps traces with a span whose numeric attribute `key` is at least `min`.
    pub fn keep_attribute_at_least(self, key: impl Into<String>, min: f64) -> Self {
        self.keep(TailPolicy::AttributeAtLeast {
            key: key.into(),
            min,
        })
    }

    /// Keeps this fraction of the traces no policy kept (reason `ratio`), decided from the
    /// trace id.
    pub fn keep_ratio(mut self, ratio: f64) -> Self {
        self.ratio = Some(ratio);
        self
    }

    /// Keeps everything (a ratio of 1; for trying tail sampling out, and for tests).
    pub fn keep_all(self) -> Self {
        self.keep_ratio(1.0)
    }

    /// At most `per_second` traces a second of those the ratio keeps (all the rest when no
    /// ratio is set). The other policies are not limited.
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Longest wait for a trace's root, counted from the trace's first span or event, before
    /// the trace is decided on what it has (default 30 s).
    pub fn decision_wait(mut self, wait: Duration) -> Self {
        self.decision_wait_ms = wait.as_millis() as u64;
        self
    }

    /// Most traces held at once (default 10 000); when full, the oldest is decided early.
    pub fn max_traces(mut self, traces: usize) -> Self {
        self.max_traces = traces;
        self
    }

    /// Most spans held at once, over all traces (default 100 000); when full, the oldest
    /// trace is decided early.
    pub fn max_spans(mut self, spans: usize) -> Self {
        self.max_spans = spans;
        self
    }

    /// Force-keeps traces continued from a remote parent whose `traceparent` says sampled
    /// (reason `remote_parent`), so a distributed trace is never cut here. Off by default:
    /// such traces go through the policies like local ones.
    pub fn keep_remote_sampled(mut self, keep: bool) -> Self {
        self.keep_remote_sampled = keep;
        self
    }

    /// The decision wait.
    pub fn wait(&self) -> Duration {
        Duration::from_millis(self.decision_wait_ms)
    }

    /// The top-level policies in evaluation order, the ratio and rate limit last.
    pub fn policies(&self) -> Vec<NamedPolicy> {
        let mut all = self.policies.clone();
        let ratio = self.ratio.map(|ratio| TailPolicy::Ratio { ratio });
        let limit = self
            .rate_limit
            .map(|per_second| TailPolicy::RateLimit { per_second });
        let rest = match (ratio, limit) {
            (Some(ratio), Some(limit)) => Some((
                "ratio",
                TailPolicy::All {
                    policies: vec![ratio, limit],
                },
            )),
            (Some(ratio), None) => Some(("ratio", ratio)),
            (None, Some(limit)) => Some(("rate_limit", limit)),
            (None, None) => None,
        };
        all.extend(rest.map(|(name, policy)| NamedPolicy {
            name: name.to_owned(),
            policy,
        }));
        all
    }

    /// Checks ratios and rate limits, nested ones included.
    pub fn validate(&self) -> Result<(), TailConfigError> {
        let mut all = self.policies();
        while let Some(named) = all.pop() {
            check(&named.policy, &mut all)?;
        }
        Ok(())
    }

    /// Reads `TELEMETRY_TAIL_SAMPLING` (a policy string, see [`FromStr`](#impl-FromStr-for-TailSampling)),
    /// `TELEMETRY_TAIL_DECISION_WAIT` (`500ms`, `30s`, `2m`), `TELEMETRY_TAIL_MAX_TRACES`,
    /// `TELEMETRY_TAIL_MAX_SPANS` and `TELEMETRY_TAIL_KEEP_REMOTE_SAMPLED` (`true`/`false`)
    /// from the process environment; `None` when `TELEMETRY_TAIL_SAMPLING` is unset or empty.
    pub fn from_env() -> Result<Option<TailSampling>, TailConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over any variable source (a map in tests).
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<TailSampling>, TailConfigError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let Some(spec) = var("TELEMETRY_TAIL_SAMPLING") else {
            return Ok(None);
        };
        let mut tail: TailSampling = spec.parse()?;
        let invalid = |variable: &'static str, value: &str| TailConfigError::InvalidVariable {
            variable,
            value: value.to_owned(),
        };
        if let Some(v) = var("TELEMETRY_TAIL_DECISION_WAIT") {
            let wait =
                parse_duration(&v).ok_or_else(|| invalid("TELEMETRY_TAIL_DECISION_WAIT", &v))?;
            tail = tail.decision_wait(wait);
        }
        if let Some(v) = var("TELEMETRY_TAIL_MAX_TRACES") {
            tail.max_traces = v
                .trim()
                .parse()
                .map_err(|_| invalid("TELEMETRY_TAIL_MAX_TRACES", &v))?;
        }
        if let Some(v) = var("TELEMETRY_TAIL_MAX_SPANS") {
            tail.max_spans = v
                .trim()
                .parse()
                .map_err(|_| invalid("TELEMETRY_TAIL_MAX_SPANS", &v))?;
        }
        if let Some(v) = var("TELEMETRY_TAIL_KEEP_REMOTE_SAMPLED") {
            tail.keep_remote_sampled = v
                .trim()
                .parse()
                .map_err(|_| invalid("TELEMETRY_TAIL_KEEP_REMOTE_SAMPLED", &v))?;
        }
        tail.validate()?;
        Ok(Some(tail))
    }
}

fn check(policy: &TailPolicy, nested: &mut Vec<NamedPolicy>) -> Result<(), TailConfigError> {
    match policy {
        TailPolicy::Ratio { ratio: fraction } | TailPolicy::SlowestFraction { fraction }
            if !(0.0..=1.0).contains(fraction) =>
        {
            Err(TailConfigError::InvalidRatio(*fraction))
        }
        TailPolicy::RateLimit { per_second } if !(per_second.is_finite() && *per_second >= 0.0) => {
            Err(TailConfigError::InvalidRateLimit(*per_second))
        }
        TailPolicy::Any { policies } | TailPolicy::All { policies } => {
            nested.extend(policies.iter().map(|p| NamedPolicy {
                name: String::new(),
                policy: p.clone(),
            }));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A policy string: comma-separated items, each a keep rule, in the order they apply:
/// `errors`, `slower_than=2s`, `slowest=0.01`, `cost_at_least=0.5`, `tokens_at_least=10000`,
/// `eval_score_below=0.5`, `span_type=tool_call`, `span_name=NAME`, `attribute=KEY:VALUE`
/// (VALUE read as JSON when it is, else as a string), `attribute_at_least=KEY:NUMBER`,
/// `ratio=0.01`, `rate_limit=10`, `all` (keep everything).
impl FromStr for TailSampling {
    type Err = TailConfigError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut tail = TailSampling::new();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            tail = apply_item(tail, item)
                .ok_or_else(|| TailConfigError::InvalidItem(item.to_owned()))?;
        }
        tail.validate()?;
        Ok(tail)
    }
}

fn apply_item(tail: TailSampling, item: &str) -> Option<TailSampling> {
    let (key, value) = item
        .split_once('=')
        .map_or((item, ""), |(k, v)| (k.trim(), v.trim()));
    let number = || value.parse::<f64>().ok();
    Some(match key {
        "errors" | "error" => tail.keep_errors(),
        "all" => tail.keep_all(),
        "slower_than" => tail.keep_slower_than(parse_duration(value)?),
        "slowest" => tail.keep_slowest(number()?),
        "cost_at_least" => tail.keep_cost_at_least(number()?),
        "tokens_at_least" => tail.keep_tokens_at_least(value.parse().ok()?),
        "eval_score_below" => tail.keep_eval_score_below(number()?),
        "span_type" => tail.keep_span_type(value.parse().ok()?),
        "span_name" if !value.is_empty() => tail.keep_span_named(value),
        "attribute" => {
            let (k, v) = value.split_once(':')?;
            let v = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_owned()));
            tail.keep_attribute_equals(k, v)
        }
        "attribute_at_least" => {
            let (k, v) = value.split_once(':')?;
            tail.keep_attribute_at_least(k, v.parse().ok()?)
        }
        "ratio" => tail.keep_ratio(number()?),
        "rate_limit" => tail.rate_limit(number()?),
        _ => return None,
    })
}

/// `250ms`, `30s`, `2m`; a bare number is seconds.
fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: f64 = number.trim().parse().ok()?;
    let seconds = match unit {
        "ms" => number / 1000.0,
        "s" => number,
        "m" => number * 60.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}
