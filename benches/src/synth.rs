//! Deterministic synthetic video: a textured, moving reference (panning gradients and
//! two scales of noise texture, sharp-edged moving rectangles, changing chroma) and a
//! distorted version of it (blur, noise, quantisation). Integer arithmetic only, so the
//! same parameters give the same samples on every machine.
//!
//! Frames are made one at a time into reusable buffers: any length costs the same memory.

use anyhow::{ensure, Result};
use vmafx::{ChromaSubsampling, Frame, FrameFormat};

/// Internal sample scale: 8-bit values times 256, converted to the bit depth at the end.
const ONE: i32 = 256;
/// Video range of 8-bit luma, in internal units.
const LUMA_RANGE: (i32, i32) = (16 * ONE, 235 * ONE);

/// A synthetic 4:2:0 clip of one size and bit depth.
#[derive(Debug, Clone)]
pub struct SyntheticVideo {
    format: FrameFormat,
    /// Triangle wave of the horizontal gradient, one period.
    wave_x: Vec<i32>,
    /// Triangle wave of the vertical gradient, one period.
    wave_y: Vec<i32>,
}

/// The three planes of one synthetic frame, samples at the clip's bit depth.
#[derive(Debug, Clone)]
pub struct SyntheticFrame {
    format: FrameFormat,
    planes: [Vec<u16>; 3],
}

impl SyntheticVideo {
    /// A clip of `width` x `height` (even, at least 16) at `bit_depth` (8..=16) bits.
    pub fn new(width: usize, height: usize, bit_depth: u8) -> Result<Self> {
        ensure!(
            width >= 16 && height >= 16 && width.is_multiple_of(2) && height.is_multiple_of(2),
            "synthetic clips need even sizes of at least 16x16, got {width}x{height}"
        );
        ensure!(
            (8..=16).contains(&bit_depth),
            "bit depth {bit_depth} is outside 8..=16"
        );
        let format = FrameFormat::new(width, height, ChromaSubsampling::Yuv420, bit_depth)?;
        Ok(Self {
            format,
            wave_x: triangle_wave(523, 42 * ONE),
            wave_y: triangle_wave(389, 30 * ONE),
        })
    }

    /// The frame format (4:2:0).
    pub fn format(&self) -> &FrameFormat {
        &self.format
    }

    /// A frame of zeros to fill with [`SyntheticVideo::reference`] or
    /// [`SyntheticVideo::distorted`].
    pub fn blank_frame(&self) -> SyntheticFrame {
        let planes = std::array::from_fn(|i| {
            vec![0u16; self.format.plane_width(i) * self.format.plane_height(i)]
        });
        SyntheticFrame {
            format: self.format,
            planes,
        }
    }

    /// Reference frame `index` into `out`.
    pub fn reference(&self, index: u64, out: &mut SyntheticFrame) {
        let t = (index % 100_000) as usize;
        let (width, height) = (self.format.width(), self.format.height());
        let shift = 16 - u32::from(self.format.bit_depth());
        let rectangles = moving_rectangles(t, width, height);
        let mut row = vec![0i32; width];
        for y in 0..height {
            let gradient_y = self.wave_y[(y + 2 * t) % self.wave_y.len()];
            // The texture pans right and down: motion the motion feature can see.
            let (tex_y, fine_y) = ((y + t) as u32, (y + t) as u32);
            for (x, value) in row.iter_mut().enumerate() {
                let tex_x = (x + 3 * t) as u32;
                let coarse = (hash(tex_x >> 3, tex_y >> 3, 1) & 0x1fff) as i32 - 0x1000;
                let fine = (hash(tex_x, fine_y, 2) & 0x7ff) as i32 - 0x400;
                *value = 128 * ONE
                    + self.wave_x[(x + 3 * t) % self.wave_x.len()]
                    + gradient_y
                    + coarse
                    + fine;
            }
            for r in rectangles.iter().filter(|r| (r.top..r.bottom).contains(&y)) {
                for value in &mut row[r.left..r.right] {
                    *value += r.offset;
                }
            }
            let out_row = &mut out.planes[0][y * width..(y + 1) * width];
            for (o, &v) in out_row.iter_mut().zip(&row) {
                *o = (v.clamp(LUMA_RANGE.0, LUMA_RANGE.1) >> shift) as u16;
            }
        }
        for plane in 1..3 {
            let (w, h) = (
                self.format.plane_width(plane),
                self.format.plane_height(plane),
            );
            let phase = if plane == 1 { t } else { 2 * t + 100 };
            for y in 0..h {
                for x in 0..w {
                    let along = if plane == 1 { x } else { y };
                    let wave = self.wave_x[(2 * along + phase) % self.wave_x.len()] / 2;
                    let speckle = (hash(x as u32, (y + t) as u32, 3 + plane as u32) & 0x3ff) as i32;
                    let v = (128 * ONE + wave + speckle - 0x200).clamp(16 * ONE, 240 * ONE);
                    out.planes[plane][y * w + x] = (v >> shift) as u16;
                }
            }
        }
    }

