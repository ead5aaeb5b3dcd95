//! ADM (additive distortion measure / detail loss), libvmaf's integer `adm` extractor.
//!
//! Both luma planes go through a 4-level fixed-point Daubechies-2 wavelet analysis
//! (`dwt`). At each level the distorted detail is split into the part restored from the
//! reference and the additive impairment (`decouple`). The restored part, CSF-weighted and
//! contrast-masked by the impairment (`masking`), over the reference's own weighted
//! energy (`denominator`) gives the detail-loss score `adm2`. AIM measures the impairment
//! masked by the restored part, and `adm3` blends the two.
//!
//! Every step reproduces libvmaf's scalar C bit for bit: its integer widths, shifts and
//! roundings (quirks included), and its float conversions of the sums.

mod csf;
mod decouple;
mod denominator;
mod dwt;
mod masking;
mod options;
mod region;
mod tables;

#[cfg(test)]
mod tests;

pub use options::{AdmOptions, CsfMode};

use crate::error::{Error, Result};
use crate::frame::{PlaneRef, MAX_DIMENSION};

use decouple::{decouple_coarse, decouple_fine, Decoupled};
use denominator::{denominator_coarse, denominator_fine};
use dwt::{analyse_coarse, analyse_fine, fill_taps, Bands};
use masking::{
    cube_root_sum, masked_energy, weigh_bands, CoarseArithmetic, FineArithmetic, MaskingArithmetic,
    MaskingInput,
};
use region::Region;

/// Smallest width and height accepted. The coarsest level needs at least 5 input samples
/// per line (`ceil(n / 8) >= 5`); below that libvmaf reads outside its bands.
pub const MIN_DIMENSION: usize = 33;

/// The scores of one frame pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdmScores {
    /// Detail-loss score over all scales (`integer_adm2`).
    pub adm2: f64,
    /// `max(dlm_weight * adm2 + (1 - dlm_weight) * (1 - aim), min_val)` (`integer_adm3`).
    pub adm3: f64,
    /// Additive impairment measure, normalised by the detail-loss denominator
    /// (`integer_aim`); 0 when skipped.
    pub aim: f64,
    /// Per-scale detail-loss scores, finest first (`integer_adm_scale0..3`).
    pub scale: [f64; 4],
    /// Summed numerator (`integer_adm_num`, a debug output).
    pub num: f64,
    /// Summed denominator (`integer_adm_den`, a debug output).
    pub den: f64,
    /// Per-scale numerators (`integer_adm_num_scale0..3`, debug outputs).
    pub scale_num: [f64; 4],
    /// Per-scale denominators (`integer_adm_den_scale0..3`, debug outputs).
    pub scale_den: [f64; 4],
}

/// Working bands of one precision: both pictures' analysis, the decoupled parts and the
/// CSF-weighted masker.
struct Workspace<T> {
    reference: Bands<T>,
    distorted: Bands<T>,
    decoupled: Decoupled<T>,
    weighted: [Vec<T>; 3],
    shares: [Vec<T>; 3],
    column_sums: Vec<i32>,
}

