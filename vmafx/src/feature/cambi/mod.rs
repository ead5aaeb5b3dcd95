//! CAMBI, Netflix's contrast-aware multiscale banding index, equal to libvmaf's `cambi`
//! feature.
//!
//! Per picture: the luma is resampled to the encoding size and converted to 10 bits
//! (`preprocess`), a mask keeps the flat areas (`mask`), and at five scales a 3x3 mode
//! filter runs, every masked pixel gets a banding strength from the code values in its
//! window (`cvalues`), and the largest strengths are averaged (`pooling`). The score
//! is a no-reference measure of the distorted picture; in full-reference mode the
//! reference is scored too, at the source size, and the increase is reported.
//!
//! Nothing carries over from one frame to the next except scratch buffers.
//!
//! The picture passes (loading, anti-dithering, mask, halving, mode filter, pooling) run
//! at the instruction-set level chosen from [`crate::cpu::level`] (or per extractor with
//! `with_cpu_level`): the scalar references, or `fast`'s equivalents compiled for AVX2 or
//! AVX-512, which also skip runs of unmasked pixels in the c-values and pool without
//! sorting where that provably gives the same sum. Every level gives the same scores.

mod canvas;
mod cvalues;
mod descriptor;
mod fast;
mod heatmap;
mod kernels;
mod luminance;
mod mask;
mod options;
mod pooling;
mod preprocess;
#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(test)]
mod simd_tests;
#[cfg(test)]
mod tests;

pub use descriptor::DESCRIPTOR;
pub use options::{CambiOptions, Eotf};

use crate::cpu::CpuLevel;
use crate::error::{Error, Result};
use crate::frame::{FrameFormat, FrameView, PlaneRef};

use canvas::Canvas;
use cvalues::{CValues, ContrastModel};
use heatmap::Heatmaps;
use kernels::{Kernels, Scratch};

/// libvmaf refuses pictures whose width and height are both below this.
pub const MIN_DIMENSION: usize = 216;

/// Largest window (after scaling to the picture) whose counts fit the 16-bit histograms.
/// libvmaf at the reference commit stops at 65, which at the default `window_size`
/// rules out pictures whose width plus height exceeds 6092 (DCI 4K for one); larger
/// windows are scored here with the same arithmetic.
const MAX_WINDOW: usize = 255;

/// Each `cambi_high_res_speedup` setting, and the encoding size in pixels from which it
/// takes effect.
const SPEEDUP_THRESHOLDS: [(u32, usize); 3] = [
    (1080, 1920 * 1080),
    (1440, 2560 * 1440),
    (2160, 3840 * 2160),
];

/// CAMBI of one frame pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CambiScores {
    /// Banding of the distorted picture, clipped to `cambi_max_val` (libvmaf's `cambi`).
    pub cambi: f64,
    /// Banding of the reference picture at the source size, clipped (libvmaf's
    /// `cambi_source`); only in full-reference mode.
    pub cambi_source: Option<f64>,
    /// How much banding the distorted picture adds to the reference, at least 0 and
    /// clipped (libvmaf's `cambi_full_reference`); only in full-reference mode.
    pub cambi_full_reference: Option<f64>,
}

/// Size a picture is scored at, and the window used there.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    width: usize,
    height: usize,
    window: usize,
}

/// Scores pictures of one format with one set of options. Keeps its scratch buffers
/// between frames.
#[derive(Debug, Clone)]
pub struct CambiExtractor {
    format: FrameFormat,
    encoded: Geometry,
    source: Geometry,
    enc_bitdepth: u32,
    high_res_speedup: bool,
    topk: f64,
    max_val: f64,
    full_ref: bool,
    model: ContrastModel,
    image: Canvas,
    mask: Canvas,
    c_values: CValues,
    kernels: Kernels,
    scratch: Scratch,
    /// Where the distorted pictures' c-values go, with `heatmaps_path`.
    heatmaps: Option<Heatmaps>,
    /// The frame index [`CambiExtractor::extract`] gives the next picture's heatmaps.
    next_frame: u64,
}

