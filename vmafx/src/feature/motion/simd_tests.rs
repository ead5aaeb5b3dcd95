//! Property tests: every instruction-set level this processor supports gives exactly the
//! scalar reference's SAD, on random planes of random sizes (odd and tiny ones included)
//! and every bit depth, and its row kernels give exactly the scalar rows.

use proptest::prelude::*;

use super::blur::{MotionSad, RowKernels, Taps};
use super::MIN_DIMENSION;
use crate::cpu::CpuLevel;
use crate::frame::{Plane, PlaneRef};

/// Samples of one plane: pseudo-random below `max`, or only the extremes 0 and `max`
/// (which drive the filtered sums to their largest magnitudes).
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

/// The SAD of two planes of `width` x `height` (rows `stride` apart) at every supported
/// level, scalar first.
fn sad_per_level(
    earlier: &[u32],
    current: &[u32],
    (width, height, stride): (usize, usize, usize),
    bit_depth: u8,
) -> Vec<(CpuLevel, u64)> {
    let narrow = |v: &[u32]| v.iter().map(|&s| s as u8).collect::<Vec<_>>();
    let wide = |v: &[u32]| v.iter().map(|&s| s as u16).collect::<Vec<_>>();
    let (a8, b8, a16, b16) = (
        narrow(earlier),
        narrow(current),
        wide(earlier),
        wide(current),
    );
    CpuLevel::supported()
        .into_iter()
        .map(|level| {
            let mut kernel = MotionSad::with_cpu_level(width, height, bit_depth, level).unwrap();
            assert_eq!(kernel.cpu_level(), level);
            let sad = if bit_depth == 8 {
                let a = PlaneRef::U8(Plane::new(&a8, width, height, stride).unwrap());
                let b = PlaneRef::U8(Plane::new(&b8, width, height, stride).unwrap());
                kernel.sad(a, b)
            } else {
                let a = PlaneRef::U16(Plane::new(&a16, width, height, stride).unwrap());
                let b = PlaneRef::U16(Plane::new(&b16, width, height, stride).unwrap());
                kernel.sad(a, b)
            };
            (level, sad.unwrap())
        })
        .collect()
}

fn assert_all_equal(results: &[(CpuLevel, u64)]) -> Result<(), TestCaseError> {
    let (_, reference) = results[0];
    for &(level, sad) in &results[1..] {
        prop_assert_eq!(sad, reference, "{} differs from scalar", level.name());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_level_equals_scalar(
        width in MIN_DIMENSION..=100usize,
        height in MIN_DIMENSION..=12usize,
        padding in 0..=3usize,
        bit_depth in 8u8..=16,
        extremes in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let stride = width + padding;
        let count = stride * height;
        let max = (1u32 << bit_depth) - 1;
        let earlier = samples(seed, count, max, extremes);
        let current = samples(seed ^ 0x9e37_79b9_7f4a_7c15, count, max, extremes);
        assert_all_equal(&sad_per_level(&earlier, &current, (width, height, stride), bit_depth))?;
    }

    #[test]
    fn every_level_equals_scalar_on_samples_above_the_bit_depth(
        width in MIN_DIMENSION..=80usize,
        height in MIN_DIMENSION..=8usize,
        bit_depth in 9u8..=16,
        extremes in any::<bool>(),
        seed in any::<u64>(),
    ) {
        // Any 16-bit value, whatever the declared depth: the widest sums there are.
        let count = width * height;
        let earlier = samples(seed, count, u32::from(u16::MAX), extremes);
        let current = samples(!seed, count, u32::from(u16::MAX), extremes);
        assert_all_equal(&sad_per_level(&earlier, &current, (width, height, width), bit_depth))?;
    }

    #[test]
    fn every_horizontal_kernel_equals_scalar(
        (_bits, row) in (1u32..=23).prop_flat_map(|bits| {
            // Magnitudes up to 2^23, the most a vertical pass yields; rows below 2^15
            // take the SIMD kernels' unsplit path.
            let values = -(1i32 << bits)..(1i32 << bits);
            (Just(bits), prop::collection::vec(values, MIN_DIMENSION..=90))
        }),
    ) {
        let reference = unsafe { (RowKernels::for_level(CpuLevel::Scalar).horizontal_sad)(&row) };
        for level in CpuLevel::supported() {
            let kernels = RowKernels::for_level(level);
            // SAFETY: the level is supported.
            let got = unsafe { (kernels.horizontal_sad)(&row) };
            prop_assert_eq!(got, reference, "{}", level.name());
        }
    }
}

#[test]
fn vertical_kernels_report_all_zero_rows_at_every_level() {
    for width in [MIN_DIMENSION, 8, 16, 17, 40] {
        let same = vec![700u16; width];
        let rows = Taps {
            earlier: [same.as_slice(); 5],
            current: [same.as_slice(); 5],
        };
        let mut out = vec![1i32; width];
        for level in CpuLevel::supported() {
            let kernels = RowKernels::for_level(level);
            // SAFETY: the level is supported and every row is `width` long.
            let any = unsafe { (kernels.vertical_wide)(&rows, 10, &mut out) };
            assert!(!any, "{}", level.name());
            assert!(out.iter().all(|&v| v == 0));
        }
    }
}
