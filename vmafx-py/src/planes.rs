//! numpy planes as frames: reads each array's `__array_interface__` and borrows its
//! memory as a `FrameView`, without copying.
//!
//! The Python layer hands over `numpy.ndarray`s only, already in a layout this module
//! takes (rows of adjacent samples, native byte order, aligned); it copies the rare
//! array that is not. Everything is checked again here, since the memory is read with
//! the GIL released.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use vmafx::{FrameFormat, FrameView, Plane, PlaneRef};

use crate::errors::invalid;

const PLANE_NAMES: [&str; 3] = ["Y", "U", "V"];

/// What an array's interface says about its memory.
struct ArrayLayout {
    address: usize,
    shape: Vec<usize>,
    /// Byte strides; `None` for a C-contiguous array.
    strides: Option<Vec<isize>>,
    typestr: String,
}

impl ArrayLayout {
    fn read(array: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let interface = array
            .getattr("__array_interface__")
            .map_err(|_| invalid(format!("{what} is not a numpy array")))?;
        let interface = interface
            .cast_into::<PyDict>()
            .map_err(|_| invalid(format!("{what}: __array_interface__ is not a dict")))?;
        let field = |key: &str| -> PyResult<Bound<'_, PyAny>> {
            interface
                .get_item(key)?
                .ok_or_else(|| invalid(format!("{what}: __array_interface__ has no {key:?}")))
        };
        let (address, _read_only): (usize, bool) = field("data")?.extract()?;
        Ok(Self {
            address,
            shape: field("shape")?.extract()?,
            strides: field("strides")?.extract()?,
            typestr: field("typestr")?.extract()?,
        })
    }
}

/// The numpy type string of samples for a bit depth, in native byte order.
fn sample_typestr(format: &FrameFormat) -> &'static str {
    match (format.bytes_per_sample(), cfg!(target_endian = "little")) {
        (1, _) => "|u1",
        (_, true) => "<u2",
        (_, false) => ">u2",
    }
}

/// Borrows the planes in `planes` (a tuple of arrays, Y then U and V) as a frame.
///
/// # Safety
/// Every array in `planes` owns or borrows the memory its `__array_interface__`
/// describes (true of `numpy.ndarray`), keeps it alive for `'a` (the caller holds the
/// tuple for that long) and nobody writes it meanwhile.
pub(crate) unsafe fn frame_view<'a>(
    planes: &Bound<'_, PyTuple>,
    format: &FrameFormat,
    what: &str,
) -> PyResult<FrameView<'a>> {
    let count = format.plane_count();
    if planes.len() != count {
        return Err(invalid(format!(
            "{what} has {} planes; {} video needs {count} ({})",
            planes.len(),
            describe(format),
            PLANE_NAMES[..count].join(", ")
        )));
    }
    let mut views = Vec::with_capacity(count);
    for (index, array) in planes.iter().enumerate() {
        let plane_what = format!("{what} plane {}", PLANE_NAMES[index]);
        let layout = ArrayLayout::read(&array, &plane_what)?;
        // SAFETY: the caller's promise about the arrays covers this one.
        views.push(unsafe { plane_ref(&layout, format, index, &plane_what) }?);
    }
    FrameView::new(*format, &views).map_err(|e| invalid(format!("{what}: {e}")))
}

/// `420 8-bit 176x144`-style description for messages.
fn describe(format: &FrameFormat) -> String {
    format!(
        "{}x{} {} {}-bit",
        format.width(),
        format.height(),
        format.chroma().name(),
        format.bit_depth()
    )
}

