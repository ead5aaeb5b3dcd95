//! Elementary functions on `f64` lanes for the vectorised ΔE00: `ln`, `exp`, `pow`,
//! the cube root, `sin`, `cos` and `atan2`, branch-free, each within a few `f64` ULP of the true
//! value over the domain the metric reaches (the tests measure it against the C
//! library). They are not bit-equal to the C library; the callers in
//! [`super::pipeline`] check every result that is rounded to `f32` against that error
//! bound and recompute doubtful pixels with the scalar reference.
//!
//! The reductions are classical: `ln` on the mantissa in `[√½, √2)` through
//! `atanh((m − 1)/(m + 1))`; `exp` by `k·ln 2` in two parts; `sin`/`cos` by `k·π/2` in
//! three parts (exact enough for the arguments below 40 used here); `atan` by the
//! nearest of `0, ¼, ½, ¾, 1`. Each series is truncated where its next term is below
//! `2^-55` of the result.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI, SQRT_2};

use super::lanes::F64Lanes;

/// `ln 2` split so that `k · LN2_HI` is exact for `|k| < 2^11`.
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
/// `ln 2 − LN2_HI`.
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
/// `π/2` in three parts: 33 bits, 33 bits, and the rest.
const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5440_0000);
const PIO2_2: f64 = f64::from_bits(0x3DD0_B461_1A60_0000);
const PIO2_3: f64 = f64::from_bits(0x3BA3_198A_2E03_7073);

/// `atan` of the reduction points `¼, ½, ¾`.
const ATAN_QUARTER: f64 = 0.244_978_663_126_864_14;
const ATAN_HALF: f64 = 0.463_647_609_000_806_1;
const ATAN_THREE_QUARTERS: f64 = 0.643_501_108_793_284_4;

/// `(2n + 1)⁻¹` for `n = 10` down to `1`: `atanh(f)/f = 1 + f²/3 + f⁴/5 + …`.
const ATANH_SERIES: [f64; 10] = [
    1.0 / 21.0,
    1.0 / 19.0,
    1.0 / 17.0,
    1.0 / 15.0,
    1.0 / 13.0,
    1.0 / 11.0,
    1.0 / 9.0,
    1.0 / 7.0,
    1.0 / 5.0,
    1.0 / 3.0,
];

/// `(−1)ⁿ (2n + 1)⁻¹` for `n = 8` down to `1`: `atan(u)/u = 1 − u²/3 + u⁴/5 − …`.
const ATAN_SERIES: [f64; 8] = [
    1.0 / 17.0,
    -1.0 / 15.0,
    1.0 / 13.0,
    -1.0 / 11.0,
    1.0 / 9.0,
    -1.0 / 7.0,
    1.0 / 5.0,
    -1.0 / 3.0,
];

/// `1/n!` for `n = 13` down to `0`.
const EXP_SERIES: [f64; 14] = [
    1.0 / 6_227_020_800.0,
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    1.0 / 2.0,
    1.0,
    1.0,
];

/// `(−1)ⁿ/(2n + 1)!` for `n = 8` down to `1`: `sin(r)/r = 1 − r²/6 + …`.
const SIN_SERIES: [f64; 8] = [
    1.0 / 355_687_428_096_000.0,
    -1.0 / 1_307_674_368_000.0,
    1.0 / 6_227_020_800.0,
    -1.0 / 39_916_800.0,
    1.0 / 362_880.0,
    -1.0 / 5_040.0,
    1.0 / 120.0,
    -1.0 / 6.0,
];

/// `(−1)ⁿ/(2n)!` for `n = 8` down to `1`: `cos(r) = 1 − r²/2 + …`.
const COS_SERIES: [f64; 8] = [
    1.0 / 20_922_789_888_000.0,
    -1.0 / 87_178_291_200.0,
    1.0 / 479_001_600.0,
    -1.0 / 3_628_800.0,
    1.0 / 40_320.0,
    -1.0 / 720.0,
    1.0 / 24.0,
    -1.0 / 2.0,
];

