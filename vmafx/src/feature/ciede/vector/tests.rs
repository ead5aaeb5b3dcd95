//! The vector levels against the scalar reference: the elementary functions against
//! the C library over the domains the metric reaches, L*a*b* over every 8-bit triple
//! and a sweep of 10-bit ones, ΔE00 on random and edge colours, and whole frames.

use proptest::prelude::*;

use super::*;
use crate::feature::ciede::{CiedeExtractor, CiedeOptions};
use crate::feature::frame_check::test_frames::{format, noise};
use crate::frame::ChromaSubsampling::{Yuv420, Yuv422, Yuv444};

/// The vector levels this processor supports.
fn levels() -> Vec<CpuLevel> {
    CpuLevel::supported()
        .into_iter()
        .filter(|l| *l != CpuLevel::Scalar)
        .collect()
}

/// An elementary function under test.
#[derive(Debug, Clone, Copy)]
enum Function {
    Ln,
    Exp,
    Pow(f64),
    Sin,
    Cos,
    Atan2,
    Cbrt,
    Powf7,
}

/// `f` of every `(x, y)` (`y` only for `atan2`) over `L`'s lanes.
///
/// # Safety
/// `L`'s instruction set must be enabled.
#[inline(always)]
unsafe fn map<L: F64Lanes>(f: Function, x: &[f64], y: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for ((xs, ys), o) in x
        .chunks_exact(L::LANES)
        .zip(y.chunks_exact(L::LANES))
        .zip(out.chunks_exact_mut(L::LANES))
    {
        // SAFETY: as the caller promises; the chunks hold LANES values.
        unsafe {
            let (xv, yv) = (L::load(xs), L::load(ys));
            let r = match f {
                Function::Ln => vmath::ln::<L>(xv),
                Function::Exp => vmath::exp::<L>(xv),
                Function::Pow(p) => vmath::pow::<L>(xv, p),
                Function::Sin => vmath::sin::<L>(xv),
                Function::Cos => vmath::cos::<L>(xv),
                Function::Atan2 => vmath::atan2::<L>(yv, xv),
                Function::Cbrt => vmath::cbrt::<L>(xv),
                Function::Powf7 => pipeline::powf7::<L>(xv),
            };
            L::store(r, o);
        }
    }
    out
}

/// ΔE00 of colour pairs over `L`'s lanes: `(values, lanes in doubt)`.
///
/// # Safety
/// `L`'s instruction set must be enabled.
#[inline(always)]
unsafe fn delta_e_lanes<L: F64Lanes>(pairs: &[(Lab, Lab)]) -> (Vec<f32>, Vec<bool>) {
    let (mut values, mut doubts) = (Vec::new(), Vec::new());
    for chunk in pairs.chunks_exact(L::LANES) {
        let mut planes = [[0.0f64; MAX_LANES]; 6];
        for (k, (c1, c2)) in chunk.iter().enumerate() {
            for (p, v) in [c1.l, c1.a, c1.b, c2.l, c2.a, c2.b].into_iter().enumerate() {
                planes[p][k] = f64::from(v);
            }
        }
        // SAFETY: as the caller promises.
        unsafe {
            let c1 = LabLanes::<L> {
                l: L::load(&planes[0]),
                a: L::load(&planes[1]),
                b: L::load(&planes[2]),
                doubt: 0,
            };
            let c2 = LabLanes::<L> {
                l: L::load(&planes[3]),
                a: L::load(&planes[4]),
                b: L::load(&planes[5]),
                doubt: 0,
            };
            let (d, doubt) = pipeline::delta_e::<L>(&c1, &c2, LIBVMAF_WEIGHTS);
            let mut lanes = [0.0f64; MAX_LANES];
            L::store(d, &mut lanes);
            for (k, lane) in lanes.iter().take(L::LANES).enumerate() {
                values.push(*lane as f32);
                doubts.push(doubt >> k & 1 == 1);
            }
        }
    }
    (values, doubts)
}

