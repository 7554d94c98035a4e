//! The AI telemetry server: OTLP/HTTP and native ingest, API keys and a GraphQL API for trace,
//! cost and eval analysis, on one port.

pub mod graphql;
pub mod state;
