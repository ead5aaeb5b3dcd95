//! Test pictures: textured references and distortions of them, from a seed.
#![allow(dead_code)] // Each backend's tests use their own subset of these helpers.

use crate::frame::{Plane, PlaneRef};

/// SplitMix64: a small deterministic generator.
pub struct Noise(pub u64);

impl Noise {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A pair of `w x h` pictures of `bit_depth` bits: a textured reference and a distorted
/// copy (blurred, amplified or noisy by `style`), so that every branch of the metrics
/// (flat and textured areas, gains above and below one) occurs.
pub fn pair(w: usize, h: usize, bit_depth: u8, style: u64, seed: u64) -> (Vec<u16>, Vec<u16>) {
    let mut noise = Noise(seed);
    let max = f64::from((1u32 << bit_depth) - 1);
    let (fx, fy) = (3.0 + noise.below(9) as f64, 4.0 + noise.below(11) as f64);
    let reference: Vec<f64> = (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) as f64, (i / w) as f64);
            let smooth = 0.5 + 0.3 * (x / fx).sin() * (y / fy).cos();
            let grain = (noise.below(17) as f64 - 8.0) / 255.0;
            // Flat blocks keep some areas below the log model's noise floor.
            let block = (i % w) / 8 + (i / w) / 8;
            let flat = (block / 5) * 5 == block;
            if flat {
                0.4
            } else {
                smooth + grain
            }
        })
        .collect();
    let distorted: Vec<f64> = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            let at = |dx: isize, dy: isize| {
                let xx = (x as isize + dx).clamp(0, w as isize - 1) as usize;
                let yy = (y as isize + dy).clamp(0, h as isize - 1) as usize;
                reference[yy * w + xx]
            };
            match style % 4 {
                0 => (at(-1, 0) + at(1, 0) + at(0, -1) + at(0, 1) + 4.0 * at(0, 0)) / 8.0,
                1 => 0.5 + (at(0, 0) - 0.5) * 1.4,
                2 => at(0, 0) + (noise.below(41) as f64 - 20.0) / 255.0,
                _ => noise.below(1 << bit_depth) as f64 / max,
            }
        })
        .collect();
    let quantise = |v: &[f64]| {
        v.iter()
            .map(|&s| (s.clamp(0.0, 1.0) * max).round() as u16)
            .collect()
    };
    (quantise(&reference), quantise(&distorted))
}

/// Samples narrowed to 8 bits (for 8-bit pictures).
pub fn narrow(samples: &[u16]) -> Vec<u8> {
    samples.iter().map(|&s| s as u8).collect()
}

/// A plane view of `w x h` samples of the right type for `bit_depth`, with the given
/// stride; `wide` and `narrow` hold the same picture.
pub fn plane<'a>(
    wide: &'a [u16],
    narrow: &'a [u8],
    w: usize,
    h: usize,
    stride: usize,
    bit_depth: u8,
) -> PlaneRef<'a> {
    if bit_depth > 8 {
        PlaneRef::U16(Plane::new(wide, w, h, stride).expect("valid test plane"))
    } else {
        PlaneRef::U8(Plane::new(narrow, w, h, stride).expect("valid test plane"))
    }
}

/// Copies a packed picture into rows of `stride` samples, padding with `fill`.
pub fn with_stride(samples: &[u16], w: usize, stride: usize, fill: u16) -> Vec<u16> {
    samples
        .chunks_exact(w)
        .flat_map(|row| {
            row.iter()
                .copied()
                .chain(std::iter::repeat_n(fill, stride - w))
        })
        .collect()
}
