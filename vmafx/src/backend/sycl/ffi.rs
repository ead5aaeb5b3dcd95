//! The C ABI of `libvmafx_sycl.so` (built from `vmafx/kernels/sycl/vmafx_sycl.cpp`), looked
//! up at run time: from `VMAFX_SYCL_LIBRARY` when set, else by name through the
//! dynamic linker's search path.

use std::ffi::{c_char, c_int, c_void, CStr, OsString};
use std::sync::OnceLock;

use libloading::Library;

/// The ABI version this crate speaks (`VMAFX_SYCL_ABI` in the C++ source).
pub(super) const ABI_VERSION: u32 = 1;
/// The library's file name.
pub(super) const LIBRARY_NAME: &str = "libvmafx_sycl.so";
/// The environment variable naming the library's path.
pub(super) const LIBRARY_VARIABLE: &str = "VMAFX_SYCL_LIBRARY";

/// Status codes of the C ABI.
pub(super) const OK: c_int = 0;
/// A kernel name the library does not know.
pub(super) const UNKNOWN_KERNEL: c_int = 2;
/// A launch with the wrong number of arguments.
pub(super) const WRONG_ARGUMENTS: c_int = 3;

/// Declares a table of C functions and how to look each up by its own name.
macro_rules! api_table {
    ($(#[$doc:meta])* $table:ident { $($name:ident: fn($($arg:ty),*) -> $ret:ty;)* }) => {
        $(#[$doc])*
        pub(super) struct $table {
            $(pub(super) $name: unsafe extern "C" fn($($arg),*) -> $ret,)*
            _library: Library,
        }

        impl $table {
            /// Looks up every function in `library`.
            ///
            /// # Safety
            /// `library` must export these names with these C signatures.
            unsafe fn load(library: Library) -> Result<Self, String> {
                Ok(Self {
                    $($name: *unsafe {
                        library.get::<unsafe extern "C" fn($($arg),*) -> $ret>(stringify!($name))
                    }
                    .map_err(|e| format!("missing {}: {e}", stringify!($name)))?,)*
                    _library: library,
                })
            }
        }
    };
}

api_table! {
    /// The kernel library's functions.
    Api {
        vmafx_sycl_abi_version: fn() -> u32;
        vmafx_sycl_last_error: fn() -> *const c_char;
        vmafx_sycl_device_count: fn(*mut usize) -> c_int;
        vmafx_sycl_device_info: fn(usize, *mut c_char, usize, *mut c_int) -> c_int;
        vmafx_sycl_open: fn(usize, *mut *mut c_void) -> c_int;
        vmafx_sycl_close: fn(*mut c_void) -> ();
        vmafx_sycl_malloc_device: fn(*mut c_void, usize, *mut u64) -> c_int;
        vmafx_sycl_free: fn(*mut c_void, u64) -> c_int;
        vmafx_sycl_malloc_host: fn(*mut c_void, usize, *mut *mut c_void) -> c_int;
        vmafx_sycl_free_host: fn(*mut c_void, *mut c_void) -> c_int;
        vmafx_sycl_queue_create: fn(*mut c_void, *mut *mut c_void) -> c_int;
        vmafx_sycl_queue_destroy: fn(*mut c_void) -> ();
        vmafx_sycl_memcpy: fn(*mut c_void, *mut c_void, *const c_void, usize) -> c_int;
        vmafx_sycl_memset: fn(*mut c_void, u64, c_int, usize) -> c_int;
        vmafx_sycl_wait: fn(*mut c_void) -> c_int;
        vmafx_sycl_launch: fn(
            *mut c_void, *const c_char, *const u32, *const u32, *const u64, usize
        ) -> c_int;
    }
}

// SAFETY: function pointers into a library that stays loaded; the library's functions
// may be called from any thread (its error text is kept per thread).
unsafe impl Send for Api {}
// SAFETY: as above.
unsafe impl Sync for Api {}

impl Api {
    /// `Err("<what>: <the library's message>")` unless `status` is success.
    pub(super) fn check(&self, status: c_int, what: &str) -> Result<(), String> {
        if status == OK {
            return Ok(());
        }
        // SAFETY: the library returns its thread's message, valid until its next call.
        let text = unsafe { (self.vmafx_sycl_last_error)() };
        let message = if text.is_null() {
            String::new()
        } else {
            // SAFETY: a NUL-terminated string owned by the library.
            unsafe { CStr::from_ptr(text) }
                .to_string_lossy()
                .into_owned()
        };
        Err(format!("{what}: {message} (status {status})"))
    }
}

/// The process's kernel library, loaded on first use; the error says why there is none.
pub(super) fn library() -> Result<&'static Api, String> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(
        || match std::env::var_os(LIBRARY_VARIABLE).filter(|path| !path.is_empty()) {
            Some(path) => load(path.clone()).map_err(|e| {
                format!(
                    "cannot load {LIBRARY_VARIABLE}={}: {e}",
                    path.to_string_lossy()
                )
            }),
            None => load(OsString::from(LIBRARY_NAME)).map_err(|e| {
                format!(
                    "cannot load {LIBRARY_NAME} (build it with vmafx/kernels/sycl/build.sh, then \
                     put it on LD_LIBRARY_PATH or name it in {LIBRARY_VARIABLE}): {e}"
                )
            }),
        },
    )
    .as_ref()
    .map_err(|e| format!("sycl: {e}"))
}

/// Loads the library at `path` (a file name is searched for) and checks its ABI.
pub(super) fn load(path: OsString) -> Result<Api, String> {
    // SAFETY: loading runs the SYCL runtime's initialisers, which have no preconditions.
    let library = unsafe { Library::new(path) }.map_err(|e| with_sources(&e))?;
    // SAFETY: libvmafx_sycl exports these functions with the declared signatures.
    let api = unsafe { Api::load(library) }?;
    // SAFETY: no arguments.
    let version = unsafe { (api.vmafx_sycl_abi_version)() };
    if version != ABI_VERSION {
        return Err(format!(
            "ABI version {version}, this build of vmafx needs {ABI_VERSION} (rebuild it with \
             vmafx/kernels/sycl/build.sh)"
        ));
    }
    Ok(api)
}

/// An error and its sources: libloading keeps the dynamic linker's text in the source.
fn with_sources(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
