//! Constants of integer VIF: the per-scale Gaussian filters and the fixed-point log2 table.

use std::sync::OnceLock;

/// Number of scales VIF is computed on.
pub const SCALES: usize = 4;

/// Half-width (radius) of the widest filter; padded rows reserve this much on each side.
pub const MAX_RADIUS: usize = 8;

/// The 1-D Gaussian filter of each scale, in Q16 (every filter sums to 65536).
///
/// Scale `s` uses `FILTERS[s]` both for its own statistics and for the low-pass that
/// produces it from scale `s - 1` before decimation.
pub const FILTERS: [&[u16]; SCALES] = [
    &[
        489, 935, 1640, 2640, 3896, 5274, 6547, 7455, 7784, 7455, 6547, 5274, 3896, 2640, 1640,
        935, 489,
    ],
    &[1244, 3663, 7925, 12590, 14692, 12590, 7925, 3663, 1244],
    &[3571, 16004, 26386, 16004, 3571],
    &[10904, 43728, 10904],
];

/// Radius of the filter of `scale`: the taps reach `radius` samples on each side.
pub fn radius(scale: usize) -> usize {
    FILTERS[scale].len() / 2
}

/// The additive noise variance of the model, in the Q16-scaled squared sample units the
/// statistics use (2.0 in 8-bit units).
pub const SIGMA_NSQ: u32 = 65536 << 1;

/// The guard added to the reference variance in the gain `sigma12 / sigma1_sq`, formed
/// in double precision as the reference forms it.
pub const VARIANCE_GUARD: f64 = 65536.0 * 1.0e-10;

/// `log2(x) * 2048` rounded, for `x` in 32768..=65535: the 16 leading bits of any larger value.
pub struct Log2Table {
    /// 65536 entries plus one spare, so that a 32-bit gather at the last index stays inside.
    entries: Box<[u16]>,
}

impl Log2Table {
    /// The table shared by every extractor of the process, built on first use.
    pub fn shared() -> &'static Log2Table {
        static TABLE: OnceLock<Log2Table> = OnceLock::new();
        TABLE.get_or_init(Log2Table::build)
    }

    fn build() -> Self {
        let mut entries = vec![0u16; (1 << 16) + 1].into_boxed_slice();
        for (i, entry) in entries.iter_mut().enumerate().take(1 << 16).skip(1 << 15) {
            // The reference takes a single-precision log2 scaled by 2048 (exact in f32)
            // and rounds half away from zero. Rounding a double log2 to f32 yields the
            // correctly rounded single value, independent of the platform's log2f.
            let log2_single = (i as f64).log2() as f32;
            *entry = (f64::from(log2_single * 2048.0)).round() as u16;
        }
        Self { entries }
    }

    /// The entries, indexable up to 65536 inclusive (the last one is a zero spare), for
    /// gathers that read 32 bits at an entry.
    pub fn entries(&self) -> &[u16] {
        &self.entries
    }

    /// `log2(value) * 2048` in fixed point, from the 16 leading bits of `value`.
    /// `value` must be at least 2^15 so that no bits need to be shifted in.
    #[inline]
    pub fn log2_u32(&self, value: u32) -> i32 {
        debug_assert!(value >= 1 << 15, "log2 argument below the table range");
        let shift = 16 - value.leading_zeros() as i32;
        let top = value >> shift;
        i32::from(self.entries[top as usize]) + 2048 * shift
    }

    /// `log2(value) * 2048` for 64-bit values of at least 2^17.
    #[inline]
    pub fn log2_u64(&self, value: u64) -> i32 {
        debug_assert!(value >= 1 << 17, "log2 argument below the table range");
        let shift = 48 - value.leading_zeros() as i32;
        let top = value >> shift;
        i32::from(self.entries[top as usize]) + 2048 * shift
    }
}
