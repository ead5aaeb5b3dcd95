//! Each vector kernel against the scalar rows, on random rows that include the extreme
//! values real pictures never reach (the wrapping and truncating corners).

use proptest::prelude::*;

use super::*;
use crate::feature::adm::fused::kernels::Portable;
use crate::feature::adm::region::Region;

/// The kernel sets this processor runs, with their names.
fn kernel_sets() -> (Option<Avx2>, Option<Avx512>) {
    (Avx2::new(), Avx512::new())
}

fn i16_value() -> impl Strategy<Value = i16> {
    prop_oneof![
        any::<i16>(),
        -300i16..300,
        prop::sample::select(vec![i16::MIN, i16::MAX, 0, 1, -1, i16::MIN + 1]),
    ]
}

fn i32_value() -> impl Strategy<Value = i32> {
    prop_oneof![
        any::<i32>(),
        -(1i32 << 20)..(1 << 20),
        -(1i32 << 28)..(1 << 28),
        prop::sample::select(vec![i32::MIN, i32::MAX, 0, 1, -1, i32::MIN + 1, 1 << 26]),
    ]
}

fn rows<T: std::fmt::Debug, S: Strategy<Value = T>>(
    value: S,
    count: usize,
    len: usize,
) -> impl Strategy<Value = Vec<Vec<T>>> {
    prop::collection::vec(prop::collection::vec(value, len), count)
}

/// Related pairs: distorted = reference scaled by a random gain plus small noise, so that
/// the angle test and the gain limit see aligned vectors.
fn related<T: Copy>(o: &[T], t: &[T], scale: f64, mix: impl Fn(T, T, f64) -> T) -> Vec<T> {
    o.iter().zip(t).map(|(&a, &b)| mix(a, b, scale)).collect()
}

