//! Server tests over HTTP on real databases: every test runs on SQLite (a temporary file) and,
//! when `TELEMETRY_TEST_POSTGRES_URL` is set, on PostgreSQL in a database created for the
//! test and dropped after it.

mod bad_input;
mod common;
mod decode_props;
mod demo;
mod fixtures;
mod grpc;
mod langfuse_client;
mod langfuse_scores;
mod load;
mod logs;
mod mastra_client;
mod native;
mod ops;
mod python_client;
mod python_grpc_client;
mod query_path;
mod security;
mod shutdown;
mod websocket;
