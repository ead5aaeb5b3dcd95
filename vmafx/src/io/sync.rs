//! Finding how many frames one input is ahead of the other: the shift, within a window,
//! under which the first few frames agree best (highest mean luma PSNR).

use crate::error::{Error, Result};
use crate::frame::{Frame, PlaneBuffer};

use super::FrameReader;

/// PSNR given to identical frames, so that a perfect match is finite and comparable.
const IDENTICAL_PSNR: f64 = 100.0;

/// The shift that lines the inputs up: drop this many frames from the start of each
/// (at most one of the two is non-zero).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyncOffset {
    /// Reference frames to skip.
    pub skip_reference: u64,
    /// Distorted frames to skip.
    pub skip_distorted: u64,
    /// Mean luma PSNR (dB) of the compared frames under this shift.
    pub psnr: f64,
    /// How many frame pairs were compared.
    pub frames_compared: usize,
}

/// Reads up to `window + compare` frames of each input and tries every shift from
/// `window` distorted frames skipped to `window` reference frames skipped, comparing
/// up to `compare` frame pairs under each. The best mean luma PSNR wins; on a tie the
/// smaller shift does (so still content keeps its natural alignment).
pub fn find_offset(
    reference: &mut dyn FrameReader,
    distorted: &mut dyn FrameReader,
    window: u64,
    compare: usize,
) -> Result<SyncOffset> {
    let (r, d) = (reference.format(), distorted.format());
    if (r.width(), r.height(), r.bit_depth()) != (d.width(), d.height(), d.bit_depth()) {
        return Err(Error::Mismatch(format!(
            "cannot line up {}x{} {}-bit frames with {}x{} {}-bit frames",
            r.width(),
            r.height(),
            r.bit_depth(),
            d.width(),
            d.height(),
            d.bit_depth()
        )));
    }
    let peak = f64::from((1u32 << r.bit_depth()) - 1);
    let wanted = usize::try_from(window)
        .unwrap_or(usize::MAX)
        .saturating_add(compare.max(1));
    let reference_luma = read_luma(reference, wanted)?;
    let distorted_luma = read_luma(distorted, wanted)?;
    let window = i64::try_from(window).unwrap_or(i64::MAX);
    let mut best: Option<(SyncOffset, i64)> = None;
    for shift in -window..=window {
        let skip_reference = shift.max(0).unsigned_abs();
        let skip_distorted = shift.min(0).unsigned_abs();
        let (Some(refs), Some(dists)) = (
            reference_luma.get(skip_reference as usize..),
            distorted_luma.get(skip_distorted as usize..),
        ) else {
            continue;
        };
        let pairs = compare.max(1).min(refs.len()).min(dists.len());
        if pairs == 0 {
            continue;
        }
        let psnr = refs
            .iter()
            .zip(dists)
            .take(pairs)
            .map(|(a, b)| luma_psnr(a, b, peak))
            .sum::<f64>()
            / pairs as f64;
        let candidate = SyncOffset {
            skip_reference,
            skip_distorted,
            psnr,
            frames_compared: pairs,
        };
        let better = match &best {
            None => true,
            Some((current, current_shift)) => {
                psnr > current.psnr || (psnr == current.psnr && shift.abs() < current_shift.abs())
            }
        };
        if better {
            best = Some((candidate, shift));
        }
    }
    best.map(|(offset, _)| offset).ok_or(Error::NoFrames)
}

/// The luma planes of up to `count` frames, as 16-bit samples.
fn read_luma(reader: &mut dyn FrameReader, count: usize) -> Result<Vec<Vec<u16>>> {
    let mut frame = Frame::zeroed(*reader.format());
    let mut planes = Vec::new();
    while planes.len() < count && reader.read_into(&mut frame)? {
        planes.push(match frame.plane_buffer(0) {
            PlaneBuffer::U8(samples) => samples.iter().map(|&s| u16::from(s)).collect(),
            PlaneBuffer::U16(samples) => samples.clone(),
        });
    }
    Ok(planes)
}

/// PSNR of two equally sized luma planes, capped at [`IDENTICAL_PSNR`].
fn luma_psnr(a: &[u16], b: &[u16], peak: f64) -> f64 {
    let squared: u64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| {
            let diff = u64::from(x.abs_diff(y));
            diff * diff
        })
        .sum();
    if squared == 0 || a.is_empty() {
        return IDENTICAL_PSNR;
    }
    let mse = squared as f64 / a.len() as f64;
    (10.0 * (peak * peak / mse).log10()).min(IDENTICAL_PSNR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{ChromaSubsampling, FrameFormat};

    /// Frames whose luma is a per-frame pattern, so every frame differs.
    struct Pattern {
        format: FrameFormat,
        next: u64,
        end: u64,
    }

    impl FrameReader for Pattern {
        fn format(&self) -> &FrameFormat {
            &self.format
        }

        fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
            if self.next >= self.end {
                return Ok(false);
            }
            if let PlaneBuffer::U8(samples) = frame.plane_buffer_mut(0) {
                for (i, s) in samples.iter_mut().enumerate() {
                    *s = ((i as u64 * 7 + self.next * 31) % 251) as u8;
                }
            }
            self.next += 1;
            Ok(true)
        }
    }

    fn pattern(start: u64) -> Pattern {
        Pattern {
            format: FrameFormat::new(16, 8, ChromaSubsampling::Yuv420, 8).unwrap(),
            next: start,
            end: 40,
        }
    }

    #[test]
    fn finds_shifts_either_way() {
        for shift in [0u64, 1, 3, 7] {
            let found = find_offset(&mut pattern(0), &mut pattern(shift), 8, 4).unwrap();
            assert_eq!((found.skip_reference, found.skip_distorted), (shift, 0));
            assert_eq!(found.psnr, IDENTICAL_PSNR);
            let found = find_offset(&mut pattern(shift), &mut pattern(0), 8, 4).unwrap();
            assert_eq!((found.skip_reference, found.skip_distorted), (0, shift));
        }
    }

    #[test]
    fn psnr_of_known_error() {
        let a = vec![10u16; 100];
        let b = vec![11u16; 100];
        let expected = 10.0 * (255.0f64 * 255.0).log10();
        assert!((luma_psnr(&a, &b, 255.0) - expected).abs() < 1e-12);
        assert_eq!(luma_psnr(&a, &a, 255.0), IDENTICAL_PSNR);
    }
}
