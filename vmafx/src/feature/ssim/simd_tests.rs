//! Property tests: every instruction-set level this processor supports gives exactly the
//! scalar reference's bits for the SSIM map (its filtered statistics and means) and for
//! decimation, on random pictures of random and odd sizes, extreme sample values and
//! every bit depth; and the SSIM and MS-SSIM extractors give the same scores per level.

use proptest::prelude::*;

use super::filter::{self, DecimateTaps};
use super::map::{self, SsimScratch};
use super::vector::{self, DecimateScratch};
use crate::cpu::CpuLevel;
use crate::feature::frame_check::test_frames::{format, frame_from};
use crate::feature::ms_ssim::{MsSsimExtractor, MsSsimOptions};
use crate::feature::ssim::{SsimExtractor, SsimOptions};
use crate::frame::ChromaSubsampling::Yuv420;

/// Pseudo-random values in `0..=max`, or only the extremes 0 and `max`.
fn samples(seed: u64, count: usize, max: u32, extremes: bool) -> Vec<u32> {
    let mut state = seed | 1;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if extremes {
                if state >> 63 == 0 {
                    0
                } else {
                    max
                }
            } else {
                (state % (u64::from(max) + 1)) as u32
            }
        })
        .collect()
}

/// A picture as the luma conversion gives it: `bpc`-bit samples on the 8-bit scale.
fn picture(seed: u64, count: usize, bpc: u8, extremes: bool) -> Vec<f32> {
    let scale = (1u32 << (bpc - 8)) as f32;
    samples(seed, count, (1 << bpc) - 1, extremes)
        .into_iter()
        .map(|v| v as f32 / scale)
        .collect()
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// Asserts that every supported level's SSIM map equals the scalar one bit for bit.
fn assert_map_levels_equal(reference: &[f32], distorted: &[f32], w: usize, h: usize) {
    let mut expected_scratch = SsimScratch::default();
    let expected = map::ssim_means(reference, distorted, w, h, &mut expected_scratch);
    for level in CpuLevel::supported() {
        let mut scratch = SsimScratch::default();
        let got = vector::ssim_means(level, reference, distorted, w, h, &mut scratch);
        let as_bits = |m: map::SsimMeans| [m.ssim, m.l, m.c, m.s].map(f32::to_bits);
        assert_eq!(as_bits(got), as_bits(expected), "{level:?} {w}x{h}");
        for (name, a, b) in [
            ("mu_ref", &scratch.mu_ref, &expected_scratch.mu_ref),
            ("mu_cmp", &scratch.mu_cmp, &expected_scratch.mu_cmp),
            ("var_ref", &scratch.var_ref, &expected_scratch.var_ref),
            ("var_cmp", &scratch.var_cmp, &expected_scratch.var_cmp),
            ("covar", &scratch.covar, &expected_scratch.covar),
        ] {
            // The vector kernels keep longer buffers and use their start.
            assert!(
                bits(&a[..b.len()]) == bits(b),
                "{name} differs at {level:?} {w}x{h}"
            );
        }
    }
}

/// Asserts that every supported level decimates exactly as the scalar reference.
fn assert_decimate_levels_equal(
    src: &[f32],
    (w, h): (usize, usize),
    factor: usize,
    kernel: &[f32],
    side: usize,
) {
    let mut expected = Vec::new();
    let size = filter::decimate(
        src,
        w,
        h,
        factor,
        kernel,
        side,
        &mut expected,
        &mut DecimateTaps::default(),
    );
    for level in CpuLevel::supported() {
        let mut got = Vec::new();
        let mut scratch = DecimateScratch::default();
        // Twice with the same scratch: reused buffers must not leak into the result.
        for _ in 0..2 {
            let got_size = vector::decimate(
                level,
                src,
                w,
                h,
                factor,
                kernel,
                side,
                &mut got,
                &mut scratch,
            );
            assert_eq!(got_size, size);
            assert!(
                bits(&got) == bits(&expected),
                "{level:?} {w}x{h} factor {factor} side {side}"
            );
        }
    }
}

/// A square kernel of `side²` weights in −0.5..0.5, as the wavelet's has signs.
fn kernel(seed: u64, side: usize) -> Vec<f32> {
    samples(seed, side * side, 1 << 20, false)
        .into_iter()
        .map(|v| v as f32 / (1 << 20) as f32 - 0.5)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn ssim_map_equals_scalar(
        w in 11usize..80,
        h in 11usize..30,
        bpc in prop::sample::select(vec![8u8, 10, 12, 16]),
        seed: u64,
        extremes: bool,
        same: bool,
    ) {
        let reference = picture(seed, w * h, bpc, extremes);
        let distorted = if same {
            reference.clone()
        } else {
            picture(seed ^ 0x9e37_79b9, w * h, bpc, extremes)
        };
        assert_map_levels_equal(&reference, &distorted, w, h);
    }

    #[test]
    fn decimation_equals_scalar(
        w in 1usize..90,
        h in 1usize..20,
        factor in 2usize..=10,
        wavelet: bool,
        bpc in prop::sample::select(vec![8u8, 10, 12, 16]),
        seed: u64,
        extremes: bool,
    ) {
        let src = picture(seed, w * h, bpc, extremes);
        if wavelet {
            assert_decimate_levels_equal(&src, (w, h), 2, &kernel(seed, 9), 9);
        } else {
            let weight = 1.0 / (factor * factor) as f32;
            assert_decimate_levels_equal(&src, (w, h), factor, &vec![weight; factor * factor], factor);
        }
    }
}

#[test]
fn odd_sizes_and_extremes_equal_scalar() {
    for (w, h) in [(11, 11), (13, 17), (33, 19), (1921, 11), (43, 11)] {
        for bpc in [8, 10, 12, 16] {
            for extremes in [false, true] {
                let r = picture(w as u64, w * h, bpc, extremes);
                let d = picture(h as u64 + 7, w * h, bpc, extremes);
                assert_map_levels_equal(&r, &d, w, h);
                // All-maximum against all-zero: the largest statistics.
                let max = vec![r.iter().copied().fold(0.0, f32::max); w * h];
                assert_map_levels_equal(&max, &vec![0.0; w * h], w, h);
            }
        }
    }
    for (w, h) in [(11, 11), (13, 17), (33, 19), (1921, 3), (1, 1), (2, 5)] {
        for bpc in [8, 16] {
            let src = picture(3, w * h, bpc, true);
            assert_decimate_levels_equal(&src, (w, h), 2, &kernel(5, 9), 9);
            for factor in [2, 3, 4, 8] {
                let box_kernel = vec![1.0 / (factor * factor) as f32; factor * factor];
                assert_decimate_levels_equal(&src, (w, h), factor, &box_kernel, factor);
            }
        }
    }
}

#[test]
fn extractors_score_the_same_at_every_level() {
    for (w, h, bpc, scale) in [(353, 241, 8, 0), (200, 177, 10, 2), (181, 190, 16, 3)] {
        let fmt = format(w, h, Yuv420, bpc);
        let max = (1u32 << bpc) - 1;
        let noise = |seed: u64| {
            let values = samples(seed, w * h, max, false);
            frame_from(fmt, |p, x, y| if p == 0 { values[y * w + x] as u16 } else { 0 })
        };
        let (r, d) = (noise(1), noise(2));
        let ssim_options = SsimOptions {
            enable_lcs: true,
            scale,
            ..SsimOptions::default()
        };
        let ms_options = MsSsimOptions {
            enable_lcs: true,
            ..MsSsimOptions::default()
        };
        let ssim_at = |level| {
            let mut ex = SsimExtractor::with_cpu_level(&fmt, ssim_options, level).unwrap();
            assert_eq!(ex.cpu_level(), level);
            // A second frame reuses every buffer.
            let first = ex.extract_components(&r.view(), &d.view()).unwrap();
            let c = ex.extract_components(&r.view(), &d.view()).unwrap();
            assert_eq!(first, c);
            [c.ssim, c.l, c.c, c.s].map(f64::to_bits)
        };
        let ms_ssim_at = |level| {
            let mut ex = MsSsimExtractor::with_cpu_level(&fmt, ms_options, level).unwrap();
            assert_eq!(ex.cpu_level(), level);
            let first = ex.extract_components(&r.view(), &d.view()).unwrap();
            let c = ex.extract_components(&r.view(), &d.view()).unwrap();
            assert_eq!(first, c);
            let mut all = vec![c.ms_ssim.to_bits()];
            all.extend([c.l, c.c, c.s].iter().flatten().map(|v| v.to_bits()));
            all
        };
        for level in CpuLevel::supported() {
            assert_eq!(ssim_at(level), ssim_at(CpuLevel::Scalar), "{level:?}");
            assert_eq!(ms_ssim_at(level), ms_ssim_at(CpuLevel::Scalar), "{level:?}");
        }
    }
}
