//! The x86_64 vector vocabulary: 32-bit lanes (or twice as many 16-bit ones) in a 256-bit
//! ([`Avx2`]) or 512-bit ([`Avx512`]) register. Every method is `#[inline(always)]`, so it
//! compiles into the `#[target_feature]` entry point that calls it.
//!
//! Generic bodies call the vocabulary from `#[inline(always)]` functions, never from
//! closures: a closure is a function of its own, without the entry point's target
//! features, so the intrinsics inside it would become calls.
//!
//! Orders: the 16-bit interleaves, the packs and the `(un)pack order` of two vectors of
//! 32-bit lanes work within each 128-bit part, as the instructions do; a pack undoes the
//! order of the interleaves, and [`Simd::pack_in_order`] / [`Simd::unpacked_in_order`]
//! give sample order where a kernel needs it.

mod avx2;
mod avx512;

pub use avx2::Avx2;
pub use avx512::Avx512;

/// Vector operations on integer lanes.
///
/// # Safety
/// Every method may only be called where the implementing instruction set is enabled
/// (inside a `#[target_feature]` entry point of that set); pointers must be valid for
/// the bytes the method reads or writes.
pub trait Simd {
    /// The integer vector.
    type V: Copy;
    /// A vector of half the width.
    type Half: Copy;
    /// One condition per 32-bit lane.
    type Mask: Copy;
    /// 32-bit lanes per vector.
    const LANES: usize;
    /// 16-bit lanes per vector.
    const BLOCK: usize = 2 * Self::LANES;
    /// Whether there are registers for 16 accumulators and their operands.
    const MANY_REGISTERS: bool;

    /// All 32-bit lanes set to `x`.
    unsafe fn splat(x: i32) -> Self::V;
    /// All 16-bit lanes set to `x`.
    unsafe fn splat16(x: i16) -> Self::V;
    /// All 64-bit lanes set to `x`.
    unsafe fn splat64(x: i64) -> Self::V;
    /// All bits clear.
    unsafe fn zero() -> Self::V;

    /// One vector from `p` (no alignment needed).
    unsafe fn load<T>(p: *const T) -> Self::V;
    /// Stores one vector at `p` (no alignment needed).
    unsafe fn store<T>(p: *mut T, v: Self::V);
    /// Stores half a vector at `p`.
    unsafe fn store_half<T>(p: *mut T, v: Self::Half);
    /// `BLOCK` bytes, zero-extended to 16-bit lanes.
    unsafe fn load_u8(p: *const u8) -> Self::V;
    /// `LANES` bytes, zero-extended to 32-bit lanes.
    unsafe fn widen_u8(p: *const u8) -> Self::V;
    /// `LANES` unsigned 16-bit samples, zero-extended to 32-bit lanes.
    unsafe fn widen_u16(p: *const u16) -> Self::V;
    /// `LANES` signed 16-bit samples, sign-extended to 32-bit lanes.
    unsafe fn widen_i16(p: *const i16) -> Self::V;
    /// The low 16 bits of each 32-bit lane, in order.
    unsafe fn narrow16(v: Self::V) -> Self::Half;
    /// Stores the low 16 bits of the `LANES` 32-bit lanes, which hold 0..=65535.
    unsafe fn store_u16(p: *mut u16, v: Self::V);

    /// 32-bit wrapping addition.
    unsafe fn add(a: Self::V, b: Self::V) -> Self::V;
    /// 32-bit wrapping subtraction.
    unsafe fn sub(a: Self::V, b: Self::V) -> Self::V;
    /// Low 32 bits of the 32-bit products.
    unsafe fn mul_lo(a: Self::V, b: Self::V) -> Self::V;
    /// 32-bit absolute values (`i32::MIN` stays).
    unsafe fn abs(a: Self::V) -> Self::V;
    /// Signed 32-bit minimum.
    unsafe fn min(a: Self::V, b: Self::V) -> Self::V;
    /// Signed 32-bit maximum.
    unsafe fn max(a: Self::V, b: Self::V) -> Self::V;
    /// `a0 * b0 + a1 * b1` per 32-bit lane of signed 16-bit pairs, wrapping.
    unsafe fn madd(a: Self::V, b: Self::V) -> Self::V;
    /// `acc + a0 * b0 + a1 * b1` per 32-bit lane of signed 16-bit pairs, wrapping.
    unsafe fn madd_acc(acc: Self::V, a: Self::V, b: Self::V) -> Self::V;

    /// 16-bit wrapping addition.
    unsafe fn add16(a: Self::V, b: Self::V) -> Self::V;
    /// 16-bit wrapping subtraction.
    unsafe fn sub16(a: Self::V, b: Self::V) -> Self::V;
    /// Low 16 bits of the 16-bit products.
    unsafe fn mul_lo16(a: Self::V, b: Self::V) -> Self::V;
    /// High 16 bits of the unsigned 16-bit products.
    unsafe fn mul_hi16(a: Self::V, b: Self::V) -> Self::V;
    /// High 16 bits of the signed 16-bit products.
    unsafe fn mul_hi16_signed(a: Self::V, b: Self::V) -> Self::V;
    /// `(a * b + 2^14) >> 15` of signed 16-bit lanes, truncated to 16 bits.
    unsafe fn mul_round16(a: Self::V, b: Self::V) -> Self::V;
    /// 16-bit absolute values (`i16::MIN` stays).
    unsafe fn abs16(a: Self::V) -> Self::V;
    /// All ones in the 16-bit lanes where `a == b`, zero elsewhere.
    unsafe fn eq16(a: Self::V, b: Self::V) -> Self::V;

