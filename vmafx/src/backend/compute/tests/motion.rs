//! ComputeMotion on the emulator against MotionSad, and the kernel list.

use proptest::prelude::*;

use super::super::emulator::launch_words;
use super::super::{source, ComputeMotion, LaunchShape};
use super::device;
use crate::feature::motion::MotionSad;
use crate::test_support::pictures::{narrow, pair, plane, with_stride};

fn motion_case(w: usize, h: usize, depth: u8, style: u64, seed: u64, stride_pad: usize) {
    let (a, b) = pair(w, h, depth, style, seed);
    let (a, b) = (
        with_stride(&a, w, w + stride_pad, 7),
        with_stride(&b, w, w + stride_pad, 9),
    );
    let (na, nb) = (narrow(&a), narrow(&b));
    let earlier = plane(&a, &na, w, h, w + stride_pad, depth);
    let current = plane(&b, &nb, w, h, w + stride_pad, depth);
    let expected = MotionSad::new(w, h, depth)
        .unwrap()
        .sad(earlier, current)
        .unwrap();
    let mut gpu = ComputeMotion::new(&device(), w, h, depth).unwrap();
    assert_eq!(
        gpu.sad(earlier, current).unwrap(),
        expected,
        "{w}x{h} {depth}-bit"
    );
}

#[test]
fn every_listed_kernel_is_known_to_the_emulator() {
    let shape = LaunchShape::covering(1, 1, [1, 1]);
    for name in source::kernel_names() {
        // The C++ side answers "wrong number" only for kernels it knows, before running.
        // SAFETY: no parameters, so nothing is dereferenced.
        let error = unsafe { launch_words(name, shape, &[]) }
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("wrong number of arguments"),
            "{name}: {error}"
        );
        // The checked launch refuses the same list before it reaches the C++ side.
        let mut queue = device().queue().unwrap();
        let error = queue.launch(name, shape, &[]).unwrap_err().to_string();
        assert!(error.contains("launched with []"), "{name}: {error}");
    }
    // SAFETY: as above.
    let error = unsafe { launch_words("no_such_kernel", shape, &[]) }.unwrap_err();
    assert!(error.to_string().contains("no such kernel"));
}

#[test]
fn motion_fixed_cases() {
    for (w, h, depth) in [
        (3, 3, 8),
        (64, 48, 8),
        (101, 37, 10),
        (352, 288, 8),
        (97, 61, 16),
    ] {
        for style in 0..4 {
            motion_case(w, h, depth, style, 17 + style, 0);
        }
    }
    motion_case(65, 40, 12, 2, 5, 11);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn motion_equals_cpu(
        w in 3usize..90, h in 3usize..60,
        depth in proptest::sample::select(vec![8u8, 9, 10, 12, 16]),
        style in 0u64..4, seed in any::<u64>(), pad in 0usize..5,
    ) {
        motion_case(w, h, depth, style, seed, pad);
    }
}
