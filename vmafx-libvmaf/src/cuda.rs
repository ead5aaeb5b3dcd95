//! libvmaf's CUDA entry points (`libvmaf_cuda.h`), mapped onto VMAFX's CUDA backend.
//!
//! A state made by `vmaf_cuda_state_init` stands for "score on CUDA": importing it into
//! a context makes its scorer use the CUDA backend (which opens its own context on the
//! first device; the caller's `cu_ctx` is not shared). Pictures stay in host memory: the
//! host preallocation methods work as `vmaf_preallocate_pictures` does, and device
//! pictures (`VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_DEVICE`) are refused.

use std::ffi::c_void;

use vmafx::BackendKind;

use crate::context::{with_context, VmafContext};
use crate::errno::{guard, Failure};
use crate::picture::{VmafPicture, VmafPictureConfiguration, VmafPictureParams};

extern "C" {
    // The state is freed by callers with free() (FFmpeg does), so it comes from malloc.
    fn malloc(size: usize) -> *mut c_void;
}

/// A CUDA session for `vmaf_cuda_import_state` (opaque to C; free it with `free()`).
#[repr(C)]
pub struct VmafCudaState {
    /// Marks a state made by this library.
    magic: u32,
}

const STATE_MAGIC: u32 = 0x7666_6375;

/// Options of `vmaf_cuda_state_init`, laid out as libvmaf's.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafCudaConfiguration {
    /// The caller's `CUcontext`, or NULL; accepted, not shared.
    pub cu_ctx: *mut c_void,
}

/// `VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_NONE`.
const PREALLOCATE_NONE: u32 = 0;
/// `VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_DEVICE`.
const PREALLOCATE_DEVICE: u32 = 1;
/// `VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_HOST`.
const PREALLOCATE_HOST: u32 = 2;
/// `VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_HOST_PINNED`.
const PREALLOCATE_HOST_PINNED: u32 = 3;

/// What `vmaf_cuda_preallocate_pictures` prepares, laid out as libvmaf's.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafCudaPictureConfiguration {
    /// The pictures' geometry.
    pub pic_params: VmafPictureParams,
    /// A `VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_*` value.
    pub pic_prealloc_method: u32,
}

/// Starts a CUDA session into `*cu_state`. Returns 0, or -EINVAL for a NULL argument or
/// when no CUDA device can be used (the log says why).
///
/// # Safety
/// `cu_state` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_cuda_state_init(
    cu_state: *mut *mut VmafCudaState,
    cfg: VmafCudaConfiguration,
) -> i32 {
    let _ = cfg.cu_ctx;
    guard(|| {
        if cu_state.is_null() {
            return Err(Failure::null("cu_state"));
        }
        vmafx::backend::resolve(BackendKind::Cuda)?;
        // SAFETY: malloc with the structure's size; checked for NULL below.
        let state = unsafe { malloc(std::mem::size_of::<VmafCudaState>()) }.cast::<VmafCudaState>();
        if state.is_null() {
            return Err(Failure::no_memory("cannot allocate the CUDA state"));
        }
        // SAFETY: `state` is fresh, aligned malloc memory of the right size; `cu_state`
        // is non-NULL and writable as the caller promises.
        unsafe {
            state.write(VmafCudaState { magic: STATE_MAGIC });
            *cu_state = state;
        }
        Ok(())
    })
}

/// Makes the context score on CUDA. Returns 0, or -EINVAL for NULL arguments, a state
/// not made by `vmaf_cuda_state_init`, or a call after the first picture.
///
/// # Safety
/// `vmaf` NULL or live; `cu_state` NULL or a state from `vmaf_cuda_state_init`.
#[no_mangle]
pub unsafe extern "C" fn vmaf_cuda_import_state(
    vmaf: *mut VmafContext,
    cu_state: *mut VmafCudaState,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let state = cu_state.as_ref().ok_or_else(|| Failure::null("cu_state"))?;
            if state.magic != STATE_MAGIC {
                return Err(Failure::invalid(
                    "cu_state was not made by vmaf_cuda_state_init",
                ));
            }
            context.use_backend(BackendKind::Cuda)
        })
    }
}

/// Prepares host pictures (methods HOST and HOST_PINNED) as `vmaf_preallocate_pictures`
/// does; NONE prepares nothing. Returns 0, or -EINVAL for a NULL context, device
/// pictures (not provided) or an unknown method.
///
/// # Safety
/// `vmaf` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn vmaf_cuda_preallocate_pictures(
    vmaf: *mut VmafContext,
    cfg: VmafCudaPictureConfiguration,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| match cfg.pic_prealloc_method {
            PREALLOCATE_NONE => Ok(()),
            PREALLOCATE_HOST | PREALLOCATE_HOST_PINNED => {
                context.preallocate(VmafPictureConfiguration {
                    pic_params: cfg.pic_params,
                    pic_cnt: 4,
                })
            }
            PREALLOCATE_DEVICE => Err(Failure::invalid(
                "device pictures are not provided; preallocate host pictures",
            )),
            other => Err(Failure::invalid(format!(
                "unknown CUDA picture preallocation method {other}"
            ))),
        })
    }
}