impl<T: Copy + Default> Workspace<T> {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            reference: Bands::with_capacity(capacity),
            distorted: Bands::with_capacity(capacity),
            decoupled: Decoupled::with_capacity(capacity),
            weighted: std::array::from_fn(|_| Vec::with_capacity(capacity)),
            shares: std::array::from_fn(|_| Vec::with_capacity(capacity)),
            column_sums: Vec::new(),
        }
    }

    /// Sizes everything for a level whose input is `width x height`.
    fn resize_for_input(&mut self, width: usize, height: usize) {
        self.reference.resize_for_input(width, height);
        self.distorted.resize_for_input(width, height);
        let n = self.reference.width * self.reference.height;
        self.decoupled.resize(n);
        for band in self.weighted.iter_mut().chain(&mut self.shares) {
            band.resize(n, T::default());
        }
    }

    /// The detail-loss and AIM numerators of a decoupled level; `to_energy` turns the
    /// integer totals into the float energies of the precision at hand.
    fn numerators<A: MaskingArithmetic<Coef = T>>(
        &mut self,
        arith: &A,
        to_energy: impl Fn([i64; 3]) -> [f32; 3],
        options: &AdmOptions,
    ) -> (f32, f32) {
        let scored = Region::scored(self.reference.width, self.reference.height);
        let loss = to_energy(self.numerator(arith, false));
        let num = cube_root_sum(loss, scored, options.noise_weight);
        let aim_num = if options.skip_aim {
            0.0
        } else {
            cube_root_sum(to_energy(self.numerator(arith, true)), scored, 0.0)
        };
        (num, aim_num)
    }

    /// Numerator of the level: the detail-loss one (restored part masked by the
    /// impairment), or AIM's (impairment masked by the restored part, no noise floor).
    fn numerator<A: MaskingArithmetic<Coef = T>>(&mut self, arith: &A, aim: bool) -> [i64; 3] {
        let (w, h) = (self.reference.width, self.reference.height);
        let (masker, target) = if aim {
            (&self.decoupled.restored, &self.decoupled.additive)
        } else {
            (&self.decoupled.additive, &self.decoupled.restored)
        };
        let reach = Region::with_filter_reach(w, h);
        weigh_bands(
            arith,
            masker,
            &mut self.weighted,
            &mut self.shares,
            w,
            reach,
        );
        let input = MaskingInput {
            target,
            weighted: &self.weighted,
            shares: &self.shares,
            width: w,
            height: h,
            stride: w,
        };
        masked_energy(arith, &input, Region::scored(w, h), &mut self.column_sums)
    }
}

/// Per-level numerator and denominator.
#[derive(Clone, Copy, Default)]
struct LevelScores {
    num: f32,
    den: f32,
    aim_num: f32,
}

/// The integer ADM extractor for one frame size and bit depth. Scratch memory is
/// allocated once and reused for every frame.
pub struct AdmExtractor {
    width: usize,
    height: usize,
    bit_depth: u8,
    options: AdmOptions,
    /// Float CSF weights per scale and orientation.
    weights: [[f32; 3]; 4],
    fine_weights: [u16; 3],
    coarse_weights: [[u32; 3]; 3],
    taps_y: Vec<[usize; 4]>,
    taps_x: Vec<[usize; 4]>,
    fine_tmp: [Vec<i16>; 2],
    coarse_tmp: [Vec<i32>; 2],
    fine: Workspace<i16>,
    coarse: Workspace<i32>,
    /// The previous coarse level's approximations, the next level's input.
    previous_ref: Vec<i32>,
    previous_dis: Vec<i32>,
}

impl AdmExtractor {
    /// An extractor for `width x height` luma planes of `bit_depth` (8..=16) bits.
    /// Width and height must be at least [`MIN_DIMENSION`].
    pub fn new(width: usize, height: usize, bit_depth: u8, options: AdmOptions) -> Result<Self> {
        if width < MIN_DIMENSION || height < MIN_DIMENSION {
            return Err(Error::InvalidInput(format!(
                "adm needs frames of at least {MIN_DIMENSION}x{MIN_DIMENSION}, got {width}x{height}"
            )));
        }
        if width > MAX_DIMENSION || height > MAX_DIMENSION {
            return Err(Error::InvalidInput(format!(
                "adm frame size {width}x{height} exceeds {MAX_DIMENSION}"
            )));
        }
        if !(8..=16).contains(&bit_depth) {
            return Err(Error::InvalidInput(format!(
                "adm bit depth {bit_depth} is outside 8..=16"
            )));
        }
        options.validate()?;
        let weights = csf::scale_weights(&options);
        let fine_weights = csf::fine_fixed_weights(&options, &weights[0]);
        let coarse_weights = std::array::from_fn(|s| csf::coarse_fixed_weights(&weights[s + 1]));
        let fine_len = width.div_ceil(2) * height.div_ceil(2);
        let coarse_len = width.div_ceil(4) * height.div_ceil(4);
        Ok(Self {
            width,
            height,
            bit_depth,
            options,
            weights,
            fine_weights,
            coarse_weights,
            taps_y: Vec::with_capacity(height.div_ceil(2)),
            taps_x: Vec::with_capacity(width.div_ceil(2)),
            fine_tmp: [Vec::with_capacity(width), Vec::with_capacity(width)],
            coarse_tmp: [Vec::with_capacity(width), Vec::with_capacity(width)],
            fine: Workspace::with_capacity(fine_len),
            coarse: Workspace::with_capacity(coarse_len),
            previous_ref: Vec::with_capacity(coarse_len),
            previous_dis: Vec::with_capacity(coarse_len),
        })
    }