/// The window scaled from 4K to a `width` x `height` picture, halved with the speed-up,
/// and made odd.
fn scaled_window(window_size: u32, width: usize, height: usize, speedup: bool) -> usize {
    let mut window = ((window_size as usize * (width + height)) / 375) >> 4;
    if speedup {
        window = (window + 1) >> 1;
    }
    window | 1
}

impl CambiExtractor {
    /// Prepares CAMBI for pictures of `format`.
    ///
    /// Fails with [`Error::Feature`] for options out of range, and with
    /// [`Error::InvalidInput`] when the encoding size or the source size (each the input
    /// size unless set) has both sides below [`MIN_DIMENSION`], when the source size is
    /// wider but shorter (or narrower but taller) than the encoding size, or when the
    /// scaled window would exceed 255 pixels.
    pub fn new(format: &FrameFormat, options: CambiOptions) -> Result<Self> {
        Self::with_cpu_level(format, options, crate::cpu::level())
    }

    /// As [`CambiExtractor::new`], with the picture passes of `level`, lowered to what
    /// this processor supports ([`CpuLevel::capped`]). Every level gives the same scores.
    pub fn with_cpu_level(
        format: &FrameFormat,
        options: CambiOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        options.validate()?;
        let (width, height) = (format.width(), format.height());
        let or_input = |w: u32, h: u32| {
            if w == 0 || h == 0 {
                (width, height)
            } else {
                (w as usize, h as usize)
            }
        };
        let (mut enc_w, mut enc_h) = or_input(options.enc_width, options.enc_height);
        // A downscaled encode is scored at the input size; there is no upscaling back.
        if enc_w > width || enc_h > height {
            (enc_w, enc_h) = (width, height);
        }
        let (src_w, src_h) = or_input(options.src_width, options.src_height);
        for (what, w, h) in [("encoding", enc_w, enc_h), ("source", src_w, src_h)] {
            if w < MIN_DIMENSION && h < MIN_DIMENSION {
                return Err(Error::InvalidInput(format!(
                    "cambi needs a width or height of at least {MIN_DIMENSION}, the {what} \
                     size is {w}x{h}"
                )));
            }
        }
        if (src_w > enc_w && src_h < enc_h) || (src_w < enc_w && src_h > enc_h) {
            return Err(Error::InvalidInput(format!(
                "cambi: source size {src_w}x{src_h} is not ordered like the encoding size \
                 {enc_w}x{enc_h}"
            )));
        }
        let high_res_speedup = SPEEDUP_THRESHOLDS.iter().any(|&(lines, pixels)| {
            options.cambi_high_res_speedup == lines && enc_w * enc_h >= pixels
        });
        let window = |w, h| scaled_window(options.window_size, w, h, high_res_speedup);
        let encoded = Geometry {
            width: enc_w,
            height: enc_h,
            window: window(enc_w, enc_h),
        };
        let source = Geometry {
            width: src_w,
            height: src_h,
            window: window(src_w, src_h),
        };
        let max_window = encoded.window.max(source.window);
        if max_window > MAX_WINDOW {
            return Err(Error::InvalidInput(format!(
                "cambi: window of {max_window} pixels is too large (at most {MAX_WINDOW})"
            )));
        }
        let model = ContrastModel::new(
            options.max_log_contrast,
            options.tvi_threshold,
            options.cambi_vis_lum_threshold,
            options.effective_eotf(),
            max_window,
        )?;
        let heatmaps = match &options.heatmaps_path {
            Some(dir) => Some(Heatmaps::create(
                dir,
                enc_w,
                enc_h,
                encoded.window,
                model.max_weight(),
            )?),
            None => None,
        };
        let kernels = Kernels::for_level(level);
        let (canvas_w, canvas_h) = if options.full_ref {
            (enc_w.max(src_w), enc_h.max(src_h))
        } else {
            (enc_w, enc_h)
        };
        Ok(Self {
            format: *format,
            encoded,
            source,
            enc_bitdepth: match options.enc_bitdepth {
                0 => u32::from(format.bit_depth()),
                depth => depth,
            },
            high_res_speedup,
            topk: options.effective_topk(),
            max_val: options.cambi_max_val,
            full_ref: options.full_ref,
            model,
            image: Canvas::new(canvas_w, canvas_h),
            mask: Canvas::new(canvas_w, canvas_h),
            c_values: CValues::new(kernels.level() != CpuLevel::Scalar),
            kernels,
            scratch: Scratch::default(),
            heatmaps,
            next_frame: 0,
        })
    }

