//! [`TokenBucket`]: the state of a rate-limit policy.

use std::time::Instant;

use parking_lot::Mutex;

/// Allows `per_second` traces a second on average, with bursts up to one second's worth
/// (at least one trace).
pub(crate) struct TokenBucket {
    per_second: f64,
    capacity: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    pub(crate) fn new(per_second: f64) -> Self {
        let per_second = if per_second.is_finite() {
            per_second.max(0.0)
        } else {
            0.0
        };
        let capacity = per_second.max(1.0);
        TokenBucket {
            per_second,
            capacity,
            state: Mutex::new((
                if per_second > 0.0 { capacity } else { 0.0 },
                Instant::now(),
            )),
        }
    }

    /// Takes one token if there is one.
    pub(crate) fn try_take(&self, now: Instant) -> bool {
        let mut state = self.state.lock();
        let (tokens, last) = &mut *state;
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.per_second).min(self.capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}
