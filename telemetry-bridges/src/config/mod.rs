//! Configuration from the OpenTelemetry environment variables, a file and code, with one
//! precedence: **code, then file, then environment** — a value set in code wins over the file,
//! which wins over the environment; what none sets keeps its default. One exception: the
//! `TELEMETRY_ENABLED=false` kill switch in the environment turns telemetry off whatever code
//! and file say (every span takes the sampled-out path).
//!
//! | variable | setting |
//! |---|---|
//! | `OTEL_SERVICE_NAME` | service name (over `service.name` in `OTEL_RESOURCE_ATTRIBUTES`) |
//! | `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` | `always_on`, `always_off`, `traceidratio` and their `parentbased_*` forms |
//! | `OTEL_EXPORTER_OTLP_ENDPOINT` | OTLP/HTTP base URL (`/v1/traces` appended) |
//! | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` | OTLP/HTTP traces URL, used as is |
//! | `OTEL_EXPORTER_OTLP_HEADERS` | `key=value,…` headers sent with each export |
//! | `OTEL_RESOURCE_ATTRIBUTES` | `key=value,…`: `deployment.environment(.name)` → environment, `service.version` → release, the others → `key=value` tags |
//! | `TELEMETRY_ENABLED` | `false` turns everything off (kill switch) |
//!
//! ```
//! use telemetry_bridges::Settings;
//!
//! let env = [("OTEL_SERVICE_NAME", "from-env"), ("OTEL_TRACES_SAMPLER", "always_off")];
//! let file = Settings::from_toml(r#"service_name = "from-file""#)?;
//! let code = Settings { otlp_endpoint: Some("http://127.0.0.1:4318".into()), ..Settings::default() };
//!
//! let settings = Settings::resolve(code, file, Settings::from_env(&env[..])?);
//! assert_eq!(settings.service_name.as_deref(), Some("from-file"));
//! assert_eq!(settings.otlp_traces_endpoint().as_deref(), Some("http://127.0.0.1:4318/v1/traces"));
//! let telemetry = settings.builder().build()?;
//! assert!(telemetry.is_enabled());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod parse;
mod source;

use std::collections::BTreeMap;

use serde::Deserialize;
use telemetry_core::{SamplingStrategy, Telemetry, TelemetryBuilder};
use telemetry_otlp::{InvalidKeyValue, OtlpEnv};

pub use source::{EnvSource, ProcessEnv};

impl From<InvalidKeyValue> for ConfigError {
    fn from(error: InvalidKeyValue) -> Self {
        ConfigError::InvalidList {
            variable: error.variable,
            item: error.item,
        }
    }
}

/// Why configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `OTEL_TRACES_SAMPLER` names a sampler we do not have.
    #[error(
        "unsupported OTEL_TRACES_SAMPLER {0:?} (use always_on, always_off, traceidratio or their parentbased_ forms)"
    )]
    UnknownSampler(String),
    /// `OTEL_TRACES_SAMPLER_ARG` is not a ratio in [0, 1].
    #[error("OTEL_TRACES_SAMPLER_ARG {0:?} is not a number between 0 and 1")]
    InvalidSamplerArg(String),
    /// An item of a `key=value,…` list has no `=`.
    #[error("{variable}: item {item:?} is not key=value")]
    InvalidList {
        /// The variable.
        variable: &'static str,
        /// The item.
        item: String,
    },
    /// A boolean variable holds something else.
    #[error("{variable}: {value:?} is not true or false")]
    InvalidBool {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// The configuration file could not be read.
    #[error("reading the configuration file: {0}")]
    Io(#[from] std::io::Error),
    /// The configuration file is not valid TOML for these settings.
    #[error("configuration file: {0}")]
    File(#[from] toml::de::Error),
}

/// One layer of settings (code, file or environment); `None` leaves a setting to the next
/// layer. [`Settings::resolve`] merges the three.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Service name.
    pub service_name: Option<String>,
    /// Whether telemetry records anything.
    pub enabled: Option<bool>,
    /// Sampling strategy.
    pub sampling: Option<SamplingStrategy>,
    /// OTLP/HTTP base URL (`/v1/traces` is appended).
    pub otlp_endpoint: Option<String>,
    /// OTLP/HTTP traces URL, used as is (over `otlp_endpoint`).
    pub otlp_traces_endpoint: Option<String>,
    /// Headers sent with each OTLP export.
    pub otlp_headers: Option<Vec<(String, String)>>,
    /// Resource attributes.
    pub resource_attributes: Option<Vec<(String, String)>>,
}

/// The file format: the same settings, with the OpenTelemetry sampler names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    service_name: Option<String>,
    enabled: Option<bool>,
    sampler: Option<String>,
    sampler_arg: Option<f64>,
    otlp_endpoint: Option<String>,
    otlp_traces_endpoint: Option<String>,
    otlp_headers: Option<BTreeMap<String, String>>,
    resource_attributes: Option<BTreeMap<String, String>>,
}

