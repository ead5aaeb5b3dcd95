//! `VmafFeatureDictionary`: the options a caller gives a feature extractor, as
//! key/value text pairs.

use std::ffi::{c_char, CStr};

use crate::errno::{guard, Failure, Outcome};

/// Options for one feature extractor (opaque to C). Made by the first
/// `vmaf_feature_dictionary_set` on a NULL pointer; handed over to `vmaf_use_feature` or
/// `vmaf_model_feature_overload`, which free it, or freed with
/// `vmaf_feature_dictionary_free`.
#[derive(Debug, Default, Clone)]
pub struct VmafFeatureDictionary {
    entries: Vec<(String, String)>,
}

impl VmafFeatureDictionary {
    /// The entries in the order they were first set.
    pub(crate) fn entries(&self) -> &[(String, String)] {
        &self.entries
    }

    fn set(&mut self, key: &str, value: &str) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_string(),
            None => self.entries.push((key.to_string(), value.to_string())),
        }
    }
}

/// Takes ownership of a dictionary passed to a function that consumes it.
///
/// # Safety
/// `dict` is NULL or a dictionary made by this library, not used by the caller again.
pub(crate) unsafe fn take(dict: *mut VmafFeatureDictionary) -> Option<VmafFeatureDictionary> {
    if dict.is_null() {
        return None;
    }
    // SAFETY: made by Box::into_raw in `vmaf_feature_dictionary_set`; the caller gives
    // up its pointer.
    Some(*unsafe { Box::from_raw(dict) })
}

/// Reads a C string argument as UTF-8.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
pub(crate) unsafe fn text<'a>(ptr: *const c_char, what: &str) -> Outcome<&'a str> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL and NUL-terminated, as the caller promises.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| Failure::invalid(format!("{what} is not UTF-8")))
}

/// Sets `key` to `val` in `*dict`, creating the dictionary when `*dict` is NULL; a key
/// set again takes the new value. Returns 0, or -EINVAL for a NULL argument or text that
/// is not UTF-8.
///
/// # Safety
/// `dict` is NULL or points to NULL or a live dictionary; `key` and `val` are NULL or
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_dictionary_set(
    dict: *mut *mut VmafFeatureDictionary,
    key: *const c_char,
    val: *const c_char,
) -> i32 {
    guard(|| {
        if dict.is_null() {
            return Err(Failure::null("dict"));
        }
        // SAFETY: NUL-terminated strings or NULL, as the caller promises.
        let (key, val) = unsafe { (text(key, "key")?, text(val, "val")?) };
        // SAFETY: `dict` is non-NULL and readable.
        let current = unsafe { *dict };
        if current.is_null() {
            let mut fresh = Box::<VmafFeatureDictionary>::default();
            fresh.set(key, val);
            // SAFETY: `dict` is non-NULL and writable.
            unsafe { *dict = Box::into_raw(fresh) };
        } else {
            // SAFETY: a live dictionary, as the caller promises.
            unsafe { &mut *current }.set(key, val);
        }
        Ok(())
    })
}

/// Frees `*dict` and sets it to NULL; a NULL `*dict` is left alone. Returns 0, or
/// -EINVAL when `dict` is NULL.
///
/// # Safety
/// `dict` is NULL or points to NULL or a live dictionary.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_dictionary_free(
    dict: *mut *mut VmafFeatureDictionary,
) -> i32 {
    guard(|| {
        if dict.is_null() {
            return Err(Failure::null("dict"));
        }
        // SAFETY: `dict` is non-NULL; `*dict` is NULL or a live dictionary.
        unsafe {
            drop(take(*dict));
            *dict = std::ptr::null_mut();
        }
        Ok(())
    })
}
