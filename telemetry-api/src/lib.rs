//! The AI telemetry server: OTLP/HTTP and native ingest, API keys and a GraphQL API for trace,
//! cost and eval analysis, on one port; OTLP/gRPC on a second
//! ([`ServerConfig::grpc_listen`]).
//!
//! ```
//! use telemetry_api::{Server, ServerConfig};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! let mut config = ServerConfig::new("sqlite::memory:");
//! config.listen = "127.0.0.1:0".parse()?; // any free port
//! let server = Server::bind(config).await?;
//! let url = format!("http://{}/healthz", server.local_addr());
//!
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let running = tokio::spawn(server.run(async { stopped.await.ok(); }));
//! assert!(reqwest::get(&url).await?.status().is_success());
//!
//! stop.send(()).ok(); // in a binary: `server.run(telemetry_api::shutdown_signal())`
//! running.await??;
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```
//!
//! Routes: `POST /v1/traces` and `POST /v1/logs` (OTLP protobuf or JSON),
//! `POST /api/public/otel/v1/traces`
//! (Langfuse SDK), `POST /api/v1/events` (our native batches), `GET /healthz`,
//! `GET /readyz`, `GET /metrics`, GraphQL at `/graphql`, and the trace explorer page at `/`
//! ([`explorer`]). See `docs/API.md`.
//!
//! The root re-exports what running a server takes ([`Server`], [`ServerConfig`],
//! [`ServerError`], [`shutdown_signal`]) and what embedding the GraphQL API takes
//! ([`AppState`], [`build_schema`], [`GraphqlLimits`]); `config`, `graphql`, `server` and
//! `state` hold the rest of those surfaces, `ingest` and `pipeline` the ingest path. The
//! router, authentication, metrics and retention tasks are private.

pub(crate) mod auth;
pub mod config;
pub mod demo;
pub mod explorer;
pub mod graphql;
pub(crate) mod grpc;
pub mod ingest;
pub(crate) mod live;
pub(crate) mod ops;
pub mod pipeline;
pub(crate) mod prometheus;
pub(crate) mod retention;
pub(crate) mod router;
pub mod server;
pub mod state;

pub use config::ServerConfig;
pub use graphql::{AppSchema, GraphqlLimits, build_schema};
pub use server::{Server, ServerError, shutdown_signal};
pub use state::AppState;

/// The server guide, `docs/API.md`: every route, the clients it serves, GraphQL by example
/// and the trace explorer. Included here so its examples are compiled with the crate's doctests.
#[doc = include_str!("../../docs/API.md")]
pub mod guide {}