/// A host picture of the geometry `vmaf_cuda_preallocate_pictures` prepared: the same
/// as `vmaf_fetch_preallocated_picture`, since device pictures are not offered. Returns
/// 0, -EINVAL (NULL arguments, nothing prepared) or -ENOMEM.
///
/// # Safety
/// `vmaf` NULL or live; `pic` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_cuda_fetch_preallocated_picture(
    vmaf: *mut VmafContext,
    pic: *mut VmafPicture,
) -> i32 {
    // SAFETY: as the caller promises, which is what the host variant needs.
    unsafe { crate::context::vmaf_fetch_preallocated_picture(vmaf, pic) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{vmaf_close, vmaf_init, VmafConfiguration};
    use crate::errno::EINVAL;
    use crate::picture::{vmaf_picture_unref, VMAF_PIX_FMT_YUV420P};

    fn context() -> *mut VmafContext {
        let cfg = VmafConfiguration {
            log_level: 0,
            n_threads: 0,
            n_subsample: 1,
            cpumask: 0,
            gpumask: 0,
        };
        let mut vmaf = std::ptr::null_mut();
        // SAFETY: `vmaf` is writable.
        assert_eq!(unsafe { vmaf_init(&mut vmaf, cfg) }, 0);
        vmaf
    }

    #[test]
    fn misuse_is_refused() {
        let cfg = VmafCudaConfiguration {
            cu_ctx: std::ptr::null_mut(),
        };
        // SAFETY: NULL output pointers are refused before any write.
        let rc = unsafe { vmaf_cuda_state_init(std::ptr::null_mut(), cfg) };
        assert_eq!(rc, EINVAL);
        let vmaf = context();
        // SAFETY: a live context and NULL or live pointers.
        unsafe {
            assert_eq!(vmaf_cuda_import_state(vmaf, std::ptr::null_mut()), EINVAL);
            let mut forged = VmafCudaState { magic: 0 };
            assert_eq!(vmaf_cuda_import_state(vmaf, &mut forged), EINVAL);
            assert_eq!(
                vmaf_cuda_import_state(std::ptr::null_mut(), &mut forged),
                EINVAL
            );
            assert_eq!(vmaf_close(vmaf), 0);
        }
    }

    #[test]
    fn host_pictures_are_prepared_and_device_pictures_refused() {
        let vmaf = context();
        let params = VmafPictureParams {
            w: 33,
            h: 17,
            bpc: 10,
            pix_fmt: VMAF_PIX_FMT_YUV420P,
        };
        let config = |method| VmafCudaPictureConfiguration {
            pic_params: params,
            pic_prealloc_method: method,
        };
        let mut pic = VmafPicture::empty();
        // SAFETY: a live context and a writable picture.
        unsafe {
            assert_eq!(vmaf_cuda_fetch_preallocated_picture(vmaf, &mut pic), EINVAL);
            assert_eq!(
                vmaf_cuda_preallocate_pictures(vmaf, config(PREALLOCATE_DEVICE)),
                EINVAL
            );
            assert_eq!(vmaf_cuda_preallocate_pictures(vmaf, config(7)), EINVAL);
            assert_eq!(
                vmaf_cuda_preallocate_pictures(vmaf, config(PREALLOCATE_NONE)),
                0
            );
            assert_eq!(
                vmaf_cuda_preallocate_pictures(vmaf, config(PREALLOCATE_HOST)),
                0
            );
            assert_eq!(vmaf_cuda_fetch_preallocated_picture(vmaf, &mut pic), 0);
            assert_eq!((pic.w[0], pic.h[1], pic.bpc), (33, 8, 10));
            assert_eq!(vmaf_picture_unref(&mut pic), 0);
            assert_eq!(vmaf_close(vmaf), 0);
        }
    }

    #[test]
    fn without_a_usable_device_the_state_is_refused_with_the_reason() {
        let cfg = VmafCudaConfiguration {
            cu_ctx: std::ptr::null_mut(),
        };
        let mut state = std::ptr::null_mut();
        // SAFETY: `state` is writable.
        let rc = unsafe { vmaf_cuda_state_init(&mut state, cfg) };
        if vmafx::backend::resolve(BackendKind::Cuda).is_err() {
            assert_eq!(rc, EINVAL);
            assert!(state.is_null());
        } else {
            assert_eq!(rc, 0);
            extern "C" {
                fn free(ptr: *mut c_void);
            }
            // SAFETY: the state came from malloc in vmaf_cuda_state_init.
            unsafe { free(state.cast()) };
        }
    }
}
