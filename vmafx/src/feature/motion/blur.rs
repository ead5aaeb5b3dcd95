//! The costly part of motion: blur the difference of two luma planes with a 5-tap
//! separable filter and sum its absolute values.
//!
//! The difference is blurred, not each picture: the vertical pass rounds the filtered
//! difference to `bit_depth` fewer bits and the horizontal pass rounds again, so blurring
//! the two pictures separately and subtracting would round differently. Each comparison
//! is therefore a self-contained job on two planes, and jobs for different frames can run
//! on different threads, one [`MotionSad`] (which owns its scratch row) per thread.
//!
//! The row kernels come in one version per instruction-set level ([`super::scalar`] is
//! the reference, `x86` holds AVX2 and AVX-512); all give the same integers.

use crate::cpu::{self, CpuLevel};
use crate::error::{Error, Result};
use crate::frame::{Plane, PlaneRef, Sample};

use super::scalar;

/// The 5-tap blur; its taps sum to 2^16.
pub(super) const FILTER: [i64; 5] = [3571, 16004, 26386, 16004, 3571];
pub(super) const RADIUS: usize = FILTER.len() / 2;
/// Rounding term of the horizontal pass, which shifts by 16 bits.
pub(super) const HORIZONTAL_ROUND: i64 = 1 << 15;
/// Smallest width and height whose mirrored borders stay inside the picture.
pub const MIN_DIMENSION: usize = RADIUS + 1;

/// Computes raw motion SADs of one picture size and bit depth, keeping one row of scratch.
#[derive(Debug, Clone)]
pub struct MotionSad {
    width: usize,
    height: usize,
    bit_depth: u8,
    kernels: RowKernels,
    /// The vertically filtered difference of the current row.
    row: Vec<i32>,
}

impl MotionSad {
    /// A kernel for `width` x `height` luma planes of `bit_depth` (8..=16) bits, using
    /// the process-wide [`cpu::level`]. Width and height must be at least
    /// [`MIN_DIMENSION`].
    pub fn new(width: usize, height: usize, bit_depth: u8) -> Result<Self> {
        Self::with_cpu_level(width, height, bit_depth, cpu::level())
    }

    /// As [`MotionSad::new`], with row kernels of `level`, lowered to what this processor
    /// supports ([`CpuLevel::capped`]). Every level gives the same results.
    pub fn with_cpu_level(
        width: usize,
        height: usize,
        bit_depth: u8,
        level: CpuLevel,
    ) -> Result<Self> {
        if !(8..=16).contains(&bit_depth) {
            return Err(Error::InvalidInput(format!(
                "motion: bit depth {bit_depth} is outside 8..=16"
            )));
        }
        if width < MIN_DIMENSION || height < MIN_DIMENSION {
            return Err(Error::InvalidInput(format!(
                "motion needs a luma plane of at least {MIN_DIMENSION}x{MIN_DIMENSION}, \
                 got {width}x{height}"
            )));
        }
        if u32::try_from(width).is_err() || u32::try_from(height).is_err() {
            return Err(Error::InvalidInput(format!(
                "motion: plane {width}x{height} is too large"
            )));
        }
        Ok(Self {
            width,
            height,
            bit_depth,
            kernels: RowKernels::for_level(CpuLevel::capped(level)),
            row: vec![0; width],
        })
    }

    /// Width of the planes this kernel compares.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height of the planes this kernel compares.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Bit depth of the planes this kernel compares.
    pub fn bit_depth(&self) -> u8 {
        self.bit_depth
    }

    /// The instruction-set level whose row kernels run.
    pub fn cpu_level(&self) -> CpuLevel {
        self.kernels.level
    }

    /// Checks that `plane` has this kernel's size and the sample type of its bit depth.
    pub fn check(&self, plane: &PlaneRef<'_>) -> Result<()> {
        if plane.width() != self.width || plane.height() != self.height {
            return Err(Error::InvalidInput(format!(
                "motion: plane is {}x{}, expected {}x{}",
                plane.width(),
                plane.height(),
                self.width,
                self.height
            )));
        }
        let wide = matches!(plane, PlaneRef::U16(_));
        if wide != (self.bit_depth > 8) {
            return Err(Error::InvalidInput(format!(
                "motion: plane sample type does not match bit depth {}",
                self.bit_depth
            )));
        }
        Ok(())
    }

    /// The raw SAD of the blurred difference `earlier - current`: the sum over all
    /// pixels of its absolute value, in units of 1/256 of an 8-bit step.
    pub fn sad(&mut self, earlier: PlaneRef<'_>, current: PlaneRef<'_>) -> Result<u64> {
        self.check(&earlier)?;
        self.check(&current)?;
        let kernels = self.kernels;
        Ok(match (earlier, current) {
            (PlaneRef::U8(a), PlaneRef::U8(b)) => self.sad_with(a, b, kernels.vertical_8bit),
            (PlaneRef::U16(a), PlaneRef::U16(b)) => self.sad_with(a, b, kernels.vertical_wide),
            _ => unreachable!("check() accepts only the sample type of this bit depth"),
        })
    }

