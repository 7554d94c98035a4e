//! The AI telemetry server: OTLP/HTTP and native ingest, API keys and a GraphQL API for trace,
//! cost and eval analysis.
//!
//! Not implemented yet: this crate holds no code. See the server issue.
