//! The vectorised ΔE00 sum: the per-pixel pipeline of [`pipeline`] on four (AVX2) or
//! eight (AVX-512) pixels at once in `f64` lanes, with the elementary functions of
//! [`vmath`] in place of the C library's.
//!
//! Every pixel's L*a*b* values and ΔE00 equal the scalar reference's bit for bit: the
//! pipeline flags the lanes whose `f32` roundings its error bounds cannot settle, and
//! those pixels are recomputed with the scalar functions. The sum then runs over the
//! same `f32` values in the same raster order, so the frame score is identical.

mod lanes;
mod pipeline;
mod vmath;
#[cfg(test)]
mod tests;

use super::chroma_map::ChromaMap;
use super::color::{Lab, YuvToLab};
use super::delta_e::{delta_e_2000, LIBVMAF_WEIGHTS};
use crate::cpu::CpuLevel;
use crate::frame::{Plane, Sample};
use lanes::F64Lanes;
use pipeline::LabLanes;

/// The most lanes of any level; rows are padded to a multiple of it.
const MAX_LANES: usize = 8;

/// One row of samples of one picture as `f64`, chroma already upsampled, padded to a
/// multiple of [`MAX_LANES`] by repeating the last pixel.
#[derive(Debug, Clone, Default)]
pub(super) struct RowSamples {
    y: Vec<f64>,
    u: Vec<f64>,
    v: Vec<f64>,
}

impl RowSamples {
    #[cfg(test)]
    /// Fills the row from explicit samples (`y`, `u`, `v` of equal, non-zero length).
    fn fill_from(&mut self, y: &[f64], u: &[f64], v: &[f64]) {
        let padded = y.len().next_multiple_of(MAX_LANES);
        for (out, samples) in [(&mut self.y, y), (&mut self.u, u), (&mut self.v, v)] {
            out.clear();
            out.extend_from_slice(samples);
            let last = samples.last().copied().unwrap_or(0.0);
            out.resize(padded, last);
        }
    }

