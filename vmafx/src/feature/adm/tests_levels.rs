//! Every kernel set gives the reference's scores, bit for bit: property tests over random
//! pictures, sizes (odd ones included), bit depths and options.

use proptest::prelude::*;

use super::*;
use crate::frame::Plane;

/// Deterministic pseudo-random samples (xorshift64*).
fn noise(seed: u64, len: usize, max: u32) -> Vec<u32> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as u32 % (max + 1)
        })
        .collect()
}

/// A textured reference and a distorted copy: a blend of smooth structure, noise and a
/// shifted, attenuated or amplified version, so that every decoupling branch is taken.
fn picture_pair(w: usize, h: usize, bits: u8, seed: u64, mode: u8) -> (Vec<u32>, Vec<u32>) {
    let max = (1u32 << bits) - 1;
    let grain = noise(seed, w * h, max);
    let reference: Vec<u32> = (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) as f64, (i / w) as f64);
            let smooth = 0.5 + 0.3 * (x * 0.21).sin() * (y * 0.17).cos();
            let v = smooth * f64::from(max) * 0.8 + f64::from(grain[i]) * 0.2;
            (v as u32).min(max)
        })
        .collect();
    let jitter = noise(seed ^ 0x5555, w * h, max);
    let distorted = (0..w * h)
        .map(|i| {
            let r = i64::from(reference[i]);
            let j = i64::from(jitter[i]) - i64::from(max / 2);
            let v = match mode % 4 {
                0 => r + j / 16,
                1 => (r * 3 + i64::from(reference[(i + 1) % (w * h)])) / 4,
                2 => r + (r - i64::from(max / 2)) / 3 + j / 64,
                _ => i64::from(jitter[i]),
            };
            v.clamp(0, i64::from(max)) as u32
        })
        .collect();
    (reference, distorted)
}

/// Scores of `pairs`, in order, with one extractor.
fn scores_with(ex: &mut AdmExtractor, pairs: &[(Vec<u32>, Vec<u32>)]) -> Vec<AdmScores> {
    let (w, h) = (ex.setup.width, ex.setup.height);
    let bits = ex.setup.bit_depth;
    pairs
        .iter()
        .map(|(r, d)| {
            if bits == 8 {
                let r: Vec<u8> = r.iter().map(|&v| v as u8).collect();
                let d: Vec<u8> = d.iter().map(|&v| v as u8).collect();
                let rp = PlaneRef::U8(Plane::new(&r, w, h, w).unwrap());
                let dp = PlaneRef::U8(Plane::new(&d, w, h, w).unwrap());
                ex.extract(rp, dp).unwrap()
            } else {
                let r: Vec<u16> = r.iter().map(|&v| v as u16).collect();
                let d: Vec<u16> = d.iter().map(|&v| v as u16).collect();
                let rp = PlaneRef::U16(Plane::new(&r, w, h, w).unwrap());
                let dp = PlaneRef::U16(Plane::new(&d, w, h, w).unwrap());
                ex.extract(rp, dp).unwrap()
            }
        })
        .collect()
}

/// Every field's bits: exact equality that also holds for identical NaNs (extreme CSF
/// scales overflow the fixed-point weights, in libvmaf too).
fn bits_of(s: &AdmScores) -> Vec<u64> {
    let mut all = vec![s.adm2, s.adm3, s.aim, s.num, s.den];
    all.extend(s.scale.iter().chain(&s.scale_num).chain(&s.scale_den));
    all.into_iter().map(f64::to_bits).collect()
}

fn options_strategy() -> impl Strategy<Value = AdmOptions> {
    (0u8..6).prop_map(|variant| match variant {
        0 | 1 => AdmOptions::default(),
        2 => AdmOptions {
            enhn_gain_limit: 1.0,
            ..AdmOptions::default()
        },
        3 => AdmOptions {
            enhn_gain_limit: 1.7,
            ..AdmOptions::default()
        },
        4 => AdmOptions {
            csf_mode: CsfMode::Barten,
            csf_scale: 50.0,
            csf_diag_scale: 40.0,
            skip_aim: true,
            ..AdmOptions::default()
        },
        _ => AdmOptions {
            skip_scale0: true,
            enhn_gain_limit: 1.0,
            ..AdmOptions::default()
        },
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_backend_equals_the_reference(
        w in 33usize..160,
        h in 33usize..120,
        bits in prop::sample::select(vec![8u8, 10, 12, 16]),
        seed in any::<u64>(),
        mode in any::<u8>(),
        options in options_strategy(),
    ) {
        let pairs = [
            picture_pair(w, h, bits, seed, mode),
            picture_pair(w, h, bits, seed.rotate_left(7), mode.wrapping_add(1)),
        ];
        let mut scalar = AdmExtractor::with_cpu_level(w, h, bits, options, CpuLevel::Scalar).unwrap();
        prop_assert!(matches!(scalar.backend, Backend::Reference));
        let expected = scores_with(&mut scalar, &pairs);
        // Every level this processor runs, and the fused pipeline with scalar rows.
        let mut extractors: Vec<AdmExtractor> = CpuLevel::supported()
            .into_iter()
            .map(|level| AdmExtractor::with_cpu_level(w, h, bits, options, level).unwrap())
            .collect();
        extractors.push(AdmExtractor::with_backend(w, h, bits, options, Backend::Portable).unwrap());
        for ex in &mut extractors {
            let got = scores_with(ex, &pairs);
            prop_assert_eq!(
                got.iter().map(bits_of).collect::<Vec<_>>(),
                expected.iter().map(bits_of).collect::<Vec<_>>(),
                "{:?} {}x{} {} bits: {:?} vs {:?}", ex.backend, w, h, bits, got, expected
            );
        }
    }
}

#[test]
fn each_level_runs_its_own_kernels() {
    let make = |level| AdmExtractor::with_cpu_level(64, 48, 8, AdmOptions::default(), level);
    assert!(matches!(
        make(CpuLevel::Scalar).unwrap().backend,
        Backend::Reference
    ));
    #[cfg(target_arch = "x86_64")]
    for level in CpuLevel::supported() {
        let backend = make(level).unwrap().backend;
        match level {
            CpuLevel::Avx2 => assert!(matches!(backend, Backend::Avx2(_))),
            CpuLevel::Avx512 => assert!(matches!(backend, Backend::Avx512(_))),
            _ => assert!(matches!(backend, Backend::Reference)),
        }
    }
}