    fn sad_with<T: Sample>(
        &mut self,
        earlier: Plane<'_, T>,
        current: Plane<'_, T>,
        vertical_pass: VerticalPass<T>,
    ) -> u64 {
        let shift = u32::from(self.bit_depth);
        let horizontal_sad = self.kernels.horizontal_sad;
        let mut total = 0u64;
        for y in 0..self.height {
            let taps: [usize; 5] = std::array::from_fn(|k| {
                mirror(y as isize + k as isize - RADIUS as isize, self.height)
            });
            let rows = Taps {
                earlier: taps.map(|t| earlier.row(t)),
                current: taps.map(|t| current.row(t)),
            };
            // SAFETY: `self.kernels` was chosen for a level this processor supports, and
            // every row is `self.row.len()` samples long.
            if unsafe { vertical_pass(&rows, shift, &mut self.row) } {
                // A row that filtered to zero everywhere adds nothing.
                // SAFETY: as above.
                total += u64::from(unsafe { horizontal_sad(&self.row) });
            }
        }
        total
    }
}

/// The five source rows of each picture under the vertical filter for one output row.
pub(super) struct Taps<'a, T> {
    pub(super) earlier: [&'a [T]; 5],
    pub(super) current: [&'a [T]; 5],
}

impl<'a, T> Taps<'a, T> {
    /// The same rows from column `x` on.
    pub(super) fn starting_at(&self, x: usize) -> Taps<'a, T> {
        Taps {
            earlier: self.earlier.map(|r| &r[x..]),
            current: self.current.map(|r| &r[x..]),
        }
    }
}