/// `Σ coefficients[i] · x^(n−1−i)` by Horner's rule (highest power first).
#[inline(always)]
unsafe fn horner<L: F64Lanes, const N: usize>(x: L::V, coefficients: &[f64; N]) -> L::V {
    unsafe {
        let mut p = L::splat(coefficients[0]);
        for &c in &coefficients[1..] {
            p = L::mul_add(p, x, L::splat(c));
        }
        p
    }
}

/// `ln x` for positive normal `x`.
#[inline(always)]
pub(super) unsafe fn ln<L: F64Lanes>(x: L::V) -> L::V {
    unsafe {
        let (e, m) = L::exponent_mantissa(x);
        let high = L::gt(m, L::splat(SQRT_2));
        let m = L::select(high, L::mul(m, L::splat(0.5)), m);
        let e = L::select(high, L::add(e, L::splat(1.0)), e);
        let one = L::splat(1.0);
        let f = L::div(L::sub(m, one), L::add(m, one));
        let s = L::mul(f, f);
        let two_f = L::add(f, f);
        let ln_m = L::mul_add(L::mul(two_f, s), horner::<L, 10>(s, &ATANH_SERIES), two_f);
        L::mul_add(e, L::splat(LN2_HI), L::mul_add(e, L::splat(LN2_LO), ln_m))
    }
}

/// `e^y` for `y` in `-700..=700`.
#[inline(always)]
pub(super) unsafe fn exp<L: F64Lanes>(y: L::V) -> L::V {
    unsafe {
        let k = L::round(L::mul(y, L::splat(std::f64::consts::LOG2_E)));
        let minus_k = L::sub(L::splat(0.0), k);
        let r = L::mul_add(minus_k, L::splat(LN2_HI), y);
        let r = L::mul_add(minus_k, L::splat(LN2_LO), r);
        L::scale_pow2(horner::<L, 14>(r, &EXP_SERIES), k)
    }
}

/// `x^y` for positive normal `x` with `|y · ln x| <= 700`.
#[inline(always)]
pub(super) unsafe fn pow<L: F64Lanes>(x: L::V, y: f64) -> L::V {
    unsafe { exp::<L>(L::mul(ln::<L>(x), L::splat(y))) }
}

/// `m^(-1/3)` on `[1, 2)` within `2.1e-3`: interpolation at the Chebyshev nodes.
const INVERSE_CBRT_START: [f64; 3] = [0.091_261_168_852_232_01, -0.476_842_056_207_270_6, 1.383_505_919_129_682_8];
/// `2^(1/3)` and `2^(2/3)`.
const CBRT_2: f64 = 1.259_921_049_894_873_2;
const CBRT_4: f64 = 1.587_401_051_968_199_4;

/// `∛t` for positive normal `t`, without division: `t = m · 2^(3q + rem)`, Newton's
/// iteration for `m^(-1/3)` from a quadratic start (each step squares the relative
/// error, `2.1e-3 → 9e-6 → 2e-10 → 1e-19`), then `∛m = m · (m^(-1/3))²` scaled by
/// `2^(rem/3) · 2^q`. (`pow(t, 1/3)` with the `f64` nearest ⅓ differs from `∛t` by
/// less than an ULP for the `t` of CIELAB.)
#[inline(always)]
pub(super) unsafe fn cbrt<L: F64Lanes>(t: L::V) -> L::V {
    unsafe {
        let (e, m) = L::exponent_mantissa(t);
        let q = L::floor(L::mul(L::add(e, L::splat(0.5)), L::splat(1.0 / 3.0)));
        let rem = L::sub(e, L::mul(q, L::splat(3.0)));
        let mut r = horner::<L, 3>(m, &INVERSE_CBRT_START);
        for _ in 0..3 {
            let r3 = L::mul(L::mul(r, r), r);
            let err = L::mul_add(L::sub(L::splat(0.0), m), r3, L::splat(1.0));
            r = L::mul_add(L::mul(r, L::splat(1.0 / 3.0)), err, r);
        }
        let root = L::mul(L::mul(m, r), r);
        let scale = L::select(
            L::eq(rem, L::splat(1.0)),
            L::splat(CBRT_2),
            L::select(L::eq(rem, L::splat(2.0)), L::splat(CBRT_4), L::splat(1.0)),
        );
        L::scale_pow2(L::mul(root, scale), q)
    }
}

