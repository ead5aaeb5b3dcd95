//! `speed_chroma`: SpEED between the reference and distorted chroma planes, each
//! frame on its own, as libvmaf's `speed_chroma` extractor.

use super::engine::SpeedEngine;
use super::options::SpeedChromaOptions;
use crate::error::{Error, Result};
use crate::feature::float_common::picture::{check_bit_depth, plane_to_float};
use crate::frame::{ChromaSubsampling, FrameFormat, FrameView, PlaneRef};

const FEATURE: &str = "speed_chroma";

/// The `speed_chroma` scores of one frame, clipped to `speed_max_val`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SpeedChromaScores {
    /// `speed_chroma_u`: SpEED of the U (Cb) planes.
    pub u: f64,
    /// `speed_chroma_v`: SpEED of the V (Cr) planes.
    pub v: f64,
    /// `speed_chroma_uv`: the mean of both, or the one plane whose statistics held
    /// when the other's covariance was singular.
    pub uv: f64,
}

impl SpeedChromaScores {
    /// libvmaf's names of the scores with default options, in its order.
    pub const NAMES: [&'static str; 3] = ["speed_chroma_u", "speed_chroma_v", "speed_chroma_uv"];

    /// The scores with their libvmaf names (default options), in libvmaf's order.
    pub fn named(&self) -> [(&'static str, f64); 3] {
        [
            (Self::NAMES[0], self.u),
            (Self::NAMES[1], self.v),
            (Self::NAMES[2], self.uv),
        ]
    }
}

/// Scores `speed_chroma` frame by frame.
#[derive(Debug)]
pub struct SpeedChromaExtractor {
    options: SpeedChromaOptions,
    format: FrameFormat,
    width: usize,
    height: usize,
    engine: SpeedEngine,
    reference: Vec<f32>,
    distorted: Vec<f32>,
}

impl SpeedChromaExtractor {
    /// Sets up for frames of `format`. Fails for invalid options, for 4:0:0 (no
    /// chroma, which libvmaf refuses too), for bit depths other than 8, 10, 12 and 16,
    /// and for chroma planes that decimate to less than one 5x5 block.
    pub fn new(format: &FrameFormat, options: SpeedChromaOptions) -> Result<Self> {
        options.validate()?;
        check_bit_depth(FEATURE, format.bit_depth())?;
        let chroma = format.chroma();
        if chroma == ChromaSubsampling::Yuv400 {
            return Err(Error::InvalidInput(format!(
                "{FEATURE} needs chroma planes; 4:0:0 has none"
            )));
        }
        // libvmaf halves the luma size rounding down, so an odd size drops the last
        // chroma column or row.
        let width = format.width() >> chroma.shift_x();
        let height = format.height() >> chroma.shift_y();
        let engine = SpeedEngine::new(
            FEATURE,
            width,
            height,
            &options.common,
            options.speed_weight_var_mode,
        )?;
        Ok(Self {
            options,
            format: *format,
            width,
            height,
            engine,
            reference: vec![0.0; width * height],
            distorted: vec![0.0; width * height],
        })
    }

    /// The options in use.
    pub fn options(&self) -> &SpeedChromaOptions {
        &self.options
    }

    /// Scores one frame pair (both of the format given to `new`).
    pub fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<SpeedChromaScores> {
        for view in [reference, distorted] {
            if view.format() != &self.format {
                return Err(Error::InvalidInput(format!(
                    "{FEATURE} was set up for {:?}, got a frame of {:?}",
                    self.format,
                    view.format()
                )));
            }
        }
        let mut channel = |index: usize| -> Result<(f32, bool)> {
            fn plane<'a>(view: &FrameView<'a>, index: usize) -> Result<PlaneRef<'a>> {
                view.plane(index).ok_or_else(|| {
                    Error::InvalidInput(format!("{FEATURE}: frame lacks chroma plane {index}"))
                })
            }
            let depth = self.format.bit_depth();
            let (w, h) = (self.width, self.height);
            plane_to_float(
                FEATURE,
                plane(reference, index)?,
                depth,
                w,
                h,
                &mut self.reference,
            )?;
            plane_to_float(
                FEATURE,
                plane(distorted, index)?,
                depth,
                w,
                h,
                &mut self.distorted,
            )?;
            let pair = self.engine.compare(&self.reference, &self.distorted);
            Ok((pair.score, pair.singular))
        };
        let (u, u_singular) = channel(1)?;
        let (v, v_singular) = channel(2)?;
        // A plane whose covariance is singular (say, flat) takes the other's score.
        let uv = match (u_singular, v_singular) {
            (true, false) => v,
            (false, true) => u,
            _ => (f64::from(u + v) / 2.0) as f32,
        };
        let max = self.options.common.speed_max_val;
        let clip = |score: f32| {
            let score = f64::from(score);
            // As C's `MIN`: a NaN score yields the maximum.
            if score < max {
                score
            } else {
                max
            }
        };
        Ok(SpeedChromaScores {
            u: clip(u),
            v: clip(v),
            uv: clip(uv),
        })
    }
}