/// Fills a row with the vertically filtered difference, rounded and shifted down by the
/// given number of bits (the bit depth); returns whether any value is non-zero. Each
/// source row holds at least as many samples as the output row.
///
/// Unsafe because SIMD versions need their instruction set (see [`RowKernels`]).
pub(super) type VerticalPass<T> = unsafe fn(&Taps<'_, T>, u32, &mut [i32]) -> bool;

/// Filters a row horizontally and sums the absolute rounded values into a wrapping
/// 32-bit total (see [`scalar::horizontal_sad`]).
pub(super) type HorizontalSad = unsafe fn(&[i32]) -> u32;

/// The row kernels of one instruction-set level.
///
/// The function pointers are unsafe to call only because SIMD kernels need their
/// instruction set; a table comes only from [`RowKernels::for_level`], which checks
/// that the processor supports its level, so calling them is sound.
#[derive(Debug, Clone, Copy)]
pub(super) struct RowKernels {
    pub(super) level: CpuLevel,
    pub(super) vertical_8bit: VerticalPass<u8>,
    pub(super) vertical_wide: VerticalPass<u16>,
    pub(super) horizontal_sad: HorizontalSad,
}

impl RowKernels {
    const SCALAR: RowKernels = RowKernels {
        level: CpuLevel::Scalar,
        vertical_8bit: scalar::vertical_8bit,
        vertical_wide: scalar::vertical_wide,
        horizontal_sad: scalar::horizontal_sad,
    };

    /// The kernels of `level` where this processor supports it; the scalar ones for a
    /// level it does not support or without kernels of its own.
    pub(super) fn for_level(level: CpuLevel) -> RowKernels {
        // The tables' soundness rests on this check.
        match level {
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx512 if level.is_supported() => super::x86::AVX512,
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 if level.is_supported() => super::x86::AVX2,
            _ => Self::SCALAR,
        }
    }
}

/// Reflects `index` into `0..size` about the first and last sample (the edge sample is
/// not repeated). Valid for indices at most `size - 1` outside the range.
#[inline]
pub(super) fn mirror(index: isize, size: usize) -> usize {
    let size = size as isize;
    let reflected = if index < 0 {
        -index
    } else if index >= size {
        2 * size - index - 2
    } else {
        index
    };
    reflected as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A direct, unoptimised statement of the same computation, for comparison.
    fn naive_sad(a: &[i64], b: &[i64], w: usize, h: usize, bit_depth: u32) -> u64 {
        let mut total = 0u64;
        for y in 0..h {
            let mut row = vec![0i64; w];
            for (x, r) in row.iter_mut().enumerate() {
                let mut s = 0i64;
                for (k, f) in FILTER.iter().enumerate() {
                    let yy = mirror(y as isize + k as isize - 2, h);
                    s += f * (a[yy * w + x] - b[yy * w + x]);
                }
                *r = (s + (1 << (bit_depth - 1))) >> bit_depth;
            }
            let mut row_total = 0u32;
            for x in 0..w {
                let mut s = 0i64;
                for (k, f) in FILTER.iter().enumerate() {
                    s += f * row[mirror(x as isize + k as isize - 2, w)];
                }
                row_total = row_total.wrapping_add(((s + (1 << 15)) >> 16).unsigned_abs() as u32);
            }
            total += u64::from(row_total);
        }
        total
    }

    /// A small deterministic pseudo-random sequence (xorshift).
    fn noise(seed: u64, n: usize, max: u64) -> Vec<u64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s % (max + 1)
            })
            .collect()
    }

    #[test]
    fn identical_planes_give_zero() {
        let data: Vec<u8> = noise(7, 33 * 17, 255)
            .into_iter()
            .map(|v| v as u8)
            .collect();
        let plane = PlaneRef::U8(Plane::new(&data, 33, 17, 33).unwrap());
        let mut k = MotionSad::new(33, 17, 8).unwrap();
        assert_eq!(k.sad(plane, plane).unwrap(), 0);
    }

    #[test]
    fn matches_the_naive_form_for_all_depths_and_odd_sizes() {
        for (w, h, depth) in [
            (3, 3, 8),
            (5, 4, 8),
            (37, 19, 8),
            (3, 9, 10),
            (23, 6, 12),
            (17, 5, 16),
        ] {
            let max = (1u64 << depth) - 1;
            let a = noise(w as u64 * 31 + h as u64, w * h, max);
            let b = noise(depth as u64 * 97 + 5, w * h, max);
            let wide = |v: &[u64]| v.iter().map(|&s| s as i64).collect::<Vec<_>>();
            let expected = naive_sad(&wide(&a), &wide(&b), w, h, depth);
            let mut k = MotionSad::new(w, h, depth as u8).unwrap();
            let got = if depth == 8 {
                let a8: Vec<u8> = a.iter().map(|&v| v as u8).collect();
                let b8: Vec<u8> = b.iter().map(|&v| v as u8).collect();
                k.sad(
                    PlaneRef::U8(Plane::new(&a8, w, h, w).unwrap()),
                    PlaneRef::U8(Plane::new(&b8, w, h, w).unwrap()),
                )
            } else {
                let a16: Vec<u16> = a.iter().map(|&v| v as u16).collect();
                let b16: Vec<u16> = b.iter().map(|&v| v as u16).collect();
                k.sad(
                    PlaneRef::U16(Plane::new(&a16, w, h, w).unwrap()),
                    PlaneRef::U16(Plane::new(&b16, w, h, w).unwrap()),
                )
            }
            .unwrap();
            assert_eq!(got, expected, "{w}x{h} at {depth} bits");
            assert!(got > 0);
        }
    }

    #[test]
    fn samples_above_the_bit_depth_wrap_row_totals_like_the_reference() {
        // Full 16-bit samples declared as 9-bit: each filtered value is about 2^23, so a
        // 700-sample row total passes 2^32 and wraps.
        let (w, h) = (700, 4);
        let a = vec![u16::MAX; w * h];
        let b = vec![0u16; w * h];
        let wide = |v: &[u16]| v.iter().map(|&s| i64::from(s)).collect::<Vec<_>>();
        let expected = naive_sad(&wide(&a), &wide(&b), w, h, 9);
        let mut k = MotionSad::new(w, h, 9).unwrap();
        let got = k
            .sad(
                PlaneRef::U16(Plane::new(&a, w, h, w).unwrap()),
                PlaneRef::U16(Plane::new(&b, w, h, w).unwrap()),
            )
            .unwrap();
        assert_eq!(got, expected);
        assert!(got < (w * h) as u64 * (1 << 23), "row totals wrapped");
    }

    #[test]
    fn strided_planes_read_only_their_width() {
        let (w, h, stride) = (6, 5, 9);
        let a: Vec<u8> = noise(3, stride * h, 255)
            .into_iter()
            .map(|v| v as u8)
            .collect();
        let mut b = a.clone();
        for y in 0..h {
            for x in w..stride {
                b[y * stride + x] = 0;
            }
        }
        let mut k = MotionSad::new(w, h, 8).unwrap();
        let pa = PlaneRef::U8(Plane::new(&a, w, h, stride).unwrap());
        let pb = PlaneRef::U8(Plane::new(&b, w, h, stride).unwrap());
        assert_eq!(k.sad(pa, pb).unwrap(), 0);
    }

    #[test]
    fn rejects_tiny_mismatched_or_mistyped_planes() {
        assert!(MotionSad::new(2, 8, 8).is_err());
        assert!(MotionSad::new(8, 2, 8).is_err());
        assert!(MotionSad::new(8, 8, 7).is_err());
        let mut k = MotionSad::new(4, 4, 10).unwrap();
        let d8 = [0u8; 16];
        let d16 = [0u16; 16];
        let p8 = PlaneRef::U8(Plane::new(&d8, 4, 4, 4).unwrap());
        let p16 = PlaneRef::U16(Plane::new(&d16, 4, 4, 4).unwrap());
        let small = PlaneRef::U16(Plane::new(&d16, 3, 4, 4).unwrap());
        assert!(k.sad(p8, p8).is_err());
        assert!(k.sad(p16, small).is_err());
        assert_eq!(k.sad(p16, p16).unwrap(), 0);
    }
}
