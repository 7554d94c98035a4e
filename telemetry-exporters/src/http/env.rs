//! The OTLP exporter's standard environment variables (`OTEL_EXPORTER_OTLP_*`), read by
//! [`telemetry_otlp::OtlpEnv`] and applied over the exporter's defaults.

use telemetry_otlp::{InvalidKeyValue, InvalidValue, OtlpCompression, OtlpEnv, OtlpProtocol};

use super::config::{HttpCompression, HttpExporterConfig, WireFormat};
use super::error::HttpExporterError;

/// Endpoint used when no variable names one: the OTLP/HTTP default port, on 127.0.0.1 where
/// our server listens by default.
pub const DEFAULT_OTLP_ENDPOINT: &str = "http://127.0.0.1:4318/v1/traces";

/// Endpoint used for `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` when no variable names one: the
/// OTLP/gRPC default port on 127.0.0.1.
pub const DEFAULT_OTLP_GRPC_ENDPOINT: &str = "http://127.0.0.1:4317";

fn invalid(name: &str, value: String, reason: &str) -> HttpExporterError {
    HttpExporterError::Env {
        name: name.to_owned(),
        value,
        reason: reason.to_owned(),
    }
}

impl From<InvalidKeyValue> for HttpExporterError {
    fn from(error: InvalidKeyValue) -> Self {
        invalid(error.variable, error.value, "expected key=value pairs")
    }
}

impl From<InvalidValue> for HttpExporterError {
    fn from(error: InvalidValue) -> Self {
        invalid(error.variable, error.value, error.reason)
    }
}

impl HttpExporterConfig {
    /// OTLP settings from the standard variables — `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`,
    /// `…_HEADERS`, `…_TIMEOUT` (ms), `…_PROTOCOL` (`http/protobuf`, `http/json` or `grpc`) and
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
        let env = OtlpEnv::new(get);
        let grpc = env.protocol()? == Some(OtlpProtocol::Grpc);
        // gRPC names the service in the request path: the endpoint is the bare address.
        let endpoint = match grpc {
            true => env.traces_endpoint().or_else(|| env.endpoint()),
            false => env.traces_url(),
        };
        let default = match grpc {
            true => DEFAULT_OTLP_GRPC_ENDPOINT,
            false => DEFAULT_OTLP_ENDPOINT,
        };
        let mut config = HttpExporterConfig::new(endpoint.unwrap_or_else(|| default.to_owned()));
        if let Some(headers) = env.headers()? {
            config.headers = headers;
        }
        if let Some(timeout) = env.timeout()? {
            config.timeout = timeout;
        }
        if let Some(protocol) = env.protocol()? {
            config.format = match protocol {
                OtlpProtocol::HttpProtobuf => WireFormat::OtlpProtobuf,
                OtlpProtocol::HttpJson => WireFormat::OtlpJson,
                OtlpProtocol::Grpc => WireFormat::OtlpGrpc,
            };
        }
        if let Some(compression) = env.compression()? {
            config.compression = match compression {
                OtlpCompression::Gzip => HttpCompression::gzip(),
                OtlpCompression::None => HttpCompression::None,
            };
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
    use std::time::Duration;

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
    fn grpc_uses_the_bare_endpoint() {
        let c = config(&[
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"),
        ])
        .unwrap();
        assert_eq!(c.format, WireFormat::OtlpGrpc);
        assert_eq!(c.endpoint, "http://collector:4317");
        let default = config(&[("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")]).unwrap();
        assert_eq!(default.endpoint, DEFAULT_OTLP_GRPC_ENDPOINT);
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "thrift"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign"),
            ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "brotli"),
        ] {
            let error = config(&[(name, value)]).unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
    }
}
