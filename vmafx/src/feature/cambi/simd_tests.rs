//! Property tests: every instruction-set level this processor supports gives exactly the
//! scalar reference's pictures, masks and pooled means, pass by pass and for whole
//! frames, on random pictures of odd and tiny sizes and at 8 and 10 bits.

use proptest::prelude::*;

use super::canvas::Canvas;
use super::kernels::{Kernels, Scratch};
use super::pooling;
use super::{CambiExtractor, CambiOptions};
use crate::cpu::CpuLevel;
use crate::frame::{ChromaSubsampling, Frame, FrameFormat, PlaneBuffer};

/// Pseudo-random samples below `max + 1`: plain noise, or blocks of few values with
/// some noise (so that flat areas, bands and every mode-filter case occur), or only
/// the extremes 0 and `max`.
fn samples(seed: u64, width: usize, height: usize, max: u16, kind: u8) -> Vec<u16> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(width * height);
    for y in 0..height {
        for x in 0..width {
            let r = next();
            let v = match kind {
                0 => (r % (u64::from(max) + 1)) as u16,
                1 => {
                    let block = ((x / 5 + y / 3) % 4) as u16 + (max / 3);
                    if r % 11 == 0 {
                        block + (r >> 32) as u16 % 3
                    } else {
                        block
                    }
                }
                _ => {
                    if r >> 63 == 0 {
                        0
                    } else {
                        max
                    }
                }
            };
            out.push(v.min(max));
        }
    }
    out
}

/// A canvas of `width` x `height` (plus `extra` spare columns and rows, as scales below
/// the first leave) holding `data` at its top left.
fn canvas(data: &[u16], width: usize, height: usize, extra: usize) -> Canvas {
    let mut c = Canvas::new(width + extra, height + extra);
    for y in 0..height {
        c.row_mut(y)[..width].copy_from_slice(&data[y * width..(y + 1) * width]);
    }
    c
}

fn whole(c: &Canvas) -> Vec<u16> {
    (0..c.height()).flat_map(|y| c.row(y).to_vec()).collect()
}

/// Runs `pass` on a copy of `start` at every supported level and asserts that each
/// leaves the scalar level's canvases.
fn same_at_every_level(
    start: &Canvas,
    pass: impl Fn(Kernels, &mut Canvas, &mut Canvas, &mut Scratch),
) -> Result<(), TestCaseError> {
    let run = |level| {
        let (mut image, mut other) = (start.clone(), Canvas::new(start.width(), start.height()));
        let kernels = Kernels::for_level(level);
        pass(kernels, &mut image, &mut other, &mut Scratch::default());
        (kernels.level(), whole(&image), whole(&other))
    };
    let (_, image, other) = run(CpuLevel::Scalar);
    for level in CpuLevel::supported() {
        let (ran, level_image, level_other) = run(level);
        prop_assert_eq!(ran, level);
        prop_assert_eq!(&level_image, &image, "{:?} picture", level);
        prop_assert_eq!(&level_other, &other, "{:?} second canvas", level);
    }
    Ok(())
}

fn size() -> impl Strategy<Value = (usize, usize)> {
    prop_oneof![
        Just((17, 9)),
        Just((33, 19)),
        Just((257, 3)),
        Just((1, 1)),
        Just((2, 7)),
        (1usize..80, 1usize..40),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn picture_passes_equal_the_scalar_reference(
        (width, height) in size(),
        seed in any::<u64>(),
        kind in 0u8..3,
        max in prop_oneof![Just(1023u16), Just(1024u16), Just(3u16), 1u16..1024],
        extra in 0usize..3,
    ) {
        let data = samples(seed, width, height, max, kind);
        let start = canvas(&data, width, height, extra);
        same_at_every_level(&start, |k, image, mask, scratch| {
            k.spatial_mask(image, mask, width, height, scratch)
        })?;
        same_at_every_level(&start, |k, image, _, scratch| {
            k.smooth_dither(image, width, height, scratch)
        })?;
        same_at_every_level(&start, |k, image, _, scratch| {
            k.mode_filter(image, width, height, scratch)
        })?;
        let (half_w, half_h) = ((width + extra).div_ceil(2), (height + extra).div_ceil(2));
        let full = canvas(&samples(seed ^ 1, width + extra, height + extra, max, kind),
            width + extra, height + extra, 0);
        same_at_every_level(&full, |k, image, _, _| k.halve(image, half_w, half_h))?;
    }

    #[test]
    fn pooled_means_equal_the_quickselect_reference(
        len in 1usize..3000,
        seed in any::<u64>(),
        zeros in 0u64..4,
        scale in prop_oneof![Just(1.0f32), Just(1e-3), Just(3e4), Just(1e12)],
        topk in prop_oneof![Just(0.6f64), Just(0.0001), Just(1.0), 0.0f64..1.0],
    ) {
        let mut state = seed | 1;
        let values: Vec<f32> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if state % 4 < zeros {
                    0.0
                } else {
                    // C-value-like products of a small integer and a reciprocal, some
                    // repeated, some with full mantissas.
                    let n = (state >> 40) % 300 + 1;
                    let d = (state >> 20) % 60 + 1;
                    (n as f32) * (1.0 / d as f32) * scale
                }
            })
            .collect();
        let reference = pooling::mean_of_largest(&mut values.clone(), topk);
        let unordered = pooling::mean_of_largest_unordered(&mut values.clone(), topk);
        prop_assert_eq!(unordered.to_bits(), reference.to_bits());
    }

    #[test]
    fn frames_score_the_same_at_every_level(
        (width, height) in prop_oneof![Just((257usize, 3usize)), Just((217, 19)), Just((240, 61)), Just((33, 230)), Just((300, 200))],
        bit_depth in prop_oneof![Just(8u8), Just(10u8)],
        seed in any::<u64>(),
        kind in 0u8..3,
        full_ref in any::<bool>(),
        downscaled in any::<bool>(),
    ) {
        let format = FrameFormat::new(width, height, ChromaSubsampling::Yuv420, bit_depth).unwrap();
        let max = (1u16 << bit_depth) - 1;
        let frame_of = |seed| {
            let data = samples(seed, width, height, max, kind);
            let mut f = Frame::zeroed(format);
            match f.plane_buffer_mut(0) {
                PlaneBuffer::U8(d) => d.iter_mut().zip(&data).for_each(|(o, &v)| *o = v as u8),
                PlaneBuffer::U16(d) => d.copy_from_slice(&data),
            }
            f
        };
        let (reference, distorted) = (frame_of(seed), frame_of(seed ^ 7));
        let mut options = CambiOptions { full_ref, ..CambiOptions::default() };
        // An encoding size below the input's resamples it (to 225 x 150 from 300 x 200).
        if downscaled && width == 300 {
            (options.enc_width, options.enc_height) = (225, 150);
        }
        let score = |level| {
            let mut e = CambiExtractor::with_cpu_level(&format, options.clone(), level).unwrap();
            let s = e.extract(&reference.view(), &distorted.view()).unwrap();
            [Some(s.cambi), s.cambi_source, s.cambi_full_reference]
                .map(|v| v.map(f64::to_bits))
        };
        let expected = score(CpuLevel::Scalar);
        for level in CpuLevel::supported() {
            prop_assert_eq!(score(level), expected, "{:?}", level);
        }
    }
}