macro_rules! both {
    ($k:ident => $body:expr) => {{
        let (avx2, avx512) = kernel_sets();
        if let Some($k) = avx2 {
            $body;
        }
        if let Some($k) = avx512 {
            $body;
        }
    }};
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn fine_vertical(len in 1usize..80, bits in 8u32..=16, wide in any::<bool>(), seed in rows(any::<u16>(), 4, 80)) {
        let max = if wide { u16::MAX } else { ((1u32 << bits) - 1) as u16 };
        let src: Vec<Vec<u16>> = seed.iter().map(|r| r[..len].iter().map(|v| v % max.saturating_add(1).max(1) ).collect()).collect();
        let src: Vec<Vec<u16>> = if wide { seed.iter().map(|r| r[..len].to_vec()).collect() } else { src };
        let rows16: [&[u16]; 4] = std::array::from_fn(|k| &src[k][..]);
        let (mut lo, mut hi) = (vec![0i16; len], vec![0i16; len]);
        Portable.fine_vertical_u16(rows16, bits, &mut lo, &mut hi);
        both!(k => {
            let (mut l, mut h) = (vec![0i16; len], vec![0i16; len]);
            k.fine_vertical_u16(rows16, bits, &mut l, &mut h);
            prop_assert_eq!((&l, &h), (&lo, &hi));
        });
        let bytes: Vec<Vec<u8>> = src.iter().map(|r| r.iter().map(|&v| v as u8).collect()).collect();
        let rows8: [&[u8]; 4] = std::array::from_fn(|k| &bytes[k][..]);
        Portable.fine_vertical_u8(rows8, 8, &mut lo, &mut hi);
        both!(k => {
            let (mut l, mut h) = (vec![0i16; len], vec![0i16; len]);
            k.fine_vertical_u8(rows8, 8, &mut l, &mut h);
            prop_assert_eq!((&l, &h), (&lo, &hi));
        });
    }

    #[test]
    fn fine_horizontal(n in 1usize..70, src in rows(i16_value(), 2, 2 * 70 + 2)) {
        let (lo, hi) = (&src[0][..2 * n + 2], &src[1][..2 * n + 2]);
        let run = |k: &dyn Fn(BandRows<'_, i16>)| {
            let mut out = vec![vec![0i16; n]; 4];
            let [a, b, c, d] = &mut out[..] else { unreachable!() };
            k(BandRows { approx: a, detail: [b, c, d] });
            out
        };
        let expected = run(&|out| Portable.fine_horizontal(lo, hi, out));
        both!(k => prop_assert_eq!(run(&|out| k.fine_horizontal(lo, hi, out)), expected.clone()));
    }

    #[test]
    fn coarse_vertical(len in 1usize..80, narrow in rows(i16_value(), 4, 80), wide in rows(i32_value(), 4, 80), scale in 2usize..=3) {
        let run = |k: &dyn Fn(SplitRows<'_>)| {
            let mut out = vec![vec![0i16; len]; 4];
            let [a, b, c, d] = &mut out[..] else { unreachable!() };
            k([a, b, c, d]);
            out
        };
        let rows16: [&[i16]; 4] = std::array::from_fn(|k| &narrow[k][..len]);
        let expected = run(&|out| Portable.coarse_vertical_i16(rows16, out));
        both!(k => prop_assert_eq!(run(&|out| k.coarse_vertical_i16(rows16, out)), expected.clone()));
        let round = crate::feature::adm::dwt::coarse_rounding(scale).0;
        let rows32: [&[i32]; 4] = std::array::from_fn(|k| &wide[k][..len]);
        let expected = run(&|out| Portable.coarse_vertical_i32(rows32, round, out));
        both!(k => prop_assert_eq!(run(&|out| k.coarse_vertical_i32(rows32, round, out)), expected.clone()));
    }

    #[test]
    fn coarse_horizontal(n in 1usize..40, src in rows(i16_value(), 4, 2 * 40 + 2), scale in 1usize..=3) {
        let tmp: [&[i16]; 4] = std::array::from_fn(|k| &src[k][..2 * n + 2]);
        let round = crate::feature::adm::dwt::coarse_rounding(scale).1;
        let run = |k: &dyn Fn(BandRows<'_, i32>)| {
            let mut out = vec![vec![0i32; n]; 4];
            let [a, b, c, d] = &mut out[..] else { unreachable!() };
            k(BandRows { approx: a, detail: [b, c, d] });
            out
        };
        let expected = run(&|out| Portable.coarse_horizontal(tmp, round, out));
        both!(k => prop_assert_eq!(run(&|out| k.coarse_horizontal(tmp, round, out)), expected.clone()));
    }

    #[test]
    fn split_round_trips(v in any::<i32>()) {
        let (high, low) = crate::feature::adm::fused::scalar_rows::split(v);
        prop_assert_eq!(crate::feature::adm::fused::scalar_rows::join(high, low), v);
    }

    #[test]
    fn decouple_fine(
        n in 1usize..70,
        o in rows(i16_value(), 3, 70),
        noise in rows(i16_value(), 3, 70),
        scale in -0.5f64..1.6,
        mode in 0u8..3,
        gain in prop::sample::select(vec![1.0, 100.0, 1.7, 37.25]),
    ) {
        let t: Vec<Vec<i16>> = (0..3).map(|b| match mode {
            0 => noise[b].clone(),
            _ => related(&o[b], &noise[b], scale, |a, e, s| {
                (f64::from(a) * s + f64::from(e) / if mode == 1 { 64.0 } else { 4096.0 })
                    .clamp(-32768.0, 32767.0) as i16
            }),
        }).collect();
        let params = DecoupleParams::new(gain);
        let reference: [&[i16]; 3] = std::array::from_fn(|b| &o[b][..n]);
        let distorted: [&[i16]; 3] = std::array::from_fn(|b| &t[b][..n]);
        let run = |k: &dyn Fn(DecoupledRows<'_, i16>)| {
            let mut out = vec![vec![0i16; n]; 6];
            let [a, b, c, d, e, f] = &mut out[..] else { unreachable!() };
            k(DecoupledRows { restored: [a, b, c], additive: [d, e, f] });
            out
        };
        let expected = run(&|out| Portable.decouple_fine(reference, distorted, &params, out));
        both!(k => prop_assert_eq!(run(&|out| k.decouple_fine(reference, distorted, &params, out)), expected.clone()));
    }

    #[test]
    fn decouple_coarse(
        n in 1usize..40,
        o in rows(i32_value(), 3, 40),
        noise in rows(i32_value(), 3, 40),
        scale in -0.5f64..1.6,
        mode in 0u8..3,
        gain in prop::sample::select(vec![1.0, 100.0, 1.7]),
    ) {
        let t: Vec<Vec<i32>> = (0..3).map(|b| match mode {
            0 => noise[b].clone(),
            _ => related(&o[b], &noise[b], scale, |a, e, s| {
                (f64::from(a) * s + f64::from(e) / if mode == 1 { 1024.0 } else { 2f64.powi(24) })
                    .clamp(-2147483648.0, 2147483647.0) as i32
            }),
        }).collect();
        let params = DecoupleParams::new(gain);
        let reference: [&[i32]; 3] = std::array::from_fn(|b| &o[b][..n]);
        let distorted: [&[i32]; 3] = std::array::from_fn(|b| &t[b][..n]);
        let run = |k: &dyn Fn(DecoupledRows<'_, i32>)| {
            let mut out = vec![vec![0i32; n]; 6];
            let [a, b, c, d, e, f] = &mut out[..] else { unreachable!() };
            k(DecoupledRows { restored: [a, b, c], additive: [d, e, f] });
            out
        };
        let expected = run(&|out| Portable.decouple_coarse(reference, distorted, &params, out));
        both!(k => prop_assert_eq!(run(&|out| k.decouple_coarse(reference, distorted, &params, out)), expected.clone()));
    }

    #[test]
    fn weigh(n in 1usize..70, narrow in rows(i16_value(), 3, 70), wide in rows(i32_value(), 3, 70),
             fine_w in prop::array::uniform3(any::<u16>()), coarse_w in prop::array::uniform3(any::<u32>()),
             default_weights in any::<bool>()) {
        let fine_w = if default_weights { [36453, 36453, 49417] } else { fine_w };
        let fine = FineArithmetic::new(fine_w, 64, 64);
        let masker: [&[i16]; 3] = std::array::from_fn(|b| &narrow[b][..n]);
        let (mut s, mut c) = (vec![0; n], vec![0; n]);
        Portable.weigh_fine(&fine, masker, &mut s, &mut c);
        both!(k => {
            let (mut s2, mut c2) = (vec![0; n], vec![0; n]);
            k.weigh_fine(&fine, masker, &mut s2, &mut c2);
            prop_assert_eq!((&s2, &c2), (&s, &c));
        });
        let coarse = CoarseArithmetic::new(coarse_w, 64, 64);
        let masker: [&[i32]; 3] = std::array::from_fn(|b| &wide[b][..n]);
        Portable.weigh_coarse(&coarse, masker, &mut s, &mut c);
        both!(k => {
            let (mut s2, mut c2) = (vec![0; n], vec![0; n]);
            k.weigh_coarse(&coarse, masker, &mut s2, &mut c2);
            prop_assert_eq!((&s2, &c2), (&s, &c));
        });
    }

    #[test]
    fn masked(width in 3usize..70, range in (0usize..70, 0usize..70), sums in rows(i32_value(), 3, 70),
              small in any::<bool>(), narrow in rows(i16_value(), 3, 70), wide in rows(i32_value(), 3, 70),
              fine_w in prop::array::uniform3(any::<u16>()), coarse_w in prop::array::uniform3(any::<u32>())) {
        let (a, b) = (range.0 % width, range.1 % (width + 1));
        let cols = a.min(b)..a.max(b);
        // Real thresholds are small; random ones test the wrapping.
        let cut = |r: &Vec<i32>| -> Vec<i32> { r[..width].iter().map(|&v| if small { v >> 12 } else { v }).collect() };
        let column_sums = cut(&sums[0]);
        let centre = cut(&sums[1]);
        let fine = FineArithmetic::new(fine_w, width.max(17), 64);
        let target: [&[i16]; 3] = std::array::from_fn(|o| &narrow[o][..width]);
        let expected = Portable.masked_fine(&fine, &column_sums, &centre, target, cols.clone());
        both!(k => prop_assert_eq!(k.masked_fine(&fine, &column_sums, &centre, target, cols.clone()), expected));
        let coarse = CoarseArithmetic::new(coarse_w, width, 64);
        let target: [&[i32]; 3] = std::array::from_fn(|o| &wide[o][..width]);
        let expected = Portable.masked_coarse(&coarse, &column_sums, &centre, target, cols.clone());
        both!(k => prop_assert_eq!(k.masked_coarse(&coarse, &column_sums, &centre, target, cols.clone()), expected));
        let three: [&[i32]; 3] = std::array::from_fn(|r| &sums[r][..width]);
        let mut out = vec![0; width];
        Portable.column_sums(three, &mut out);
        both!(k => {
            let mut got = vec![0; width];
            k.column_sums(three, &mut got);
            prop_assert_eq!(&got, &out);
        });
    }

    #[test]
    fn cubes(n in 1usize..70, narrow in rows(i16_value(), 3, 70), wide in rows(i32_value(), 3, 70), scale in 1usize..=3, w in 3usize..200) {
        let fine: [&[i16]; 3] = std::array::from_fn(|o| &narrow[o][..n]);
        let expected = Portable.cubes_fine(fine);
        both!(k => prop_assert_eq!(k.cubes_fine(fine), expected));
        let region = Region { top: 0, bottom: 4, left: 0, right: w };
        let cubes = CoarseCubes::new(scale, region);
        let coarse: [&[i32]; 3] = std::array::from_fn(|o| &wide[o][..n]);
        let expected = Portable.cubes_coarse(coarse, &cubes);
        both!(k => prop_assert_eq!(k.cubes_coarse(coarse, &cubes), expected));
    }
}
