//! Checks shared by extractors that compare a reference and a distorted picture.

use crate::error::{Error, Result};
use crate::frame::{FrameFormat, FrameView, Plane, PlaneRef};

/// Fails unless both views have the format the extractor was built for.
pub(crate) fn check_pair(
    expected: &FrameFormat,
    reference: &FrameView<'_>,
    distorted: &FrameView<'_>,
) -> Result<()> {
    if reference.format() != distorted.format() {
        return Err(Error::Mismatch(format!(
            "reference is {:?}, distorted is {:?}",
            reference.format(),
            distorted.format()
        )));
    }
    if reference.format() != expected {
        return Err(Error::InvalidInput(format!(
            "frame format {:?} differs from the extractor's {expected:?}",
            reference.format()
        )));
    }
    Ok(())
}

/// Two planes of the same sample width, as one value to match on.
pub(crate) enum PlanePair<'a> {
    /// 8-bit samples.
    U8(Plane<'a, u8>, Plane<'a, u8>),
    /// 9- to 16-bit samples.
    U16(Plane<'a, u16>, Plane<'a, u16>),
}

/// Plane `index` of both views, failing when it is missing or the sample widths differ.
pub(crate) fn plane_pair<'a>(
    reference: &FrameView<'a>,
    distorted: &FrameView<'a>,
    index: usize,
) -> Result<PlanePair<'a>> {
    let missing = || Error::InvalidInput(format!("frame has no plane {index}"));
    let r = reference.plane(index).ok_or_else(missing)?;
    let d = distorted.plane(index).ok_or_else(missing)?;
    match (r, d) {
        (PlaneRef::U8(r), PlaneRef::U8(d)) => Ok(PlanePair::U8(r, d)),
        (PlaneRef::U16(r), PlaneRef::U16(d)) => Ok(PlanePair::U16(r, d)),
        _ => Err(Error::Mismatch(format!(
            "plane {index} sample widths differ"
        ))),
    }
}

/// Frame builders for the extractors' unit tests.
#[cfg(test)]
pub(crate) mod test_frames {
    use crate::frame::{ChromaSubsampling, Frame, FrameFormat, PlaneBuffer};

    /// A format, panicking on invalid test parameters.
    pub(crate) fn format(w: usize, h: usize, chroma: ChromaSubsampling, bpc: u8) -> FrameFormat {
        FrameFormat::new(w, h, chroma, bpc).expect("valid test format")
    }

    /// A frame whose sample at plane `p`, column `x`, row `y` is `f(p, x, y)`.
    pub(crate) fn frame_from(format: FrameFormat, f: impl Fn(usize, usize, usize) -> u16) -> Frame {
        let mut frame = Frame::zeroed(format);
        for p in 0..format.plane_count() {
            let w = format.plane_width(p);
            match frame.plane_buffer_mut(p) {
                PlaneBuffer::U8(d) => {
                    for (i, s) in d.iter_mut().enumerate() {
                        *s = f(p, i % w, i / w) as u8;
                    }
                }
                PlaneBuffer::U16(d) => {
                    for (i, s) in d.iter_mut().enumerate() {
                        *s = f(p, i % w, i / w);
                    }
                }
            }
        }
        frame
    }

    /// A frame with every sample of plane `p` equal to `values[p]`.
    pub(crate) fn flat(format: FrameFormat, values: [u16; 3]) -> Frame {
        frame_from(format, |p, _, _| values[p])
    }

    /// A deterministic pseudo-random frame (a small LCG per sample), with samples below
    /// `2^bpc`.
    pub(crate) fn noise(format: FrameFormat, seed: u32) -> Frame {
        let mask = (1u32 << format.bit_depth()) - 1;
        frame_from(format, |p, x, y| {
            let mut v = seed
                .wrapping_mul(747_796_405)
                .wrapping_add((p as u32) << 24)
                .wrapping_add((y as u32) << 12)
                .wrapping_add(x as u32);
            v ^= v >> 15;
            v = v.wrapping_mul(2_891_336_453);
            v ^= v >> 13;
            (v & mask) as u16
        })
    }
}
