//! The per-pixel pipeline on `f64` lanes: Y′CbCr to L*a*b* and ΔE00, in the same
//! operations, order and `f32` roundings as the scalar reference ([`super::super::color`],
//! [`super::super::delta_e`]), with [`super::vmath`] in place of the C library.
//!
//! Where a transcendental result is rounded to `f32`, the pipeline also reports whether
//! an error of the stated size could move that rounding (the interval `v ± e` holds an
//! `f32` rounding boundary) or a comparison that selects a formula. Such lanes are in
//! doubt and the callers recompute them with the scalar reference, so every result
//! equals it. Rounding `f32` arithmetic through `f64` is exact: `f64` has more than
//! twice the precision plus two bits, so `+ − × ÷ √` rounded once to `f64` and then to
//! `f32` give the correctly rounded `f32` result.

use std::f64::consts::PI;

use super::super::color::{YuvToLab, EPSILON, KAPPA, LINEAR_KNEE};
use super::super::delta_e::Weights;
use super::lanes::F64Lanes;
use super::vmath;

/// Error bound of the companded values (`f(t)`, about 0.1 to 2.2): the `pow(·, 2.4)`
/// of linearisation is within a few ULP (relative `2^-49`, absolute below `2^-45` for
/// results below 9), the XYZ sums add at most that times their weights plus a few
/// roundings, and `f` multiplies an error of `t` by at most 7.8; the cube root adds a
/// few ULP. That is below `2^-42`; this bound keeps a margin of 16.
const COMPAND_ERROR: f64 = 1.0 / (1u64 << 38) as f64;
/// Relative error bound of results rounded to `f32` in ΔE00 (each computed within a
/// few `f64` ULP, `2^-50`, of the C library's), with a margin of 1024.
const RELATIVE_ERROR: f64 = 1.0 / (1u64 << 40) as f64;
/// Absolute error bound of the hue weighting T (four cosines within `2^-52` absolute
/// each, weights summing below 1, and four roundings of a sum below 2), with a margin.
const HUE_WEIGHT_ERROR: f64 = 1.0 / (1u64 << 42) as f64;

/// `25^7`, exact in `f64`.
const TWENTY_FIVE_POW_7: f64 = 6_103_515_625.0;
/// `25^7` rounded to `f32` (6 103 515 648), as the single-precision R_T term uses it.
const TWENTY_FIVE_POW_7_F32: f64 = 6_103_515_625.0f32 as f64;

/// L*, a*, b* of the lanes (each an `f32` value) and the lanes in doubt.
pub(super) struct LabLanes<L: F64Lanes> {
    pub l: L::V,
    pub a: L::V,
    pub b: L::V,
    pub doubt: u32,
}

/// Lanes where an error of `e` around `v` could change `v as f32`.
#[inline(always)]
unsafe fn straddles<L: F64Lanes>(v: L::V, e: L::V) -> L::M {
    unsafe { L::ne(L::round_f32(L::sub(v, e)), L::round_f32(L::add(v, e))) }
}

/// As [`straddles`] with a bound relative to `|v|`.
#[inline(always)]
unsafe fn straddles_relative<L: F64Lanes>(v: L::V) -> L::M {
    unsafe { straddles::<L>(v, L::mul(L::abs(v), L::splat(RELATIVE_ERROR))) }
}

/// The sRGB transfer function (see the scalar `linearize`).
#[inline(always)]
unsafe fn linearize<L: F64Lanes>(c: L::V) -> L::V {
    unsafe {
        let base = L::mul(L::add(c, L::splat(0.055)), L::splat(1.0 / 1.055));
        // The curve's branch only sees bases above 0.089; others are selected away.
        let curve = vmath::pow::<L>(L::max(base, L::splat(0.01)), 2.4);
        let line = L::mul(c, L::splat(1.0 / 12.92));
        L::select(L::gt(c, L::splat(LINEAR_KNEE)), curve, line)
    }
}