impl Settings {
    /// Reads the OpenTelemetry variables (and `TELEMETRY_ENABLED`) from `env`: pass
    /// [`ProcessEnv`] in an application, a map in tests.
    pub fn from_env(env: &(impl EnvSource + ?Sized)) -> Result<Settings, ConfigError> {
        let list = |name: &'static str| {
            env.var(name)
                .map(|v| parse::key_values(name, &v))
                .transpose()
        };
        let otlp = OtlpEnv::new(|name: &str| env.var(name));
        let resource_attributes = list("OTEL_RESOURCE_ATTRIBUTES")?;
        let service_name = env.var("OTEL_SERVICE_NAME").or_else(|| {
            resource_attributes
                .as_ref()?
                .iter()
                .find(|(k, _)| k == "service.name")
                .map(|(_, v)| v.clone())
        });
        let sampling = env
            .var("OTEL_TRACES_SAMPLER")
            .map(|s| parse::sampler(&s, env.var("OTEL_TRACES_SAMPLER_ARG").as_deref()))
            .transpose()?;
        let enabled = env
            .var("TELEMETRY_ENABLED")
            .map(|v| parse::boolean("TELEMETRY_ENABLED", &v))
            .transpose()?;
        Ok(Settings {
            service_name,
            enabled,
            sampling,
            otlp_endpoint: otlp.endpoint(),
            otlp_traces_endpoint: otlp.traces_endpoint(),
            otlp_headers: otlp.headers()?,
            resource_attributes,
        })
    }

    /// Reads a TOML configuration file (see [`from_toml`](Self::from_toml)).
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Settings, ConfigError> {
        Self::from_toml(&std::fs::read_to_string(path)?)
    }

    /// Parses TOML settings: `service_name`, `enabled`, `sampler` and `sampler_arg` (as the
    /// environment variables), `otlp_endpoint`, `otlp_traces_endpoint`, and the tables
    /// `otlp_headers` and `resource_attributes`.
    pub fn from_toml(text: &str) -> Result<Settings, ConfigError> {
        let file: FileSettings = toml::from_str(text)?;
        let arg = file.sampler_arg.map(|a| a.to_string());
        let sampling = file
            .sampler
            .map(|s| parse::sampler(&s, arg.as_deref()))
            .transpose()?;
        let pairs = |m: BTreeMap<String, String>| m.into_iter().collect();
        Ok(Settings {
            service_name: file.service_name,
            enabled: file.enabled,
            sampling,
            otlp_endpoint: file.otlp_endpoint,
            otlp_traces_endpoint: file.otlp_traces_endpoint,
            otlp_headers: file.otlp_headers.map(pairs),
            resource_attributes: file.resource_attributes.map(pairs),
        })
    }

    /// Merges the three layers: code over file over environment, setting by setting; the
    /// environment's `TELEMETRY_ENABLED=false` wins over everything.
    pub fn resolve(code: Settings, file: Settings, env: Settings) -> Settings {
        let kill = env.enabled == Some(false);
        let merged = code.or(file).or(env);
        Settings {
            enabled: if kill { Some(false) } else { merged.enabled },
            ..merged
        }
    }

    /// Code settings over the file at `path` (when given) over the process environment.
    pub fn load(code: Settings, path: Option<&std::path::Path>) -> Result<Settings, ConfigError> {
        let file = path
            .map(Settings::from_file)
            .transpose()?
            .unwrap_or_default();
        Ok(Settings::resolve(
            code,
            file,
            Settings::from_env(&ProcessEnv)?,
        ))
    }

    /// Each setting of `self`, else `other`'s.
    fn or(self, other: Settings) -> Settings {
        Settings {
            service_name: self.service_name.or(other.service_name),
            enabled: self.enabled.or(other.enabled),
            sampling: self.sampling.or(other.sampling),
            otlp_endpoint: self.otlp_endpoint.or(other.otlp_endpoint),
            otlp_traces_endpoint: self.otlp_traces_endpoint.or(other.otlp_traces_endpoint),
            otlp_headers: self.otlp_headers.or(other.otlp_headers),
            resource_attributes: self.resource_attributes.or(other.resource_attributes),
        }
    }

    /// The OTLP/HTTP traces URL: `otlp_traces_endpoint`, else `otlp_endpoint` + `/v1/traces`.
    pub fn otlp_traces_endpoint(&self) -> Option<String> {
        telemetry_otlp::traces_url(
            self.otlp_traces_endpoint.clone(),
            self.otlp_endpoint.clone(),
        )
    }

    fn resource(&self, keys: &[&str]) -> Option<String> {
        self.resource_attributes
            .as_ref()?
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
    }

    /// A [`Telemetry`] builder with these settings (exporters are added by the caller; see
    /// [`otlp_exporter_config`](Self::otlp_exporter_config)).
    pub fn builder(&self) -> TelemetryBuilder {
        let name = self.service_name.as_deref().unwrap_or("unknown_service");
        let mut builder = Telemetry::builder(name).enabled(self.enabled.unwrap_or(true));
        if let Some(sampling) = &self.sampling {
            builder = builder.sampling(sampling.clone());
        }
        if let Some(env) = self.resource(&["deployment.environment.name", "deployment.environment"])
        {
            builder = builder.environment(env);
        }
        if let Some(release) = self.resource(&["service.version"]) {
            builder = builder.release(release);
        }
        builder.tags(self.resource_tags())
    }

    fn resource_tags(&self) -> Vec<String> {
        const MAPPED: [&str; 4] = [
            "service.name",
            "service.version",
            "deployment.environment",
            "deployment.environment.name",
        ];
        let all = self.resource_attributes.iter().flatten();
        all.filter(|(k, _)| !MAPPED.contains(&k.as_str()))
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    /// The OTLP/HTTP exporter configuration (endpoint and headers), when an endpoint is set.
    #[cfg(feature = "otlp")]
    pub fn otlp_exporter_config(&self) -> Option<telemetry_exporters::HttpExporterConfig> {
        let mut config = telemetry_exporters::HttpExporterConfig::new(self.otlp_traces_endpoint()?)
            .format(telemetry_exporters::http::WireFormat::OtlpProtobuf);
        for (name, value) in self.otlp_headers.iter().flatten() {
            config = config.header(name.clone(), value.clone());
        }
        Some(config)
    }
}
