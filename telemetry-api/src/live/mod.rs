//! The live tail across servers. Each server publishes the spans it commits to its own
//! subscribers (`pipeline/writer.rs`); with PostgreSQL several servers may share one
//! database, so each also announces the keys of what it committed ([`Announcer`],
//! `NOTIFY`) and listens for the others' announcements ([`listen`], `LISTEN`), loading those
//! spans for its subscribers. Both sides are bounded: a notice that does not fit a queue is
//! dropped and counted (`telemetry_live_notices_dropped_total`); the spans are in the store.

mod announcer;
mod listener;

pub(crate) use announcer::Announcer;
pub(crate) use listener::listen;

use std::hash::{BuildHasher, Hasher};

/// A random id of this server process's pipeline, carried in its notices so that it skips
/// its own (its subscribers got those spans from the writer already).
pub(crate) fn new_origin() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

/// Counts notices dropped because a queue was full or the database refused them.
fn dropped(side: &'static str, notices: u64) {
    metrics::counter!("telemetry_live_notices_dropped_total", "side" => side).increment(notices);
}
