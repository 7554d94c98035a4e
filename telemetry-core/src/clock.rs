//! The clock of span start and end times: the CPU's time-stamp counter (through `quanta`)
//! anchored to the wall clock, instead of two `SystemTime::now` calls per span (a vDSO call and
//! a `Timespec` subtraction each). The anchor is taken again when it is more than a second old,
//! so the counter's calibration error never accumulates beyond a second's worth (microseconds)
//! and a step of the wall clock (NTP) is followed within a second. Reading the anchor's two
//! halves is not atomic; a reader that mixes an old and a new half is off by that second's
//! drift, microseconds at most.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use telemetry_types::Timestamp;

/// Re-anchor to the wall clock after this many nanoseconds.
const REANCHOR_NANOS: u64 = 1_000_000_000;

struct Anchor {
    clock: quanta::Clock,
    /// Counter value and Unix nanoseconds at the last anchoring.
    raw: AtomicU64,
    unix: AtomicU64,
}

fn anchor() -> &'static Anchor {
    static ANCHOR: OnceLock<Anchor> = OnceLock::new();
    ANCHOR.get_or_init(|| {
        let clock = quanta::Clock::new();
        let anchor = Anchor {
            raw: AtomicU64::new(0),
            unix: AtomicU64::new(0),
            clock,
        };
        anchor.reanchor();
        anchor
    })
}

impl Anchor {
    #[cold]
    fn reanchor(&self) {
        let raw = self.clock.raw();
        let unix = Timestamp::now().as_unix_nanos();
        self.raw.store(raw, Relaxed);
        self.unix.store(unix, Relaxed);
    }
}

/// Now, as a span timestamp.
#[inline]
pub(crate) fn now() -> Timestamp {
    let anchor = anchor();
    let raw = anchor.clock.raw();
    let base_raw = anchor.raw.load(Relaxed);
    let base_unix = anchor.unix.load(Relaxed);
    let elapsed = anchor.clock.delta_as_nanos(base_raw, raw);
    if elapsed > REANCHOR_NANOS {
        anchor.reanchor();
    }
    Timestamp::from_unix_nanos(base_unix.saturating_add(elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_wall_clock_and_never_runs_backwards_between_anchors() {
        let wall = Timestamp::now().as_unix_nanos();
        let first = now().as_unix_nanos();
        let second = now().as_unix_nanos();
        assert!(second >= first);
        // Within 50 ms of the wall clock.
        assert!(first.abs_diff(wall) < 50_000_000, "{first} vs {wall}");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let later = now().as_unix_nanos();
        assert!(
            later - second >= 15_000_000,
            "the counter advances with time"
        );
    }
}
