//! `VmafxPicture`: a caller's planes with byte strides, checked and borrowed as a
//! `FrameView` of samples.

use std::ffi::c_void;

use vmafx::{FrameFormat, FrameView, Plane, PlaneRef};

use crate::status::FfiError;

/// One picture held by the caller: a pointer and a row stride per plane.
///
/// Planes are Y, U, V in that order; for `VMAFX_CHROMA_400` only plane 0 is read and the
/// others may be NULL. Plane sizes follow the stream's format: luma is
/// `width` x `height`; chroma is rounded up (`(width + 1) / 2` for 4:2:0 and 4:2:2,
/// `(height + 1) / 2` for 4:2:0), as FFmpeg and Y4M store it. Samples are `uint8_t` for
/// 8-bit video and `uint16_t` (native byte order, 2-byte aligned) for deeper video.
/// The library reads the planes only during the call they are passed to.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafxPicture {
    /// Address of each plane's first sample.
    pub data: [*const c_void; 3],
    /// Bytes from the start of one row to the start of the next, per plane: positive,
    /// at least the row's size in bytes, and even for video deeper than 8 bits.
    pub stride: [isize; 3],
}

/// Borrows the planes of `picture` as a view of `format`.
///
/// # Safety
/// For each plane the format has, `picture.data[i]` is NULL or points to at least
/// `(plane_height - 1) * stride[i] + plane_width * bytes_per_sample` readable bytes
/// that stay unchanged for `'a`.
pub(crate) unsafe fn view<'a>(
    picture: &VmafxPicture,
    format: &FrameFormat,
    what: &str,
) -> Result<FrameView<'a>, FfiError> {
    let mut planes = Vec::with_capacity(format.plane_count());
    for i in 0..format.plane_count() {
        let geometry = PlaneGeometry::check(picture, format, i, what)?;
        let data = picture.data[i];
        let plane = if format.bytes_per_sample() == 1 {
            // SAFETY: non-NULL (checked); the caller promises `len` readable bytes,
            // and `len` fits in isize (checked).
            let samples = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), geometry.len) };
            PlaneRef::U8(geometry.plane(samples)?)
        } else {
            // SAFETY: non-NULL and 2-byte aligned (checked); the caller promises `len`
            // readable samples, and `2 * len` fits in isize (checked).
            let samples = unsafe { std::slice::from_raw_parts(data.cast::<u16>(), geometry.len) };
            PlaneRef::U16(geometry.plane(samples)?)
        };
        planes.push(plane);
    }
    FrameView::new(*format, &planes).map_err(|e| FfiError::invalid(format!("{what}: {e}")))
}

/// The checked shape of one plane, in samples.
struct PlaneGeometry {
    width: usize,
    height: usize,
    stride: usize,
    /// Samples from the first to the last one the plane uses.
    len: usize,
}

impl PlaneGeometry {
    fn check(
        picture: &VmafxPicture,
        format: &FrameFormat,
        i: usize,
        what: &str,
    ) -> Result<Self, FfiError> {
        let data = picture.data[i];
        if data.is_null() {
            return Err(FfiError::null(&format!("{what}->data[{i}]")));
        }
        let bytes = format.bytes_per_sample();
        let (width, height) = (format.plane_width(i), format.plane_height(i));
        let stride_bytes = picture.stride[i];
        if stride_bytes <= 0 {
            return Err(FfiError::invalid(format!(
                "{what}->stride[{i}] is {stride_bytes}; it must be positive"
            )));
        }
        let stride_bytes = stride_bytes.unsigned_abs();
        if !stride_bytes.is_multiple_of(bytes) {
            return Err(FfiError::invalid(format!(
                "{what}->stride[{i}] is {stride_bytes} bytes, not a whole number of \
                 {bytes}-byte samples"
            )));
        }
        let stride = stride_bytes / bytes;
        if stride < width {
            return Err(FfiError::invalid(format!(
                "{what}->stride[{i}] is {stride_bytes} bytes, less than a row of {width} \
                 samples ({} bytes)",
                width * bytes
            )));
        }
        if !(data as usize).is_multiple_of(bytes) {
            return Err(FfiError::invalid(format!(
                "{what}->data[{i}] is not aligned to {bytes} bytes"
            )));
        }
        let len = (height - 1)
            .checked_mul(stride)
            .and_then(|n| n.checked_add(width))
            .filter(|&n| {
                n.checked_mul(bytes)
                    .is_some_and(|b| b <= isize::MAX as usize)
            })
            .ok_or_else(|| {
                FfiError::invalid(format!("{what}->stride[{i}] makes the plane too large"))
            })?;
        Ok(Self {
            width,
            height,
            stride,
            len,
        })
    }

    fn plane<'a, T: vmafx::frame::Sample>(
        &self,
        samples: &'a [T],
    ) -> Result<Plane<'a, T>, FfiError> {
        Plane::new(samples, self.width, self.height, self.stride)
            .map_err(|e| FfiError::invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::VmafxStatus;
    use vmafx::ChromaSubsampling;

    fn picture(planes: &[&[u16]; 3], strides: [isize; 3]) -> VmafxPicture {
        VmafxPicture {
            data: planes.map(|p| p.as_ptr().cast()),
            stride: strides,
        }
    }

    #[test]
    fn converts_byte_strides_to_samples() {
        let format = FrameFormat::new(3, 2, ChromaSubsampling::Yuv420, 10).unwrap();
        let luma = [1u16, 2, 3, 0, 4, 5, 6, 0];
        let chroma = [7u16, 0];
        let pic = picture(&[&luma, &chroma, &chroma], [8, 4, 4]);
        // SAFETY: the planes above cover the format with these strides.
        let view = unsafe { view(&pic, &format, "picture") }.unwrap();
        match view.luma() {
            PlaneRef::U16(p) => {
                assert_eq!(p.stride(), 4);
                assert_eq!(p.row(1), &[4, 5, 6]);
            }
            PlaneRef::U8(_) => panic!("10-bit planes hold u16"),
        }
    }

    #[test]
    fn rejects_bad_strides_and_pointers() {
        let format = FrameFormat::new(3, 2, ChromaSubsampling::Yuv420, 10).unwrap();
        let luma = [0u16; 8];
        let chroma = [0u16; 2];
        let check = |pic: VmafxPicture, status: VmafxStatus| {
            // SAFETY: every pointer is NULL or covers the bytes the strides describe.
            let error = unsafe { view(&pic, &format, "picture") }.err().unwrap();
            assert_eq!(error.status, status, "{}", error.message);
        };
        check(
            picture(&[&luma, &chroma, &chroma], [7, 4, 4]),
            VmafxStatus::InvalidArgument,
        );
        check(
            picture(&[&luma, &chroma, &chroma], [4, 4, 4]),
            VmafxStatus::InvalidArgument,
        );
        check(
            picture(&[&luma, &chroma, &chroma], [8, 0, 4]),
            VmafxStatus::InvalidArgument,
        );
        check(
            picture(&[&luma, &chroma, &chroma], [8, 4, -4]),
            VmafxStatus::InvalidArgument,
        );
        let mut pic = picture(&[&luma, &chroma, &chroma], [8, 4, 4]);
        pic.data[2] = std::ptr::null();
        check(pic, VmafxStatus::NullPointer);
        let bytes = [0u8; 20];
        let odd = bytes
            .as_ptr()
            .wrapping_add(1 + (bytes.as_ptr() as usize % 2));
        pic.data[2] = odd.cast();
        check(pic, VmafxStatus::InvalidArgument);
    }
}
