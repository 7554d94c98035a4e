//! The AI telemetry server: OTLP/HTTP and native ingest, API keys and a GraphQL API for trace,
//! cost and eval analysis, on one port.
//!
//! ```no_run
//! use telemetry_api::config::ServerConfig;
//! use telemetry_api::server::{Server, shutdown_signal};
//!
//! # async fn run() -> Result<(), telemetry_api::server::ServerError> {
//! let server = Server::bind(ServerConfig::new("sqlite://data/telemetry.db")).await?;
//! println!("OTLP/HTTP on http://{}/v1/traces", server.local_addr());
//! server.run(shutdown_signal()).await // SIGTERM: finish in-flight requests, commit, exit
//! # }
//! ```
//!
//! Routes: `POST /v1/traces` (OTLP protobuf or JSON), `POST /api/public/otel/v1/traces`
//! (Langfuse SDK), `POST /api/v1/events` (our native batches), `GET /healthz`,
//! `GET /readyz`, `GET /metrics`, GraphQL at `/graphql`, and the trace explorer page at `/`
//! ([`explorer`]). See `docs/API.md`.

pub mod auth;
pub mod config;
pub mod demo;
pub mod explorer;
pub mod graphql;
pub mod ingest;
pub mod ops;
pub mod pipeline;
pub mod prometheus;
pub mod retention;
pub mod router;
pub mod server;
pub mod state;
