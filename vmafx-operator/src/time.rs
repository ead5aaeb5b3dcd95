//! Time as the statuses write it: RFC 3339 in UTC.

use std::time::Duration;

/// Now, RFC 3339 UTC (e.g. `2026-01-02T03:04:05.123Z`).
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now().to_string()
}

/// `later - earlier`, zero when `later` is earlier (clocks of two replicas may differ by a
/// little), `None` when either is unreadable.
pub fn elapsed(earlier: &str, later: &str) -> Option<Duration> {
    let a: jiff::Timestamp = earlier.parse().ok()?;
    let b: jiff::Timestamp = later.parse().ok()?;
    Some(Duration::try_from(b.duration_since(a)).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_reads_rfc3339_and_clamps_skew() {
        assert_eq!(
            elapsed("2026-01-01T00:00:00Z", "2026-01-01T00:01:30.5Z"),
            Some(Duration::from_millis(90_500))
        );
        assert_eq!(
            elapsed("2026-01-01T00:00:05Z", "2026-01-01T00:00:00Z"),
            Some(Duration::ZERO)
        );
        assert_eq!(elapsed("yesterday", "2026-01-01T00:00:00Z"), None);
        assert!(now_rfc3339().ends_with('Z'));
    }
}
