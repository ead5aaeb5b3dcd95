//! The few HIP runtime and hiprtc entry points the backend calls, looked up at run time
//! in `libamdhip64` and `libhiprtc` so that a build with the `hip` feature runs (and
//! reports why HIP is unavailable) on machines without ROCm.
//!
//! Only functions whose arguments are plain handles, integers and byte buffers are used:
//! structures such as `hipDeviceProp_t` change layout between ROCm releases. The one
//! exception, the device's architecture name, is read defensively (see
//! [`Runtime::arch_name`]).

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::sync::OnceLock;

use libloading::Library;

/// `hipError_t`.
pub(super) type HipError = c_int;
/// `hiprtcResult`.
pub(super) type RtcResult = c_int;
/// `hipStream_t`, `hipModule_t`, `hipFunction_t`, `hiprtcProgram`: opaque handles.
pub(super) type Handle = *mut c_void;

/// `hipSuccess` and `HIPRTC_SUCCESS`.
pub(super) const SUCCESS: c_int = 0;

/// The HIP runtime library, newest ABI first (its functions keep their signatures).
pub(super) const HIP_LIBRARIES: [&str; 4] = [
    "libamdhip64.so",
    "libamdhip64.so.7",
    "libamdhip64.so.6",
    "libamdhip64.so.5",
];
/// hiprtc's own library (ROCm 6 on); older ROCm exports hiprtc from `libamdhip64`.
pub(super) const RTC_LIBRARIES: [&str; 4] = [
    "libhiprtc.so",
    "libhiprtc.so.7",
    "libhiprtc.so.6",
    "libhiprtc.so.5",
];

