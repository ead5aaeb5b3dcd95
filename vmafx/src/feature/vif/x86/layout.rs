//! Where the vector pipeline keeps its data: the tap pairs of each filter, the ring of
//! interleaved row pairs and the padded rows, all allocated once per extractor.

use crate::feature::vif::scalar::pad_row;
use crate::feature::vif::tables::{FILTERS, MAX_RADIUS};

/// Vertically filtered quantities: reference, distorted, then the low 16-bit halves of
/// ref², dis², ref·dis, then their high halves (zero for 8-bit samples, and skipped).
pub const QUANTITIES: usize = 8;
/// Ring slots: the pair rows `y - 8 ..= y + 8` (even) of the widest filter, and a spare.
pub const RING_SLOTS: usize = MAX_RADIUS + 2;
/// The widest block of any instruction set.
pub const MAX_BLOCK: usize = 32;
/// Values before a padded row's first sample: keeps blocks 64-byte aligned.
pub const ROW_PAD: usize = 32;
/// Padded rows: the eight moments of each of the two output rows, then the two
/// decimation means.
pub const ROWS: usize = 2 * QUANTITIES + 2;
/// Row index of the first decimation mean.
pub const DECIMATION_ROW: usize = 2 * QUANTITIES;
/// Subtracting 32768 from both 16-bit halves of a lane turns 0..=65535 into `i16`.
pub const BIAS16: i32 = 0x8000_8000_u32 as i32;
/// What a filter that sums to 65536 loses to that bias, modulo 2^32.
pub const BIAS32: i32 = i32::MIN;

/// The `N` sample pairs of a filter: pair `i` starts at even offset `offsets[i]` and is
/// weighed by `coeffs[0][i]` for an even output and `coeffs[1][i]` for the odd output
/// after it, each packing the weights of its low and high sample below 2^15.
#[derive(Debug, Clone, Copy)]
pub struct Taps<const N: usize> {
    /// Offset of each pair's first sample.
    pub offsets: [isize; N],
    /// Packed weights of each pair for even (`[0]`) and odd (`[1]`) outputs.
    pub coeffs: [[i32; N]; 2],
}

impl<const N: usize> Taps<N> {
    /// The pairs of `filter`; `N` must be [`tap_count`] of it.
    pub fn new(filter: &[u16]) -> Self {
        let reach = (filter.len() / 2) as isize;
        let weight = |offset: isize| -> i32 {
            if (-reach..=reach).contains(&offset) {
                i32::from(filter[(offset + reach) as usize])
            } else {
                0
            }
        };
        let mut taps = Self {
            offsets: [0; N],
            coeffs: [[0; N]; 2],
        };
        let mut n = 0;
        let even_reach = reach + reach % 2;
        for offset in (-even_reach..=even_reach).step_by(2) {
            let even = [weight(offset), weight(offset + 1)];
            let odd = [weight(offset - 1), weight(offset)];
            // A weight of 2^15 or more (the 3-tap centre) is spread over two pairs.
            let oversized = even.iter().chain(&odd).any(|&w| w > i32::from(i16::MAX));
            for part in 0..=usize::from(oversized) {
                let share = |w: i32| match (oversized, part) {
                    (false, _) => w,
                    (true, 0) => w - w / 2,
                    (true, _) => w / 2,
                };
                let pack = |[low, high]: [i32; 2]| share(low) | (share(high) << 16);
                taps.offsets[n] = offset;
                taps.coeffs[0][n] = pack(even);
                taps.coeffs[1][n] = pack(odd);
                n += 1;
            }
        }
        assert_eq!(n, N, "tap count of a filter");
        taps
    }
}

/// Pairs [`Taps`] needs for the filter of `scale`.
pub const fn tap_count(scale: usize) -> usize {
    let reach = FILTERS[scale].len() / 2;
    // Only the 3-tap filter has an oversized weight.
    reach + reach % 2 + 1 + (reach == 1) as usize
}

/// A zeroed buffer of `i16` whose working part starts 64-byte aligned.
pub struct AlignedBuffer {
    data: Vec<i16>,
    start: usize,
}

impl AlignedBuffer {
    fn new(len: usize) -> Self {
        let data = vec![0i16; len + 32];
        let start = data.as_ptr().align_offset(64).min(32);
        Self { data, start }
    }

    pub fn as_ptr(&self) -> *const i16 {
        self.data[self.start..].as_ptr()
    }

    pub fn as_mut_ptr(&mut self) -> *mut i16 {
        self.data[self.start..].as_mut_ptr()
    }

