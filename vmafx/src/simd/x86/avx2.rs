//! The vocabulary on 256-bit registers: eight 32-bit lanes, sixteen 16-bit ones, with
//! `vpdpwssd` (AVX-VNNI) fusing `madd_acc` when `VNNI` is set.

use std::arch::x86_64::*;

use super::Simd;

/// The AVX2 instruction set; `VNNI` selects the fused dot product of `madd_acc`.
pub struct Avx2<const VNNI: bool = false>;

/// `vpdpwssd` (VEX): `acc + a0 * b0 + a1 * b1` per 32-bit lane of signed 16-bit pairs,
/// as assembly so that the compiler keeps it fused.
///
/// # Safety
/// The processor must support AVX2 and AVX-VNNI.
#[inline]
#[target_feature(enable = "avx2,avxvnni")]
unsafe fn dot_product_accumulate(acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
    let mut acc = acc;
    // SAFETY: the instruction reads and writes registers only.
    unsafe {
        std::arch::asm!(
            "{{vex}} vpdpwssd {acc}, {a}, {b}",
            acc = inout(ymm_reg) acc,
            a = in(ymm_reg) a,
            b = in(ymm_reg) b,
            options(pure, nomem, nostack, preserves_flags),
        );
    }
    acc
}

/// A shift count in the low lane.
#[inline(always)]
unsafe fn count(c: u32) -> __m128i {
    // SAFETY: SSE2 is part of x86_64.
    unsafe { _mm_cvtsi32_si128(c as i32) }
}

// SAFETY (every method): the caller has AVX2 enabled, as the trait requires.
impl<const VNNI: bool> Simd for Avx2<VNNI> {
    type V = __m256i;
    type Half = __m128i;
    type Mask = __m256i;
    const LANES: usize = 8;
    const MANY_REGISTERS: bool = false;

    #[inline(always)]
    unsafe fn splat(x: i32) -> __m256i {
        unsafe { _mm256_set1_epi32(x) }
    }

    #[inline(always)]
    unsafe fn splat16(x: i16) -> __m256i {
        unsafe { _mm256_set1_epi16(x) }
    }

    #[inline(always)]
    unsafe fn splat64(x: i64) -> __m256i {
        unsafe { _mm256_set1_epi64x(x) }
    }

    #[inline(always)]
    unsafe fn zero() -> __m256i {
        unsafe { _mm256_setzero_si256() }
    }

    #[inline(always)]
    unsafe fn load<T>(p: *const T) -> __m256i {
        unsafe { _mm256_loadu_si256(p.cast()) }
    }

    #[inline(always)]
    unsafe fn store<T>(p: *mut T, v: __m256i) {
        unsafe { _mm256_storeu_si256(p.cast(), v) }
    }

    #[inline(always)]
    unsafe fn store_half<T>(p: *mut T, v: __m128i) {
        unsafe { _mm_storeu_si128(p.cast(), v) }
    }

    #[inline(always)]
    unsafe fn load_u8(p: *const u8) -> __m256i {
        unsafe { _mm256_cvtepu8_epi16(_mm_loadu_si128(p.cast())) }
    }

    #[inline(always)]
    unsafe fn widen_u8(p: *const u8) -> __m256i {
        unsafe { _mm256_cvtepu8_epi32(_mm_loadl_epi64(p.cast())) }
    }

    #[inline(always)]
    unsafe fn widen_u16(p: *const u16) -> __m256i {
        unsafe { _mm256_cvtepu16_epi32(_mm_loadu_si128(p.cast())) }
    }

    #[inline(always)]
    unsafe fn widen_i16(p: *const i16) -> __m256i {
        unsafe { _mm256_cvtepi16_epi32(_mm_loadu_si128(p.cast())) }
    }

    #[inline(always)]
    unsafe fn narrow16(v: __m256i) -> __m128i {
        unsafe {
            // Sign-extended low halves, so that the saturating pack keeps them as they are.
            let low16 = _mm256_srai_epi32::<16>(_mm256_slli_epi32::<16>(v));
            let packed = _mm256_packs_epi32(low16, low16);
            _mm256_castsi256_si128(_mm256_permute4x64_epi64::<0b1000>(packed))
        }
    }

    #[inline(always)]
    unsafe fn store_u16(p: *mut u16, v: __m256i) {
        unsafe {
            let packed = _mm256_permute4x64_epi64::<0b1000>(_mm256_packus_epi32(v, v));
            _mm_storeu_si128(p.cast(), _mm256_castsi256_si128(packed))
        }
    }