    /// The options this extractor scores with.
    pub fn options(&self) -> &AdmOptions {
        &self.options
    }

    /// Scores one pair of luma planes of the extractor's size and bit depth.
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<AdmScores> {
        for (name, plane) in [("reference", &reference), ("distorted", &distorted)] {
            if plane.width() != self.width || plane.height() != self.height {
                return Err(Error::Mismatch(format!(
                    "adm {name} plane is {}x{}, extractor expects {}x{}",
                    plane.width(),
                    plane.height(),
                    self.width,
                    self.height
                )));
            }
            if matches!(plane, PlaneRef::U16(_)) != (self.bit_depth > 8) {
                return Err(Error::Mismatch(format!(
                    "adm {name} plane sample type does not match bit depth {}",
                    self.bit_depth
                )));
            }
        }
        let mut levels = [LevelScores::default(); 4];
        levels[0] = self.fine_level(&reference, &distorted);
        for (scale, level) in levels.iter_mut().enumerate().skip(1) {
            *level = self.coarse_level(scale);
        }
        Ok(self.combine(&levels))
    }

    /// Level 0: analyses the pictures and scores the 16-bit bands.
    fn fine_level(&mut self, reference: &PlaneRef<'_>, distorted: &PlaneRef<'_>) -> LevelScores {
        let (w, h) = (self.width, self.height);
        fill_taps(h, &mut self.taps_y);
        fill_taps(w, &mut self.taps_x);
        let ws = &mut self.fine;
        ws.resize_for_input(w, h);
        let bits = u32::from(self.bit_depth);
        for (plane, out) in [
            (reference, &mut ws.reference),
            (distorted, &mut ws.distorted),
        ] {
            match plane {
                PlaneRef::U8(p) => {
                    analyse_fine(p, bits, &self.taps_y, &self.taps_x, &mut self.fine_tmp, out)
                }
                PlaneRef::U16(p) => {
                    analyse_fine(p, bits, &self.taps_y, &self.taps_x, &mut self.fine_tmp, out)
                }
            }
        }
        if self.options.skip_scale0 {
            // libvmaf keeps a tiny denominator so that the scale's ratio stays defined.
            return LevelScores {
                num: 0.0,
                den: 1e-10_f64 as f32,
                aim_num: 0.0,
            };
        }
        let (bw, bh) = (ws.reference.width, ws.reference.height);
        let reach = Region::with_filter_reach(bw, bh);
        let gain_limit = self.options.enhn_gain_limit;
        decouple_fine(
            &ws.reference,
            &ws.distorted,
            reach,
            gain_limit,
            &mut ws.decoupled,
        );
        let scored = Region::scored(bw, bh);
        let weights = &self.weights[0];
        let den = denominator_fine(&ws.reference, scored, weights, self.options.noise_weight);
        let arith = FineArithmetic::new(self.fine_weights, bw, bh);
        let to_energy = |totals: [i64; 3]| -> [f32; 3] {
            std::array::from_fn(|o| {
                let divisor = 2f64.powf(f64::from(arith.energy_exponent(o)));
                (totals[o] as f64 / divisor) as f32
            })
        };
        let (num, aim_num) = ws.numerators(&arith, to_energy, &self.options);
        LevelScores { num, den, aim_num }
    }

