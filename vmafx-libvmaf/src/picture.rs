//! `VmafPicture`: libvmaf's picture structure, its reference-counted buffers, and the
//! borrowed view the scorer reads.
//!
//! Geometry is libvmaf's: chroma planes are `w >> 1` wide (and `h >> 1` high for
//! 4:2:0), rounded down for odd sizes; rows are padded to 32 samples; 4:0:0 pictures
//! have no chroma planes (NULL data, zero sizes).

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use vmafx::{ChromaSubsampling, FrameFormat, FrameView, Plane, PlaneRef};

use crate::errno::{guard, Failure, Outcome};

/// Pixel layout of a picture: one of the `VMAF_PIX_FMT_*` values (a C enum).
pub type VmafPixelFormat = u32;
/// `VMAF_PIX_FMT_UNKNOWN`: not a layout; refused.
pub const VMAF_PIX_FMT_UNKNOWN: VmafPixelFormat = 0;
/// `VMAF_PIX_FMT_YUV420P`.
pub const VMAF_PIX_FMT_YUV420P: VmafPixelFormat = 1;
/// `VMAF_PIX_FMT_YUV422P`.
pub const VMAF_PIX_FMT_YUV422P: VmafPixelFormat = 2;
/// `VMAF_PIX_FMT_YUV444P`.
pub const VMAF_PIX_FMT_YUV444P: VmafPixelFormat = 3;
/// `VMAF_PIX_FMT_YUV400P`.
pub const VMAF_PIX_FMT_YUV400P: VmafPixelFormat = 4;

/// Row alignment of allocated planes, in bytes and samples, as libvmaf's.
const DATA_ALIGN: usize = 32;

/// The shared buffer behind allocated pictures: freed when the last reference goes.
pub struct VmafRef {
    count: AtomicUsize,
    data: *mut u8,
    layout: Layout,
}

/// One picture, laid out as libvmaf's `VmafPicture`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafPicture {
    /// A `VMAF_PIX_FMT_*` value.
    pub pix_fmt: VmafPixelFormat,
    /// Bits per sample, 8 to 16; deeper than 8 bits means `uint16_t` samples.
    pub bpc: u32,
    /// Width of each plane in samples.
    pub w: [u32; 3],
    /// Height of each plane in rows.
    pub h: [u32; 3],
    /// Bytes from one row to the next, per plane.
    pub stride: [isize; 3],
    /// First sample of each plane.
    pub data: [*mut c_void; 3],
    /// The buffer's reference count; NULL for a picture that holds none.
    pub r#ref: *mut VmafRef,
    /// Reserved for the library; this one leaves it NULL.
    pub r#priv: *mut c_void,
}

impl VmafPicture {
    /// A picture holding nothing, as libvmaf leaves an unreferenced one.
    pub(crate) fn empty() -> Self {
        Self {
            pix_fmt: VMAF_PIX_FMT_UNKNOWN,
            bpc: 0,
            w: [0; 3],
            h: [0; 3],
            stride: [0; 3],
            data: [std::ptr::null_mut(); 3],
            r#ref: std::ptr::null_mut(),
            r#priv: std::ptr::null_mut(),
        }
    }
}

/// The chroma layout of a pixel format, or None for an unknown one.
pub(crate) fn chroma(pix_fmt: VmafPixelFormat) -> Option<ChromaSubsampling> {
    match pix_fmt {
        VMAF_PIX_FMT_YUV420P => Some(ChromaSubsampling::Yuv420),
        VMAF_PIX_FMT_YUV422P => Some(ChromaSubsampling::Yuv422),
        VMAF_PIX_FMT_YUV444P => Some(ChromaSubsampling::Yuv444),
        VMAF_PIX_FMT_YUV400P => Some(ChromaSubsampling::Yuv400),
        _ => None,
    }
}

