//! The one reader of the OTLP exporter's standard variables (`OTEL_EXPORTER_OTLP_*`), over an
//! injected lookup so no caller (nor test) has to touch the process environment.
//!
//! Each setting is parsed only when asked for: the bridges read the endpoint and headers, the
//! HTTP exporter reads everything, and a variable one of them ignores can never fail the other.

use std::time::Duration;

use percent_encoding::percent_decode_str;

/// `OTEL_EXPORTER_OTLP_ENDPOINT`: the base URL, `/v1/traces` appended.
const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the traces URL, used as is.
const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

/// The traces-specific variable of a setting first, then the general one.
const HEADERS: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_HEADERS",
];
const TIMEOUT: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
];
const PROTOCOL: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
];
const COMPRESSION: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
    "OTEL_EXPORTER_OTLP_COMPRESSION",
];

/// `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`: the OTLP transports we speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpProtocol {
    /// `http/protobuf`.
    HttpProtobuf,
    /// `http/json`.
    HttpJson,
    /// `grpc`: OTLP/gRPC, where the endpoint is the collector's address (no `/v1/traces`).
    Grpc,
}

/// `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpCompression {
    /// `gzip`.
    Gzip,
    /// `none`.
    None,
}

/// An item of a `key=value,…` list without `=` or with an empty key; it names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: item {item:?} is not key=value")]
pub struct InvalidKeyValue {
    /// The variable.
    pub variable: &'static str,
    /// Its whole value.
    pub value: String,
    /// The item.
    pub item: String,
}

/// A value outside what its variable accepts; it names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?}: {reason}")]
pub struct InvalidValue {
    /// The variable.
    pub variable: &'static str,
    /// Its value.
    pub value: String,
    /// What is accepted.
    pub reason: &'static str,
}

/// The `OTEL_EXPORTER_OTLP_*` variables as seen through `get` (unset and blank are alike).
///
/// ```
/// use telemetry_otlp::{OtlpEnv, OtlpProtocol};
///
/// let vars = [
///     ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
///     ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Basic%20abc"),
///     ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
/// ];
/// let env = OtlpEnv::new(|name: &str| {
///     vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
/// });
/// assert_eq!(env.traces_url().as_deref(), Some("http://collector:4318/v1/traces"));
/// assert_eq!(env.headers()?.unwrap()[0].1, "Basic abc");
/// assert_eq!(env.protocol()?, Some(OtlpProtocol::HttpJson));
/// assert_eq!(env.timeout()?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct OtlpEnv<F> {
    get: F,
}

impl<F: Fn(&str) -> Option<String>> OtlpEnv<F> {
    /// Reads variables through `get` (`|name| std::env::var(name).ok()` in an application).
    pub fn new(get: F) -> Self {
        OtlpEnv { get }
    }

    /// A variable's trimmed value; blank counts as unset, as the OpenTelemetry SDKs do.
    fn var(&self, name: &str) -> Option<String> {
        (self.get)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The first of `names` that is set, with its name.
    fn first(&self, names: [&'static str; 2]) -> Option<(&'static str, String)> {
        names
            .into_iter()
            .find_map(|name| self.var(name).map(|v| (name, v)))
    }

    /// `OTEL_EXPORTER_OTLP_ENDPOINT`, as given.
    pub fn endpoint(&self) -> Option<String> {
        self.var(ENDPOINT)
    }

    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, as given.
    pub fn traces_endpoint(&self) -> Option<String> {
        self.var(TRACES_ENDPOINT)
    }

    /// The traces URL: the traces variable as is, else the general one + `/v1/traces`.
    pub fn traces_url(&self) -> Option<String> {
        traces_url(self.traces_endpoint(), self.endpoint())
    }

    /// `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`: `key=value` pairs, percent-decoded.
    ///
    /// # Errors
    /// [`InvalidKeyValue`] for an item that is not `key=value`.
    pub fn headers(&self) -> Result<Option<Vec<(String, String)>>, InvalidKeyValue> {
        self.first(HEADERS)
            .map(|(name, value)| key_values(name, &value))
            .transpose()
    }

    /// `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`, in milliseconds.
    ///
    /// # Errors
    /// [`InvalidValue`] when it is not a whole number.
    pub fn timeout(&self) -> Result<Option<Duration>, InvalidValue> {
        self.parse(TIMEOUT, "expected milliseconds", |v| {
            v.parse::<u64>().ok().map(Duration::from_millis)
        })
    }

    /// `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`.
    ///
    /// # Errors
    /// [`InvalidValue`] for a protocol other than `http/protobuf`, `http/json` or `grpc`.
    pub fn protocol(&self) -> Result<Option<OtlpProtocol>, InvalidValue> {
        self.parse(
            PROTOCOL,
            "supported: http/protobuf, http/json, grpc",
            |v| match v {
                "http/protobuf" => Some(OtlpProtocol::HttpProtobuf),
                "http/json" => Some(OtlpProtocol::HttpJson),
                "grpc" => Some(OtlpProtocol::Grpc),
                _ => None,
            },
        )
    }

    /// `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`.
    ///
    /// # Errors
    /// [`InvalidValue`] for a compression other than `gzip` or `none`.
    pub fn compression(&self) -> Result<Option<OtlpCompression>, InvalidValue> {
        self.parse(COMPRESSION, "supported: gzip, none", |v| match v {
            "gzip" => Some(OtlpCompression::Gzip),
            "none" => Some(OtlpCompression::None),
            _ => None,
        })
    }

    fn parse<T>(
        &self,
        names: [&'static str; 2],
        reason: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, InvalidValue> {
        let Some((variable, value)) = self.first(names) else {
            return Ok(None);
        };
        match parse(&value) {
            Some(parsed) => Ok(Some(parsed)),
            None => Err(InvalidValue {
                variable,
                value,
                reason,
            }),
        }
    }
}

/// The traces URL from the two endpoint settings (also used once code and file have had their
/// say, as the bridges' settings do): `traces` as is, else `base` + `/v1/traces`.
pub fn traces_url(traces: Option<String>, base: Option<String>) -> Option<String> {
    traces.or_else(|| Some(format!("{}/v1/traces", base?.trim_end_matches('/'))))
}

/// A `key1=value1,key2=value2` list (W3C baggage format, percent-encoded keys and values), as
/// `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES` use.
///
/// # Errors
/// [`InvalidKeyValue`] for an item without `=` or with an empty key.
pub fn key_values(
    variable: &'static str,
    value: &str,
) -> Result<Vec<(String, String)>, InvalidKeyValue> {
    let decode = |s: &str| {
        percent_decode_str(s.trim())
            .decode_utf8_lossy()
            .into_owned()
    };
    value
        .split(',')
        .filter(|item| !item.trim().is_empty())
        .map(|item| {
            let (key, val) = item
                .split_once('=')
                .filter(|(k, _)| !k.trim().is_empty())
                .ok_or_else(|| InvalidKeyValue {
                    variable,
                    value: value.to_owned(),
                    item: item.to_owned(),
                })?;
            Ok((decode(key), decode(val)))
        })
        .collect()
}
