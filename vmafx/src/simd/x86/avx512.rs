//! The vocabulary on 512-bit registers: sixteen 32-bit lanes, 32 16-bit ones, with
//! `vpdpwssd` (AVX512-VNNI) fusing `madd_acc` when `VNNI` is set. Conditions live in
//! mask registers.

use std::arch::x86_64::*;

use super::Simd;

/// The AVX-512 instruction set; `VNNI` selects the fused dot product of `madd_acc`.
pub struct Avx512<const VNNI: bool = false>;

/// `vpdpwssd`: `acc + a0 * b0 + a1 * b1` per 32-bit lane of signed 16-bit pairs. Written
/// as assembly because the compiler otherwise splits most of them back into a multiply
/// and an add, which costs a third of the speed.
///
/// # Safety
/// The processor must support AVX512F and AVX512-VNNI.
#[inline]
#[target_feature(enable = "avx512f,avx512vnni")]
unsafe fn dot_product_accumulate(acc: __m512i, a: __m512i, b: __m512i) -> __m512i {
    let mut acc = acc;
    // SAFETY: the instruction reads and writes registers only.
    unsafe {
        std::arch::asm!(
            "vpdpwssd {acc}, {a}, {b}",
            acc = inout(zmm_reg) acc,
            a = in(zmm_reg) a,
            b = in(zmm_reg) b,
            options(pure, nomem, nostack, preserves_flags),
        );
    }
    acc
}

/// A shift count in the low lane (the compiler turns constant ones into immediates).
#[inline(always)]
unsafe fn count(c: u32) -> __m128i {
    // SAFETY: SSE2 is part of x86_64.
    unsafe { _mm_cvtsi32_si128(c as i32) }
}

// SAFETY (every method): the caller has AVX512F and AVX512BW enabled, as the trait
// requires.
impl<const VNNI: bool> Simd for Avx512<VNNI> {
    type V = __m512i;
    type Half = __m256i;
    type Mask = __mmask16;
    const LANES: usize = 16;
    const MANY_REGISTERS: bool = true;

    #[inline(always)]
    unsafe fn splat(x: i32) -> __m512i {
        unsafe { _mm512_set1_epi32(x) }
    }

    #[inline(always)]
    unsafe fn splat16(x: i16) -> __m512i {
        unsafe { _mm512_set1_epi16(x) }
    }

    #[inline(always)]
    unsafe fn splat64(x: i64) -> __m512i {
        unsafe { _mm512_set1_epi64(x) }
    }

    #[inline(always)]
    unsafe fn zero() -> __m512i {
        unsafe { _mm512_setzero_si512() }
    }

    #[inline(always)]
    unsafe fn load<T>(p: *const T) -> __m512i {
        unsafe { _mm512_loadu_si512(p.cast()) }
    }

    #[inline(always)]
    unsafe fn store<T>(p: *mut T, v: __m512i) {
        unsafe { _mm512_storeu_si512(p.cast(), v) }
    }

    #[inline(always)]
    unsafe fn store_half<T>(p: *mut T, v: __m256i) {
        unsafe { _mm256_storeu_si256(p.cast(), v) }
    }

    #[inline(always)]
    unsafe fn load_u8(p: *const u8) -> __m512i {
        unsafe { _mm512_cvtepu8_epi16(_mm256_loadu_si256(p.cast())) }
    }

    #[inline(always)]
    unsafe fn widen_u8(p: *const u8) -> __m512i {
        unsafe { _mm512_cvtepu8_epi32(_mm_loadu_si128(p.cast())) }
    }

    #[inline(always)]
    unsafe fn widen_u16(p: *const u16) -> __m512i {
        unsafe { _mm512_cvtepu16_epi32(_mm256_loadu_si256(p.cast())) }
    }

    #[inline(always)]
    unsafe fn widen_i16(p: *const i16) -> __m512i {
        unsafe { _mm512_cvtepi16_epi32(_mm256_loadu_si256(p.cast())) }
    }

    #[inline(always)]
    unsafe fn narrow16(v: __m512i) -> __m256i {
        unsafe { _mm512_cvtepi32_epi16(v) }
    }

    #[inline(always)]
    unsafe fn store_u16(p: *mut u16, v: __m512i) {
        unsafe { _mm256_storeu_si256(p.cast(), _mm512_cvtepi32_epi16(v)) }
    }

