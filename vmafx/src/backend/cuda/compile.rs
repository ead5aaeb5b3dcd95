//! Run-time compilation of the kernel source with NVRTC.
//!
//! The kernels are compiled once per device, to a CUBIN for the device's own
//! architecture when this NVRTC knows it, and otherwise to PTX for the newest virtual
//! architecture it knows that the device can run (the driver then finishes the job).
//! A CUBIN is preferred because a driver older than the NVRTC library rejects its newer
//! PTX, while a CUBIN loads on any driver of the same major CUDA version.

use std::ffi::{c_char, c_int, CString};

use cudarc::nvrtc::{result, sys};

use super::{library_missing, nvrtc_error};
use crate::error::{Error, Result};

/// Options every compilation gets. The kernels must do the CPU's IEEE operations: no
/// contraction into FMA, no flushing of subnormals, correctly rounded division and
/// square root (NVRTC's defaults for the last three, stated so that they stay).
/// Extra vectorisation only widens memory accesses; it changes no arithmetic.
const OPTIONS: [&str; 6] = [
    "--fmad=false",
    "--ftz=false",
    "--prec-div=true",
    "--prec-sqrt=true",
    "-std=c++17",
    "--extra-device-vectorization",
];

/// What to compile for; the number is the architecture as `10 * major + minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// Machine code for one real architecture (`sm_XY`).
    Cubin(u32),
    /// PTX for a virtual architecture (`compute_XY`), compiled further by the driver.
    Ptx(u32),
}

impl Target {
    /// The `--gpu-architecture` value.
    pub(super) fn arch(self) -> String {
        match self {
            Self::Cubin(sm) => format!("sm_{sm}"),
            Self::Ptx(sm) => format!("compute_{sm}"),
        }
    }

