//! AVX-512 row kernels: 512-bit vectors, 32 band samples of 16 bits or 16 of 32 bits.
//! Row ends shorter than a vector go to the AVX2 kernels.

pub(super) mod decouple;
pub(super) mod dwt;
pub(super) mod masking;

use std::arch::x86_64::*;

/// Loads 64 bytes from `p` (no alignment needed).
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn load<T>(p: *const T) -> __m512i {
    _mm512_loadu_si512(p.cast())
}

/// Stores 64 bytes at `p` (no alignment needed).
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn store<T>(p: *mut T, v: __m512i) {
    _mm512_storeu_si512(p.cast(), v)
}

/// Loads 32 bytes from `p`.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn load_half<T>(p: *const T) -> __m256i {
    _mm256_loadu_si256(p.cast())
}

/// Stores 32 bytes at `p`.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn store_half<T>(p: *mut T, v: __m256i) {
    _mm256_storeu_si256(p.cast(), v)
}

/// Two 16-bit taps in each 32-bit lane, for `madd` on interleaved sample pairs.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn tap_pair(first: i32, second: i32) -> __m512i {
    _mm512_set1_epi32((second << 16) | (first & 0xffff))
}

/// Sign-extends the 16-bit lanes of `v` to 32 bits in unpack order (per 128-bit lane:
/// samples 0-3, then 4-7); `_mm512_packs_epi32` of the two restores the order.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
pub(super) unsafe fn widen_unpacked(v: __m512i) -> (__m512i, __m512i) {
    (
        _mm512_srai_epi32::<16>(_mm512_unpacklo_epi16(v, v)),
        _mm512_srai_epi32::<16>(_mm512_unpackhi_epi16(v, v)),
    )
}

/// The two vectors of sixteen 32-bit lanes, in sample order, of 32-bit values computed
/// in unpack order.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn in_order(a: __m512i, b: __m512i) -> (__m512i, __m512i) {
    let first = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    let second = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    (
        _mm512_permutex2var_epi64(a, first, b),
        _mm512_permutex2var_epi64(a, second, b),
    )
}

/// The low (`upper == false`) or high eight 32-bit lanes.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn half(v: __m512i, upper: bool) -> __m256i {
    if upper {
        _mm512_extracti64x4_epi64::<1>(v)
    } else {
        _mm512_castsi512_si256(v)
    }
}

/// Sixteen 32-bit lanes from two halves.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn join(low: __m256i, high: __m256i) -> __m512i {
    _mm512_inserti64x4::<1>(_mm512_castsi256_si512(low), high)
}
