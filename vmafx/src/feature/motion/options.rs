//! Options of the integer motion feature, with libvmaf's names, defaults and ranges.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::feature::options::OptionValues;

/// Settings of the integer motion feature. [`Default`] gives libvmaf's defaults.
///
/// The fields may be set directly; [`MotionOptions::from_dict`] is the checked way in,
/// enforcing the ranges libvmaf accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotionOptions {
    /// `motion_force_zero`: every score is zero and no frame is compared. Default `false`.
    pub force_zero: bool,
    /// `motion_blend_factor`, 0..=1: weight of the raw score when blending scores above
    /// [`MotionOptions::blend_offset`] for `motion3`. Default 1 (no blending).
    pub blend_factor: f64,
    /// `motion_blend_offset`, 0..=1000: where blending starts. Default 40.
    pub blend_offset: f64,
    /// `motion_fps_weight`, 0..=5: multiplies every SAD score. Default 1.
    pub fps_weight: f64,
    /// `motion_max_val`, 0..=10000: scores are clipped to this. Default 10000.
    pub max_val: f64,
    /// `motion_five_frame_window`: compare each frame with the one two frames back
    /// instead of the previous one. Default `false`.
    pub five_frame_window: bool,
    /// `motion_moving_average`: `motion3` is the mean of this and the previous frame's
    /// processed value. Default `false`.
    pub moving_average: bool,
    /// `debug`: libvmaf then also reports the SAD score as `integer_motion`. Default `false`.
    pub debug: bool,
}

impl Default for MotionOptions {
    fn default() -> Self {
        Self {
            force_zero: false,
            blend_factor: 1.0,
            blend_offset: 40.0,
            fps_weight: 1.0,
            max_val: 10000.0,
            five_frame_window: false,
            moving_average: false,
            debug: false,
        }
    }
}

impl MotionOptions {
    /// Reads the options from their parsed values (see [`super::DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Self {
        Self {
            force_zero: values.bool("motion_force_zero"),
            blend_factor: values.double("motion_blend_factor"),
            blend_offset: values.double("motion_blend_offset"),
            fps_weight: values.double("motion_fps_weight"),
            max_val: values.double("motion_max_val"),
            five_frame_window: values.bool("motion_five_frame_window"),
            moving_average: values.bool("motion_moving_average"),
            debug: values.bool("debug"),
        }
    }

    /// Builds options from libvmaf option names (`motion_max_val`,
    /// `motion_five_frame_window`, ...) mapped to numbers; switches are `0` or `1`.
    /// Keys not given keep their default.
    pub fn from_dict(opts: &BTreeMap<String, f64>) -> Result<Self> {
        Ok(Self::from_options(
            &super::DESCRIPTOR.values_from_numbers(opts)?,
        ))
    }

    /// How many frames back each frame is compared with: 2 with the five-frame window,
    /// else 1. It is also the index of the first frame that gets a SAD score.
    pub fn frame_distance(&self) -> u64 {
        if self.five_frame_window {
            2
        } else {
            1
        }
    }

    /// The index of the earlier reference frame that frame `index` is compared with,
    /// or `None` when that frame's SAD score is zero without any comparison
    /// (the first frames, or [`MotionOptions::force_zero`]).
    pub fn compared_frame(&self, index: u64) -> Option<u64> {
        if self.force_zero {
            return None;
        }
        index.checked_sub(self.frame_distance())
    }

    /// Turns a raw filtered SAD of a `width` x `height` plane into the per-frame score:
    /// the mean absolute filtered difference (in 8-bit units), weighted and clipped.
    pub fn sad_score(&self, raw_sad: u64, width: usize, height: usize) -> f64 {
        // The pixel count is a 32-bit unsigned product in the reference implementation;
        // wrapping keeps even a 65536x65536 picture equal to it.
        let pixels = (width as u32).wrapping_mul(height as u32);
        let mean = raw_sad as f64 / 256.0 / f64::from(pixels);
        smaller(mean * self.fps_weight, self.max_val)
    }

    /// The blended and clipped value `motion3` is built from.
    pub(crate) fn processed(&self, score: f64) -> f64 {
        let blended = score * self.blend_factor
            + (1.0 - self.blend_factor) * smaller(self.blend_offset, score);
        smaller(blended, self.max_val)
    }
}

/// `a` when it is less than `b`, else `b`; unlike `f64::min`, a NaN `a` yields `b` and a
/// NaN `b` yields `b`, as the reference's comparison does.
#[inline]
pub(crate) fn smaller(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn dict(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
    }

    #[test]
    fn empty_dict_gives_defaults() {
        assert_eq!(
            MotionOptions::from_dict(&dict(&[])).unwrap(),
            MotionOptions::default()
        );
    }

    #[test]
    fn every_option_is_read() {
        let o = MotionOptions::from_dict(&dict(&[
            ("motion_force_zero", 1.0),
            ("motion_blend_factor", 0.5),
            ("motion_blend_offset", 20.0),
            ("motion_fps_weight", 2.0),
            ("motion_max_val", 18.0),
            ("motion_five_frame_window", 1.0),
            ("motion_moving_average", 1.0),
            ("debug", 1.0),
        ]))
        .unwrap();
        assert!(o.force_zero && o.five_frame_window && o.moving_average && o.debug);
        assert_eq!(
            (o.blend_factor, o.blend_offset, o.fps_weight, o.max_val),
            (0.5, 20.0, 2.0, 18.0)
        );
        assert_eq!(o.frame_distance(), 2);
    }

    #[test]
    fn unknown_key_is_an_unknown_option() {
        let err = MotionOptions::from_dict(&dict(&[("mmxv", 18.0)])).unwrap_err();
        assert!(matches!(err, Error::UnknownOption { .. }), "{err:?}");
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        for (key, value) in [
            ("motion_blend_factor", 1.5),
            ("motion_blend_offset", -1.0),
            ("motion_fps_weight", 5.1),
            ("motion_max_val", 10000.5),
            ("motion_max_val", f64::NAN),
            ("motion_force_zero", 0.5),
            ("motion_moving_average", 2.0),
        ] {
            let err = MotionOptions::from_dict(&dict(&[(key, value)])).unwrap_err();
            assert!(
                matches!(err, Error::OptionValue { .. }),
                "{key}={value}: {err:?}"
            );
        }
    }

    #[test]
    fn compared_frame_follows_the_window() {
        let mut o = MotionOptions::default();
        assert_eq!(o.compared_frame(0), None);
        assert_eq!(o.compared_frame(5), Some(4));
        o.five_frame_window = true;
        assert_eq!(o.compared_frame(1), None);
        assert_eq!(o.compared_frame(5), Some(3));
        o.force_zero = true;
        assert_eq!(o.compared_frame(5), None);
    }

    #[test]
    fn sad_score_normalises_weights_and_clips() {
        let mut o = MotionOptions::default();
        assert_eq!(o.sad_score(256 * 6, 2, 3), 1.0);
        o.fps_weight = 2.0;
        assert_eq!(o.sad_score(256 * 6, 2, 3), 2.0);
        o.max_val = 1.5;
        assert_eq!(o.sad_score(256 * 6, 2, 3), 1.5);
    }
}