    /// The target for a device of compute capability `capability` (`10 * major +
    /// minor`), given the real architectures this NVRTC can compile for.
    pub(super) fn for_device(capability: u32, supported: &[u32]) -> Result<Self> {
        if supported.contains(&capability) {
            return Ok(Self::Cubin(capability));
        }
        // Code for an older architecture runs on newer devices (as PTX, JIT-compiled).
        supported
            .iter()
            .copied()
            .filter(|&sm| sm <= capability)
            .max()
            .map(Self::Ptx)
            .ok_or_else(|| {
                Error::Backend(format!(
                    "cuda: this NVRTC cannot compile for sm_{capability} (it knows {})",
                    supported
                        .iter()
                        .map(|sm| format!("sm_{sm}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }
}

/// A compiled module: CUBIN bytes, or PTX text with its terminating NUL (what
/// `cuModuleLoadData` takes).
#[derive(Debug, Clone)]
pub(super) struct Image {
    /// What was compiled for.
    pub(super) target: Target,
    /// The module's bytes.
    pub(super) bytes: Vec<u8>,
}

impl Image {
    /// The PTX text, for a PTX image.
    #[cfg(test)]
    pub(super) fn ptx(&self) -> Option<&str> {
        match self.target {
            Target::Ptx(_) => {
                std::str::from_utf8(self.bytes.strip_suffix(&[0]).unwrap_or(&[])).ok()
            }
            Target::Cubin(_) => None,
        }
    }
}

/// Whether the NVRTC library can be loaded, or why not. Checked before any NVRTC call,
/// because cudarc's loader panics when the library is absent.
pub(super) fn nvrtc_ready() -> std::result::Result<(), String> {
    // SAFETY: only tries to open the library by its candidate names.
    if unsafe { sys::is_culib_present() } {
        Ok(())
    } else {
        Err(library_missing("NVRTC", "nvrtc"))
    }
}

/// NVRTC's version, `(major, minor)`.
pub(super) fn version() -> Result<(i32, i32)> {
    let (mut major, mut minor): (c_int, c_int) = (0, 0);
    // SAFETY: two valid out-pointers.
    unsafe { sys::nvrtcVersion(&mut major, &mut minor) }
        .result()
        .map_err(|e| nvrtc_error("nvrtcVersion", e))?;
    Ok((major, minor))
}

/// The real architectures this NVRTC can compile for, as `10 * major + minor`.
pub(super) fn supported_archs() -> Result<Vec<u32>> {
    let mut count: c_int = 0;
    // SAFETY: a valid out-pointer.
    unsafe { sys::nvrtcGetNumSupportedArchs(&mut count) }
        .result()
        .map_err(|e| nvrtc_error("nvrtcGetNumSupportedArchs", e))?;
    let mut archs: Vec<c_int> = vec![0; usize::try_from(count).unwrap_or(0)];
    if !archs.is_empty() {
        // SAFETY: the buffer holds the `count` entries NVRTC writes.
        unsafe { sys::nvrtcGetSupportedArchs(archs.as_mut_ptr()) }
            .result()
            .map_err(|e| nvrtc_error("nvrtcGetSupportedArchs", e))?;
    }
    Ok(archs
        .into_iter()
        .filter_map(|a| u32::try_from(a).ok())
        .collect())
}

/// The options a compilation for `target` gets.
pub(super) fn options(target: Target) -> Vec<String> {
    let mut options: Vec<String> = OPTIONS.iter().map(|o| o.to_string()).collect();
    options.push(format!("--gpu-architecture={}", target.arch()));
    options
}

/// Compiles `source` for `target`; a failure carries NVRTC's log.
pub(super) fn compile(source: &str, target: Target) -> Result<Image> {
    let source = CString::new(source)
        .map_err(|_| Error::Backend("cuda: kernel source holds a NUL byte".to_string()))?;
    let name = c"vmafx_kernels.cu";
    let program = Program(
        result::create_program(&source, Some(name))
            .map_err(|e| nvrtc_error("nvrtcCreateProgram", e))?,
    );
    let options = options(target);
    // SAFETY: a live program; the options hold no NUL bytes.
    if let Err(e) = unsafe { result::compile_program(program.0, &options) } {
        let log = program.log();
        return Err(Error::Backend(format!(
            "cuda: compiling the kernels for {} failed: {}; options {}; log:\n{}",
            target.arch(),
            super::nvrtc_error_name(e),
            options.join(" "),
            log.trim_end()
        )));
    }
    let bytes = match target {
        Target::Cubin(_) => program.cubin()?,
        // SAFETY: a live, compiled program.
        Target::Ptx(_) => unsafe { result::get_ptx(program.0) }
            .map_err(|e| nvrtc_error("nvrtcGetPTX", e))?
            .into_iter()
            .map(|c| c as u8)
            .collect(),
    };
    Ok(Image { target, bytes })
}

/// An NVRTC program, destroyed when dropped.
struct Program(sys::nvrtcProgram);

impl Program {
    /// The compilation log (empty when it cannot be had).
    fn log(&self) -> String {
        // SAFETY: a live program.
        match unsafe { result::get_program_log(self.0) } {
            Ok(log) => {
                let bytes: Vec<u8> = log
                    .into_iter()
                    .take_while(|&c| c != 0)
                    .map(|c: c_char| c as u8)
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            Err(_) => String::new(),
        }
    }

    /// The CUBIN of a program compiled for a real architecture.
    fn cubin(&self) -> Result<Vec<u8>> {
        let mut size = 0usize;
        // SAFETY: a live program and a valid out-pointer.
        unsafe { sys::nvrtcGetCUBINSize(self.0, &mut size) }
            .result()
            .map_err(|e| nvrtc_error("nvrtcGetCUBINSize", e))?;
        let mut bytes = vec![0u8; size];
        // SAFETY: the buffer holds the `size` bytes NVRTC writes.
        unsafe { sys::nvrtcGetCUBIN(self.0, bytes.as_mut_ptr().cast()) }
            .result()
            .map_err(|e| nvrtc_error("nvrtcGetCUBIN", e))?;
        if bytes.is_empty() {
            return Err(Error::Backend(
                "cuda: NVRTC produced an empty CUBIN".to_string(),
            ));
        }
        Ok(bytes)
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: the program is live and destroyed once; a failure leaks it only.
        let _ = unsafe { result::destroy_program(self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_architecture_is_preferred_then_the_newest_older_one() {
        let supported = [75, 80, 86, 89, 90];
        assert_eq!(
            Target::for_device(90, &supported).unwrap(),
            Target::Cubin(90)
        );
        assert_eq!(
            Target::for_device(120, &supported).unwrap(),
            Target::Ptx(90)
        );
        assert_eq!(Target::for_device(87, &supported).unwrap(), Target::Ptx(86));
        let error = Target::for_device(61, &supported).unwrap_err().to_string();
        assert!(
            error.contains("sm_61") && error.contains("sm_75"),
            "{error}"
        );
        assert_eq!(Target::Cubin(90).arch(), "sm_90");
        assert_eq!(Target::Ptx(100).arch(), "compute_100");
    }

    #[test]
    fn options_keep_the_ieee_operations_unfused() {
        let options = options(Target::Cubin(80));
        assert!(options.contains(&"--fmad=false".to_string()));
        assert!(options.contains(&"--gpu-architecture=sm_80".to_string()));
    }
}