/// CIELAB's f(t) rounded to `f32`, and the lanes in doubt.
#[inline(always)]
unsafe fn compand<L: F64Lanes>(t: L::V) -> (L::V, L::M) {
    unsafe {
        let epsilon = L::splat(EPSILON);
        let root = vmath::cbrt::<L>(L::max(t, L::splat(EPSILON * 0.5)));
        let line = L::mul(
            L::add(L::mul(L::splat(KAPPA), t), L::splat(16.0)),
            L::splat(1.0 / 116.0),
        );
        let v = L::select(L::gt(t, epsilon), root, line);
        let e = L::splat(COMPAND_ERROR);
        let near_knee = L::le(L::abs(L::sub(t, epsilon)), e);
        (L::round_f32(v), L::or(straddles::<L>(v, e), near_knee))
    }
}

/// `(r·w₀ + g·w₁) + b·w₂`, unfused.
#[inline(always)]
unsafe fn mix<L: F64Lanes>([r, g, b]: [L::V; 3], [wr, wg, wb]: [f64; 3]) -> L::V {
    unsafe {
        L::add(
            L::add(L::mul(r, L::splat(wr)), L::mul(g, L::splat(wg))),
            L::mul(b, L::splat(wb)),
        )
    }
}

/// L*a*b* of Y′CbCr lanes (see the scalar `YuvToLab::lab`).
#[inline(always)]
pub(super) unsafe fn lab<L: F64Lanes>(c: &YuvToLab, y: L::V, u: L::V, v: L::V) -> LabLanes<L> {
    unsafe {
        let s = L::splat;
        let (black, mid, luma_gain, chroma_gain) = c.constants();
        let y = L::mul(L::sub(y, s(black)), s(luma_gain));
        let u = L::mul(L::sub(u, s(mid)), s(chroma_gain));
        let v = L::mul(L::sub(v, s(mid)), s(chroma_gain));

        let r = linearize::<L>(L::add(y, L::mul(s(1.28033), v)));
        let g = linearize::<L>(L::sub(
            L::sub(y, L::mul(s(0.21482), u)),
            L::mul(s(0.38059), v),
        ));
        let b = linearize::<L>(L::add(y, L::mul(s(2.12798), u)));

        let rgb = [r, g, b];
        let x = mix::<L>(rgb, [0.4124564390896921, 0.357576077643909, 0.18043748326639894]);
        let y = mix::<L>(rgb, [0.21267285140562248, 0.715152155287818, 0.07217499330655958]);
        let z = mix::<L>(rgb, [0.019333895582329317, 0.119192025881303, 0.9503040785363677]);

        let (fx, dx) = compand::<L>(L::mul(x, s(1.0 / 0.95047)));
        let (fy, dy) = compand::<L>(y);
        let (fz, dz) = compand::<L>(L::mul(z, s(1.0 / 1.08883)));
        LabLanes {
            l: L::round_f32(L::sub(L::mul(s(116.0), fy), s(16.0))),
            a: L::round_f32(L::mul(s(500.0), L::sub(fx, fy))),
            b: L::round_f32(L::mul(s(200.0), L::sub(fy, fz))),
            doubt: L::bits(L::or(L::or(dx, dy), dz)),
        }
    }
}

/// `sqrt(x² + y²)` unfused, rounded to `f32` (the scalar `hypot`).
#[inline(always)]
unsafe fn hypot<L: F64Lanes>(x: L::V, y: L::V) -> L::V {
    unsafe { L::round_f32(L::sqrt(L::add(L::mul(x, x), L::mul(y, y)))) }
}

/// `x⁷` within four roundings (relative `2^-51`) for `x` of 24 significant bits.
#[inline(always)]
unsafe fn pow7<L: F64Lanes>(x: L::V) -> L::V {
    unsafe {
        let x3 = L::mul(L::mul(x, x), x);
        L::mul(L::mul(x3, x3), x)
    }
}

/// Whether the C library's `powf` is ARM's optimised routine (glibc from 2.28, musl),
/// which returns the `f32` rounding of an `f64` value within a documented relative
/// error: `|y·log2 x| · ln 2 · 1.83·2^-33 + 1.69·2^-34`.
const POWF_ERROR_KNOWN: bool = cfg!(all(
    target_os = "linux",
    any(target_env = "gnu", target_env = "musl")
));

