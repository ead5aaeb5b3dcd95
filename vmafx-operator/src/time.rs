//! Time as the statuses write it: RFC 3339 in UTC.

use std::time::Duration;

/// Now, RFC 3339 UTC (e.g. `2026-01-02T03:04:05.123Z`).
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now().to_string()
}

/// `later - earlier`, or `None` when either is unreadable or `later` is earlier.
pub fn elapsed(earlier: &str, later: &str) -> Option<Duration> {
    let a: jiff::Timestamp = earlier.parse().ok()?;
    let b: jiff::Timestamp = later.parse().ok()?;
    let span = b.duration_since(a);
    Duration::try_from(span).ok()
}