/// Allocates a zeroed picture of libvmaf's geometry into `pic`, holding one reference.
pub(crate) fn allocate(
    pic: &mut VmafPicture,
    pix_fmt: VmafPixelFormat,
    bpc: u32,
    w: u32,
    h: u32,
) -> Outcome {
    let chroma = chroma(pix_fmt)
        .ok_or_else(|| Failure::invalid(format!("unknown pixel format {pix_fmt}")))?;
    if !(8..=16).contains(&bpc) {
        return Err(Failure::invalid(format!("bpc {bpc} is outside 8..16")));
    }
    if w == 0 || h == 0 {
        return Err(Failure::invalid(format!("picture size {w}x{h} is empty")));
    }
    let (cw, ch) = match chroma {
        ChromaSubsampling::Yuv400 => (0, 0),
        ChromaSubsampling::Yuv420 => (w >> 1, h >> 1),
        ChromaSubsampling::Yuv422 => (w >> 1, h),
        ChromaSubsampling::Yuv444 => (w, h),
    };
    let bytes = if bpc > 8 { 2 } else { 1 };
    let padded = |width: u32| (width as usize).div_ceil(DATA_ALIGN) * DATA_ALIGN * bytes;
    let (luma_stride, chroma_stride) = (padded(w), padded(cw));
    let too_large = || Failure::no_memory(format!("a {w}x{h} picture is too large"));
    let luma_size = luma_stride.checked_mul(h as usize).ok_or_else(too_large)?;
    let chroma_size = chroma_stride
        .checked_mul(ch as usize)
        .ok_or_else(too_large)?;
    let total = chroma_size
        .checked_mul(2)
        .and_then(|c| c.checked_add(luma_size))
        .ok_or_else(too_large)?;
    let layout = Layout::from_size_align(total, DATA_ALIGN).map_err(|_| too_large())?;
    // SAFETY: the size is non-zero (w, h >= 1) and the layout valid.
    let data = unsafe { alloc_zeroed(layout) };
    if data.is_null() {
        return Err(too_large());
    }
    let holder = Box::new(VmafRef {
        count: AtomicUsize::new(1),
        data,
        layout,
    });
    let has_chroma = chroma != ChromaSubsampling::Yuv400;
    let plane = |offset: usize| -> *mut c_void {
        // SAFETY: offsets stay within the `total` bytes just allocated.
        unsafe { data.add(offset) }.cast()
    };
    *pic = VmafPicture {
        pix_fmt,
        bpc,
        w: [w, cw, cw],
        h: [h, ch, ch],
        stride: [
            luma_stride as isize,
            chroma_stride as isize,
            chroma_stride as isize,
        ],
        data: if has_chroma {
            [plane(0), plane(luma_size), plane(luma_size + chroma_size)]
        } else {
            [plane(0), std::ptr::null_mut(), std::ptr::null_mut()]
        },
        r#ref: Box::into_raw(holder),
        r#priv: std::ptr::null_mut(),
    };
    Ok(())
}

/// Drops one reference of `pic`, freeing the buffer with the last, and clears `pic`.
///
/// # Safety
/// `pic.ref` is NULL or a reference made by [`allocate`] that is still counted.
pub(crate) unsafe fn release(pic: &mut VmafPicture) -> Outcome {
    let holder = pic.r#ref;
    if holder.is_null() {
        return Err(Failure::invalid("the picture holds no reference"));
    }
    // SAFETY: a live reference, as the caller promises.
    let previous = unsafe { &*holder }.count.fetch_sub(1, Ordering::AcqRel);
    if previous == 1 {
        // SAFETY: this was the last reference: nothing else reaches the holder or its
        // buffer, both made in `allocate`.
        unsafe {
            let holder = Box::from_raw(holder);
            dealloc(holder.data, holder.layout);
        }
    }
    *pic = VmafPicture::empty();
    Ok(())
}

/// The format of a picture, checked.
pub(crate) fn format(pic: &VmafPicture) -> Outcome<FrameFormat> {
    let chroma = chroma(pic.pix_fmt)
        .ok_or_else(|| Failure::invalid(format!("unknown pixel format {}", pic.pix_fmt)))?;
    let bpc = u8::try_from(pic.bpc)
        .map_err(|_| Failure::invalid(format!("bpc {} is outside 8..16", pic.bpc)))?;
    Ok(FrameFormat::new(
        pic.w[0] as usize,
        pic.h[0] as usize,
        chroma,
        bpc,
    )?)
}

/// Borrows a picture's planes as a frame of `format`.
///
/// # Safety
/// Each plane the format has points to `h[i]` rows of `stride[i]` bytes (the last row
/// `w[i]` samples) that stay readable and unchanged for `'a`.
pub(crate) unsafe fn view<'a>(
    pic: &VmafPicture,
    format: FrameFormat,
    what: &str,
) -> Outcome<FrameView<'a>> {
    let wide = format.bit_depth() > 8;
    let bytes = if wide { 2 } else { 1 };
    let mut planes = Vec::with_capacity(format.plane_count());
    for i in 0..format.plane_count() {
        let bad = |why: &str| Failure::invalid(format!("{what} plane {i}: {why}"));
        let data = pic.data[i];
        if data.is_null() {
            return Err(bad("data is NULL"));
        }
        let (width, height) = (pic.w[i] as usize, pic.h[i] as usize);
        if width == 0 || height == 0 {
            return Err(bad("the plane is empty"));
        }
        let stride = usize::try_from(pic.stride[i]).map_err(|_| bad("negative stride"))?;
        if !stride.is_multiple_of(bytes) || !(data as usize).is_multiple_of(bytes) {
            return Err(bad("stride or data is not aligned to the sample size"));
        }
        let stride = stride / bytes;
        if stride < width {
            return Err(bad("stride is shorter than a row"));
        }
        let len = (height - 1)
            .checked_mul(stride)
            .and_then(|n| n.checked_add(width))
            .filter(|n| {
                n.checked_mul(bytes)
                    .is_some_and(|b| b <= isize::MAX as usize)
            })
            .ok_or_else(|| bad("the plane is too large"))?;
        let plane = if wide {
            // SAFETY: non-NULL, 2-byte aligned (checked); the caller promises `len`
            // readable samples.
            let samples = unsafe { std::slice::from_raw_parts(data.cast::<u16>(), len) };
            PlaneRef::U16(Plane::new(samples, width, height, stride)?)
        } else {
            // SAFETY: non-NULL (checked); the caller promises `len` readable bytes.
            let samples = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
            PlaneRef::U8(Plane::new(samples, width, height, stride)?)
        };
        planes.push(plane);
    }
    Ok(FrameView::new(format, &planes)?)
}

