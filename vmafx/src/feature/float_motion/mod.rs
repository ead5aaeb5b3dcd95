//! `float_motion`: how much the reference video changes between frames, on floats,
//! equal to libvmaf's `float_motion` extractor (`motion`, `motion2`, `motion3`).
//!
//! Each reference frame is blurred; `motion` of frame `i` is the mean absolute
//! difference between the blurred frames `i - 1` and `i`. `motion2` of frame `i` is the
//! smaller of the differences to its neighbours (the last frame keeps its own, the
//! first is 0), so it is final one frame later; `motion3` blends and clips it. As in
//! libvmaf, frame 0's `motion3` is the processed difference of frames 0 and 1.

mod blur;
mod descriptor;

use std::collections::{BTreeMap, VecDeque};

use self::blur::{
    as_misread, blur, filter_for_size, float_pitch, half_size, halve, mean_abs_difference,
};
use crate::error::{Error, Result};
use crate::feature::float_common::picture::{check_bit_depth, check_plane_size, plane_to_float};
use crate::feature::float_common::resample::BILINEAR_MAX_WIDTH;
use crate::feature::options::OptionValues;
use crate::frame::{FrameView, PlaneRef};

pub use descriptor::DESCRIPTOR;

const FEATURE: &str = "float_motion";

/// Options of the float motion extractor, named as libvmaf names them.
#[derive(Debug, Clone, PartialEq)]
pub struct FloatMotionOptions {
    /// libvmaf's `debug` flag, on by default: it makes libvmaf report `motion`.
    /// [`FloatMotionScores::motion`] is computed either way.
    pub debug: bool,
    /// Report 0 for every score. Default false.
    pub motion_force_zero: bool,
    /// Multiplier of the scores (frame-rate correction), 0..=5. Default 1.
    pub motion_fps_weight: f64,
    /// Blend factor of `motion3`, 0..=1. Default 1 (no blending).
    pub motion_blend_factor: f64,
    /// Offset above which `motion3` is blended, 0..=1000. Default 40.
    pub motion_blend_offset: f64,
    /// Add the difference of half-resolution copies. Default false.
    pub motion_add_scale1: bool,
    /// Blur size, 0..=9: 1 is no blur, 3 a 3-tap blur, anything else 5 taps. Default 5.
    pub motion_filter_size: i32,
    /// Add the chroma planes' differences (needs [`FloatMotionExtractor::push_frame`]).
    pub motion_add_uv: bool,
    /// Upper bound of the scores, 0..=10000. Default 10000.
    pub motion_max_val: f64,
}

impl Default for FloatMotionOptions {
    fn default() -> Self {
        Self {
            debug: true,
            motion_force_zero: false,
            motion_fps_weight: 1.0,
            motion_blend_factor: 1.0,
            motion_blend_offset: 40.0,
            motion_add_scale1: false,
            motion_filter_size: 5,
            motion_add_uv: false,
            motion_max_val: 10000.0,
        }
    }
}

impl FloatMotionOptions {
    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Self {
        Self {
            debug: values.bool("debug"),
            motion_force_zero: values.bool("motion_force_zero"),
            motion_fps_weight: values.double("motion_fps_weight"),
            motion_blend_factor: values.double("motion_blend_factor"),
            motion_blend_offset: values.double("motion_blend_offset"),
            motion_add_scale1: values.bool("motion_add_scale1"),
            motion_filter_size: i32::try_from(values.int("motion_filter_size"))
                .unwrap_or(i32::MAX),
            motion_add_uv: values.bool("motion_add_uv"),
            motion_max_val: values.double("motion_max_val"),
        }
    }

    /// Reads options by libvmaf name (switches as 0/1) over the defaults.
    pub fn from_dict(dict: &BTreeMap<String, f64>) -> Result<Self> {
        Ok(Self::from_options(&DESCRIPTOR.values_from_numbers(dict)?))
    }

    fn clipped(&self, raw: f64) -> f64 {
        let v = raw * self.motion_fps_weight;
        if v < self.motion_max_val {
            v
        } else {
            self.motion_max_val
        }
    }

    /// A raw difference weighted, blended above the offset and clipped (`motion3`).
    fn blended(&self, raw: f64) -> f64 {
        let v = raw * self.motion_fps_weight;
        let capped = if self.motion_blend_offset < v {
            self.motion_blend_offset
        } else {
            v
        };
        let blend = v * self.motion_blend_factor + (1.0 - self.motion_blend_factor) * capped;
        if blend < self.motion_max_val {
            blend
        } else {
            self.motion_max_val
        }
    }
}