    #[inline(always)]
    unsafe fn add(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_add_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn sub(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_sub_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_lo(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mullo_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn abs(a: __m512i) -> __m512i {
        unsafe { _mm512_abs_epi32(a) }
    }

    #[inline(always)]
    unsafe fn min(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_min_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn max(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_max_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn madd(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_madd_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn madd_acc(acc: __m512i, a: __m512i, b: __m512i) -> __m512i {
        unsafe {
            if VNNI {
                dot_product_accumulate(acc, a, b)
            } else {
                _mm512_add_epi32(acc, _mm512_madd_epi16(a, b))
            }
        }
    }

    #[inline(always)]
    unsafe fn add16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_add_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn sub16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_sub_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_lo16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mullo_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_hi16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mulhi_epu16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_hi16_signed(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mulhi_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_round16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mulhrs_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn abs16(a: __m512i) -> __m512i {
        unsafe { _mm512_abs_epi16(a) }
    }

    #[inline(always)]
    unsafe fn eq16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_movm_epi16(_mm512_cmpeq_epi16_mask(a, b)) }
    }

    #[inline(always)]
    unsafe fn add64(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_add_epi64(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_even(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mul_epi32(a, b) }
    }

    #[inline(always)]
    unsafe fn mul_even_unsigned(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mul_epu32(a, b) }
    }

    #[inline(always)]
    unsafe fn and(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_and_si512(a, b) }
    }

    #[inline(always)]
    unsafe fn or(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_or_si512(a, b) }
    }

    #[inline(always)]
    unsafe fn xor(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_xor_si512(a, b) }
    }

    #[inline(always)]
    unsafe fn srl(a: __m512i, c: u32) -> __m512i {
        unsafe { _mm512_srl_epi32(a, count(c)) }
    }

    #[inline(always)]
    unsafe fn sll(a: __m512i, c: u32) -> __m512i {
        unsafe { _mm512_sll_epi32(a, count(c)) }
    }

    #[inline(always)]
    unsafe fn sra(a: __m512i, c: u32) -> __m512i {
        unsafe { _mm512_sra_epi32(a, count(c)) }
    }

    #[inline(always)]
    unsafe fn srl64(a: __m512i, c: u32) -> __m512i {
        unsafe { _mm512_srl_epi64(a, count(c)) }
    }

    // The immediate forms take `u32` counts here; constant counts become immediates.
    #[inline(always)]
    unsafe fn srli<const N: i32>(a: __m512i) -> __m512i {
        unsafe { _mm512_srl_epi32(a, count(N as u32)) }
    }

    #[inline(always)]
    unsafe fn srai<const N: i32>(a: __m512i) -> __m512i {
        unsafe { _mm512_sra_epi32(a, count(N as u32)) }
    }

    #[inline(always)]
    unsafe fn slli<const N: i32>(a: __m512i) -> __m512i {
        unsafe { _mm512_sll_epi32(a, count(N as u32)) }
    }

    #[inline(always)]
    unsafe fn srli64<const N: i32>(a: __m512i) -> __m512i {
        unsafe { _mm512_srl_epi64(a, count(N as u32)) }
    }

    #[inline(always)]
    unsafe fn slli64<const N: i32>(a: __m512i) -> __m512i {
        unsafe { _mm512_sll_epi64(a, count(N as u32)) }
    }

    #[inline(always)]
    unsafe fn srai16<const N: i32>(a: __m512i) -> __m512i {
        unsafe { _mm512_sra_epi16(a, count(N as u32)) }
    }

    #[inline(always)]
    unsafe fn sllv(a: __m512i, counts: __m512i) -> __m512i {
        unsafe { _mm512_sllv_epi32(a, counts) }
    }

    #[inline(always)]
    unsafe fn srlv(a: __m512i, counts: __m512i) -> __m512i {
        unsafe { _mm512_srlv_epi32(a, counts) }
    }

    #[inline(always)]
    unsafe fn interleave_lo(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_unpacklo_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn interleave_hi(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_unpackhi_epi16(a, b) }
    }

    #[inline(always)]
    unsafe fn pack(lo: __m512i, hi: __m512i) -> __m512i {
        unsafe { _mm512_packus_epi32(lo, hi) }
    }

    #[inline(always)]
    unsafe fn pack_signed(lo: __m512i, hi: __m512i) -> __m512i {
        unsafe { _mm512_packs_epi32(lo, hi) }
    }

    #[inline(always)]
    unsafe fn pack_in_order(first: __m512i, second: __m512i) -> __m512i {
        unsafe {
            let order = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
            _mm512_permutexvar_epi64(order, _mm512_packs_epi32(first, second))
        }
    }

    #[inline(always)]
    unsafe fn unpacked_in_order(lo: __m512i, hi: __m512i) -> (__m512i, __m512i) {
        unsafe {
            let first = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
            let second = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
            (
                _mm512_permutex2var_epi64(lo, first, hi),
                _mm512_permutex2var_epi64(lo, second, hi),
            )
        }
    }

    #[inline(always)]
    unsafe fn blend_odd(even: __m512i, odd: __m512i) -> __m512i {
        unsafe { _mm512_mask_blend_epi32(0xaaaa, even, odd) }
    }

    #[inline(always)]
    unsafe fn gt(a: __m512i, b: __m512i) -> __mmask16 {
        unsafe { _mm512_cmpgt_epi32_mask(a, b) }
    }

    #[inline(always)]
    unsafe fn both(a: __mmask16, b: __mmask16) -> __mmask16 {
        a & b
    }

    #[inline(always)]
    unsafe fn select(mask: __mmask16, otherwise: __m512i, when_set: __m512i) -> __m512i {
        unsafe { _mm512_mask_mov_epi32(otherwise, mask, when_set) }
    }

    #[inline(always)]
    unsafe fn none_common(a: __m512i, b: __m512i) -> bool {
        unsafe { _mm512_test_epi32_mask(a, b) == 0 }
    }

    #[inline(always)]
    unsafe fn sum64(a: __m512i) -> i64 {
        unsafe { _mm512_reduce_add_epi64(a) }
    }

    #[inline(always)]
    unsafe fn sum32(a: __m512i) -> u32 {
        unsafe { _mm512_reduce_add_epi32(a) as u32 }
    }

    #[inline(always)]
    unsafe fn gather(base: *const i32, index: __m512i) -> __m512i {
        unsafe { _mm512_i32gather_epi32::<4>(index, base.cast()) }
    }

    #[inline(always)]
    unsafe fn float_bits(a: __m512i) -> __m512i {
        unsafe { _mm512_castps_si512(_mm512_cvtepi32_ps(a)) }
    }

    #[inline(always)]
    unsafe fn apply_sign(a: __m512i, sign: __m512i) -> __m512i {
        unsafe {
            let zero = _mm512_setzero_si512();
            let negated = _mm512_mask_sub_epi32(a, _mm512_cmplt_epi32_mask(sign, zero), zero, a);
            _mm512_maskz_mov_epi32(_mm512_cmpneq_epi32_mask(sign, zero), negated)
        }
    }
}
