//! Parsers for the OpenTelemetry environment variables' formats.

use telemetry_core::SamplingStrategy;

use super::ConfigError;

/// `OTEL_TRACES_SAMPLER` (+ `OTEL_TRACES_SAMPLER_ARG`). Our sampling is always decided at the
/// trace root and inherited, so the `parentbased_*` samplers are their plain counterparts.
pub(super) fn sampler(name: &str, arg: Option<&str>) -> Result<SamplingStrategy, ConfigError> {
    match name.trim() {
        "always_on" | "parentbased_always_on" => Ok(SamplingStrategy::AlwaysOn),
        "always_off" | "parentbased_always_off" => Ok(SamplingStrategy::AlwaysOff),
        "traceidratio" | "parentbased_traceidratio" => ratio(arg).map(SamplingStrategy::ratio),
        other => Err(ConfigError::UnknownSampler(other.to_owned())),
    }
}

/// The ratio argument; 1.0 when unset, as the specification says.
fn ratio(arg: Option<&str>) -> Result<f64, ConfigError> {
    let Some(arg) = arg else { return Ok(1.0) };
    match arg.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(ConfigError::InvalidSamplerArg(arg.to_owned())),
    }
}

/// A `key1=value1,key2=value2` list, as `OTEL_RESOURCE_ATTRIBUTES` uses; parsed by the one
/// reader of these lists, [`telemetry_otlp::key_values`].
pub(super) fn key_values(
    variable: &'static str,
    value: &str,
) -> Result<Vec<(String, String)>, ConfigError> {
    telemetry_otlp::key_values(variable, value).map_err(ConfigError::from)
}

/// A boolean switch: `false`, `0`, `off`, `no` (any case) are false, `true`, `1`, `on`, `yes`
/// are true.
pub(super) fn boolean(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "false" | "0" | "off" | "no" => Ok(false),
        "true" | "1" | "on" | "yes" => Ok(true),
        _ => Err(ConfigError::InvalidBool {
            variable,
            value: value.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samplers_follow_the_specification() {
        assert!(matches!(
            sampler("always_off", None),
            Ok(SamplingStrategy::AlwaysOff)
        ));
        assert!(matches!(
            sampler("parentbased_traceidratio", Some("0.25")),
            Ok(SamplingStrategy::Ratio { probability }) if probability == 0.25
        ));
        assert!(matches!(
            sampler("traceidratio", None),
            Ok(SamplingStrategy::Ratio { probability }) if probability == 1.0
        ));
        assert!(sampler("traceidratio", Some("2")).is_err());
        assert!(sampler("jaeger_remote", None).is_err());
    }

    #[test]
    fn lists_are_percent_decoded() {
        let list = key_values("X", "a=1, b = x%20y ,,c=").unwrap_or_default();
        assert_eq!(
            list,
            [("a", "1"), ("b", "x y"), ("c", "")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(key_values("X", "novalue").is_err());
    }

    #[test]
    fn booleans() {
        assert_eq!(boolean("X", "FALSE").ok(), Some(false));
        assert_eq!(boolean("X", "1").ok(), Some(true));
        assert!(boolean("X", "maybe").is_err());
    }
}