/// `(sin r, cos r, q)`: the reduced argument's sine and cosine and the quadrant
/// `q = k mod 4` of `x = r + k·π/2`.
#[inline(always)]
unsafe fn reduce_pio2<L: F64Lanes>(x: L::V) -> (L::V, L::V, L::V) {
    unsafe {
        let k = L::round(L::mul(x, L::splat(2.0 / PI)));
        let minus_k = L::sub(L::splat(0.0), k);
        let r = L::mul_add(minus_k, L::splat(PIO2_1), x);
        let r = L::mul_add(minus_k, L::splat(PIO2_2), r);
        let r = L::mul_add(minus_k, L::splat(PIO2_3), r);
        let z = L::mul(r, r);
        let sin = L::mul_add(L::mul(r, z), horner::<L, 8>(z, &SIN_SERIES), r);
        let cos = L::mul_add(z, horner::<L, 8>(z, &COS_SERIES), L::splat(1.0));
        let q = L::sub(k, L::mul(L::splat(4.0), L::floor(L::mul(k, L::splat(0.25)))));
        (sin, cos, q)
    }
}

/// `sin x` for `|x| <= 40`.
#[inline(always)]
pub(super) unsafe fn sin<L: F64Lanes>(x: L::V) -> L::V {
    unsafe {
        let (s, c, q) = reduce_pio2::<L>(x);
        let odd = L::or(L::eq(q, L::splat(1.0)), L::eq(q, L::splat(3.0)));
        let v = L::select(odd, c, s);
        let negative = L::ge(q, L::splat(2.0));
        L::select(negative, L::sub(L::splat(0.0), v), v)
    }
}

/// `cos x` for `|x| <= 40`.
#[inline(always)]
pub(super) unsafe fn cos<L: F64Lanes>(x: L::V) -> L::V {
    unsafe {
        let (s, c, q) = reduce_pio2::<L>(x);
        let odd = L::or(L::eq(q, L::splat(1.0)), L::eq(q, L::splat(3.0)));
        let v = L::select(odd, s, c);
        let negative = L::or(L::eq(q, L::splat(1.0)), L::eq(q, L::splat(2.0)));
        L::select(negative, L::sub(L::splat(0.0), v), v)
    }
}

/// `atan2(y, x)` for finite `x`, `y` not both zero (both zero gives 0), with the C
/// library's signs: the result has the sign of `y`, and `±π` for `y = ±0`, `x < 0`.
#[inline(always)]
pub(super) unsafe fn atan2<L: F64Lanes>(y: L::V, x: L::V) -> L::V {
    unsafe {
        let (ay, ax) = (L::abs(y), L::abs(x));
        let big = L::max(ay, ax);
        let small = L::min(ay, ax);
        let zero = L::splat(0.0);
        let big = L::select(L::eq(big, zero), L::splat(1.0), big);
        let z = L::div(small, big);
        // Nearest of 0, ¼, ½, ¾, 1, and atan(c) + atan((z − c)/(1 + z·c)).
        let c = L::mul(L::round(L::mul(z, L::splat(4.0))), L::splat(0.25));
        let u = L::div(L::sub(z, c), L::add(L::splat(1.0), L::mul(z, c)));
        let s = L::mul(u, u);
        let atan_u = L::mul_add(L::mul(u, s), horner::<L, 8>(s, &ATAN_SERIES), u);
        let mut atan_c = zero;
        for (point, value) in [
            (0.25, ATAN_QUARTER),
            (0.5, ATAN_HALF),
            (0.75, ATAN_THREE_QUARTERS),
            (1.0, FRAC_PI_4),
        ] {
            atan_c = L::select(L::eq(c, L::splat(point)), L::splat(value), atan_c);
        }
        let angle = L::add(atan_c, atan_u);
        let angle = L::select(L::gt(ay, ax), L::sub(L::splat(FRAC_PI_2), angle), angle);
        let negative_x = L::lt(x, zero);
        let negative_x = L::or(
            negative_x,
            L::and(L::eq(x, zero), L::lt(L::copysign(L::splat(1.0), x), zero)),
        );
        let angle = L::select(negative_x, L::sub(L::splat(PI), angle), angle);
        L::copysign(angle, y)
    }
}