    #[inline(always)]
    unsafe fn add(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_add_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn sub(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_sub_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_lo(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_mullo_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn abs(a: __m256i) -> __m256i {
        unsafe { _mm256_abs_epi32(a) }
    }

    #[inline(always)]
    unsafe fn min(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_min_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn max(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_max_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn madd(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_madd_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn madd_acc(acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
        unsafe {
            if VNNI {
                dot_product_accumulate(acc, a, b)
            } else {
                _mm256_add_epi32(acc, _mm256_madd_epi16(a, b))
            }
        }
    }

    #[inline(always)]
    unsafe fn add16(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_add_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn sub16(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_sub_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_lo16(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_mullo_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_hi16(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_mulhi_epu16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_hi16_signed(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_mulhi_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_round16(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_mulhrs_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn abs16(a: __m256i) -> __m256i {
        unsafe { _mm256_abs_epi16(a) }
    }

    #[inline(always)]
    unsafe fn eq16(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_cmpeq_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn add64(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_add_epi64(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_even(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_mul_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_even_unsigned(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_mul_epu32(a, b) }
    }

    #[inline(always)]
    unsafe fn and(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_and_si256(a, b) }
    }

    #[inline(always)]
    unsafe fn or(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_or_si256(a, b) }
    }

    #[inline(always)]
    unsafe fn xor(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_xor_si256(a, b) }
    }

    #[inline(always)]
    unsafe fn srl(a: __m256i, c: u32) -> __m256i {
        unsafe { _mm256_srl_epi32(a, count(c)) }
    }

    #[inline(always)]
    unsafe fn sll(a: __m256i, c: u32) -> __m256i {
        unsafe { _mm256_sll_epi32(a, count(c)) }
    }

    #[inline(always)]
    unsafe fn sra(a: __m256i, c: u32) -> __m256i {
        unsafe { _mm256_sra_epi32(a, count(c)) }
    }

    #[inline(always)]
    unsafe fn srl64(a: __m256i, c: u32) -> __m256i {
        unsafe { _mm256_srl_epi64(a, count(c)) }
    }

    #[inline(always)]
    unsafe fn srli<const N: i32>(a: __m256i) -> __m256i {
        unsafe { _mm256_srli_epi32::<N>(a) }
    }

    #[inline(always)]
    unsafe fn srai<const N: i32>(a: __m256i) -> __m256i {
        unsafe { _mm256_srai_epi32::<N>(a) }
    }

    #[inline(always)]
    unsafe fn slli<const N: i32>(a: __m256i) -> __m256i {
        unsafe { _mm256_slli_epi32::<N>(a) }
    }

    #[inline(always)]
    unsafe fn srli64<const N: i32>(a: __m256i) -> __m256i {
        unsafe { _mm256_srli_epi64::<N>(a) }
    }

    #[inline(always)]
    unsafe fn slli64<const N: i32>(a: __m256i) -> __m256i {
        unsafe { _mm256_slli_epi64::<N>(a) }
    }

    #[inline(always)]
    unsafe fn srai16<const N: i32>(a: __m256i) -> __m256i {
        unsafe { _mm256_srai_epi16::<N>(a) }
    }

    #[inline(always)]
    unsafe fn sllv(a: __m256i, counts: __m256i) -> __m256i {
        unsafe { _mm256_sllv_epi32(a, counts) }
    }

    #[inline(always)]
    unsafe fn srlv(a: __m256i, counts: __m256i) -> __m256i {
        unsafe { _mm256_srlv_epi32(a, counts) }
    }

    #[inline(always)]
    unsafe fn interleave_lo(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_unpacklo_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn interleave_hi(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_unpackhi_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn pack(lo: __m256i, hi: __m256i) -> __m256i {
        unsafe { _mm256_packus_epi32(lo, hi) }
    }

    #[inline(always)]
    unsafe fn pack_signed(lo: __m256i, hi: __m256i) -> __m256i {
        unsafe { _mm256_packs_epi32(lo, hi) }
    }

    #[inline(always)]
    unsafe fn pack_in_order(first: __m256i, second: __m256i) -> __m256i {
        unsafe { _mm256_permute4x64_epi64::<0b1101_1000>(_mm256_packs_epi32(first, second)) }
    }

    #[inline(always)]
    unsafe fn unpacked_in_order(lo: __m256i, hi: __m256i) -> (__m256i, __m256i) {
        unsafe {
            (
                _mm256_permute2x128_si256::<0x20>(lo, hi),
                _mm256_permute2x128_si256::<0x31>(lo, hi),
            )
        }
    }

    #[inline(always)]
    unsafe fn blend_odd(even: __m256i, odd: __m256i) -> __m256i {
        unsafe { _mm256_blend_epi32::<0b1010_1010>(even, odd) }
    }

    #[inline(always)]
    unsafe fn gt(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_cmpgt_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn both(a: __m256i, b: __m256i) -> __m256i {
        unsafe { _mm256_and_si256(a, b) }
    }

    #[inline(always)]
    unsafe fn select(mask: __m256i, otherwise: __m256i, when_set: __m256i) -> __m256i {
        unsafe { _mm256_blendv_epi8(otherwise, when_set, mask) }
    }

    #[inline(always)]
    unsafe fn none_common(a: __m256i, b: __m256i) -> bool {
        unsafe { _mm256_testz_si256(a, b) == 1 }
    }

    #[inline(always)]
    unsafe fn sum64(a: __m256i) -> i64 {
        unsafe {
            let pair = _mm_add_epi64(_mm256_castsi256_si128(a), _mm256_extracti128_si256::<1>(a));
            _mm_cvtsi128_si64(pair).wrapping_add(_mm_extract_epi64::<1>(pair))
        }
    }

    #[inline(always)]
    unsafe fn sum32(a: __m256i) -> u32 {
        unsafe {
            let quad = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256::<1>(a));
            let pair = _mm_add_epi32(quad, _mm_unpackhi_epi64(quad, quad));
            let one = _mm_add_epi32(pair, _mm_shuffle_epi32::<0b01>(pair));
            _mm_cvtsi128_si32(one) as u32
        }
    }

    #[inline(always)]
    unsafe fn gather(base: *const i32, index: __m256i) -> __m256i {
        unsafe { _mm256_i32gather_epi32::<4>(base, index) }
    }

    #[inline(always)]
    unsafe fn float_bits(a: __m256i) -> __m256i {
        unsafe { _mm256_castps_si256(_mm256_cvtepi32_ps(a)) }
    }

    #[inline(always)]
    unsafe fn apply_sign(a: __m256i, sign: __m256i) -> __m256i {
        unsafe { _mm256_sign_epi32(a, sign) }
    }
}
