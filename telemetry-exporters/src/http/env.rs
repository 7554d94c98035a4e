//! The OTLP exporter's standard environment variables (`OTEL_EXPORTER_OTLP_*`).

use std::time::Duration;

use super::config::{HttpCompression, HttpExporterConfig, WireFormat};
use super::error::HttpExporterError;

/// Endpoint used when no variable names one: the OTLP/HTTP default port, on 127.0.0.1 where
/// our server listens by default.
pub const DEFAULT_OTLP_ENDPOINT: &str = "http://127.0.0.1:4318/v1/traces";

/// Value of the traces-specific variable `OTEL_EXPORTER_OTLP_TRACES_{suffix}`, else of the
/// general `OTEL_EXPORTER_OTLP_{suffix}`, with its name.
fn lookup(get: &impl Fn(&str) -> Option<String>, suffix: &str) -> Option<(String, String)> {
    [
        format!("OTEL_EXPORTER_OTLP_TRACES_{suffix}"),
        format!("OTEL_EXPORTER_OTLP_{suffix}"),
    ]
    .into_iter()
    .find_map(|name| {
        get(&name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (name, v))
    })
}

fn invalid(name: &str, value: &str, reason: &str) -> HttpExporterError {
    HttpExporterError::Env {
        name: name.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// The traces endpoint: the traces variable as is, or the general one + `/v1/traces`.
fn endpoint(get: &impl Fn(&str) -> Option<String>) -> String {
    if let Some(url) = get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").filter(|v| !v.trim().is_empty()) {
        return url.trim().to_owned();
    }
    match get("OTEL_EXPORTER_OTLP_ENDPOINT").filter(|v| !v.trim().is_empty()) {
        Some(base) => format!("{}/v1/traces", base.trim().trim_end_matches('/')),
        None => DEFAULT_OTLP_ENDPOINT.to_owned(),
    }
}

/// `key=value` pairs separated by commas, values percent-decoded.
fn headers(name: &str, value: &str) -> Result<Vec<(String, String)>, HttpExporterError> {
    let mut out = Vec::new();
    for pair in value.split(',').filter(|p| !p.trim().is_empty()) {
        let (key, raw) = pair
            .split_once('=')
            .ok_or_else(|| invalid(name, value, "expected key=value pairs"))?;
        let decoded = percent_encoding::percent_decode_str(raw.trim())
            .decode_utf8()
            .map_err(|_| invalid(name, value, "a value is not UTF-8 once decoded"))?;
        out.push((key.trim().to_owned(), decoded.into_owned()));
    }
    Ok(out)
}

fn protocol(name: &str, value: &str) -> Result<WireFormat, HttpExporterError> {
    match value.trim() {
        "http/protobuf" => Ok(WireFormat::OtlpProtobuf),
        "http/json" => Ok(WireFormat::OtlpJson),
        _ => Err(invalid(name, value, "supported: http/protobuf, http/json")),
    }
}

fn compression(name: &str, value: &str) -> Result<HttpCompression, HttpExporterError> {
    match value.trim() {
        "gzip" => Ok(HttpCompression::gzip()),
        "none" => Ok(HttpCompression::None),
        _ => Err(invalid(name, value, "supported: gzip, none")),
    }
}

fn timeout(name: &str, value: &str) -> Result<Duration, HttpExporterError> {
    value
        .trim()
        .parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| invalid(name, value, "expected milliseconds"))
}

impl HttpExporterConfig {
    /// OTLP settings from the standard variables — `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`,
    /// `…_HEADERS`, `…_TIMEOUT` (ms), `…_PROTOCOL` (`http/protobuf` or `http/json`) and
    /// `…_COMPRESSION` (`gzip` or `none`) — over the defaults of [`HttpExporterConfig::new`].
    ///
    /// # Errors
    /// [`HttpExporterError::Env`] naming the variable whose value is not understood.
    ///
    /// ```
    /// use telemetry_exporters::http::{HttpExporterConfig, WireFormat};
    ///
    /// let vars = [
    ///     ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://cloud.langfuse.com/api/public/otel"),
    ///     ("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20cGs6c2s="),
    ///     ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
    /// ];
    /// let get = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
    /// let config = HttpExporterConfig::from_env_with(get).unwrap();
    /// assert_eq!(config.endpoint, "https://cloud.langfuse.com/api/public/otel/v1/traces");
    /// assert_eq!(config.headers[0].1, "Basic cGs6c2s=");
    /// assert_eq!(config.format, WireFormat::OtlpJson);
    /// ```
    pub fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Result<Self, HttpExporterError> {
        let mut config = HttpExporterConfig::new(endpoint(&get));
        if let Some((name, value)) = lookup(&get, "HEADERS") {
            config.headers = headers(&name, &value)?;
        }
        if let Some((name, value)) = lookup(&get, "TIMEOUT") {
            config.timeout = timeout(&name, &value)?;
        }
        if let Some((name, value)) = lookup(&get, "PROTOCOL") {
            config.format = protocol(&name, &value)?;
        }
        if let Some((name, value)) = lookup(&get, "COMPRESSION") {
            config.compression = compression(&name, &value)?;
        }
        Ok(config)
    }

    /// [`from_env_with`](Self::from_env_with) reading this process's environment.
    ///
    /// # Errors
    /// As [`from_env_with`](Self::from_env_with).
    pub fn from_env() -> Result<Self, HttpExporterError> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<HttpExporterConfig, HttpExporterError> {
        HttpExporterConfig::from_env_with(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_without_variables() {
        let c = config(&[]).unwrap();
        assert_eq!(c.endpoint, DEFAULT_OTLP_ENDPOINT);
        assert_eq!(c.format, WireFormat::OtlpProtobuf);
    }

    #[test]
    fn traces_variables_win_over_general_ones() {
        let c = config(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318/"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://traces:9999/custom",
            ),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2000"),
            ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "500"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "none"),
        ])
        .unwrap();
        assert_eq!(c.endpoint, "http://traces:9999/custom");
        assert_eq!(c.timeout, Duration::from_millis(500));
        assert_eq!(c.compression, HttpCompression::None);
        let general = config(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318/")]).unwrap();
        assert_eq!(general.endpoint, "http://general:4318/v1/traces");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign"),
            ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "brotli"),
        ] {
            let error = config(&[(name, value)]).unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
    }
}
