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

use std::sync::Arc;

use super::chroma_map::ChromaMap;
use super::color::{Lab, YuvToLab};
use super::delta_e::{delta_e_2000, LIBVMAF_WEIGHTS};
use crate::cpu::CpuLevel;
use crate::frame::{Plane, Sample};
use lanes::F64Lanes;
use pipeline::LabLanes;

/// The most lanes of any level; rows are padded to a multiple of it.
const MAX_LANES: usize = 8;

/// The linear red of every 8-bit (Y, Cr) pair and the linear blue of every (Y, Cb)
/// pair, indexed by `Y · 256 + C`, from the scalar reference: two of each pixel's three
/// `pow(·, 2.4)` become exact lookups.
#[derive(Debug)]
pub(super) struct LinearTables {
    red: Vec<f64>,
    blue: Vec<f64>,
}

impl LinearTables {
    /// The tables of an 8-bit conversion.
    fn new(to_lab: &YuvToLab) -> Self {
        let pairs = || (0..256u32).flat_map(|y| (0..256u32).map(move |c| (f64::from(y), f64::from(c))));
        Self {
            red: pairs().map(|(y, v)| to_lab.linear_red(y, v)).collect(),
            blue: pairs().map(|(y, u)| to_lab.linear_blue(y, u)).collect(),
        }
    }

    /// Linear red and blue of 8-bit samples (given as `f64`).
    fn lookup(&self, y: f64, u: f64, v: f64) -> (f64, f64) {
        let y = (y as usize) << 8;
        (self.red[y | v as usize], self.blue[y | u as usize])
    }
}

/// One row of samples of one picture as `f64`, chroma already upsampled, padded to a
/// multiple of [`MAX_LANES`] by repeating the last pixel; with [`LinearTables`], also
/// the pixels' linear red and blue.
#[derive(Debug, Clone, Default)]
pub(super) struct RowSamples {
    y: Vec<f64>,
    u: Vec<f64>,
    v: Vec<f64>,
    red: Vec<f64>,
    blue: Vec<f64>,
}

impl RowSamples {
    /// Fills the row from explicit samples (`y`, `u`, `v` of equal, non-zero length).
    #[cfg(test)]
    fn fill_from(&mut self, y: &[f64], u: &[f64], v: &[f64], tables: Option<&LinearTables>) {
        for (out, samples) in [(&mut self.y, y), (&mut self.u, u), (&mut self.v, v)] {
            out.clear();
            out.extend_from_slice(samples);
        }
        self.finish(tables);
    }

    /// Fills the row `i` of `planes` through `map`.
    fn fill<T: Sample>(
        &mut self,
        planes: &[Plane<'_, T>; 3],
        map: &ChromaMap,
        i: usize,
        tables: Option<&LinearTables>,
    ) {
        fn value<T: Sample>(s: T) -> f64 {
            let v: u32 = s.into();
            f64::from(v)
        }
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
        self.finish(tables);
    }

    /// Pads the samples and looks up the linear red and blue.
    fn finish(&mut self, tables: Option<&LinearTables>) {
        let padded = self.y.len().next_multiple_of(MAX_LANES);
        for out in [&mut self.y, &mut self.u, &mut self.v] {
            let last = out.last().copied().unwrap_or(0.0);
            out.resize(padded, last);
        }
        self.red.clear();
        self.blue.clear();
        if let Some(tables) = tables {
            for ((&y, &u), &v) in self.y.iter().zip(&self.u).zip(&self.v) {
                let (red, blue) = tables.lookup(y, u, v);
                self.red.push(red);
                self.blue.push(blue);
            }
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

/// The vectorised sum of one extractor: its row kernel and, for 8-bit samples, the
/// linear-light tables.
#[derive(Debug, Clone)]
pub(super) struct VectorSum {
    kernel: RowKernel,
    tables: Option<Arc<LinearTables>>,
}

impl VectorSum {
    /// The sum at `level` for samples of `bit_depth` bits; `None` for the scalar level.
    /// `level` must be supported by this processor.
    pub(super) fn new(level: CpuLevel, to_lab: &YuvToLab, bit_depth: u8) -> Option<Self> {
        let kernel: RowKernel = match level {
            CpuLevel::Scalar => return None,
            CpuLevel::Avx2 => avx2::row,
            CpuLevel::Avx512 => avx512::row,
        };
        let tables = (bit_depth == 8).then(|| Arc::new(LinearTables::new(to_lab)));
        Some(Self { kernel, tables })
    }

    /// Σ ΔE00 over all pixels, summed in `f64` in raster order.
    pub(super) fn sum<T: Sample>(
        &self,
        to_lab: &YuvToLab,
        map: &ChromaMap,
        reference: [Plane<'_, T>; 3],
        distorted: [Plane<'_, T>; 3],
    ) -> f64 {
        let (w, h) = (reference[0].width(), reference[0].height());
        let tables = self.tables.as_deref();
        let (mut r, mut d) = (RowSamples::default(), RowSamples::default());
        let mut out = vec![0.0f32; w.next_multiple_of(MAX_LANES)];
        let mut sum = 0.0f64;
        for i in 0..h {
            r.fill(&reference, map, i, tables);
            d.fill(&distorted, map, i, tables);
            // SAFETY: `new` is only given levels this processor supports.
            unsafe { (self.kernel)(to_lab, &r, &d, &mut out) };
            for &e in &out[..w] {
                sum += f64::from(e);
            }
        }
        sum
    }
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
        let red_blue = if row.red.is_empty() {
            None
        } else {
            Some((L::load(&row.red[start..]), L::load(&row.blue[start..])))
        };
        let mut lab = pipeline::lab::<L>(to_lab, L::load(y), L::load(u), L::load(v), red_blue);
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
