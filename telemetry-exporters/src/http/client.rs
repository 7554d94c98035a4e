//! Posting one request body, with retries as the OTLP specification asks.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use backon::{ExponentialBuilder, Retryable};
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::config::{HttpCompression, HttpExporterConfig, RetryPolicy, WireFormat};
use super::encode::Payload;
use super::error::HttpExporterError;
use super::grpc::GrpcTransport;
use super::response::{self, Accepted, Failure};
use super::stats::Counters;

/// The HTTP side of the exporter: one `reqwest` client and where and how to post.
pub(crate) struct Client {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    format: WireFormat,
    compression: HttpCompression,
    retry: RetryPolicy,
    counters: Arc<Counters>,
    /// Set for [`WireFormat::OtlpGrpc`]: requests go through it instead of `http`.
    grpc: Option<GrpcTransport>,
}

impl Client {
    pub(crate) fn new(
        config: &HttpExporterConfig,
        counters: Arc<Counters>,
    ) -> Result<Self, HttpExporterError> {
        let endpoint = parse_endpoint(&config.endpoint)?;
        let grpc = match config.format {
            WireFormat::OtlpGrpc => Some(GrpcTransport::new(config)?),
            _ => None,
        };
        let http = reqwest::Client::builder()
            .default_headers(headers(config)?)
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("ai-telemetry-exporter/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(HttpExporterError::Client)?;
        Ok(Client {
            http,
            endpoint,
            format: config.format,
            compression: config.compression,
            retry: config.retry,
            counters,
            grpc,
        })
    }

    /// Posts `payload` until it is accepted, refused for good, or the retry policy (or
    /// `give_up`, checked before each retry) says to stop.
    pub(crate) async fn deliver(
        &self,
        payload: &Payload,
        give_up: impl Fn() -> bool,
        on_retry: impl Fn(),
    ) -> Result<Accepted, Failure> {
        let started = Instant::now();
        let policy = self.retry;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(policy.initial_delay)
            .with_max_delay(policy.max_delay)
            .with_max_times(policy.max_retries)
            .with_jitter();
        (|| self.post(payload))
            .retry(backoff)
            .when(|failure: &Failure| {
                failure.is_retryable() && started.elapsed() < policy.max_elapsed && !give_up()
            })
            .adjust(|failure, delay| {
                let server = failure.retry_after().map(|d| d.min(policy.max_retry_after));
                delay.map(|ours| server.unwrap_or(ours))
            })
            .notify(|failure, delay| {
                self.counters.retries.fetch_add(1, Relaxed);
                on_retry();
                tracing::debug!(error = %failure, ?delay, "retrying export request");
            })
            .await
    }

    /// One try.
    async fn post(&self, payload: &Payload) -> Result<Accepted, Failure> {
        self.counters.requests.fetch_add(1, Relaxed);
        self.counters
            .bytes
            .fetch_add(payload.body.len() as u64, Relaxed);
        if let Some(grpc) = &self.grpc {
            return grpc.export(&payload.body).await;
        }
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .header(CONTENT_TYPE, self.format.content_type())
            .body(payload.body.clone());
        if matches!(self.compression, HttpCompression::Gzip { .. }) {
            request = request.header(CONTENT_ENCODING, "gzip");
        }
        let response = request
            .send()
            .await
            .map_err(|e| response::transport_failure(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| response::transport_failure(&e))?;
        if status.is_success() {
            Ok(response::accepted(self.format, &body))
        } else {
            Err(response::status_failure(status, &headers, &body))
        }
    }
}

fn parse_endpoint(endpoint: &str) -> Result<reqwest::Url, HttpExporterError> {
    let invalid = |reason: String| HttpExporterError::Endpoint {
        endpoint: endpoint.to_owned(),
        reason,
    };
    let url = reqwest::Url::parse(endpoint).map_err(|e| invalid(e.to_string()))?;
    match url.scheme() {
        "http" | "https" if url.has_host() => Ok(url),
        "http" | "https" => Err(invalid("no host".to_owned())),
        other => Err(invalid(format!("scheme {other:?} is not http or https"))),
    }
}

fn headers(config: &HttpExporterConfig) -> Result<HeaderMap, HttpExporterError> {
    let mut map = HeaderMap::new();
    for (name, value) in &config.headers {
        let invalid = || HttpExporterError::Header { name: name.clone() };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let mut value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_endpoints_and_headers_are_errors() {
        assert!(parse_endpoint("http://127.0.0.1:4318/v1/traces").is_ok());
        assert!(matches!(
            parse_endpoint("127.0.0.1:4318"),
            Err(HttpExporterError::Endpoint { .. })
        ));
        assert!(parse_endpoint("ftp://host/x").is_err());
        let config = HttpExporterConfig::new("http://x").header("bad header", "v");
        assert!(matches!(
            headers(&config),
            Err(HttpExporterError::Header { .. })
        ));
        let config = HttpExporterConfig::new("http://x").header("x-key", "line\nbreak");
        assert!(headers(&config).is_err());
    }
}
