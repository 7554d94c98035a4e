//! Errors of the HTTP exporter's construction.

/// The HTTP exporter could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum HttpExporterError {
    /// The endpoint is not an absolute `http` or `https` URL.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    Endpoint {
        /// The endpoint given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A configured header name or value is not valid HTTP.
    #[error("invalid header {name:?}")]
    Header {
        /// The header's name.
        name: String,
    },
    /// An `OTEL_EXPORTER_OTLP_*` variable has a value that is not understood.
    #[error("{name}={value:?}: {reason}")]
    Env {
        /// The variable.
        name: String,
        /// Its value.
        value: String,
        /// What is expected.
        reason: String,
    },
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}
