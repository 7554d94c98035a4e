//! [`SlowestFraction`]: the state of a "slowest fraction" policy, a running estimate of the
//! root duration above which the slowest `fraction` of recent traces lie.

use std::time::Duration;

use parking_lot::Mutex;

/// Buckets per doubling of duration (≈ 4.4 % wide; the threshold is interpolated between the
/// shortest and longest duration seen in its bucket, so a partly filled top bucket does not
/// push it above every observed value).
const PER_DOUBLING: f64 = 16.0;
/// Buckets from 1 µs to 2^40 µs (≈ 12 days).
const BUCKETS: usize = 40 * 16;
/// Counts are halved when they reach twice this, so the estimate follows the last
/// ~10 000–20 000 traces.
const WINDOW: f64 = 10_000.0;
/// Fewer observed traces than this: no estimate yet, the policy does not hold.
const WARM_UP: f64 = 100.0;

/// A decaying log-scale histogram of root durations.
pub(crate) struct SlowestFraction {
    fraction: f64,
    state: Mutex<Histogram>,
}

struct Histogram {
    counts: Vec<f64>,
    /// Shortest and longest duration seen in each bucket, in seconds.
    range: Vec<(f64, f64)>,
    total: f64,
}

impl SlowestFraction {
    pub(crate) fn new(fraction: f64) -> Self {
        SlowestFraction {
            fraction: fraction.clamp(0.0, 1.0),
            state: Mutex::new(Histogram {
                counts: vec![0.0; BUCKETS],
                range: vec![(f64::INFINITY, 0.0); BUCKETS],
                total: 0.0,
            }),
        }
    }

    /// Counts one finished root's duration.
    pub(crate) fn observe(&self, duration: Duration) {
        let seconds = duration.as_secs_f64();
        let index = bucket(seconds);
        let mut h = self.state.lock();
        h.counts[index] += 1.0;
        let (low, high) = &mut h.range[index];
        *low = low.min(seconds);
        *high = high.max(seconds);
        h.total += 1.0;
        if h.total >= 2.0 * WINDOW {
            h.counts.iter_mut().for_each(|c| *c *= 0.5);
            h.total *= 0.5;
        }
    }

    /// Whether `duration` is among the slowest `fraction` of what was observed.
    pub(crate) fn holds(&self, duration: Duration) -> bool {
        self.threshold()
            .is_some_and(|threshold| duration >= threshold)
    }

    /// The estimated duration above which `fraction` of the observed roots lie.
    fn threshold(&self) -> Option<Duration> {
        let h = self.state.lock();
        if h.total < WARM_UP || self.fraction <= 0.0 {
            return None;
        }
        let wanted = self.fraction * h.total;
        let mut above = 0.0;
        for index in (0..BUCKETS).rev() {
            let count = h.counts[index];
            if above + count >= wanted && count > 0.0 {
                // Linear inside the bucket: the part still needed lies at its top.
                let share = (wanted - above) / count;
                let (low, high) = h.range[index];
                return Some(Duration::from_secs_f64(high - (high - low) * share));
            }
            above += count;
        }
        Some(Duration::ZERO)
    }
}

fn bucket(seconds: f64) -> usize {
    let micros = seconds * 1e6;
    if micros <= 1.0 {
        return 0;
    }
    ((micros.log2() * PER_DOUBLING) as usize).min(BUCKETS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_follows_the_requested_fraction() {
        let slowest = SlowestFraction::new(0.01);
        for ms in 1..=10_000u64 {
            slowest.observe(Duration::from_millis(ms));
        }
        let threshold = slowest.threshold().unwrap().as_secs_f64();
        assert!((9.85..=9.95).contains(&threshold), "{threshold}");
        assert!(slowest.holds(Duration::from_secs(10)));
        assert!(!slowest.holds(Duration::from_secs(9)));
    }

    #[test]
    fn no_estimate_before_the_warm_up() {
        let slowest = SlowestFraction::new(0.5);
        slowest.observe(Duration::from_secs(100));
        assert!(!slowest.holds(Duration::from_secs(1000)));
    }
}
