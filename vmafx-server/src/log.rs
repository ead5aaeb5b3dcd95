//! Log records on stderr through `tracing`: `2025-01-31T12:00:00.123Z  INFO message`.
//! Stdout stays free for the listening address and for MCP's JSON-RPC.
//!
//! A log line must never take the server down: stderr may be a closed pipe (a
//! supervisor that went away), and the standard print macros panic on a failed write. The writer
//! here drops what it cannot write instead.

use std::io::Write;

use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

/// Installs the stderr subscriber once; later calls (tests) change nothing.
pub fn init() {
    let _ = tracing_subscriber::fmt()
        .with_writer(|| LossyStderr)
        .with_timer(UtcMillis)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .try_init();
}

/// Stderr that reports every write as done, whatever happened to it.
struct LossyStderr;

impl Write for LossyStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes `text` and a newline to stdout, ignoring a closed stdout (the one line there
/// is for whoever started the server; its absence must not stop the server).
pub fn stdout_line(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    let _ = stdout.flush();
}

/// Writes a message to stderr before (or instead of) the subscriber, ignoring errors.
pub fn stderr_line(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// Timestamps in the layout of [`timestamp`].
struct UtcMillis;

impl FormatTime for UtcMillis {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        w.write_str(&timestamp(crate::store::now_ms()))
    }
}

/// An RFC 3339 UTC time for unix milliseconds.
pub fn timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(crate) use tracing::{info, warn};

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_times() {
        assert_eq!(super::timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            super::timestamp(951_782_400_123),
            "2000-02-29T00:00:00.123Z"
        );
        assert_eq!(
            super::timestamp(1_735_689_599_999),
            "2024-12-31T23:59:59.999Z"
        );
    }
}