/// The motion scores of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FloatMotionScores {
    /// `motion`: difference from the previous frame (0 on the first frame).
    pub motion: f64,
    /// `motion2`: the smaller of the differences to the previous and next frame.
    pub motion2: f64,
    /// `motion3`: `motion2` blended and clipped.
    pub motion3: f64,
}

impl FloatMotionScores {
    /// libvmaf's names, in the order of [`FloatMotionScores::named`].
    pub const NAMES: [&'static str; 3] = ["motion", "motion2", "motion3"];

    /// The scores with their libvmaf names.
    pub fn named(&self) -> [(&'static str, f64); 3] {
        [
            ("motion", self.motion),
            ("motion2", self.motion2),
            ("motion3", self.motion3),
        ]
    }
}

/// One frame's blurred planes (luma, then chroma when used) and their half-size copies.
#[derive(Debug, Default)]
struct Blurred {
    planes: [Vec<f32>; 3],
    halves: [Vec<f32>; 3],
}

/// Scores float motion frame by frame. Keeps the last three blurred frames.
#[derive(Debug)]
pub struct FloatMotionExtractor {
    options: FloatMotionOptions,
    bit_depth: u8,
    filter: &'static [f32],
    /// Sizes of the planes compared: luma, and the chroma planes once known.
    sizes: Vec<(usize, usize)>,
    ring: [Blurred; 3],
    converted: Vec<f32>,
    misread: Vec<f32>,
    column_pass: Vec<f32>,
    padded: Vec<f32>,
    frames: u64,
    /// Raw difference between the last two frames pushed.
    last_difference: f64,
    /// `motion` of the last frame pushed, reported with its `motion2` one frame later.
    last_motion: f64,
    ready: VecDeque<(u64, FloatMotionScores)>,
}

impl FloatMotionExtractor {
    /// Sets up for `width` x `height` luma planes at `bit_depth` (8, 10, 12 or 16).
    pub fn new(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: FloatMotionOptions,
    ) -> Result<Self> {
        check_bit_depth(FEATURE, bit_depth)?;
        let filter = filter_for_size(options.motion_filter_size);
        check_size(filter, width, height)?;
        if options.motion_add_scale1 && half_size(width, height).0 > BILINEAR_MAX_WIDTH {
            return Err(Error::InvalidInput(format!(
                "{FEATURE}: motion_add_scale1 supports widths up to {}",
                2 * BILINEAR_MAX_WIDTH
            )));
        }
        let mut extractor = Self {
            options,
            bit_depth,
            filter,
            sizes: vec![(width, height)],
            ring: Default::default(),
            converted: Vec::new(),
            misread: Vec::new(),
            column_pass: Vec::new(),
            padded: Vec::new(),
            frames: 0,
            last_difference: 0.0,
            last_motion: 0.0,
            ready: VecDeque::new(),
        };
        extractor.allocate();
        Ok(extractor)
    }

    /// The options in use.
    pub fn options(&self) -> &FloatMotionOptions {
        &self.options
    }

    /// Takes the next reference luma plane; returns the next frame whose scores are
    /// final, if any ([`FloatMotionExtractor::pop`] returns any further ones).
    ///
    /// Fails with `motion_add_uv`, which needs [`FloatMotionExtractor::push_frame`].
    pub fn push(&mut self, reference: PlaneRef<'_>) -> Result<Option<(u64, FloatMotionScores)>> {
        if self.options.motion_add_uv {
            return Err(Error::InvalidInput(format!(
                "{FEATURE}: motion_add_uv needs chroma planes; use push_frame"
            )));
        }
        self.push_planes(&[reference])
    }

    /// Takes the next reference frame (chroma is used with `motion_add_uv`); as
    /// [`FloatMotionExtractor::push`] otherwise.
    pub fn push_frame(
        &mut self,
        reference: &FrameView<'_>,
    ) -> Result<Option<(u64, FloatMotionScores)>> {
        if !self.options.motion_add_uv {
            return self.push_planes(&[reference.luma()]);
        }
        let (u, v) = match (reference.plane(1), reference.plane(2)) {
            (Some(u), Some(v)) => (u, v),
            _ => {
                return Err(Error::InvalidInput(format!(
                    "{FEATURE}: motion_add_uv needs a frame with chroma planes"
                )))
            }
        };
        // libvmaf's chroma planes are rounded down in size.
        let f = reference.format();
        let chroma = (
            f.width() >> f.chroma().shift_x(),
            f.height() >> f.chroma().shift_y(),
        );
        if self.sizes.len() == 1 {
            check_size(self.filter, chroma.0, chroma.1)?;
            self.sizes.extend([chroma, chroma]);
            self.allocate();
        } else if self.sizes[1] != chroma {
            return Err(Error::InvalidInput(format!(
                "{FEATURE}: chroma size changed from {:?} to {chroma:?}",
                self.sizes[1]
            )));
        }
        self.push_planes(&[reference.luma(), u, v])
    }

    /// The next frame whose scores are final, without pushing anything.
    pub fn pop(&mut self) -> Option<(u64, FloatMotionScores)> {
        self.ready.pop_front()
    }

    /// Marks the end of the input and returns the remaining frames, one per call, until
    /// `None`. The extractor then starts over with frame 0.
    pub fn flush(&mut self) -> Option<(u64, FloatMotionScores)> {
        if self.frames > 0 && !self.options.motion_force_zero {
            let last = self.frames - 1;
            let scores = if last == 0 {
                FloatMotionScores::default()
            } else {
                FloatMotionScores {
                    motion: self.last_motion,
                    motion2: self.options.clipped(self.last_difference),
                    motion3: self.options.blended(self.last_difference),
                }
            };
            self.ready.push_back((last, scores));
        }
        self.frames = 0;
        self.ready.pop_front()
    }

    fn allocate(&mut self) {
        let scale1 = self.options.motion_add_scale1;
        for slot in &mut self.ring {
            for (p, &(w, h)) in self.sizes.iter().enumerate() {
                slot.planes[p].resize(w * h, 0.0);
                if scale1 {
                    let (hw, hh) = half_size(w, h);
                    slot.halves[p].resize(hw * hh, 0.0);
                }
            }
        }
    }

    fn push_planes(&mut self, planes: &[PlaneRef<'_>]) -> Result<Option<(u64, FloatMotionScores)>> {
        let (w, h) = self.sizes[0];
        check_plane_size(FEATURE, &planes[0], w, h)?;
        let index = self.frames;
        if self.options.motion_force_zero {
            self.frames += 1;
            return Ok(Some((index, FloatMotionScores::default())));
        }
        let slot = (index % 3) as usize;
        for (p, plane) in planes.iter().enumerate() {
            let (w, h) = self.sizes[p];
            self.converted.resize(w * h, 0.0);
            plane_to_float(FEATURE, *plane, self.bit_depth, w, h, &mut self.converted)?;
            let blurred = &mut self.ring[slot];
            blur(
                self.filter,
                &self.converted,
                w,
                h,
                &mut blurred.planes[p],
                &mut self.column_pass,
                &mut self.padded,
            );
            if self.options.motion_add_scale1 {
                let luma_pitch = float_pitch(self.sizes[0].0);
                if p > 0 && float_pitch(w) != luma_pitch {
                    // Reproduces libvmaf's half-scale chroma input (see `as_misread`).
                    as_misread(&blurred.planes[p], w, h, luma_pitch, &mut self.misread);
                    halve(&self.misread, w, h, &mut blurred.halves[p]);
                } else {
                    halve(&blurred.planes[p], w, h, &mut blurred.halves[p]);
                }
            }
        }
        self.frames += 1;
        if index == 0 {
            self.last_motion = 0.0;
            return Ok(None);
        }

        let previous = ((index - 1) % 3) as usize;
        let difference = self.difference(previous, slot);
        let scores = if index == 1 {
            FloatMotionScores {
                motion: 0.0,
                motion2: 0.0,
                motion3: self.options.blended(difference),
            }
        } else {
            let before = self.difference(previous, ((index - 2) % 3) as usize);
            let smaller = if before < difference {
                before
            } else {
                difference
            };
            FloatMotionScores {
                motion: self.last_motion,
                motion2: self.options.clipped(smaller),
                motion3: self.options.blended(smaller),
            }
        };
        self.last_difference = difference;
        self.last_motion = self.options.clipped(difference);
        self.ready.push_back((index - 1, scores));
        Ok(self.ready.pop_front())
    }

    /// Raw difference of two stored frames: per plane the mean absolute difference
    /// (plus that of the half-size copies), summed over the planes in double.
    fn difference(&self, a: usize, b: usize) -> f64 {
        let (a, b) = (&self.ring[a], &self.ring[b]);
        let mut total = 0.0f64;
        for (p, &(w, h)) in self.sizes.iter().enumerate() {
            let mut d = mean_abs_difference(&a.planes[p], &b.planes[p], w, h);
            if self.options.motion_add_scale1 {
                let (hw, hh) = half_size(w, h);
                d += mean_abs_difference(&a.halves[p], &b.halves[p], hw, hh);
            }
            total += f64::from(d);
        }
        total
    }
}

/// Fails unless the blur's mirrored borders fit inside a `width` x `height` plane.
fn check_size(filter: &[f32], width: usize, height: usize) -> Result<()> {
    let radius = filter.len() / 2;
    if width > radius && height > radius {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{FEATURE}: {width}x{height} is too small for a {}-tap blur",
            filter.len()
        )))
    }
}

#[cfg(test)]
mod tests;