/// Allocates a picture: `pix_fmt` a `VMAF_PIX_FMT_*` value other than UNKNOWN, `bpc`
/// 8 to 16, `w` and `h` at least 1. Chroma planes are `w >> 1` (`h >> 1`) as subsampled;
/// rows are padded to 32 samples; samples start at zero. The picture holds one
/// reference, dropped by `vmaf_picture_unref` or by `vmaf_read_pictures`.
///
/// Returns 0, -EINVAL for a NULL `pic` or a bad argument, -ENOMEM.
///
/// # Safety
/// `pic` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_picture_alloc(
    pic: *mut VmafPicture,
    pix_fmt: VmafPixelFormat,
    bpc: u32,
    w: u32,
    h: u32,
) -> i32 {
    guard(|| {
        // SAFETY: NULL or writable, as the caller promises.
        let pic = unsafe { pic.as_mut() }.ok_or_else(|| Failure::null("pic"))?;
        allocate(pic, pix_fmt, bpc, w, h)
    })
}

/// Drops the picture's reference (freeing its buffer with the last one) and clears the
/// structure. Returns 0, or -EINVAL for NULL or a picture that holds no reference.
///
/// # Safety
/// `pic` is NULL or a picture filled by `vmaf_picture_alloc` or
/// `vmaf_fetch_preallocated_picture` (or cleared since).
#[no_mangle]
pub unsafe extern "C" fn vmaf_picture_unref(pic: *mut VmafPicture) -> i32 {
    guard(|| {
        // SAFETY: NULL or a live picture, as the caller promises.
        let pic = unsafe { pic.as_mut() }.ok_or_else(|| Failure::null("pic"))?;
        // SAFETY: its reference, if any, came from `allocate`.
        unsafe { release(pic) }
    })
}

/// Geometry of pictures to preallocate, laid out as libvmaf's.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafPictureParams {
    /// Luma width.
    pub w: u32,
    /// Luma height.
    pub h: u32,
    /// Bits per sample.
    pub bpc: u32,
    /// A `VMAF_PIX_FMT_*` value.
    pub pix_fmt: VmafPixelFormat,
}

/// What `vmaf_preallocate_pictures` prepares, laid out as libvmaf's.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafPictureConfiguration {
    /// The pictures' geometry.
    pub pic_params: VmafPictureParams,
    /// How many pictures to keep ready.
    pub pic_cnt: u32,
}

pub use crate::context::{vmaf_fetch_preallocated_picture, vmaf_preallocate_pictures};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_sizes_get_floor_chroma_and_padded_rows() {
        let mut pic = VmafPicture::empty();
        allocate(&mut pic, VMAF_PIX_FMT_YUV420P, 10, 33, 17).unwrap();
        assert_eq!((pic.w, pic.h), ([33, 16, 16], [17, 8, 8]));
        assert_eq!(pic.stride, [128, 64, 64]);
        // SAFETY: allocated above, released once.
        unsafe { release(&mut pic) }.unwrap();
        assert!(pic.r#ref.is_null() && pic.data[0].is_null());
        // SAFETY: a cleared picture holds no reference: refused, not freed.
        assert!(unsafe { release(&mut pic) }.is_err());
    }

    #[test]
    fn gray_pictures_have_no_chroma() {
        let mut pic = VmafPicture::empty();
        allocate(&mut pic, VMAF_PIX_FMT_YUV400P, 8, 5, 3).unwrap();
        assert_eq!((pic.w, pic.h), ([5, 0, 0], [3, 0, 0]));
        assert!(pic.data[1].is_null() && pic.data[2].is_null());
        // SAFETY: the planes are the buffer just allocated.
        let view = unsafe { view(&pic, format(&pic).unwrap(), "picture") }.unwrap();
        assert_eq!(view.format().plane_count(), 1);
        // SAFETY: allocated above, released once.
        unsafe { release(&mut pic) }.unwrap();
    }

    #[test]
    fn bad_arguments_are_refused() {
        let mut pic = VmafPicture::empty();
        for (fmt, bpc, w, h) in [
            (0, 8, 4, 4),
            (5, 8, 4, 4),
            (1, 7, 4, 4),
            (1, 17, 4, 4),
            (1, 8, 0, 4),
        ] {
            let failure = allocate(&mut pic, fmt, bpc, w, h).unwrap_err();
            assert_eq!(failure.code, crate::errno::EINVAL);
        }
    }
}