    /// Levels 1..=3: analyses the previous level's approximations in 32 bits and scores.
    fn coarse_level(&mut self, scale: usize) -> LevelScores {
        let ws = &mut self.coarse;
        let (iw, ih) = if scale == 1 {
            (self.fine.reference.width, self.fine.reference.height)
        } else {
            (ws.reference.width, ws.reference.height)
        };
        if scale > 1 {
            std::mem::swap(&mut ws.reference.approx, &mut self.previous_ref);
            std::mem::swap(&mut ws.distorted.approx, &mut self.previous_dis);
        }
        fill_taps(ih, &mut self.taps_y);
        fill_taps(iw, &mut self.taps_x);
        ws.resize_for_input(iw, ih);
        let (taps, tmp) = ((&self.taps_y[..], &self.taps_x[..]), &mut self.coarse_tmp);
        if scale == 1 {
            let sources = [
                &self.fine.reference.approx[..],
                &self.fine.distorted.approx[..],
            ];
            analyse_coarse_pair(sources, iw, scale, taps, tmp, ws);
        } else {
            let sources = [&self.previous_ref[..], &self.previous_dis[..]];
            analyse_coarse_pair(sources, iw, scale, taps, tmp, ws);
        }

        let (bw, bh) = (ws.reference.width, ws.reference.height);
        let reach = Region::with_filter_reach(bw, bh);
        let gain_limit = self.options.enhn_gain_limit;
        decouple_coarse(
            &ws.reference,
            &ws.distorted,
            reach,
            gain_limit,
            &mut ws.decoupled,
        );
        let scored = Region::scored(bw, bh);
        let weights = &self.weights[scale];
        let noise_weight = self.options.noise_weight;
        let den = denominator_coarse(&ws.reference, scale, scored, weights, noise_weight);
        let arith = CoarseArithmetic::new(self.coarse_weights[scale - 1], bw, bh);
        // libvmaf keeps this power of two in a float and divides in float.
        let divisor = 2f64.powf(f64::from(arith.energy_exponent(scale))) as f32;
        let to_energy = |totals: [i64; 3]| totals.map(|t| t as f32 / divisor);
        let (num, aim_num) = ws.numerators(&arith, to_energy, &self.options);
        LevelScores { num, den, aim_num }
    }

    /// Sums the levels into the frame's scores.
    fn combine(&self, levels: &[LevelScores; 4]) -> AdmScores {
        let (mut num, mut den, mut aim_num) = (0.0f64, 0.0f64, 0.0f64);
        for level in levels {
            num += f64::from(level.num);
            den += f64::from(level.den);
            aim_num += f64::from(level.aim_num);
        }
        // `w * h` is an `int` product in libvmaf.
        let pixels = (self.width as i32).wrapping_mul(self.height as i32);
        let limit = 1e-10 * f64::from(pixels) / (1920.0 * 1080.0);
        if num < limit {
            num = 0.0;
        }
        if den < limit {
            den = 0.0;
        }
        // libvmaf leaves AIM unset when the denominator vanishes; report 0 then.
        let (adm2, aim) = if den == 0.0 {
            (1.0, 0.0)
        } else {
            (num / den, aim_num / den)
        };
        let o = &self.options;
        let adm3 = (adm2 * o.dlm_weight + (1.0 - aim) * (1.0 - o.dlm_weight)).max(o.min_val);
        AdmScores {
            adm2,
            adm3,
            aim,
            scale: levels.map(|l| f64::from(l.num) / f64::from(l.den)),
            num,
            den,
            scale_num: levels.map(|l| f64::from(l.num)),
            scale_den: levels.map(|l| f64::from(l.den)),
        }
    }
}

/// Analyses both pictures' previous approximations (`width` wide, tightly packed) at
/// `scale` into the workspace.
fn analyse_coarse_pair<S: Copy + Into<i64>>(
    sources: [&[S]; 2],
    width: usize,
    scale: usize,
    (taps_y, taps_x): (&[[usize; 4]], &[[usize; 4]]),
    tmp: &mut [Vec<i32>; 2],
    ws: &mut Workspace<i32>,
) {
    let [reference, distorted] = sources;
    analyse_coarse(
        reference,
        width,
        width,
        scale,
        taps_y,
        taps_x,
        tmp,
        &mut ws.reference,
    );
    analyse_coarse(
        distorted,
        width,
        width,
        scale,
        taps_y,
        taps_x,
        tmp,
        &mut ws.distorted,
    );
}