/// `powf(x, 7)` of `f32` lanes as the C library computes it: `x⁷` in `f64`, rounded,
/// where the C library's documented error (doubled) and ours cannot move the `f32`
/// rounding; the C library lane by lane elsewhere, or everywhere if its error is not
/// known.
#[inline(always)]
pub(super) unsafe fn powf7<L: F64Lanes>(x: L::V) -> L::V {
    unsafe {
        let p = pow7::<L>(x);
        let doubt = if POWF_ERROR_KNOWN {
            // |log2 x| <= |e| + 1 for x = m·2^e.
            let (e, _) = L::exponent_mantissa(x);
            let log2_bound = L::add(L::abs(e), L::splat(1.0));
            let relative = L::mul_add(
                log2_bound,
                L::splat(2.0 * 7.0 * std::f64::consts::LN_2 * 1.83 / (1u64 << 33) as f64),
                L::splat(2.0 * (1.69 / (1u64 << 34) as f64 + 1.0 / (1u64 << 50) as f64)),
            );
            let positive = L::gt(x, L::splat(0.0));
            let e = L::select(positive, L::mul(p, relative), L::splat(0.0));
            L::bits(straddles::<L>(p, e))
        } else {
            u32::MAX
        };
        let p = L::round_f32(p);
        if doubt & ((1 << L::LANES) - 1) == 0 {
            return p;
        }
        let (mut lanes, mut out) = ([0.0f64; 8], [0.0f64; 8]);
        L::store(x, &mut lanes);
        L::store(p, &mut out);
        for k in (0..L::LANES).filter(|k| doubt >> k & 1 == 1) {
            out[k] = f64::from((lanes[k] as f32).powf(7.0));
        }
        L::load(&out)
    }
}

/// The hue angle in `0..2π` (the scalar `hue_angle`) and the lanes in doubt.
#[inline(always)]
unsafe fn hue_angle<L: F64Lanes>(b: L::V, a_prime: L::V) -> (L::V, L::M) {
    unsafe {
        let zero = L::splat(0.0);
        let angle = vmath::atan2::<L>(b, a_prime);
        let doubt = straddles_relative::<L>(angle);
        let h = L::round_f32(angle);
        let h = L::select(
            L::lt(h, zero),
            L::round_f32(L::add(h, L::splat(2.0 * PI))),
            h,
        );
        let achromatic = L::and(L::eq(b, zero), L::eq(a_prime, zero));
        (L::select(achromatic, zero, h), doubt)
    }
}