    /// The distorted version of `reference` (frame `index`) into `out`: luma blurred
    /// [1 2 1] both ways, then noise, then quantisation with a step that changes every
    /// 20 frames; chroma quantised.
    pub fn distorted(&self, index: u64, reference: &SyntheticFrame, out: &mut SyntheticFrame) {
        let t = index % 100_000;
        let depth = u32::from(self.format.bit_depth());
        let max = (1i32 << depth) - 1;
        let step_bits = (depth - 8) + 1 + (t / 20 % 3) as u32;
        let noise_amplitude = 3i32 << (depth - 8);
        let (width, height) = (self.format.width(), self.format.height());
        let source = &reference.planes[0];
        let at = |x: usize, y: usize| i32::from(source[y * width + x]);
        for y in 0..height {
            let (up, down) = (y.saturating_sub(1), (y + 1).min(height - 1));
            for x in 0..width {
                let (left, right) = (x.saturating_sub(1), (x + 1).min(width - 1));
                let column = |x: usize| at(x, up) + 2 * at(x, y) + at(x, down);
                let blurred = (column(left) + 2 * column(x) + column(right) + 8) >> 4;
                let noise = (hash(x as u32, y as u32, 7 + t as u32)
                    % (2 * noise_amplitude as u32 + 1)) as i32
                    - noise_amplitude;
                out.planes[0][y * width + x] = quantise(blurred + noise, step_bits, max);
            }
        }
        for plane in 1..3 {
            for (o, &s) in out.planes[plane].iter_mut().zip(&reference.planes[plane]) {
                *o = quantise(i32::from(s), step_bits, max);
            }
        }
    }
}

impl SyntheticFrame {
    /// The frame format.
    pub fn format(&self) -> &FrameFormat {
        &self.format
    }

    /// Plane `index` (0 luma, 1 U, 2 V), tightly packed.
    pub fn plane(&self, index: usize) -> &[u16] {
        &self.planes[index]
    }

    /// A [`vmafx::Frame`] holding the same samples, for the vmafx API.
    pub fn to_frame(&self) -> Frame {
        let mut frame = Frame::zeroed(self.format);
        for (index, samples) in self.planes.iter().enumerate() {
            match frame.plane_buffer_mut(index) {
                vmafx::frame::PlaneBuffer::U8(data) => {
                    for (d, &s) in data.iter_mut().zip(samples) {
                        *d = s as u8;
                    }
                }
                vmafx::frame::PlaneBuffer::U16(data) => data.copy_from_slice(samples),
            }
        }
        frame
    }
}

/// One period of a triangle wave of `period` samples between `-amplitude` and
/// `amplitude`.
fn triangle_wave(period: usize, amplitude: i32) -> Vec<i32> {
    let half = period as i64 / 2;
    (0..period as i64)
        .map(|i| {
            let distance = if i < half { i } else { period as i64 - i };
            (amplitude as i64 * (4 * distance - period as i64) / period as i64) as i32
        })
        .collect()
}

/// A rectangle of constant offset, clipped to the picture.
struct Rectangle {
    left: usize,
    right: usize,
    top: usize,
    bottom: usize,
    offset: i32,
}

/// Six rectangles that bounce around the picture at different speeds.
fn moving_rectangles(t: usize, width: usize, height: usize) -> Vec<Rectangle> {
    (0..6)
        .map(|k: usize| {
            let (w, h) = (width / (5 + k), height / (4 + k));
            let bounce = |extent: usize, speed: usize, start: usize| {
                let span = extent.max(1);
                let p = (start + speed * t) % (2 * span);
                if p < span {
                    p
                } else {
                    2 * span - p
                }
            };
            let left = bounce(width - w, 2 + 3 * k, k * 97);
            let top = bounce(height - h, 1 + 2 * k, k * 53);
            let offset = if k.is_multiple_of(2) { 55 } else { -48 } * ONE;
            Rectangle {
                left,
                right: (left + w).min(width),
                top,
                bottom: (top + h).min(height),
                offset,
            }
        })
        .collect()
}

/// Rounds `value` to a multiple of 2^`bits` and clamps it to `0..=max`.
fn quantise(value: i32, bits: u32, max: i32) -> u16 {
    let half = 1i32 << (bits - 1);
    (((value + half) >> bits) << bits).clamp(0, max) as u16
}

/// A cheap integer hash of a position and a salt (well mixed in every bit).
fn hash(x: u32, y: u32, salt: u32) -> u32 {
    let mut h = x
        .wrapping_mul(0x9e37_79b1)
        .wrapping_add(y.wrapping_mul(0x85eb_ca77))
        .wrapping_add(salt.wrapping_mul(0xc2b2_ae3d));
    h ^= h >> 15;
    h = h.wrapping_mul(0x2c1b_3c6d);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297a_2d39);
    h ^ (h >> 15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_deterministic_in_range_and_moving() {
        for depth in [8u8, 10, 16] {
            let video = SyntheticVideo::new(64, 48, depth).unwrap();
            let (mut a, mut b, mut d) = (
                video.blank_frame(),
                video.blank_frame(),
                video.blank_frame(),
            );
            video.reference(5, &mut a);
            video.reference(5, &mut b);
            assert_eq!(a.plane(0), b.plane(0));
            video.distorted(5, &a, &mut d);
            assert_ne!(a.plane(0), d.plane(0));
            video.reference(6, &mut b);
            assert_ne!(a.plane(0), b.plane(0), "the content moves");
            let max = (1u32 << depth) - 1;
            for plane in 0..3 {
                assert!(d.plane(plane).iter().all(|&s| u32::from(s) <= max));
                assert!(a.plane(plane).iter().all(|&s| u32::from(s) <= max));
            }
            assert_eq!(a.to_frame().format().bit_depth(), depth);
        }
    }

    #[test]
    fn odd_or_tiny_sizes_are_refused() {
        assert!(SyntheticVideo::new(15, 16, 8).is_err());
        assert!(SyntheticVideo::new(17, 16, 8).is_err());
        assert!(SyntheticVideo::new(16, 16, 7).is_err());
    }
}
