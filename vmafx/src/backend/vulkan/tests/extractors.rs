//! VulkanMotion, VulkanVif and VulkanAdm against the CPU extractors on random pictures:
//! every output must be equal, bit for bit.

use proptest::prelude::*;

use super::device;
use crate::backend::vulkan::{VulkanAdm, VulkanFrameScorer, VulkanMotion, VulkanVif};
use crate::feature::adm::{AdmExtractor, AdmOptions, AdmPlan, AdmSums};
use crate::feature::motion::MotionSad;
use crate::feature::vif::{VifExtractor, VifOptions, VifPlan};
use crate::test_support::adm_cases::{adm_bits, adm_options};
use crate::test_support::pictures::{narrow, pair, plane, with_stride};

/// Bit depths worth covering: the common ones and a few odd ones.
const DEPTHS: [u8; 7] = [8, 9, 10, 11, 12, 14, 16];

fn motion_case(w: usize, h: usize, depth: u8, style: u64, seed: u64, stride_pad: usize) {
    let Some(device) = device() else { return };
    let (a, b) = pair(w, h, depth, style, seed);
    let stride = w + stride_pad;
    let (a, b) = (with_stride(&a, w, stride, 7), with_stride(&b, w, stride, 3));
    let (a8, b8) = (narrow(&a), narrow(&b));
    let pa = plane(&a, &a8, w, h, stride, depth);
    let pb = plane(&b, &b8, w, h, stride, depth);
    let want = MotionSad::new(w, h, depth).unwrap().sad(pa, pb).unwrap();
    let mut gpu = VulkanMotion::new(device, w, h, depth).unwrap();
    assert_eq!(gpu.sad(pa, pb).unwrap(), want, "{w}x{h} at {depth} bits");
    // The same pair in a batch, between others.
    let got = gpu.sad_batch(&[(pb, pa), (pa, pb), (pa, pa)]).unwrap();
    assert_eq!(got[1], want);
    assert_eq!(got[2], 0);
}

fn vif_case(w: usize, h: usize, depth: u8, style: u64, seed: u64, options: VifOptions) {
    let Some(device) = device() else { return };
    let (a, b) = pair(w, h, depth, style, seed);
    let (a8, b8) = (narrow(&a), narrow(&b));
    let pa = plane(&a, &a8, w, h, w, depth);
    let pb = plane(&b, &b8, w, h, w, depth);
    let want = VifExtractor::new(w, h, depth, options)
        .unwrap()
        .extract(pa, pb)
        .unwrap();
    let plan = VifPlan::new(w, h, depth, options).unwrap();
    let mut gpu = VulkanVif::new(device, &plan).unwrap();
    let got = plan.finish(&gpu.sums(pa, pb).unwrap());
    let bits = |s: &crate::feature::vif::VifScores| {
        (
            s.scale.map(f64::to_bits),
            s.num.map(f32::to_bits),
            s.den.map(f32::to_bits),
        )
    };
    assert_eq!(
        bits(&got),
        bits(&want),
        "{w}x{h} at {depth} bits, {options:?}: {got:?} vs {want:?}"
    );
    let batch = gpu.sums_batch(&[(pb, pa), (pa, pb)]).unwrap();
    assert_eq!(bits(&plan.finish(&batch[1])), bits(&want));
}

fn adm_case(w: usize, h: usize, depth: u8, style: u64, seed: u64, options: AdmOptions) {
    let Some(device) = device() else { return };
    let (a, b) = pair(w, h, depth, style, seed);
    let (a8, b8) = (narrow(&a), narrow(&b));
    let pa = plane(&a, &a8, w, h, w, depth);
    let pb = plane(&b, &b8, w, h, w, depth);
    let want = AdmExtractor::new(w, h, depth, options)
        .unwrap()
        .extract(pa, pb)
        .unwrap();
    let plan = AdmPlan::new(w, h, depth, options).unwrap();
    let mut gpu = VulkanAdm::new(device, &plan).unwrap();
    let mut sums = AdmSums::default();
    gpu.sums(pa, pb, &mut sums).unwrap();
    let got = plan.finish(&sums);
    assert_eq!(
        adm_bits(&got),
        adm_bits(&want),
        "{w}x{h} at {depth} bits, {options:?}: {got:?} vs {want:?}"
    );
    let batch = gpu.sums_batch(&[(pb, pa), (pa, pb)]).unwrap();
    assert_eq!(adm_bits(&plan.finish(&batch[1])), adm_bits(&want));
}

#[test]
fn adm_fixed_cases() {
    for (w, h, depth, style) in [
        (33, 33, 8, 0),
        (48, 37, 10, 1),
        (64, 48, 8, 2),
        (97, 65, 12, 1),
        (70, 40, 16, 2),
        (80, 64, 8, 3),
    ] {
        for choice in 0..12 {
            adm_case(
                w,
                h,
                depth,
                style,
                w as u64 * 13 + h as u64,
                adm_options(choice),
            );
        }
    }
}

