//! AVX2 row kernels: 256-bit vectors, 16 band samples of 16 bits or 8 of 32 bits.

pub(super) mod decouple;
pub(super) mod dwt;
pub(super) mod masking;

use std::arch::x86_64::*;

/// Loads 32 bytes from `p` (no alignment needed).
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn load<T>(p: *const T) -> __m256i {
    _mm256_loadu_si256(p.cast())
}

/// Stores 32 bytes at `p` (no alignment needed).
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn store<T>(p: *mut T, v: __m256i) {
    _mm256_storeu_si256(p.cast(), v)
}

/// Two 16-bit taps in each 32-bit lane, for `madd` on interleaved sample pairs.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn tap_pair(first: i32, second: i32) -> __m256i {
    _mm256_set1_epi32((second << 16) | (first & 0xffff))
}

/// Sign-extends the 16-bit lanes of `v` to 32 bits in unpack order: (samples 0-3 and
/// 8-11, samples 4-7 and 12-15). `_mm256_packs_epi32` of the two restores the order.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn widen_unpacked(v: __m256i) -> (__m256i, __m256i) {
    (
        _mm256_srai_epi32::<16>(_mm256_unpacklo_epi16(v, v)),
        _mm256_srai_epi32::<16>(_mm256_unpackhi_epi16(v, v)),
    )
}

/// Wrapping sum of the four 64-bit lanes.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn sum_i64(v: __m256i) -> i64 {
    let pair = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
    _mm_cvtsi128_si64(pair).wrapping_add(_mm_extract_epi64::<1>(pair))
}