/// L*a*b* of a row over `L`'s lanes: the raw pipeline's values and doubts, and the
/// exact values (doubtful lanes recomputed).
///
/// # Safety
/// `L`'s instruction set must be enabled.
#[inline(always)]
unsafe fn lab_lanes<L: F64Lanes>(c: &YuvToLab, row: &RowSamples) -> Vec<(Lab, bool, Lab)> {
    let mut out = Vec::with_capacity(row.len());
    for start in (0..row.len()).step_by(L::LANES) {
        // SAFETY: as the caller promises; the row is padded.
        unsafe {
            let raw = pipeline::lab::<L>(
                c,
                L::load(&row.y[start..]),
                L::load(&row.u[start..]),
                L::load(&row.v[start..]),
            );
            let exact = lab_exact::<L>(c, row, start);
            for k in 0..L::LANES {
                out.push((lab_at::<L>(&raw, k), raw.doubt >> k & 1 == 1, lab_at::<L>(&exact, k)));
            }
        }
    }
    out
}

macro_rules! entry_points {
    ($name:ident, $features:literal, $lanes:ty) => {
        mod $name {
            use super::*;

            /// # Safety
            /// The processor must support the level.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn map(f: Function, x: &[f64], y: &[f64]) -> Vec<f64> {
                unsafe { super::map::<$lanes>(f, x, y) }
            }

            /// # Safety
            /// The processor must support the level.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn delta_e(pairs: &[(Lab, Lab)]) -> (Vec<f32>, Vec<bool>) {
                unsafe { super::delta_e_lanes::<$lanes>(pairs) }
            }

            /// # Safety
            /// The processor must support the level.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn lab(c: &YuvToLab, row: &RowSamples) -> Vec<(Lab, bool, Lab)> {
                unsafe { super::lab_lanes::<$lanes>(c, row) }
            }
        }
    };
}
entry_points!(on_avx2, "avx2,fma", lanes::Avx2);
entry_points!(on_avx512, "avx512f,avx512dq", lanes::Avx512);

fn map_at(level: CpuLevel, f: Function, x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = x.len().next_multiple_of(MAX_LANES);
    let pad = |v: &[f64]| {
        let mut v = v.to_vec();
        v.resize(n, 1.0);
        v
    };
    let (x, y) = (pad(x), pad(y));
    // SAFETY: `levels()` lists supported levels only.
    match level {
        CpuLevel::Avx2 => unsafe { on_avx2::map(f, &x, &y) },
        CpuLevel::Avx512 => unsafe { on_avx512::map(f, &x, &y) },
        CpuLevel::Scalar => unreachable!("scalar has no lanes"),
    }
}

fn delta_e_at(level: CpuLevel, pairs: &[(Lab, Lab)]) -> (Vec<f32>, Vec<bool>) {
    let mut pairs = pairs.to_vec();
    let n = pairs.len();
    let last = pairs[n - 1];
    pairs.resize(n.next_multiple_of(MAX_LANES), last);
    // SAFETY: `levels()` lists supported levels only.
    let (mut v, mut d) = match level {
        CpuLevel::Avx2 => unsafe { on_avx2::delta_e(&pairs) },
        CpuLevel::Avx512 => unsafe { on_avx512::delta_e(&pairs) },
        CpuLevel::Scalar => unreachable!("scalar has no lanes"),
    };
    v.truncate(n);
    d.truncate(n);
    (v, d)
}

fn lab_at_level(level: CpuLevel, c: &YuvToLab, row: &RowSamples) -> Vec<(Lab, bool, Lab)> {
    // SAFETY: `levels()` lists supported levels only.
    match level {
        CpuLevel::Avx2 => unsafe { on_avx2::lab(c, row) },
        CpuLevel::Avx512 => unsafe { on_avx512::lab(c, row) },
        CpuLevel::Scalar => unreachable!("scalar has no lanes"),
    }
}