    /// Fills the row `i` of `planes` through `map`.
    fn fill<T: Sample>(&mut self, planes: &[Plane<'_, T>; 3], map: &ChromaMap, i: usize) {
        fn value<T: Sample>(s: T) -> f64 {
            let v: u32 = s.into();
            f64::from(v)
        }
        let padded = planes[0].width().next_multiple_of(MAX_LANES);
        for out in [&mut self.y, &mut self.u, &mut self.v] {
            out.clear();
        }
        self.y.extend(planes[0].row(i).iter().map(|&s| value(s)));
        if let Some((row, columns)) = map.single_row(i) {
            let (u, v) = (planes[1].row(row), planes[2].row(row));
            self.u.extend(columns.iter().map(|&c| value(u[c])));
            self.v.extend(columns.iter().map(|&c| value(v[c])));
        } else {
            for j in 0..self.y.len() {
                let (ci, cj) = map.position(i, j);
                self.u.push(value(planes[1].row(ci)[cj]));
                self.v.push(value(planes[2].row(ci)[cj]));
            }
        }
        for out in [&mut self.y, &mut self.u, &mut self.v] {
            let last = out.last().copied().unwrap_or(0.0);
            out.resize(padded, last);
        }
    }

    fn len(&self) -> usize {
        self.y.len()
    }
}

/// A row kernel: ΔE00 of every pixel of two padded rows of equal length into `out`
/// (at least as long).
///
/// # Safety
/// The processor must support the kernel's level.
type RowKernel = unsafe fn(&YuvToLab, &RowSamples, &RowSamples, &mut [f32]);

/// The row kernel of `level`, `None` for the scalar level.
fn row_kernel(level: CpuLevel) -> Option<RowKernel> {
    match level {
        CpuLevel::Scalar => None,
        CpuLevel::Avx2 => Some(avx2::row),
        CpuLevel::Avx512 => Some(avx512::row),
    }
}

/// Σ ΔE00 over all pixels, summed in `f64` in raster order; `None` at the scalar level.
/// `level` must be supported by this processor.
pub(super) fn delta_e_sum<T: Sample>(
    level: CpuLevel,
    to_lab: &YuvToLab,
    map: &ChromaMap,
    reference: [Plane<'_, T>; 3],
    distorted: [Plane<'_, T>; 3],
) -> Option<f64> {
    let kernel = row_kernel(level)?;
    let (w, h) = (reference[0].width(), reference[0].height());
    let (mut r, mut d) = (RowSamples::default(), RowSamples::default());
    let mut out = vec![0.0f32; w.next_multiple_of(MAX_LANES)];
    let mut sum = 0.0f64;
    for i in 0..h {
        r.fill(&reference, map, i);
        d.fill(&distorted, map, i);
        // SAFETY: the extractor only asks for levels this processor supports.
        unsafe { kernel(to_lab, &r, &d, &mut out) };
        for &e in &out[..w] {
            sum += f64::from(e);
        }
    }
    Some(sum)
}

/// The row kernel over `L`'s lanes.
///
/// # Safety
/// `L`'s instruction set must be enabled.
#[inline(always)]
unsafe fn row<L: F64Lanes>(to_lab: &YuvToLab, r: &RowSamples, d: &RowSamples, out: &mut [f32]) {
    let n = L::LANES;
    let len = r.len().min(d.len()).min(out.len());
    for start in (0..len).step_by(n) {
        let range = start..start + n;
        // SAFETY: the rows are padded to a multiple of MAX_LANES, itself a multiple of
        // the lanes; the caller has L's instruction set enabled.
        unsafe {
            let lab_r = lab_exact::<L>(to_lab, r, start);
            let lab_d = lab_exact::<L>(to_lab, d, start);
            let (delta, doubt) = pipeline::delta_e::<L>(&lab_r, &lab_d, LIBVMAF_WEIGHTS);
            let mut lanes = [0.0f64; MAX_LANES];
            L::store(delta, &mut lanes);
            for (k, (o, &e)) in out[range].iter_mut().zip(&lanes).enumerate() {
                *o = if doubt >> k & 1 == 1 {
                    delta_e_2000(lab_at::<L>(&lab_r, k), lab_at::<L>(&lab_d, k), LIBVMAF_WEIGHTS)
                } else {
                    e as f32
                };
            }
        }
    }
}

/// L*a*b* of the pixels `start..start + LANES` of `row`, lanes in doubt recomputed by
/// the scalar reference (the result's `doubt` is then empty).
///
/// # Safety
/// `L`'s instruction set must be enabled and the row must hold `start + LANES` pixels.
#[inline(always)]
unsafe fn lab_exact<L: F64Lanes>(to_lab: &YuvToLab, row: &RowSamples, start: usize) -> LabLanes<L> {
    unsafe {
        let (y, u, v) = (&row.y[start..], &row.u[start..], &row.v[start..]);
        let mut lab = pipeline::lab::<L>(to_lab, L::load(y), L::load(u), L::load(v));
        if lab.doubt != 0 {
            let mut planes = [[0.0f64; MAX_LANES]; 3];
            L::store(lab.l, &mut planes[0]);
            L::store(lab.a, &mut planes[1]);
            L::store(lab.b, &mut planes[2]);
            for k in (0..L::LANES).filter(|k| lab.doubt >> k & 1 == 1) {
                let exact = to_lab.lab(y[k], u[k], v[k]);
                planes[0][k] = f64::from(exact.l);
                planes[1][k] = f64::from(exact.a);
                planes[2][k] = f64::from(exact.b);
            }
            lab = LabLanes {
                l: L::load(&planes[0]),
                a: L::load(&planes[1]),
                b: L::load(&planes[2]),
                doubt: 0,
            };
        }
        lab
    }
}

/// Lane `k` of `lab` as a scalar colour.
///
/// # Safety
/// `L`'s instruction set must be enabled; `k < LANES`.
#[inline(always)]
unsafe fn lab_at<L: F64Lanes>(lab: &LabLanes<L>, k: usize) -> Lab {
    let mut planes = [[0.0f64; MAX_LANES]; 3];
    // SAFETY: as the caller promises.
    unsafe {
        L::store(lab.l, &mut planes[0]);
        L::store(lab.a, &mut planes[1]);
        L::store(lab.b, &mut planes[2]);
    }
    Lab {
        l: planes[0][k] as f32,
        a: planes[1][k] as f32,
        b: planes[2][k] as f32,
    }
}

/// Entry points of the AVX2 kernel.
mod avx2 {
    use super::*;

    /// # Safety
    /// The processor must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn row(c: &YuvToLab, r: &RowSamples, d: &RowSamples, out: &mut [f32]) {
        unsafe { super::row::<lanes::Avx2>(c, r, d, out) }
    }
}

/// Entry points of the AVX-512 kernel.
mod avx512 {
    use super::*;

    /// # Safety
    /// The processor must support AVX-512 F and DQ.
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) unsafe fn row(c: &YuvToLab, r: &RowSamples, d: &RowSamples, out: &mut [f32]) {
        unsafe { super::row::<lanes::Avx512>(c, r, d, out) }
    }
}
