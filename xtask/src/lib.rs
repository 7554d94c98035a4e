//! `cargo xtask`: the operator's and contributor's tool for this workspace.
//!
//! | command | what it does |
//! |---|---|
//! | `cargo xtask migrate up/down/status/fresh` | the store's migrations against `--database-url` |
//! | `cargo xtask compat [wire/schema/otel/api]` | compatibility checks (wire fixtures, migrations with data, OTel mapping snapshot, public API) |
//! | `cargo xtask import PATH` | the file exporter's JSON Lines into a store, idempotently |
//! | `cargo xtask bench [NAME]` | end-to-end benchmarks, JSON results, `--compare` against a saved run |
//! | `cargo xtask discard-receiver [--listen ADDR]` | an OTLP/HTTP receiver that decodes and discards (the load bench's ceiling) |
//! | `cargo xtask demo-fixture [--check]` | records the server's demo traces (`serve --demo`) into its OTLP fixture |
//! | `cargo xtask ci` | the CI gate, the same steps as `.ci/run` |
//!
//! Exit codes scripts can trust: [`exit::OK`] (0), [`exit::CHECK_FAILED`] (1: a check found
//! a problem), [`exit::USAGE`] (2: bad command line or a refused request),
//! [`exit::ERROR`] (3: could not run, e.g. a database that does not answer).
//!
//! ```
//! // The commands are library functions too, as the tests call them. On a fresh in-memory
//! // database every migration is pending:
//! let status = xtask::migrate::status("sqlite::memory:")?;
//! assert!(!status.is_empty() && status.iter().all(|line| !line.applied));
//! for line in status {
//!     println!("{line}");
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod bench;
pub mod ci;
pub mod ci_clients;
pub mod cli;
pub mod compat;
pub mod dataset;
pub mod db;
pub mod demo_fixture;
pub mod exit;
pub mod import;
pub mod migrate;
pub mod progress;
