//! x86_64 row kernels of the fused pipeline: each step written once over the vector
//! vocabulary ([`crate::simd::x86::Simd`]) in [`dwt`], [`decouple`] and [`masking`], and
//! compiled for AVX2 ([`avx2`]) and AVX-512 ([`avx512`]) in `#[target_feature]` entry
//! points. Those two files hold only what differs: the entry points and the
//! floating-point steps of the decoupling, where the instruction sets convert and compare
//! differently.
//!
//! [`Vectors`] can only be built where [`crate::cpu`] finds the instructions, which is
//! what makes calling the entry points sound.

mod avx2;
mod avx512;
mod decouple;
mod dwt;
mod masking;

use std::marker::PhantomData;
use std::ops::Range;

use super::decouple::DecoupleParams;
use super::denominator::CoarseCubes;
use super::dwt::Rounding;
use super::fused::kernels::Kernels;
use super::fused::scalar_rows::{BandRows, DecoupledRows, SplitRows};
use super::masking::{CoarseArithmetic, FineArithmetic};
use crate::cpu::CpuLevel;
use crate::simd::x86::Simd;

/// Starts of the `block`-wide blocks that cover `0..n` when `n >= block`: the whole
/// blocks, then one ending at `n` that overlaps the previous. Element-wise kernels may
/// compute samples twice: they write the same values.
fn block_starts(n: usize, block: usize) -> impl Iterator<Item = usize> {
    let whole = n / block;
    let last = (n >= block && whole * block != n).then(|| n - block);
    (0..whole).map(move |b| b * block).chain(last)
}

/// The samples [`block_starts`] covers: all of them, or none when `n < block`.
fn covered(n: usize, block: usize) -> usize {
    if n >= block {
        n
    } else {
        0
    }
}

/// The vectorisable columns of `cols` for a masking kernel: those with both neighbours
/// in a `width` row, as (first, end of whole blocks of `block`).
fn inner_blocks(cols: &Range<usize>, width: usize, block: usize) -> (usize, usize) {
    let start = cols.start.max(1).min(cols.end);
    let end = cols.end.min(width.saturating_sub(1)).max(start);
    (start, start + (end - start) / block * block)
}

/// An instruction set's ADM kernels: the steps only it can do, and its entry points.
///
/// # Safety
/// As for [`Simd`]: every method may only be called where the instruction set is
/// enabled; the entry points enable it themselves and need only a processor that runs it.
pub(crate) trait AdmVectors: Simd {
    /// The CPU level whose support guarantees the instructions the entry points enable.
    const LEVEL: CpuLevel;

    /// The angle test of finest-level dot products and squared norms in 32-bit lanes
    /// (a dot product of exactly 2^31 wraps to `i32::MIN`; no dot product is that
    /// negative, so such lanes mean +2^31).
    unsafe fn fine_angle(dot: Self::V, o_mag: Self::V, t_mag: Self::V, cos_sq: f64) -> Self::Mask;
    /// The angle test of coarse (h, v) lanes of references `o` and distorted `t`, or
    /// `None` where the vector code cannot decide a lane.
    unsafe fn coarse_angle(o: &[Self::V; 3], t: &[Self::V; 3], cos_sq: f64) -> Option<Self::Mask>;
    /// The coarse ratio `k = clamp((r * t + round) >> shift, 0, 32768)` in 64 bits and
    /// the restored value `(k * o + 2^14) >> 15`, as `(k, restored)`.
    unsafe fn coarse_restore(o: Self::V, t: Self::V, constants: [Self::V; 3])
        -> (Self::V, Self::V);
    /// `restored * factor` in doubles, clipped above and below by `t`, truncated back
    /// to 32 bits: `(min, max)`.
    unsafe fn gain_f64(restored: Self::V, t: Self::V, factor: f64) -> (Self::V, Self::V);

