//! Store tests on real databases: every test runs on SQLite (a temporary file) and, when
//! `TELEMETRY_TEST_POSTGRES_URL` is set, on PostgreSQL in a database created for the test and
//! dropped after it.

mod admin;
mod aggregates;
mod common;
mod evals;
mod ingest;
mod logs;
mod partitions;
mod queries;
mod retention;
mod shared_database;