/// A deterministic uniform sequence in `[0, 1)`.
fn uniform(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// A reference function of `(x, y)`.
type Reference = Box<dyn Fn(f64, f64) -> f64>;

/// A function's name, `x` and `y`, the floor of the error's denominator, and the C
/// library's function.
type Case = (&'static str, Function, Vec<f64>, Vec<f64>, f64, Reference);

/// Worst error of `f` on `level` against `reference`, relative to `max(|ref|, floor)`.
fn worst_error(
    level: CpuLevel,
    f: Function,
    x: &[f64],
    y: &[f64],
    floor: f64,
    reference: impl Fn(f64, f64) -> f64,
) -> f64 {
    let got = map_at(level, f, x, y);
    x.iter()
        .zip(y)
        .zip(&got)
        .map(|((&x, &y), &g)| {
            let r = reference(x, y);
            (g - r).abs() / r.abs().max(floor)
        })
        .fold(0.0, f64::max)
}

#[test]
fn elementary_functions_are_within_a_few_ulp_of_the_c_library() {
    const N: usize = 200_000;
    let ulp = f64::EPSILON;
    let span = |seed, lo: f64, hi: f64| -> Vec<f64> {
        uniform(seed, N).into_iter().map(|u| lo + (hi - lo) * u).collect()
    };
    for level in levels() {
        let ones = vec![1.0; N];
        // Linearisation's base, companding's t and ln over a wider range.
        let base = span(1, 0.08, 2.6);
        let t = span(2, 0.0088, 9.0);
        let wide = span(3, 1e-3, 1e3);
        let cases: [Case; 9] = [
            ("cbrt", Function::Cbrt, span(11, 0.0044, 9.0), ones.clone(), 0.0, Box::new(|x, _| x.powf(1.0 / 3.0))),
            ("ln", Function::Ln, wide, ones.clone(), 1.0, Box::new(|x, _| x.ln())),
            ("exp", Function::Exp, span(4, -125.0, 3.0), ones.clone(), 0.0, Box::new(|x, _| x.exp())),
            ("pow 2.4", Function::Pow(2.4), base, ones.clone(), 0.0, Box::new(|x, _| x.powf(2.4))),
            ("pow 1/3", Function::Pow(1.0 / 3.0), t, ones.clone(), 0.0, Box::new(|x, _| x.powf(1.0 / 3.0))),
            ("sin", Function::Sin, span(5, -1.6, 1.6), ones.clone(), 0.0, Box::new(|x, _| x.sin())),
            ("cos", Function::Cos, span(6, -1.2, 32.0), ones.clone(), 1.0, Box::new(|x, _| x.cos())),
            ("atan2", Function::Atan2, span(7, -250.0, 250.0), span(8, -250.0, 250.0), 0.0, Box::new(|x, y| y.atan2(x))),
            ("atan2 near axes", Function::Atan2, span(9, -1.0, 1.0), span(10, -1e-3, 1e-3), 0.0, Box::new(|x, y| y.atan2(x))),
        ];
        for (name, f, x, y, floor, reference) in cases {
            let worst = worst_error(level, f, &x, &y, floor, reference);
            // A few ULP; the pipeline's doubt bounds assume 2^-49 or more.
            assert!(worst <= 8.0 * ulp, "{level:?} {name}: {} ULP", worst / ulp);
        }
    }
}

/// `powf(x, 7)` of `f32` lanes equals the C library's for every `f32` in `[0, 256]`
/// (every 61st in optimised builds, every 4999th otherwise): the chroma means reached.
#[test]
fn powf7_equals_the_c_library() {
    let step = if cfg!(debug_assertions) { 4999 } else { 61 };
    let x: Vec<f64> = (0..=256.0f32.to_bits())
        .step_by(step)
        .map(|b| f64::from(f32::from_bits(b)))
        .collect();
    for level in levels() {
        let got = map_at(level, Function::Powf7, &x, &x);
        for (&x, &g) in x.iter().zip(&got) {
            let want = (x as f32).powf(7.0);
            assert_eq!((g as f32).to_bits(), want.to_bits(), "{level:?} {x}");
        }
    }
}

#[test]
fn atan2_keeps_the_c_library_signs_and_axes() {
    let cases = [
        (0.0, 1.0),
        (0.0, -1.0),
        (-0.0, -1.0),
        (-0.0, 1.0),
        (1.0, 0.0),
        (-1.0, 0.0),
        (1.0, -0.0),
        (2.0, 2.0),
        (-2.0, -2.0),
        (1e-30, -5.0),
    ];
    let y: Vec<f64> = cases.iter().map(|c| c.0).collect();
    let x: Vec<f64> = cases.iter().map(|c| c.1).collect();
    for level in levels() {
        let got = map_at(level, Function::Atan2, &x, &y);
        for ((&y, &x), &g) in y.iter().zip(&x).zip(&got) {
            let want = y.atan2(x);
            assert!((g - want).abs() <= 2.0 * f64::EPSILON * want.abs(), "{y} {x}: {g} vs {want}");
            assert_eq!(g.is_sign_negative(), want.is_sign_negative(), "{y} {x}");
        }
    }
}

/// Compares the vector L*a*b* of every `(y, u, v)` of `triples` with the scalar one:
/// returns (raw values differing, largest raw difference in f32 ULP, lanes in doubt);
/// the exact values must all be equal.
fn compare_lab(level: CpuLevel, bit_depth: u8, triples: &[[f64; 3]]) -> (usize, u32, usize) {
    let c = YuvToLab::new(bit_depth);
    let mut row = RowSamples::default();
    let (mut differing, mut worst, mut doubtful) = (0, 0, 0);
    for chunk in triples.chunks(4096) {
        let col = |i: usize| chunk.iter().map(|t| t[i]).collect::<Vec<_>>();
        row.fill_from(&col(0), &col(1), &col(2));
        let got = lab_at_level(level, &c, &row);
        for (t, (raw, doubt, exact)) in chunk.iter().zip(got) {
            let want = c.lab(t[0], t[1], t[2]);
            assert_eq!(exact, want, "{level:?} {bit_depth}-bit {t:?}");
            doubtful += usize::from(doubt);
            for (r, w) in [(raw.l, want.l), (raw.a, want.a), (raw.b, want.b)] {
                if r != w {
                    differing += 1;
                    worst = worst.max(ulp_distance(r, w));
                }
            }
        }
    }
    (differing, worst, doubtful)
}

/// Distance in `f32` steps between two finite values.
fn ulp_distance(a: f32, b: f32) -> u32 {
    let key = |x: f32| {
        let bits = x.to_bits() as i64;
        if bits < 0x8000_0000 {
            bits
        } else {
            0x8000_0000 - bits
        }
    };
    (key(a) - key(b)).unsigned_abs() as u32
}

/// Every 8-bit triple (a sweep of every seventh in unoptimised builds, which run the
/// scalar reference about thirty times slower).
#[test]
fn lab_equals_the_scalar_reference_for_every_8_bit_triple() {
    let step = if cfg!(debug_assertions) { 7 } else { 1 };
    let triples: Vec<[f64; 3]> = (0..256)
        .step_by(step)
        .flat_map(|y| (0..256).flat_map(move |u| (0..256).map(move |v| [y as f64, u as f64, v as f64])))
        .collect();
    for level in levels() {
        let (differing, worst, doubtful) = compare_lab(level, 8, &triples);
        eprintln!(
            "{level:?} 8-bit: {} triples, {doubtful} in doubt (recomputed), raw values differing {differing} (max {worst} f32 ULP)",
            triples.len()
        );
        assert!(doubtful * 100 < triples.len(), "{doubtful} in doubt");
    }
}

/// Strided sweeps of 10-, 12- and 16-bit triples, out-of-gamut ones included.
#[test]
fn lab_equals_the_scalar_reference_on_a_10_and_16_bit_sweep() {
    // Unoptimised builds sweep a 27th of the triples.
    let sparser = if cfg!(debug_assertions) { 3 } else { 1 };
    for (bit_depth, step) in [(10u8, 5usize), (12, 19), (16, 331)] {
        let step = step * sparser;
        let max = (1usize << bit_depth) - 1;
        let axis: Vec<f64> = (0..=max).step_by(step).chain([max]).map(|v| v as f64).collect();
        let mut triples = Vec::with_capacity(axis.len().pow(3));
        for &y in &axis {
            for &u in &axis {
                triples.extend(axis.iter().map(|&v| [y, u, v]));
            }
        }
        for level in levels() {
            let (differing, worst, doubtful) = compare_lab(level, bit_depth, &triples);
            eprintln!(
                "{level:?} {bit_depth}-bit sweep: {} triples, {doubtful} in doubt, raw differing {differing} (max {worst} ULP)",
                triples.len()
            );
        }
    }
}

fn lab(l: f32, a: f32, b: f32) -> Lab {
    Lab { l, a, b }
}

/// ΔE00 on `level` equals the scalar value for every pair once doubtful lanes are
/// recomputed; returns how many were in doubt.
fn check_delta_e(level: CpuLevel, pairs: &[(Lab, Lab)]) -> usize {
    let (got, doubt) = delta_e_at(level, pairs);
    for ((c1, c2), (g, d)) in pairs.iter().zip(got.iter().zip(&doubt)) {
        let want = delta_e_2000(*c1, *c2, LIBVMAF_WEIGHTS);
        if !d {
            assert_eq!(g.to_bits(), want.to_bits(), "{level:?} {c1:?} {c2:?}: {g} vs {want}");
        }
    }
    doubt.iter().filter(|d| **d).count()
}

#[test]
fn delta_e_equals_the_scalar_reference_on_edge_colours() {
    let pi = std::f32::consts::PI;
    let edges = [
        // Equal colours, achromatic points, zero chroma on one side.
        (lab(50.0, 0.0, 0.0), lab(50.0, 0.0, 0.0)),
        (lab(50.0, 0.0, 0.0), lab(60.0, 0.0, 0.0)),
        (lab(50.0, 0.0, 0.0), lab(50.0, -1.0, 2.0)),
        (lab(40.0, 12.5, -3.0), lab(40.0, 12.5, -3.0)),
        // Hues on both sides of 0 / 2π, on the negative a axis (atan2 = π), and
        // exactly π apart.
        (lab(50.0, 10.0, 1e-3), lab(50.0, 10.0, -1e-3)),
        (lab(50.0, -10.0, 0.0), lab(50.0, 10.0, 0.0)),
        (lab(50.0, 0.0, 10.0), lab(50.0, 0.0, -10.0)),
        (lab(50.0, -10.0, 0.0), lab(55.0, -10.0, -0.0)),
        (lab(50.0, pi.cos(), pi.sin()), lab(50.0, 1.0, 0.0)),
        // Large chroma (G near 0) and tiny chroma (G near 1).
        (lab(30.0, 120.0, -110.0), lab(32.0, 118.0, -100.0)),
        (lab(70.0, 1e-4, 1e-4), lab(70.0, -1e-4, 2e-4)),
        // Subnormal a and b (below the AVX2 estimate's range of 1/·).
        (lab(50.0, 1e-39, -2e-39), lab(50.0, 3e-39, 1e-39)),
        // Lightness far outside 0..100 (out-of-gamut input).
        (lab(-15.0, 40.0, 60.0), lab(130.0, -40.0, -60.0)),
    ];
    for level in levels() {
        check_delta_e(level, &edges);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn delta_e_equals_the_scalar_reference_on_random_colours(
        seed in any::<u64>(),
        spread in prop_oneof![Just(0.5f64), Just(5.0), Just(60.0)],
    ) {
        let n = 4096;
        let u = uniform(seed, 6 * n);
        let pairs: Vec<(Lab, Lab)> = u
            .chunks_exact(6)
            .map(|s| {
                let c1 = lab((s[0] * 110.0 - 5.0) as f32, (s[1] * 300.0 - 150.0) as f32, (s[2] * 300.0 - 150.0) as f32);
                let c2 = lab(
                    c1.l + ((s[3] - 0.5) * spread) as f32,
                    c1.a + ((s[4] - 0.5) * spread) as f32,
                    c1.b + ((s[5] - 0.5) * spread) as f32,
                );
                (c1, c2)
            })
            .collect();
        for level in levels() {
            let doubtful = check_delta_e(level, &pairs);
            prop_assert!(doubtful * 50 < n, "{level:?}: {doubtful} of {n} in doubt");
        }
    }
}

#[test]
fn frame_scores_are_equal_at_every_level() {
    let mut cases = vec![];
    for chroma in [Yuv420, Yuv422, Yuv444] {
        for bpc in [8, 10, 12] {
            for (w, h) in [(33, 17), (64, 9), (7, 5), (1, 1)] {
                cases.push((format(w, h, chroma, bpc), CiedeOptions::default()));
            }
        }
    }
    cases.push((format(40, 12, Yuv422, 8), CiedeOptions { libvmaf_422_quirk: true }));
    for (seed, (fmt, options)) in cases.into_iter().enumerate() {
        let (r, d) = (noise(fmt, seed as u32 * 2 + 1), noise(fmt, seed as u32 * 2 + 2));
        let score = |level| {
            let mut ex = CiedeExtractor::with_cpu_level(&fmt, options, level).unwrap();
            ex.extract(&r.view(), &d.view()).unwrap()
        };
        let want = score(CpuLevel::Scalar);
        for level in levels() {
            assert_eq!(score(level).to_bits(), want.to_bits(), "{level:?} {fmt:?}");
        }
    }
}