/// Checks one plane's layout against the format and borrows it.
///
/// # Safety
/// `layout` describes live memory that stays alive and unwritten for `'a`.
unsafe fn plane_ref<'a>(
    layout: &ArrayLayout,
    format: &FrameFormat,
    index: usize,
    what: &str,
) -> PyResult<PlaneRef<'a>> {
    let (width, height) = plane_shape(layout, format, index, what)?;
    let bytes = format.bytes_per_sample();
    let wanted_type = sample_typestr(format);
    if layout.typestr != wanted_type {
        return Err(invalid(format!(
            "{what} holds {:?} samples; {}-bit video needs {}",
            layout.typestr,
            format.bit_depth(),
            if bytes == 1 {
                "uint8"
            } else {
                "native-endian uint16"
            }
        )));
    }
    let stride = row_stride(layout, width, height, bytes, what)?;
    if layout.address == 0 || !layout.address.is_multiple_of(bytes) {
        return Err(invalid(format!(
            "{what} is not aligned to {bytes}-byte samples"
        )));
    }
    let len = (height - 1)
        .checked_mul(stride)
        .and_then(|n| n.checked_add(width))
        .filter(|n| {
            n.checked_mul(bytes)
                .is_some_and(|b| b <= isize::MAX as usize)
        })
        .ok_or_else(|| invalid(format!("{what} is too large")))?;
    let library = |e: vmafx::Error| invalid(format!("{what}: {e}"));
    Ok(if bytes == 1 {
        // SAFETY: non-NULL; the array spans `len` samples from its first one (rows of
        // `stride` samples, checked above); the caller keeps them alive and unchanged.
        let samples = unsafe { std::slice::from_raw_parts(layout.address as *const u8, len) };
        PlaneRef::U8(Plane::new(samples, width, height, stride).map_err(library)?)
    } else {
        // SAFETY: as above, and the address is 2-byte aligned (checked).
        let samples = unsafe { std::slice::from_raw_parts(layout.address as *const u16, len) };
        PlaneRef::U16(Plane::new(samples, width, height, stride).map_err(library)?)
    })
}

/// The plane's (width, height), checked against the format: chroma may be rounded up
/// (as Y4M and FFmpeg store it) or down (as libvmaf's pictures may carry it).
fn plane_shape(
    layout: &ArrayLayout,
    format: &FrameFormat,
    index: usize,
    what: &str,
) -> PyResult<(usize, usize)> {
    let (width, height) = (format.plane_width(index), format.plane_height(index));
    let (floor_width, floor_height) = if index == 0 {
        (width, height)
    } else {
        (
            (format.width() >> format.chroma().shift_x()).max(1),
            (format.height() >> format.chroma().shift_y()).max(1),
        )
    };
    let fits = match layout.shape.as_slice() {
        &[h, w] => (h == height || h == floor_height) && (w == width || w == floor_width),
        _ => false,
    };
    if !fits {
        let shape: Vec<String> = layout.shape.iter().map(usize::to_string).collect();
        return Err(invalid(format!(
            "{what} has shape ({}); {} video needs ({height}, {width})",
            shape.join(", "),
            describe(format)
        )));
    }
    Ok((layout.shape[1], layout.shape[0]))
}

/// Samples from one row to the next; rows must hold adjacent samples.
fn row_stride(
    layout: &ArrayLayout,
    width: usize,
    height: usize,
    bytes: usize,
    what: &str,
) -> PyResult<usize> {
    let Some(strides) = &layout.strides else {
        return Ok(width);
    };
    let (row, column) = match strides.as_slice() {
        &[row, column] => (row, column),
        _ => return Err(invalid(format!("{what} has {} strides", strides.len()))),
    };
    let unsupported = || {
        invalid(format!(
            "{what} has strides ({row}, {column}); rows of adjacent samples are needed \
             (numpy.ascontiguousarray makes them)"
        ))
    };
    if width > 1 && column != bytes as isize {
        return Err(unsupported());
    }
    if height == 1 {
        return Ok(width);
    }
    let row = usize::try_from(row).map_err(|_| unsupported())?;
    if !row.is_multiple_of(bytes) || row / bytes < width {
        return Err(unsupported());
    }
    Ok(row / bytes)
}
