//! The one CAMBI row step the compiler does not vectorise by itself: keeping every other
//! sample (halving), done with explicit narrowing instructions per level.

use std::arch::x86_64::*;

/// Samples one vector step writes.
const STEP: usize = 16;

/// `target[i] = source[2 * i]` for the leading whole vector steps; returns how many
/// samples were written (the caller finishes the rest).
///
/// # Safety
/// The processor must support AVX2.
#[inline(always)]
pub(super) unsafe fn keep_even_avx2(source: &[u16], target: &mut [u16]) -> usize {
    let done = target.len().min(source.len() / 2) / STEP * STEP;
    // SAFETY: the caller guarantees AVX2.
    let low_half = unsafe { _mm256_set1_epi32(0xffff) };
    for i in (0..done).step_by(STEP) {
        // SAFETY: `2 * i + 2 * STEP <= 2 * done <= source.len()` and
        // `i + STEP <= done <= target.len()`; unaligned loads and stores.
        unsafe {
            let from = source.as_ptr().add(2 * i).cast::<__m256i>();
            let a = _mm256_and_si256(_mm256_loadu_si256(from), low_half);
            let b = _mm256_and_si256(_mm256_loadu_si256(from.add(1)), low_half);
            // Packing works per 128-bit lane; the permutation restores the order.
            let packed = _mm256_packus_epi32(a, b);
            let ordered = _mm256_permute4x64_epi64::<0b11_01_10_00>(packed);
            _mm256_storeu_si256(target.as_mut_ptr().add(i).cast::<__m256i>(), ordered);
        }
    }
    done
}

/// As [`keep_even_avx2`].
///
/// # Safety
/// The processor must support AVX-512 F.
#[inline(always)]
pub(super) unsafe fn keep_even_avx512(source: &[u16], target: &mut [u16]) -> usize {
    let done = target.len().min(source.len() / 2) / STEP * STEP;
    for i in (0..done).step_by(STEP) {
        // SAFETY: as in `keep_even_avx2`.
        unsafe {
            let pairs = _mm512_loadu_si512(source.as_ptr().add(2 * i).cast());
            let even = _mm512_cvtepi32_epi16(pairs);
            _mm256_storeu_si256(target.as_mut_ptr().add(i).cast::<__m256i>(), even);
        }
    }
    done
}
