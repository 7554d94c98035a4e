//! A registry of named telemetry instances with a default, replacing a global singleton.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::RwLock;

use crate::context::Context;
use crate::telemetry::Telemetry;

/// Picks an instance name for a call from its context (e.g. the tenant in the baggage).
pub type Selector = Arc<dyn Fn(&Context) -> Option<String> + Send + Sync>;

/// Named telemetry instances, a default, and an optional selector — for tenants, components
/// and tests. Create as many registries as you like; [`Registry::global`] is one for
/// convenience (the macros fall back to it), and tests never need to share it.
///
/// ```
/// use telemetry_core::{Registry, Telemetry};
///
/// let registry = Registry::new();
/// registry.register(Telemetry::builder("acme").build().unwrap());
/// registry.register(Telemetry::builder("globex").build().unwrap());
/// registry.set_default("acme");
/// registry.set_selector(|cx| cx.baggage()?.get("tenant").map(str::to_owned));
/// assert_eq!(registry.resolve(None).unwrap().name(), "acme");
/// assert_eq!(registry.get("globex").unwrap().name(), "globex");
/// ```
#[derive(Default)]
pub struct Registry {
    instances: RwLock<HashMap<String, Telemetry>>,
    default: RwLock<Option<String>>,
    selector: RwLock<Option<Selector>>,
    /// Number of instances, read without a lock so that resolving in an empty registry (the
    /// macros' "no telemetry configured" path) costs one atomic load.
    len: AtomicUsize,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// The process-wide registry (created empty on first use).
    pub fn global() -> &'static Registry {
        static GLOBAL: OnceLock<Registry> = OnceLock::new();
        GLOBAL.get_or_init(Registry::new)
    }

    /// Registers `telemetry` under its name, replacing an instance of the same name (returned).
    /// The first instance registered becomes the default.
    pub fn register(&self, telemetry: Telemetry) -> Option<Telemetry> {
        let name = telemetry.name().to_owned();
        let mut default = self.default.write();
        if default.is_none() {
            *default = Some(name.clone());
        }
        let mut instances = self.instances.write();
        let replaced = instances.insert(name, telemetry);
        self.len.store(instances.len(), Ordering::Release);
        replaced
    }

    /// Removes the instance called `name`; the default is cleared if it was that one.
    pub fn unregister(&self, name: &str) -> Option<Telemetry> {
        let mut default = self.default.write();
        if default.as_deref() == Some(name) {
            *default = None;
        }
        let mut instances = self.instances.write();
        let removed = instances.remove(name);
        self.len.store(instances.len(), Ordering::Release);
        removed
    }

    /// The instance called `name`.
    pub fn get(&self, name: &str) -> Option<Telemetry> {
        self.instances.read().get(name).cloned()
    }

    /// Makes `name` the default; `false` when no such instance is registered.
    pub fn set_default(&self, name: &str) -> bool {
        if !self.instances.read().contains_key(name) {
            return false;
        }
        *self.default.write() = Some(name.to_owned());
        true
    }

    /// The default instance.
    pub fn default_instance(&self) -> Option<Telemetry> {
        let name = self.default.read().clone()?;
        self.get(&name)
    }

    /// Sets the selector consulted by [`resolve`](Self::resolve) when no name is given.
    pub fn set_selector(
        &self,
        selector: impl Fn(&Context) -> Option<String> + Send + Sync + 'static,
    ) {
        *self.selector.write() = Some(Arc::new(selector));
    }

    /// The instance for a call: `name` if given and registered, else the selector's pick for
    /// the current context, else the default.
    pub fn resolve(&self, name: Option<&str>) -> Option<Telemetry> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        if let Some(found) = name.and_then(|n| self.get(n)) {
            return Some(found);
        }
        let selector = self.selector.read().clone();
        if let Some(found) = selector
            .and_then(|s| s(&Context::current()))
            .and_then(|pick| self.get(&pick))
        {
            return Some(found);
        }
        self.default_instance()
    }

    /// Names of the registered instances, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.instances.read().keys().cloned().collect();
        names.sort();
        names
    }
}

/// The telemetry that records a span started here, and what `#[with_span]` and
/// `#[instrument_class]` use: the current context's; else the instance called `name` in the
/// global registry; else the global registry's selector's pick for the current context (see
/// [`Registry::set_selector`]); else the global default.
pub fn resolve_telemetry(name: Option<&str>) -> Option<Telemetry> {
    Context::with_current(|cx| cx.and_then(Context::telemetry))
        .or_else(|| Registry::global().resolve(name))
}
