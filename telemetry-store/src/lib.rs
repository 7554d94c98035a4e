//! The store for AI telemetry: sea-orm entities, migrations and the `Store` API over SQLite
//! (embedded default) and PostgreSQL.
//!
//! Not implemented yet: this crate holds no code. See the store issue.