    /// Entry point of [`Kernels::fine_vertical_u8`].
    unsafe fn fine_vertical_u8(rows: [&[u8]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]);
    /// Entry point of [`Kernels::fine_vertical_u16`].
    unsafe fn fine_vertical_u16(rows: [&[u16]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]);
    /// Entry point of [`Kernels::fine_horizontal`].
    unsafe fn fine_horizontal(lo: &[i16], hi: &[i16], out: BandRows<'_, i16>);
    /// Entry point of [`Kernels::coarse_vertical_i16`].
    unsafe fn coarse_vertical_i16(rows: [&[i16]; 4], out: SplitRows<'_>);
    /// Entry point of [`Kernels::coarse_vertical_i32`].
    unsafe fn coarse_vertical_i32(rows: [&[i32]; 4], round: Rounding, out: SplitRows<'_>);
    /// Entry point of [`Kernels::coarse_horizontal`].
    unsafe fn coarse_horizontal(tmp: [&[i16]; 4], round: Rounding, out: BandRows<'_, i32>);
    /// Entry point of [`Kernels::decouple_fine`].
    unsafe fn decouple_fine(
        reference: [&[i16]; 3],
        distorted: [&[i16]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i16>,
    );
    /// Entry point of [`Kernels::decouple_coarse`].
    unsafe fn decouple_coarse(
        reference: [&[i32]; 3],
        distorted: [&[i32]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i32>,
    );
    /// Entry point of [`Kernels::weigh_fine`].
    unsafe fn weigh_fine(
        arith: &FineArithmetic,
        masker: [&[i16]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    );
    /// Entry point of [`Kernels::weigh_coarse`].
    unsafe fn weigh_coarse(
        arith: &CoarseArithmetic,
        masker: [&[i32]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    );
    /// Entry point of [`Kernels::column_sums`].
    unsafe fn column_sums(rows: [&[i32]; 3], out: &mut [i32]);
    /// Entry point of [`Kernels::masked_fine`].
    unsafe fn masked_fine(
        arith: &FineArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i16]; 3],
        cols: Range<usize>,
    ) -> [i64; 3];
    /// Entry point of [`Kernels::masked_coarse`].
    unsafe fn masked_coarse(
        arith: &CoarseArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i32]; 3],
        cols: Range<usize>,
    ) -> [i64; 3];
    /// Entry point of [`Kernels::cubes_fine`].
    unsafe fn cubes_fine(rows: [&[i16]; 3]) -> [u64; 3];
    /// Entry point of [`Kernels::cubes_coarse`].
    unsafe fn cubes_coarse(rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3];
}

/// Proof that the processor runs the instructions of `S`.
pub(crate) struct Vectors<S>(PhantomData<S>);

impl<S> Clone for Vectors<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Vectors<S> {}

impl<S> std::fmt::Debug for Vectors<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::any::type_name::<S>())
    }
}

impl<S: AdmVectors> Vectors<S> {
    /// The proof, when the processor supports `S`.
    pub fn new() -> Option<Self> {
        S::LEVEL.is_supported().then_some(Self(PhantomData))
    }
}

/// The AVX2 kernels.
pub(crate) type Avx2 = Vectors<crate::simd::x86::Avx2>;
/// The AVX-512 kernels.
pub(crate) type Avx512 = Vectors<crate::simd::x86::Avx512>;

// SAFETY (every call): `self` exists only on processors that run `S`'s instructions.
impl<S: AdmVectors> Kernels for Vectors<S> {
    fn fine_vertical_u8(self, rows: [&[u8]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        unsafe { S::fine_vertical_u8(rows, bits, lo, hi) }
    }

    fn fine_vertical_u16(self, rows: [&[u16]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        unsafe { S::fine_vertical_u16(rows, bits, lo, hi) }
    }

    fn fine_horizontal(self, lo: &[i16], hi: &[i16], out: BandRows<'_, i16>) {
        unsafe { S::fine_horizontal(lo, hi, out) }
    }

    fn coarse_vertical_i16(self, rows: [&[i16]; 4], out: SplitRows<'_>) {
        unsafe { S::coarse_vertical_i16(rows, out) }
    }

    fn coarse_vertical_i32(self, rows: [&[i32]; 4], round: Rounding, out: SplitRows<'_>) {
        unsafe { S::coarse_vertical_i32(rows, round, out) }
    }

    fn coarse_horizontal(self, tmp: [&[i16]; 4], round: Rounding, out: BandRows<'_, i32>) {
        unsafe { S::coarse_horizontal(tmp, round, out) }
    }

    fn decouple_fine(
        self,
        reference: [&[i16]; 3],
        distorted: [&[i16]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i16>,
    ) {
        unsafe { S::decouple_fine(reference, distorted, params, out) }
    }

    fn decouple_coarse(
        self,
        reference: [&[i32]; 3],
        distorted: [&[i32]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i32>,
    ) {
        unsafe { S::decouple_coarse(reference, distorted, params, out) }
    }

    fn weigh_fine(
        self,
        arith: &FineArithmetic,
        masker: [&[i16]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        unsafe { S::weigh_fine(arith, masker, sums, centre) }
    }

    fn weigh_coarse(
        self,
        arith: &CoarseArithmetic,
        masker: [&[i32]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        unsafe { S::weigh_coarse(arith, masker, sums, centre) }
    }

    fn column_sums(self, rows: [&[i32]; 3], out: &mut [i32]) {
        unsafe { S::column_sums(rows, out) }
    }

    fn masked_fine(
        self,
        arith: &FineArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i16]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        unsafe { S::masked_fine(arith, column_sums, centre, target, cols) }
    }

    fn masked_coarse(
        self,
        arith: &CoarseArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i32]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        unsafe { S::masked_coarse(arith, column_sums, centre, target, cols) }
    }

    fn cubes_fine(self, rows: [&[i16]; 3]) -> [u64; 3] {
        unsafe { S::cubes_fine(rows) }
    }

    fn cubes_coarse(self, rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3] {
        unsafe { S::cubes_coarse(rows, cubes) }
    }
}

#[cfg(test)]
mod tests;
