//! Where environment variables are read from: the process, or a map in tests.

use std::collections::HashMap;

/// A source of environment variables. Tests pass a map instead of touching the process
/// environment (which tests running in parallel would race on).
///
/// ```
/// use std::collections::HashMap;
/// use telemetry_bridges::EnvSource;
///
/// let env = HashMap::from([("OTEL_SERVICE_NAME".to_owned(), "bot".to_owned())]);
/// assert_eq!(env.var("OTEL_SERVICE_NAME").as_deref(), Some("bot"));
/// assert_eq!(env.var("OTEL_TRACES_SAMPLER"), None);
/// ```
pub trait EnvSource {
    /// The variable's value; `None` when unset or empty (as the OpenTelemetry SDKs treat an
    /// empty variable).
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl EnvSource for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty()).cloned()
    }
}

impl EnvSource for [(&str, &str)] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, v)| *k == name && !v.trim().is_empty())
            .map(|(_, v)| (*v).to_owned())
    }
}
