//! The catalogue of metrics: every descriptor, found by libvmaf's names.
//!
//! The list itself is the `metrics!` line in `feature/mod.rs`, which also declares each
//! metric's module, so adding a metric is its folder plus one name there.

use crate::feature::descriptor::MetricDescriptor;
use crate::feature::METRICS;

/// Every metric, in the order of the registry line.
pub fn all() -> &'static [&'static MetricDescriptor] {
    METRICS
}

/// The metric libvmaf calls `name` (or one of its aliases, such as `integer_vif`).
pub fn metric(name: &str) -> Option<&'static MetricDescriptor> {
    METRICS.iter().copied().find(|m| m.is_named(name))
}

/// The metric that outputs the internal feature `feature`, as models name them.
pub fn providing(feature: &str) -> Option<&'static MetricDescriptor> {
    METRICS
        .iter()
        .copied()
        .find(|m| m.output(feature).is_some())
}

/// The report name of an internal feature name (itself when no metric aliases it).
pub fn alias(internal: &str) -> &str {
    providing(internal)
        .and_then(|m| m.output(internal))
        .map_or(internal, |o| o.report)
}

/// libvmaf's names of every metric.
pub fn names() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outputs_and_options_are_unique() {
        let mut seen_names = Vec::new();
        let mut seen_outputs = Vec::new();
        for m in all() {
            for name in std::iter::once(&m.name).chain(m.aliases) {
                assert!(!seen_names.contains(name), "{name} twice");
                seen_names.push(*name);
            }
            for o in m.outputs {
                assert!(!seen_outputs.contains(&o.name), "{} twice", o.name);
                seen_outputs.push(o.name);
            }
            for (i, o) in m.options.iter().enumerate() {
                for later in &m.options[i + 1..] {
                    assert_ne!(o.name, later.name, "{}: option twice", m.name);
                    if let (Some(a), Some(b)) = (o.alias, later.alias) {
                        assert_ne!(a, b, "{}: alias {a} twice", m.name);
                    }
                }
            }
        }
    }

    #[test]
    fn lookups_use_libvmaf_names() {
        assert_eq!(metric("integer_adm").map(|m| m.name), Some("adm"));
        assert_eq!(metric("float_ssim").map(|m| m.name), Some("float_ssim"));
        assert!(metric("nonsense").is_none());
        assert_eq!(
            providing("Cambi_feature_cambi_score").map(|m| m.name),
            Some("cambi")
        );
    }
}
