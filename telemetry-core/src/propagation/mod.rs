//! W3C Trace Context (`traceparent`, `tracestate`) and W3C Baggage, through a small carrier
//! trait, so distributed traces continue across services.
//!
//! **The remote sampling decision is honoured (parent-based sampling).** A span whose parent
//! is an extracted remote context follows the caller's `sampled` flag, not the local sampler:
//! with `traceparent` flags `01` it is recorded (a local root of the caller's trace, even under
//! `AlwaysOff` or a ratio), with flags `00` it is not — it takes the sampled-out path, and its
//! children and anything injected from it carry `00` onward, so every service of one
//! distributed trace agrees. To decide locally instead, start the span without the remote
//! context (and link the caller's ids in metadata if wanted).
//!
//! ```
//! use telemetry_core::{propagation::{extract, inject}, Context};
//!
//! let mut headers = http::HeaderMap::new();
//! headers.insert("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap());
//! headers.insert("baggage", "tenant=acme,plan=pro%20plus".parse().unwrap());
//! let cx = extract(&headers);
//! assert_eq!(cx.baggage().unwrap().get("plan"), Some("pro plus"));
//!
//! let mut out = http::HeaderMap::new();
//! inject(&cx, &mut out);
//! assert_eq!(out["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
//! ```

use std::sync::Arc;

use telemetry_types::{SpanId, TraceId};

use crate::context::{Context, Parent};

pub(crate) mod baggage;
pub(crate) mod remote_parent;

pub use baggage::Baggage;
pub use remote_parent::RemoteParent;

/// The `traceparent` header name.
pub const TRACEPARENT: &str = "traceparent";
/// The `tracestate` header name.
pub const TRACESTATE: &str = "tracestate";
/// The `baggage` header name.
pub const BAGGAGE: &str = "baggage";

/// Most `tracestate` entries kept (W3C limit).
const MAX_TRACESTATE_ENTRIES: usize = 32;

/// Writes propagation headers into a carrier.
pub trait Injector {
    /// Sets `key` to `value`.
    fn set(&mut self, key: &str, value: String);
}

/// Reads propagation headers from a carrier.
pub trait Extractor {
    /// The value of `key`, if present and valid text.
    fn get(&self, key: &str) -> Option<&str>;
}

impl Injector for http::HeaderMap {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(key.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            self.insert(name, value);
        }
    }
}

impl Extractor for http::HeaderMap {
    fn get(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(|v| v.to_str().ok())
    }
}

impl Injector for std::collections::HashMap<String, String> {
    fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }
}

impl Extractor for std::collections::HashMap<String, String> {
    fn get(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

/// Why a `traceparent` header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceparentError {
    /// Wrong overall shape (length, separators).
    #[error("traceparent is malformed: {0}")]
    Malformed(&'static str),
    /// Version `ff` is forbidden.
    #[error("traceparent version ff is invalid")]
    InvalidVersion,
    /// A bad trace or span id.
    #[error("traceparent has an invalid id: {0}")]
    Id(#[from] telemetry_types::IdParseError),
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Parses a `traceparent` value by the W3C Trace Context rules (version 00, and future
/// versions read by their version-00 prefix).
pub fn parse_traceparent(value: &str) -> Result<(TraceId, SpanId, bool), TraceparentError> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.len() < 55 {
        return Err(TraceparentError::Malformed("shorter than 55 characters"));
    }
    let version = &value[..2];
    if !is_lower_hex(version) {
        return Err(TraceparentError::Malformed(
            "version is not two lowercase hex digits",
        ));
    }
    if version == "ff" {
        return Err(TraceparentError::InvalidVersion);
    }
    if version == "00" && value.len() != 55 {
        return Err(TraceparentError::Malformed(
            "version 00 must be exactly 55 characters",
        ));
    }
    if value.len() > 55 && value.as_bytes()[55] != b'-' {
        return Err(TraceparentError::Malformed(
            "data after the flags must start with '-'",
        ));
    }
    let bytes = value.as_bytes();
    if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
        return Err(TraceparentError::Malformed(
            "fields must be separated by '-'",
        ));
    }
    let trace_id = TraceId::parse(&value[3..35])?;
    let span_id = SpanId::parse(&value[36..52])?;
    let flags = &value[53..55];
    if !is_lower_hex(flags) {
        return Err(TraceparentError::Malformed(
            "flags are not two lowercase hex digits",
        ));
    }
    let flags = u8::from_str_radix(flags, 16)
        .map_err(|_| TraceparentError::Malformed("flags are not hex"))?;
    Ok((trace_id, span_id, flags & 1 == 1))
}

/// Formats a version-00 `traceparent`.
pub fn format_traceparent(trace_id: TraceId, span_id: SpanId, sampled: bool) -> String {
    format!(
        "00-{trace_id}-{span_id}-{}",
        if sampled { "01" } else { "00" }
    )
}

/// Validates a `tracestate` value: at most 32 `key=value` members; an invalid list is dropped
/// entirely, as the spec allows.
fn parse_tracestate(value: &str) -> Option<String> {
    let members: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    if members.is_empty() || members.len() > MAX_TRACESTATE_ENTRIES {
        return None;
    }
    let valid = members.iter().all(|m| match m.split_once('=') {
        Some((k, v)) => valid_tracestate_key(k) && valid_tracestate_value(v),
        None => false,
    });
    valid.then(|| members.join(","))
}

fn valid_tracestate_key(key: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-*/@".contains(c);
    !key.is_empty() && key.len() <= 256 && key.chars().all(ok_char)
}

fn valid_tracestate_value(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 256
        && value
            .chars()
            .all(|c| (' '..='~').contains(&c) && c != ',' && c != '=')
        && !value.ends_with(' ')
}

/// Writes `traceparent`, `tracestate` and `baggage` for the span current in `cx`.
pub fn inject(cx: &Context, carrier: &mut impl Injector) {
    if let Some((trace_id, span_id, sampled)) = cx.span_ids() {
        carrier.set(TRACEPARENT, format_traceparent(trace_id, span_id, sampled));
        let state = match &cx.parent {
            Parent::Remote(remote) => remote.trace_state.clone(),
            Parent::Recording(shared) => shared.remote_trace_state(),
            _ => None,
        };
        if let Some(state) = state {
            carrier.set(TRACESTATE, state);
        }
    }
    if let Some(baggage) = cx.baggage().filter(|b| !b.is_empty()) {
        carrier.set(BAGGAGE, baggage.to_header());
    }
}

/// Writes the headers of the current context.
pub fn inject_current(carrier: &mut impl Injector) {
    inject(&Context::current(), carrier);
}

/// Reads `traceparent`, `tracestate` and `baggage`. An invalid `traceparent` is ignored (the
/// next span starts a new trace), as the spec requires; baggage is kept either way.
pub fn extract(carrier: &impl Extractor) -> Context {
    let mut cx = Context::new();
    if let Some(Ok((trace_id, span_id, sampled))) = carrier.get(TRACEPARENT).map(parse_traceparent)
    {
        let trace_state = carrier.get(TRACESTATE).and_then(parse_tracestate);
        cx.parent = Parent::Remote(Arc::new(RemoteParent {
            trace_id,
            span_id,
            sampled,
            trace_state,
        }));
    }
    if let Some(header) = carrier.get(BAGGAGE) {
        let baggage = Baggage::parse(header);
        if !baggage.is_empty() {
            cx.baggage = Some(Arc::new(baggage));
        }
    }
    cx
}