    /// Scores one frame pair. `distorted` is the picture scored; `reference` is read only
    /// in full-reference mode. Both must have the extractor's format. With
    /// `heatmaps_path`, the pair counts as the frame after the last one scored (frame 0
    /// first); see [`CambiExtractor::extract_frame`].
    pub fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<CambiScores> {
        self.extract_frame(self.next_frame, reference, distorted)
    }

    /// As [`CambiExtractor::extract`], for frame `index` of the video: with
    /// `heatmaps_path`, its heatmaps go to that frame's place in the files, so frames may
    /// be scored in any order or by clones of one extractor.
    pub fn extract_frame(
        &mut self,
        index: u64,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<CambiScores> {
        self.check_format(distorted, "distorted")?;
        self.next_frame = index + 1;
        let distorted_score = self.score(&distorted.luma(), self.encoded, Some(index))?;
        let mut scores = CambiScores {
            cambi: self.clip(distorted_score),
            cambi_source: None,
            cambi_full_reference: None,
        };
        if self.full_ref {
            self.check_format(reference, "reference")?;
            let source_score = self.score(&reference.luma(), self.source, None)?;
            let added = distorted_score - source_score;
            scores.cambi_source = Some(self.clip(source_score));
            scores.cambi_full_reference = Some(self.clip(if added < 0.0 { 0.0 } else { added }));
        }
        Ok(scores)
    }

    /// The instruction-set level of the picture passes.
    pub fn cpu_level(&self) -> CpuLevel {
        self.kernels.level()
    }

    fn clip(&self, score: f64) -> f64 {
        if score < self.max_val {
            score
        } else {
            self.max_val
        }
    }

    fn check_format(&self, picture: &FrameView<'_>, role: &str) -> Result<()> {
        let got = picture.format();
        if (got.width(), got.height(), got.bit_depth())
            != (
                self.format.width(),
                self.format.height(),
                self.format.bit_depth(),
            )
        {
            return Err(Error::Mismatch(format!(
                "cambi was set up for {}x{} at {} bits, the {role} picture is {}x{} at {} bits",
                self.format.width(),
                self.format.height(),
                self.format.bit_depth(),
                got.width(),
                got.height(),
                got.bit_depth()
            )));
        }
        Ok(())
    }

    /// CAMBI of one luma plane scored at `geometry`, before clipping; its c-values go to
    /// the heatmaps as frame `heatmap_frame` when that is given and heatmaps are on.
    fn score(
        &mut self,
        luma: &PlaneRef<'_>,
        geometry: Geometry,
        heatmap_frame: Option<u64>,
    ) -> Result<f64> {
        let bit_depth = self.format.bit_depth();
        preprocess::check_sample_range(luma, bit_depth)?;
        let Geometry {
            mut width,
            mut height,
            window,
        } = geometry;
        let kernels = self.kernels;
        kernels.load_10bit(luma, bit_depth, &mut self.image, width, height);
        if self.enc_bitdepth < 10 {
            kernels.smooth_dither(&mut self.image, width, height, &mut self.scratch);
        }
        kernels.spatial_mask(
            &self.image,
            &mut self.mask,
            width,
            height,
            &mut self.scratch,
        );
        let mut per_scale = [0.0f64; 5];
        for (scale, score) in per_scale.iter_mut().enumerate() {
            if scale > 0 || self.high_res_speedup {
                width = width.div_ceil(2);
                height = height.div_ceil(2);
                kernels.halve(&mut self.image, width, height);
                kernels.halve(&mut self.mask, width, height);
            }
            kernels.mode_filter(&mut self.image, width, height, &mut self.scratch);
            self.c_values
                .compute(&self.model, &self.image, &self.mask, width, height, window);
            if let (Some(maps), Some(frame)) = (&self.heatmaps, heatmap_frame) {
                maps.write(scale, frame, self.c_values.values(), width, height)?;
            }
            *score = kernels.mean_of_largest(self.c_values.values_mut(), self.topk);
        }
        Ok(pooling::combine_scales(&per_scale, window))
    }
}