/// ΔE00 of the lanes (each an `f32` value) and the lanes in doubt, as the scalar
/// `delta_e_2000` computes them.
#[inline(always)]
pub(super) unsafe fn delta_e<L: F64Lanes>(
    c1: &LabLanes<L>,
    c2: &LabLanes<L>,
    [k_l, k_c, k_h]: Weights,
) -> (L::V, u32) {
    unsafe {
        let s = L::splat;
        let f = L::round_f32;
        let zero = s(0.0);
        let delta_l = f(L::sub(c2.l, c1.l));
        let l_bar = f(L::mul(f(L::add(c1.l, c2.l)), s(0.5)));

        let chroma_1 = hypot::<L>(c1.a, c1.b);
        let chroma_2 = hypot::<L>(c2.a, c2.b);
        let chroma_bar = f(L::mul(f(L::add(chroma_1, chroma_2)), s(0.5)));
        let p = pow7::<L>(chroma_bar);
        let g = L::sub(s(1.0), L::sqrt(L::div(p, L::add(p, s(TWENTY_FIVE_POW_7)))));
        let a1 = L::add(c1.a, L::mul(f(L::mul(c1.a, s(0.5))), g));
        let a2 = L::add(c2.a, L::mul(f(L::mul(c2.a, s(0.5))), g));
        let mut doubt = L::or(straddles_relative::<L>(a1), straddles_relative::<L>(a2));
        let (a_prime_1, a_prime_2) = (f(a1), f(a2));

        let c_prime_1 = hypot::<L>(a_prime_1, c1.b);
        let c_prime_2 = hypot::<L>(a_prime_2, c2.b);
        let c_bar_prime = f(L::mul(f(L::add(c_prime_1, c_prime_2)), s(0.5)));
        let delta_c_prime = f(L::sub(c_prime_2, c_prime_1));

        let l_offset = f(L::sub(l_bar, s(50.0)));
        let l_offset_sq = L::mul(l_offset, l_offset);
        let s_l = f(L::add(
            s(1.0),
            L::div(
                L::mul(s(0.015), l_offset_sq),
                L::sqrt(L::add(s(20.0), l_offset_sq)),
            ),
        ));
        let s_c = f(L::add(s(1.0), L::mul(s(0.045), c_bar_prime)));

        let (h1, doubt_1) = hue_angle::<L>(c1.b, a_prime_1);
        let (h2, doubt_2) = hue_angle::<L>(c2.b, a_prime_2);
        doubt = L::or(doubt, L::or(doubt_1, doubt_2));

        // Δh′, folded into −π..=π; zero when either unadjusted chroma is.
        let diff = f(L::sub(h2, h1));
        let apart = f(L::sub(h1, h2));
        let far = L::gt(L::abs(apart), s(PI));
        let folded = L::select(
            L::le(h2, h1),
            f(L::add(diff, s(2.0 * PI))),
            f(L::sub(diff, s(2.0 * PI))),
        );
        let delta_h_prime = L::select(far, folded, diff);
        let grey = L::or(L::eq(chroma_1, zero), L::eq(chroma_2, zero));
        let delta_h_prime = L::select(grey, zero, delta_h_prime);

        let big_h = L::mul(
            L::mul(s(2.0), L::sqrt(f(L::mul(c_prime_1, c_prime_2)))),
            vmath::sin::<L>(L::mul(delta_h_prime, s(0.5))),
        );
        doubt = L::or(doubt, straddles_relative::<L>(big_h));
        let delta_big_h = f(big_h);

        // H̄′: libvmaf adds 2π whenever the hues are more than π apart.
        let sum = f(L::add(h1, h2));
        let h_bar = f(L::mul(
            L::select(far, L::add(sum, s(2.0 * PI)), sum),
            s(0.5),
        ));

        let t = L::sub(
            L::add(
                L::add(
                    L::sub(
                        s(1.0),
                        L::mul(s(0.17), vmath::cos::<L>(L::sub(h_bar, s(PI / 6.0)))),
                    ),
                    L::mul(s(0.24), vmath::cos::<L>(L::mul(s(2.0), h_bar))),
                ),
                L::mul(
                    s(0.32),
                    vmath::cos::<L>(L::add(L::mul(s(3.0), h_bar), s(PI / 30.0))),
                ),
            ),
            L::mul(
                s(0.20),
                vmath::cos::<L>(L::sub(L::mul(s(4.0), h_bar), s(7.0 * PI / 20.0))),
            ),
        );
        doubt = L::or(doubt, straddles::<L>(t, s(HUE_WEIGHT_ERROR)));
        let t = f(t);
        let s_h = f(L::add(s(1.0), L::mul(L::mul(s(0.015), c_bar_prime), t)));

        // R_T, in the scalar reference's f32 steps.
        let degrees = f(L::mul(h_bar, s(180.0 / PI)));
        let offset = f(L::mul(L::sub(degrees, s(275.0)), s(1.0 / 25.0)));
        let c7 = powf7::<L>(c_bar_prime);
        let weight = L::sqrt(f(L::div(c7, f(L::add(c7, s(TWENTY_FIVE_POW_7_F32))))));
        let theta = L::mul(
            s(60.0),
            vmath::exp::<L>(L::sub(zero, f(L::mul(offset, offset)))),
        );
        doubt = L::or(doubt, straddles_relative::<L>(theta));
        let radians = f(L::mul(f(theta), s(PI / 180.0)));
        let r_t = L::mul(L::mul(s(-2.0), weight), vmath::sin::<L>(radians));
        doubt = L::or(doubt, straddles_relative::<L>(r_t));
        let r_t = f(r_t);

        let (k_l, k_c, k_h) = (
            s(f64::from(k_l)),
            s(f64::from(k_c)),
            s(f64::from(k_h)),
        );
        let lightness = f(L::div(delta_l, f(L::mul(k_l, s_l))));
        let chroma = f(L::div(delta_c_prime, f(L::mul(k_c, s_c))));
        let hue = f(L::div(delta_big_h, f(L::mul(k_h, s_h))));
        let cross = f(L::mul(f(L::mul(r_t, chroma)), hue));
        let squares = L::add(
            L::add(L::mul(lightness, lightness), L::mul(chroma, chroma)),
            L::mul(hue, hue),
        );
        (f(L::sqrt(L::add(squares, cross))), L::bits(doubt))
    }
}
