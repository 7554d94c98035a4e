//! A run-time on/off switch for one bridge.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Turns a bridge (a [`TelemetryLayer`](crate::TelemetryLayer) or an
/// [`otel::TelemetrySpanProcessor`](crate::otel::TelemetrySpanProcessor)) off and on at run
/// time, without a restart. Clones share the state; off, the bridge costs one atomic load.
///
/// ```
/// use telemetry_bridges::BridgeSwitch;
///
/// let switch = BridgeSwitch::new(true);
/// let handle = switch.clone();
/// handle.set(false);
/// assert!(!switch.is_on());
/// ```
#[derive(Debug, Clone)]
pub struct BridgeSwitch(Arc<AtomicBool>);

impl BridgeSwitch {
    /// A switch, initially `on` or off.
    pub fn new(on: bool) -> Self {
        BridgeSwitch(Arc::new(AtomicBool::new(on)))
    }

    /// Turns the bridge on or off.
    pub fn set(&self, on: bool) {
        self.0.store(on, Relaxed);
    }

    /// Whether the bridge is on.
    #[inline]
    pub fn is_on(&self) -> bool {
        self.0.load(Relaxed)
    }
}

impl Default for BridgeSwitch {
    fn default() -> Self {
        BridgeSwitch::new(true)
    }
}