/// Declares a table of C functions and how to look each up by its own name.
macro_rules! api_table {
    ($(#[$doc:meta])* $table:ident { $($name:ident: fn($($arg:ty),*) -> $ret:ty;)* }) => {
        $(#[$doc])*
        #[allow(non_snake_case)]
        pub(super) struct $table {
            $(pub(super) $name: unsafe extern "C" fn($($arg),*) -> $ret,)*
        }

        impl $table {
            /// Looks up every function in `library`.
            ///
            /// # Safety
            /// `library` must export these names with these C signatures, and must stay
            /// loaded for as long as the table is used.
            unsafe fn load(library: &Library) -> Result<Self, String> {
                Ok(Self {
                    $($name: *unsafe {
                        library.get::<unsafe extern "C" fn($($arg),*) -> $ret>(stringify!($name))
                    }
                    .map_err(|e| format!("missing {}: {e}", stringify!($name)))?,)*
                })
            }
        }
    };
}

api_table! {
    /// The HIP runtime functions the backend uses.
    Hip {
        hipInit: fn(c_uint) -> HipError;
        hipGetDeviceCount: fn(*mut c_int) -> HipError;
        hipDeviceGet: fn(*mut c_int, c_int) -> HipError;
        hipDeviceGetName: fn(*mut c_char, c_int, c_int) -> HipError;
        hipGetDeviceProperties: fn(*mut c_void, c_int) -> HipError;
        hipSetDevice: fn(c_int) -> HipError;
        hipMalloc: fn(*mut *mut c_void, usize) -> HipError;
        hipFree: fn(*mut c_void) -> HipError;
        hipHostMalloc: fn(*mut *mut c_void, usize, c_uint) -> HipError;
        hipHostFree: fn(*mut c_void) -> HipError;
        hipMemcpyHtoDAsync: fn(*mut c_void, *const c_void, usize, Handle) -> HipError;
        hipMemcpyDtoHAsync: fn(*mut c_void, *mut c_void, usize, Handle) -> HipError;
        hipMemsetD8Async: fn(*mut c_void, u8, usize, Handle) -> HipError;
        hipStreamCreate: fn(*mut Handle) -> HipError;
        hipStreamSynchronize: fn(Handle) -> HipError;
        hipStreamDestroy: fn(Handle) -> HipError;
        hipModuleLoadData: fn(*mut Handle, *const c_void) -> HipError;
        hipModuleUnload: fn(Handle) -> HipError;
        hipModuleGetFunction: fn(*mut Handle, Handle, *const c_char) -> HipError;
        hipModuleLaunchKernel: fn(
            Handle, c_uint, c_uint, c_uint, c_uint, c_uint, c_uint, c_uint, Handle,
            *mut *mut c_void, *mut *mut c_void
        ) -> HipError;
        hipGetErrorString: fn(HipError) -> *const c_char;
    }
}

api_table! {
    /// The hiprtc functions the backend uses.
    Rtc {
        hiprtcCreateProgram: fn(
            *mut Handle, *const c_char, *const c_char, c_int, *const *const c_char,
            *const *const c_char
        ) -> RtcResult;
        hiprtcCompileProgram: fn(Handle, c_int, *const *const c_char) -> RtcResult;
        hiprtcGetProgramLogSize: fn(Handle, *mut usize) -> RtcResult;
        hiprtcGetProgramLog: fn(Handle, *mut c_char) -> RtcResult;
        hiprtcGetCodeSize: fn(Handle, *mut usize) -> RtcResult;
        hiprtcGetCode: fn(Handle, *mut c_char) -> RtcResult;
        hiprtcDestroyProgram: fn(*mut Handle) -> RtcResult;
        hiprtcGetErrorString: fn(RtcResult) -> *const c_char;
    }
}

/// The loaded HIP runtime, hiprtc when found, and the result of `hipInit`.
pub(super) struct Runtime {
    /// Runtime functions.
    pub(super) hip: Hip,
    rtc: Result<Rtc, String>,
    init: Result<(), String>,
    // Never unloaded: the tables point into these, and ROCm does not support being
    // unloaded while its threads run.
    _libraries: Vec<Library>,
}

impl Runtime {
    /// hiprtc, or why it could not be loaded.
    pub(super) fn rtc(&self) -> Result<&Rtc, String> {
        self.rtc.as_ref().map_err(Clone::clone)
    }

    /// The result of `hipInit(0)`.
    pub(super) fn initialised(&self) -> Result<(), String> {
        self.init.clone()
    }

    /// `status` as text: `hipErrorOutOfMemory (2)`.
    pub(super) fn describe(&self, status: HipError) -> String {
        // SAFETY: hipGetErrorString accepts any value and returns a static string.
        let text = unsafe { (self.hip.hipGetErrorString)(status) };
        format!("{} ({status})", static_text(text))
    }

    /// `Err("<what>: <error>")` unless `status` is success.
    pub(super) fn check(&self, status: HipError, what: &str) -> Result<(), String> {
        if status == SUCCESS {
            Ok(())
        } else {
            Err(format!("{what}: {}", self.describe(status)))
        }
    }

    /// The architecture name (`gfx90a:sramecc+:xnack-`) of device `ordinal`.
    ///
    /// HIP offers it only in `hipDeviceProp_t`. The exported `hipGetDeviceProperties`
    /// keeps the ROCm 5 layout in every release (ROCm 6 added the new layout under
    /// another name), where `gcnArchName` sits at byte 396; the structure is read into
    /// a much larger buffer, and should the name not be there the buffer is searched
    /// for the one string that starts with `gfx`.
    pub(super) fn arch_name(&self, ordinal: c_int) -> Result<String, String> {
        const ARCH_OFFSET: usize = 396;
        const ARCH_BYTES: usize = 256;
        let mut properties = vec![0u64; 1024]; // 8 KiB, 8-byte aligned; ROCm 5 needs 792
                                               // SAFETY: the buffer is larger and at least as aligned as any hipDeviceProp_t.
        let status =
            unsafe { (self.hip.hipGetDeviceProperties)(properties.as_mut_ptr().cast(), ordinal) };
        self.check(status, "hipGetDeviceProperties")?;
        let bytes: Vec<u8> = properties.iter().flat_map(|w| w.to_ne_bytes()).collect();
        let at_offset = c_string(&bytes[ARCH_OFFSET..ARCH_OFFSET + ARCH_BYTES]);
        if at_offset.starts_with("gfx") {
            return Ok(at_offset);
        }
        bytes
            .windows(3)
            .position(|w| w == b"gfx")
            .map(|start| c_string(&bytes[start..]))
            .ok_or_else(|| format!("device {ordinal} reports no gfx architecture"))
    }
}

// SAFETY: the tables hold function pointers into libraries that stay loaded; HIP's
// functions may be called from any thread.
unsafe impl Send for Runtime {}
// SAFETY: as above.
unsafe impl Sync for Runtime {}

/// The process's HIP runtime, loaded on first use; the error says why there is none.
pub(super) fn runtime() -> Result<&'static Runtime, String> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| load(&HIP_LIBRARIES, &RTC_LIBRARIES))
        .as_ref()
        .map_err(|e| format!("hip: {e}"))
}

/// Loads the runtime from the first of `hip_names` that opens, hiprtc from the first of
/// `rtc_names` or else from the runtime library, and calls `hipInit`.
pub(super) fn load(hip_names: &[&str], rtc_names: &[&str]) -> Result<Runtime, String> {
    let (hip_library, hip_name) = open_first(hip_names).map_err(|tried| {
        format!("ROCm runtime not found (tried {tried}; install ROCm or set LD_LIBRARY_PATH)")
    })?;
    // SAFETY: libamdhip64 exports these functions with the signatures declared above.
    let hip = unsafe { Hip::load(&hip_library) }.map_err(|e| format!("{hip_name}: {e}"))?;
    let mut libraries = vec![hip_library];
    let rtc = match open_first(rtc_names) {
        // SAFETY: libhiprtc exports these functions with the declared signatures.
        Ok((library, name)) => match unsafe { Rtc::load(&library) } {
            Ok(rtc) => {
                libraries.push(library);
                Ok(rtc)
            }
            Err(e) => Err(format!("{name}: {e}")),
        },
        // SAFETY: before ROCm 6 libamdhip64 exports hiprtc itself, same signatures.
        Err(tried) => unsafe { Rtc::load(&libraries[0]) }
            .map_err(|e| format!("hiprtc not found (tried {tried}, and {hip_name} has none: {e})")),
    };
    // SAFETY: hipInit takes flags (must be 0) and may be called more than once.
    let status = unsafe { (hip.hipInit)(0) };
    let mut runtime = Runtime {
        hip,
        rtc,
        init: Ok(()),
        _libraries: libraries,
    };
    runtime.init = runtime.check(status, "hipInit");
    Ok(runtime)
}

/// The first library of `names` that opens, or the names tried.
fn open_first<'a>(names: &[&'a str]) -> Result<(Library, &'a str), String> {
    for name in names {
        // SAFETY: ROCm's libraries run no initialisers with preconditions on load.
        if let Ok(library) = unsafe { Library::new(*name) } {
            return Ok((library, name));
        }
    }
    Err(names.join(", "))
}

/// A C string a library returned, or `?` for none.
pub(super) fn static_text(text: *const c_char) -> String {
    if text.is_null() {
        return "?".to_string();
    }
    // SAFETY: HIP returns NUL-terminated static strings.
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// The text before the first NUL of `bytes` (all of it when there is none).
pub(super) fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}
