//! libvmaf's log: messages on stderr, shown up to the level the last `vmaf_init` chose
//! (`VmafConfiguration.log_level`), as libvmaf's global log level works.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

/// `VMAF_LOG_LEVEL_NONE`.
pub(crate) const LEVEL_NONE: u32 = 0;
/// `VMAF_LOG_LEVEL_ERROR`.
pub(crate) const LEVEL_ERROR: u32 = 1;
/// `VMAF_LOG_LEVEL_WARNING`.
pub(crate) const LEVEL_WARNING: u32 = 2;
/// `VMAF_LOG_LEVEL_DEBUG`, the most verbose.
pub(crate) const LEVEL_DEBUG: u32 = 4;

/// Errors are shown until a `vmaf_init` says otherwise.
static LEVEL: AtomicU32 = AtomicU32::new(LEVEL_ERROR);

/// Sets the level, clamped to libvmaf's range.
pub(crate) fn set_level(level: u32) {
    LEVEL.store(level.min(LEVEL_DEBUG), Ordering::Relaxed);
}

fn log(level: u32, name: &str, message: &str) {
    if level != LEVEL_NONE && level <= LEVEL.load(Ordering::Relaxed) {
        // A closed stderr loses the message; it must not fail the call.
        let _ = writeln!(std::io::stderr(), "libvmaf {name} {message}");
    }
}

/// Logs an error.
pub(crate) fn error(message: &str) {
    log(LEVEL_ERROR, "ERROR", message);
}

/// Logs a warning.
pub(crate) fn warning(message: &str) {
    log(LEVEL_WARNING, "WARNING", message);
}