    pub fn slice_mut(&mut self, range: std::ops::Range<usize>) -> &mut [i16] {
        &mut self.data[self.start + range.start..self.start + range.end]
    }
}

/// Buffers of the vector pipeline, sized once for the widest scale.
pub struct Workspace {
    /// `RING_SLOTS` slots of `slot_len` values: per block, per quantity, the interleaved
    /// low then high vector.
    pub ring: AlignedBuffer,
    /// Values per ring slot.
    pub slot_len: usize,
    /// `ROWS` padded rows of `row_len` values; samples start at `ROW_PAD`.
    rows: AlignedBuffer,
    /// Values per padded row.
    pub row_len: usize,
    /// Widest plane accepted.
    pub capacity: usize,
}

impl Workspace {
    /// Buffers for planes up to `width` samples wide.
    pub fn new(width: usize) -> Self {
        let padded = width.next_multiple_of(MAX_BLOCK);
        let slot_len = QUANTITIES * 2 * padded;
        let row_len = ROW_PAD + padded + ROW_PAD;
        Self {
            ring: AlignedBuffer::new(RING_SLOTS * slot_len),
            slot_len,
            rows: AlignedBuffer::new(ROWS * row_len),
            row_len,
            capacity: width,
        }
    }

    /// Mirrors `reach` samples into the margins of padded row `index`.
    pub fn pad(&mut self, index: usize, width: usize, reach: usize) {
        let start = index * self.row_len + ROW_PAD - MAX_RADIUS;
        let row = self.rows.slice_mut(start..start + width + 2 * MAX_RADIUS);
        pad_row(row, width, reach);
    }

    /// First sample of padded row `index`.
    pub fn row(&self, index: usize) -> *const i16 {
        self.rows
            .as_ptr()
            .wrapping_add(index * self.row_len + ROW_PAD)
    }

    /// First sample of padded row `index`, writable.
    pub fn row_mut(&mut self, index: usize) -> *mut i16 {
        let offset = index * self.row_len + ROW_PAD;
        self.rows.as_mut_ptr().wrapping_add(offset)
    }
}

/// Size of one scale and its ring.
pub struct Geometry {
    /// Plane width.
    pub width: usize,
    /// Plane height.
    pub height: usize,
    /// The filter radius rounded up to even: pair rows reach this far.
    pub even_reach: usize,
    /// Ring slots in use.
    pub slots: usize,
    /// Blocks per row.
    pub blocks: usize,
    /// Values per block in a ring slot: `quantities * 2 * BLOCK`.
    pub block_len: usize,
}

impl Geometry {
    /// Ring slot of the pair row starting at even virtual row `v` (at least `-even_reach`).
    #[inline(always)]
    pub fn slot(&self, v: isize) -> usize {
        ((v + self.even_reach as isize) as usize / 2) % self.slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::vif::tables::SCALES;

    /// The bias correction assumes every filter sums to 2^16.
    #[test]
    fn filters_sum_to_65536() {
        for filter in FILTERS {
            assert_eq!(filter.iter().map(|&w| u32::from(w)).sum::<u32>(), 1 << 16);
        }
    }

    fn check_taps<const N: usize>(scale: usize) {
        let filter = FILTERS[scale];
        let reach = (filter.len() / 2) as isize;
        let taps = Taps::<N>::new(filter);
        for (parity, coeffs) in taps.coeffs.iter().enumerate() {
            // Weight of each sample offset relative to the output, summed over pairs.
            let mut weights = std::collections::BTreeMap::<isize, i32>::new();
            for (&offset, &packed) in taps.offsets.iter().zip(coeffs) {
                let (low, high) = (packed & 0xFFFF, packed >> 16);
                assert!(low <= i32::from(i16::MAX) && high <= i32::from(i16::MAX));
                assert_eq!(offset % 2, 0);
                let at = offset - parity as isize;
                *weights.entry(at).or_default() += low;
                *weights.entry(at + 1).or_default() += high;
            }
            for (at, weight) in weights {
                let expected = if (-reach..=reach).contains(&at) {
                    i32::from(filter[(at + reach) as usize])
                } else {
                    0
                };
                assert_eq!(
                    weight, expected,
                    "scale {scale} parity {parity} offset {at}"
                );
            }
        }
    }

    #[test]
    fn tap_pairs_rebuild_every_filter_for_both_parities() {
        const C: [usize; SCALES] = [tap_count(0), tap_count(1), tap_count(2), tap_count(3)];
        check_taps::<{ C[0] }>(0);
        check_taps::<{ C[1] }>(1);
        check_taps::<{ C[2] }>(2);
        check_taps::<{ C[3] }>(3);
    }
}
