//! The boundary's plumbing: the per-thread last error, the panic guard every entry point
//! runs in, and conversions of C arguments.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use crate::status::{FfiError, VmafxStatus};

thread_local! {
    /// Message of the last failed call on this thread; empty after a successful one.
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

// The slot is reached with `try_with` and `try_borrow*`, which cannot panic: these run
// outside the panic guard, possibly while the thread is being torn down.
fn set_last_error(message: &str) {
    // Interior NULs cannot reach C intact; show them as spaces.
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = text;
        }
    });
}

fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            if !slot.as_bytes().is_empty() {
                *slot = CString::default();
            }
        }
    });
}

/// Runs an entry point's body: clears the last error, catches any panic, and records the
/// message of a failure. Returns the body's value, or `fallback` with the error's status.
pub(crate) fn guard<T>(
    fallback: T,
    body: impl FnOnce() -> Result<T, FfiError>,
) -> (T, VmafxStatus) {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => (value, VmafxStatus::Ok),
        Ok(Err(error)) => {
            set_last_error(&error.message);
            (fallback, error.status)
        }
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            set_last_error(&format!("internal error: {detail}"));
            (fallback, VmafxStatus::Internal)
        }
    }
}

/// [`guard`] for entry points that only return a status.
pub(crate) fn guard_status(body: impl FnOnce() -> Result<(), FfiError>) -> VmafxStatus {
    guard((), body).1
}

/// Borrows a C string argument as UTF-8 text.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn c_text<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| FfiError::invalid(format!("{what} is not valid UTF-8")))
}

/// Reads a C string argument as a file path (any bytes on Unix).
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string.
pub(crate) unsafe fn c_path(ptr: *const c_char, what: &str) -> Result<PathBuf, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    if bytes.is_empty() {
        return Err(FfiError::invalid(format!("{what} is empty")));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(PathBuf::from)
            .map_err(|_| FfiError::invalid(format!("{what} is not valid UTF-8")))
    }
}

/// Borrows an array of C strings (`count` entries at `ptr`) as UTF-8 texts.
///
/// # Safety
/// When `count` > 0, `ptr` is NULL or points to `count` readable pointers, each NULL or a
/// NUL-terminated string.
pub(crate) unsafe fn c_text_array<'a>(
    ptr: *const *const c_char,
    count: usize,
    what: &str,
) -> Result<Vec<&'a str>, FfiError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(FfiError::null(
            format!("{what} (with a count of {count})").as_str(),
        ));
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(FfiError::invalid(format!(
            "{what} count {count} is too large"
        )));
    }
    // SAFETY: non-NULL, aligned as C arrays of pointers are, and the caller promises
    // `count` entries; the count fits in isize bytes (checked above).
    let entries = unsafe { std::slice::from_raw_parts(ptr, count) };
    entries
        .iter()
        .enumerate()
        // SAFETY: each entry is NULL or a NUL-terminated string, as the caller promises.
        .map(|(i, &entry)| unsafe { c_text(entry, &format!("{what}[{i}]")) })
        .collect()
}

/// Borrows the object behind a handle argument.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` made by this library, not used elsewhere
/// during the borrow.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, FfiError> {
    // SAFETY: the caller promises a live handle or NULL; as_ref handles NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::null(what))
}

/// Mutably borrows the object behind a handle argument.
///
/// # Safety
/// As [`handle`], and no other reference to the object exists during the borrow.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, FfiError> {
    // SAFETY: the caller promises a live, unaliased handle or NULL; as_mut handles NULL.
    unsafe { ptr.as_mut() }.ok_or_else(|| FfiError::null(what))
}

/// Writes an output argument.
///
/// # Safety
/// `ptr` is NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(ptr: *mut T, value: T, what: &str) -> Result<(), FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-NULL and, as the caller promises, valid for writes; `write` does not
    // drop the (possibly uninitialised) old value.
    unsafe { ptr.write(value) };
    Ok(())
}

/// The message of the last failed call made on this thread.
///
/// Returns "" when the last call succeeded or none was made yet. Never returns NULL. The
/// string belongs to the library and stays valid until the next `vmafx_` call on this
/// thread (other than `vmafx_last_error`, `vmafx_status_str` and `vmafx_version`);
/// copy it to keep it.
#[no_mangle]
pub extern "C" fn vmafx_last_error() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().map(|text| text.as_ptr()).ok())
        .ok()
        .flatten()
        .unwrap_or(c"".as_ptr())
}

/// The library's version, e.g. "0.1.0". Never NULL; static, must not be freed.
#[no_mangle]
pub extern "C" fn vmafx_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        // SAFETY: vmafx_last_error returns a NUL-terminated string owned by this thread.
        unsafe { CStr::from_ptr(vmafx_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn panics_become_internal_errors() {
        let (value, status) = guard(7, || -> Result<i32, FfiError> { panic!("boom") });
        assert_eq!((value, status), (7, VmafxStatus::Internal));
        assert_eq!(last_error(), "internal error: boom");
        let (value, status) = guard(0, || Ok(3));
        assert_eq!((value, status), (3, VmafxStatus::Ok));
        assert_eq!(last_error(), "");
    }

    #[test]
    fn failures_set_the_message() {
        let status = guard_status(|| Err(FfiError::invalid("bad\0thing")));
        assert_eq!(status, VmafxStatus::InvalidArgument);
        assert_eq!(last_error(), "bad thing");
    }

    #[test]
    fn version_matches_the_crate() {
        // SAFETY: vmafx_version returns a static NUL-terminated string.
        let version = unsafe { CStr::from_ptr(vmafx_version()) };
        assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
