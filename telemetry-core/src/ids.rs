//! Random span and trace ids for the span hot path: one thread-local wyrand state (a load, a
//! multiply, a store per 64 bits) instead of the general-purpose generator's range handling,
//! so a sampled-out span's ids cost a few instructions.

use std::cell::Cell;

use telemetry_types::{SpanId, TraceId};

thread_local! {
    /// wyrand state; 0 means "not seeded yet" (seeded from the general generator on first use).
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// The next 64 random bits of this thread.
#[inline]
fn next() -> u64 {
    STATE
        .try_with(|state| {
            let mut s = state.get();
            if s == 0 {
                s = fastrand::u64(1..);
            }
            s = s.wrapping_add(0xa076_1d64_78bd_642f);
            state.set(s);
            let t = u128::from(s) * u128::from(s ^ 0xe703_7ed1_a0b4_28db);
            (t as u64) ^ ((t >> 64) as u64)
        })
        // Thread-locals torn down (a span started in a destructor at thread exit).
        .unwrap_or_else(|_| fastrand::u64(..))
}

/// A new random, non-zero span id.
#[inline]
pub(crate) fn span_id() -> SpanId {
    loop {
        if let Some(id) = SpanId::from_bytes(next().to_be_bytes()) {
            return id;
        }
    }
}

/// A new random, non-zero trace id.
#[inline]
pub(crate) fn trace_id() -> TraceId {
    loop {
        let value = (u128::from(next()) << 64) | u128::from(next());
        if let Some(id) = TraceId::from_bytes(value.to_be_bytes()) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    #[test]
    fn ids_are_distinct_across_calls_and_threads() {
        let mut seen: HashSet<u64> = (0..10_000).map(|_| super::span_id().to_int()).collect();
        let other: Vec<u64> =
            std::thread::spawn(|| (0..10_000).map(|_| super::span_id().to_int()).collect())
                .join()
                .unwrap();
        seen.extend(other);
        assert_eq!(seen.len(), 20_000);
        let traces: HashSet<u128> = (0..10_000).map(|_| super::trace_id().to_int()).collect();
        assert_eq!(traces.len(), 10_000);
    }
}