    /// 64-bit wrapping addition.
    unsafe fn add64(a: Self::V, b: Self::V) -> Self::V;
    /// Signed 64-bit products of the even 32-bit lanes.
    unsafe fn mul_even(a: Self::V, b: Self::V) -> Self::V;
    /// Unsigned 64-bit products of the even 32-bit lanes.
    unsafe fn mul_even_unsigned(a: Self::V, b: Self::V) -> Self::V;

    /// Bitwise and.
    unsafe fn and(a: Self::V, b: Self::V) -> Self::V;
    /// Bitwise or.
    unsafe fn or(a: Self::V, b: Self::V) -> Self::V;
    /// Bitwise exclusive or.
    unsafe fn xor(a: Self::V, b: Self::V) -> Self::V;

    /// 32-bit logical right shift by `count` (at most 31).
    unsafe fn srl(a: Self::V, count: u32) -> Self::V;
    /// 32-bit left shift by `count` (at most 31).
    unsafe fn sll(a: Self::V, count: u32) -> Self::V;
    /// 32-bit arithmetic right shift by `count` (at most 31).
    unsafe fn sra(a: Self::V, count: u32) -> Self::V;
    /// 64-bit logical right shift by `count` (at most 63).
    unsafe fn srl64(a: Self::V, count: u32) -> Self::V;
    /// 32-bit logical right shift by `N`.
    unsafe fn srli<const N: i32>(a: Self::V) -> Self::V;
    /// 32-bit arithmetic right shift by `N`.
    unsafe fn srai<const N: i32>(a: Self::V) -> Self::V;
    /// 32-bit left shift by `N`.
    unsafe fn slli<const N: i32>(a: Self::V) -> Self::V;
    /// 64-bit logical right shift by `N`.
    unsafe fn srli64<const N: i32>(a: Self::V) -> Self::V;
    /// 64-bit left shift by `N`.
    unsafe fn slli64<const N: i32>(a: Self::V) -> Self::V;
    /// 16-bit arithmetic right shift by `N`.
    unsafe fn srai16<const N: i32>(a: Self::V) -> Self::V;
    /// 32-bit left shift of each lane by its own count (0 past 31).
    unsafe fn sllv(a: Self::V, counts: Self::V) -> Self::V;
    /// 32-bit logical right shift of each lane by its own count (0 past 31).
    unsafe fn srlv(a: Self::V, counts: Self::V) -> Self::V;

    /// Interleaves the 16-bit lanes of the low halves of each 128-bit part.
    unsafe fn interleave_lo(a: Self::V, b: Self::V) -> Self::V;
    /// Interleaves the 16-bit lanes of the high halves of each 128-bit part.
    unsafe fn interleave_hi(a: Self::V, b: Self::V) -> Self::V;
    /// Packs two vectors of 32-bit lanes holding 0..=65535 into 16-bit lanes, undoing the
    /// lane order of `interleave_lo` / `interleave_hi`.
    unsafe fn pack(lo: Self::V, hi: Self::V) -> Self::V;
    /// Packs two vectors of 32-bit lanes into 16-bit lanes with signed saturation, undoing
    /// the lane order of `interleave_lo` / `interleave_hi`.
    unsafe fn pack_signed(lo: Self::V, hi: Self::V) -> Self::V;
    /// Packs two vectors of 32-bit lanes in sample order into 16-bit lanes in sample
    /// order, with signed saturation.
    unsafe fn pack_in_order(first: Self::V, second: Self::V) -> Self::V;
    /// The 32-bit lanes of two vectors in unpack order (as `interleave_lo` and
    /// `interleave_hi` of 16-bit lanes leave them) as two vectors in sample order.
    unsafe fn unpacked_in_order(lo: Self::V, hi: Self::V) -> (Self::V, Self::V);
    /// The even 32-bit lanes of `even` and the odd ones of `odd`.
    unsafe fn blend_odd(even: Self::V, odd: Self::V) -> Self::V;

    /// `a > b` per signed 32-bit lane.
    unsafe fn gt(a: Self::V, b: Self::V) -> Self::Mask;
    /// Both conditions.
    unsafe fn both(a: Self::Mask, b: Self::Mask) -> Self::Mask;
    /// `when_set` where `mask` holds, `otherwise` elsewhere.
    unsafe fn select(mask: Self::Mask, otherwise: Self::V, when_set: Self::V) -> Self::V;
    /// Whether `a & b` is all zero.
    unsafe fn none_common(a: Self::V, b: Self::V) -> bool;
    /// Wrapping sum of the 64-bit lanes.
    unsafe fn sum64(a: Self::V) -> i64;
    /// Wrapping sum of the 32-bit lanes.
    unsafe fn sum32(a: Self::V) -> u32;

    /// The 32-bit values at `base + index` per lane.
    unsafe fn gather(base: *const i32, index: Self::V) -> Self::V;
    /// The bits of the single-precision float nearest each signed 32-bit lane.
    unsafe fn float_bits(a: Self::V) -> Self::V;
    /// `a` negated where `sign` is negative, zero where `sign` is zero.
    unsafe fn apply_sign(a: Self::V, sign: Self::V) -> Self::V;
}

#[cfg(test)]
mod tests;
