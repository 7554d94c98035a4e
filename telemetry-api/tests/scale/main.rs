//! Scale-out and faults with the real server binary in child processes: several servers on
//! one PostgreSQL database, `kill -9` mid-load, the database's connections terminated
//! mid-load, and a SQLite disk that fills. The PostgreSQL tests need
//! `TELEMETRY_TEST_POSTGRES_URL` (they say `skipped` without it).

mod common;
mod disk_full;
mod kill9;
mod load;
mod multi_server;
mod pg_outage;
mod read_replica;
