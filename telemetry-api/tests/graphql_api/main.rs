//! The GraphQL API through the schema and through HTTP, on SQLite and (when
//! `TELEMETRY_TEST_POSTGRES_URL` is set) PostgreSQL, against values computed in the tests.

mod analytics;
mod evals;
mod http;
mod schema_file;
mod security;
mod sessions;
mod spans;
mod subscription;
mod support;
mod traces;