#[test]
fn frame_scorer_batches_equal_cpu() {
    let Some(device) = device() else { return };
    let (w, h, depth) = (61, 45, 10);
    let pictures: Vec<_> = (0..5).map(|k| pair(w, h, depth, k, 100 + k)).collect();
    let pairs: Vec<_> = pictures
        .iter()
        .map(|(a, b)| (plane(a, &[], w, h, w, depth), plane(b, &[], w, h, w, depth)))
        .collect();
    let (vif_options, adm_options) = (VifOptions::default(), AdmOptions::default());
    let vif_plan = VifPlan::new(w, h, depth, vif_options).unwrap();
    let adm_plan = AdmPlan::new(w, h, depth, adm_options).unwrap();
    let mut gpu = VulkanFrameScorer::new(device, &vif_plan, &adm_plan).unwrap();
    let got: Vec<_> = (gpu.sums_batch(&pairs).unwrap().iter())
        .map(|(v, a)| (vif_plan.finish(v), adm_plan.finish(a)))
        .collect();
    assert_eq!(got.len(), pairs.len());
    let mut vif = VifExtractor::new(w, h, depth, vif_options).unwrap();
    let mut adm = AdmExtractor::new(w, h, depth, adm_options).unwrap();
    for ((r, d), (gv, ga)) in pairs.iter().zip(&got) {
        let wv = vif.extract(*r, *d).unwrap();
        assert_eq!(gv.scale.map(f64::to_bits), wv.scale.map(f64::to_bits));
        assert_eq!(adm_bits(ga), adm_bits(&adm.extract(*r, *d).unwrap()));
    }
    // An empty batch and a single pair work too.
    assert!(gpu.sums_batch(&[]).unwrap().is_empty());
    assert_eq!(gpu.sums_batch(&pairs[..1]).unwrap().len(), 1);
}

#[test]
fn motion_fixed_cases() {
    for (w, h, depth) in [
        (3, 3, 8),
        (5, 4, 10),
        (37, 19, 8),
        (64, 48, 12),
        (17, 5, 16),
        (700, 4, 9),
    ] {
        motion_case(w, h, depth, 2, w as u64 * 7 + h as u64, 0);
    }
    // Full 16-bit samples declared as 9 bits: row totals wrap as on the CPU.
    let Some(device) = device() else { return };
    let (w, h) = (700, 4);
    let (a, b) = (vec![u16::MAX; w * h], vec![0u16; w * h]);
    let pa = plane(&a, &[], w, h, w, 9);
    let pb = plane(&b, &[], w, h, w, 9);
    let want = MotionSad::new(w, h, 9).unwrap().sad(pa, pb).unwrap();
    assert_eq!(
        VulkanMotion::new(device, w, h, 9)
            .unwrap()
            .sad(pa, pb)
            .unwrap(),
        want
    );
}

#[test]
fn vif_fixed_cases() {
    for (w, h, depth, style) in [
        (16, 16, 8, 0),
        (33, 17, 10, 1),
        (64, 48, 8, 2),
        (41, 67, 12, 1),
        (50, 30, 16, 2),
        (96, 64, 8, 3),
    ] {
        for egl in [100.0, 1.0, 1.37] {
            let options = VifOptions {
                enhn_gain_limit: egl,
                ..VifOptions::default()
            };
            vif_case(w, h, depth, style, w as u64 * 31 + h as u64, options);
        }
    }
    let options = VifOptions {
        skip_scale0: true,
        ..VifOptions::default()
    };
    vif_case(40, 36, 8, 1, 5, options);
}

/// Random cases per property: modest by default, `VMAFX_PROPTEST_CASES` for long runs.
fn cases() -> u32 {
    std::env::var("VMAFX_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn motion_equals_cpu(
        w in 3usize..90, h in 3usize..60, depth in proptest::sample::select(DEPTHS.to_vec()),
        style in 0u64..4, seed in any::<u64>(), pad in 0usize..5,
    ) {
        motion_case(w, h, depth, style, seed, pad);
    }

    #[test]
    fn adm_equals_cpu(
        w in 33usize..110, h in 33usize..90, depth in proptest::sample::select(DEPTHS.to_vec()),
        style in 0u64..4, seed in any::<u64>(), choice in 0u64..12,
    ) {
        adm_case(w, h, depth, style, seed, adm_options(choice));
    }

    #[test]
    fn vif_equals_cpu(
        w in 16usize..100, h in 16usize..80, depth in proptest::sample::select(DEPTHS.to_vec()),
        style in 0u64..4, seed in any::<u64>(), egl in prop_oneof![Just(100.0), Just(1.0), 1.0f64..100.0],
        skip in proptest::bool::weighted(0.1),
    ) {
        vif_case(w, h, depth, style, seed, VifOptions { enhn_gain_limit: egl, skip_scale0: skip, ..Default::default() });
    }
}
