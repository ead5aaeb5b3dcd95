//! The kernel source compiled by hiprtc into a code object for one GPU architecture.

use std::ffi::{c_char, CString};
use std::sync::Mutex;

use super::ffi::{static_text, Handle, Rtc, RtcResult, SUCCESS};
use crate::error::{Error, Result};

/// hiprtc's options for `arch` (a target id such as `gfx90a:sramecc+:xnack-`): the
/// kernels' floating point must be the CPU's IEEE operations, so no contraction into FMA.
pub(super) fn options(arch: &str) -> Vec<String> {
    vec![
        format!("--offload-arch={arch}"),
        "-ffp-contract=off".to_string(),
        "-std=c++17".to_string(),
    ]
}

/// Held while hiprtc works: ROCm 5's hiprtc crashes when two threads compile at once
/// (seen with two devices, or tests, compiling together).
static COMPILER: Mutex<()> = Mutex::new(());

/// Compiles `source` for `arch`; the code object, or an error with hiprtc's log.
pub(super) fn compile(rtc: &Rtc, source: &str, arch: &str) -> Result<Vec<u8>> {
    let _one_at_a_time = COMPILER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let source = CString::new(source).map_err(|_| rtc_error("kernel source holds a NUL"))?;
    let options: Vec<CString> = options(arch)
        .into_iter()
        .map(|o| CString::new(o).map_err(|_| rtc_error("architecture name holds a NUL")))
        .collect::<Result<_>>()?;
    let option_pointers: Vec<*const c_char> = options.iter().map(|o| o.as_ptr()).collect();

    let program = Program::create(rtc, &source)?;
    // SAFETY: the program is live; the option array holds `len` NUL-terminated strings.
    let status = unsafe {
        (rtc.hiprtcCompileProgram)(
            program.handle,
            option_pointers.len() as i32,
            option_pointers.as_ptr(),
        )
    };
    if status != SUCCESS {
        return Err(rtc_error(&format!(
            "compiling the kernels for {arch} failed: {}\n{}",
            describe(rtc, status),
            program.log()
        )));
    }
    program.code()
}

/// A hiprtc program, destroyed when dropped.
struct Program<'a> {
    rtc: &'a Rtc,
    handle: Handle,
}

impl<'a> Program<'a> {
    fn create(rtc: &'a Rtc, source: &CString) -> Result<Self> {
        let mut handle: Handle = std::ptr::null_mut();
        let name = c"vmafx_kernels.hip";
        // SAFETY: valid out pointer and NUL-terminated strings; no headers.
        let status = unsafe {
            (rtc.hiprtcCreateProgram)(
                &mut handle,
                source.as_ptr(),
                name.as_ptr(),
                0,
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        if status != SUCCESS || handle.is_null() {
            return Err(rtc_error(&format!(
                "hiprtcCreateProgram: {}",
                describe(rtc, status)
            )));
        }
        Ok(Self { rtc, handle })
    }

    /// The compiler's messages (empty when it has none).
    fn log(&self) -> String {
        let mut size = 0usize;
        // SAFETY: live program, valid out pointer.
        let status = unsafe { (self.rtc.hiprtcGetProgramLogSize)(self.handle, &mut size) };
        if status != SUCCESS || size == 0 {
            return String::new();
        }
        let mut log = vec![0u8; size + 1];
        // SAFETY: the buffer holds the `size` bytes hiprtc reported, plus one.
        let status =
            unsafe { (self.rtc.hiprtcGetProgramLog)(self.handle, log.as_mut_ptr().cast()) };
        if status != SUCCESS {
            return String::new();
        }
        super::ffi::c_string(&log)
    }

    /// The compiled code object.
    fn code(&self) -> Result<Vec<u8>> {
        let mut size = 0usize;
        // SAFETY: live program, valid out pointer.
        let status = unsafe { (self.rtc.hiprtcGetCodeSize)(self.handle, &mut size) };
        if status != SUCCESS || size == 0 {
            return Err(rtc_error(&format!(
                "hiprtcGetCodeSize: no code ({}) {}",
                describe(self.rtc, status),
                self.log()
            )));
        }
        let mut code = vec![0u8; size];
        // SAFETY: the buffer holds the `size` bytes hiprtc reported.
        let status = unsafe { (self.rtc.hiprtcGetCode)(self.handle, code.as_mut_ptr().cast()) };
        if status != SUCCESS {
            return Err(rtc_error(&format!(
                "hiprtcGetCode: {}",
                describe(self.rtc, status)
            )));
        }
        Ok(code)
    }
}

impl Drop for Program<'_> {
    fn drop(&mut self) {
        // SAFETY: the handle came from hiprtcCreateProgram and is destroyed once.
        unsafe { (self.rtc.hiprtcDestroyProgram)(&mut self.handle) };
    }
}

fn describe(rtc: &Rtc, status: RtcResult) -> String {
    // SAFETY: hiprtcGetErrorString accepts any value and returns a static string.
    let text = unsafe { (rtc.hiprtcGetErrorString)(status) };
    format!("{} ({status})", static_text(text))
}

fn rtc_error(what: &str) -> Error {
    Error::Backend(format!("hip: hiprtc: {what}"))
}
