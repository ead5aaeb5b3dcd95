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
//! roundings (quirks included), and its float conversions of the sums. The reference runs
//! one pass per step (`scalar`); the vector kernels run the same steps fused row by
//! row (`fused`) and must give identical integers.
//!
//! Every path ends in `finish`, which turns a level's integer totals into its floats. A
//! GPU backend implements [`AdmDevice`] (`device`): it returns each level's per-row
//! sums for an [`AdmPlan`] (`plan`), whose finishing rounds the rows as the CPU levels
//! do and then runs that same `finish`.

pub(crate) mod csf;
mod decouple;
mod denominator;
mod descriptor;
mod device;
mod dwt;
mod finish;
mod fused;
pub(crate) mod masking;
mod options;
mod plan;
pub(crate) mod region;
mod scalar;
mod tables;
#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_levels;

pub use descriptor::DESCRIPTOR;
pub(crate) use device::{AdmDevice, AdmOnDevice};
// What only the GPU backends read.
#[cfg(any(feature = "vulkan", feature = "compute"))]
pub(crate) use {device::gather_rows, plan::LevelLayout};
pub use device::{AdmLevelSums, AdmSums};
pub use plan::AdmPlan;
pub use options::{AdmOptions, CsfMode};

use crate::cpu::CpuLevel;
use crate::error::{Error, Result};
use crate::frame::{PlaneRef, MAX_DIMENSION};

use finish::{coarse_level_scores, fine_level_scores, LevelTotals, Weights};
use fused::kernels::{Kernels, Portable};
use fused::FusedState;
use masking::{CoarseArithmetic, FineArithmetic};
use region::Region;
use scalar::ReferenceState;

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

impl AdmScores {
    /// libvmaf's names of the `debug` outputs, in its order.
    pub const DEBUG_NAMES: [&'static str; 11] = [
        "integer_adm",
        "integer_adm_num",
        "integer_adm_den",
        "integer_adm_num_scale0",
        "integer_adm_den_scale0",
        "integer_adm_num_scale1",
        "integer_adm_den_scale1",
        "integer_adm_num_scale2",
        "integer_adm_den_scale2",
        "integer_adm_num_scale3",
        "integer_adm_den_scale3",
    ];

    /// The `debug` outputs with their libvmaf names, in libvmaf's order (`integer_adm`
    /// is `adm2` again).
    pub fn debug_named(&self) -> [(&'static str, f64); 11] {
        let (n, d) = (self.scale_num, self.scale_den);
        let values = [
            self.adm2, self.num, self.den, n[0], d[0], n[1], d[1], n[2], d[2], n[3], d[3],
        ];
        std::array::from_fn(|i| (Self::DEBUG_NAMES[i], values[i]))
    }
}

/// Per-level numerator, denominator and AIM numerator.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LevelScores {
    pub(crate) num: f32,
    pub(crate) den: f32,
    pub(crate) aim_num: f32,
}

impl LevelScores {
    /// A skipped finest scale: libvmaf keeps a tiny denominator so that the scale's ratio
    /// stays defined.
    pub(crate) const SKIPPED: Self = Self {
        num: 0.0,
        den: 1e-10_f64 as f32,
        aim_num: 0.0,
    };
}

/// What every level needs to know about the extractor.
struct Setup {
    width: usize,
    height: usize,
    bit_depth: u8,
    options: AdmOptions,
    /// Float CSF weights per scale and orientation.
    weights: [[f32; 3]; 4],
    fine_weights: [u16; 3],
    coarse_weights: [[u32; 3]; 3],
}

impl Setup {
    /// The finest level's scores from its totals.
    fn fine_scores(
        &self,
        arith: &FineArithmetic,
        scored: Region,
        totals: &LevelTotals,
    ) -> LevelScores {
        fine_level_scores(arith, scored, totals, &self.weights[0], &self.options)
    }

    /// A coarse level's scores at `scale` (1..=3) from its totals.
    fn coarse_scores(
        &self,
        scale: usize,
        arith: &CoarseArithmetic,
        scored: Region,
        totals: &LevelTotals,
    ) -> LevelScores {
        coarse_level_scores(scale, arith, scored, totals, &self.weights[scale], &self.options)
    }
}

/// The kernels an extractor runs, chosen once.
#[derive(Debug, Clone, Copy)]
enum Backend {
    /// The reference passes.
    Reference,
    /// The fused pipeline with scalar row kernels (tests only).
    #[cfg_attr(not(test), allow(dead_code))]
    Portable,
    /// The fused pipeline with AVX2 row kernels.
    #[cfg(target_arch = "x86_64")]
    Avx2(x86::Avx2),
    /// The fused pipeline with AVX-512 row kernels.
    #[cfg(target_arch = "x86_64")]
    Avx512(x86::Avx512),
}

impl Backend {
    /// The best backend for `level` (already capped to what the processor supports).
    fn for_level(level: CpuLevel) -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let chosen = match level {
                CpuLevel::Avx512 => x86::Avx512::new()
                    .map(Self::Avx512)
                    .or_else(|| x86::Avx2::new().map(Self::Avx2)),
                CpuLevel::Avx2 => x86::Avx2::new().map(Self::Avx2),
                _ => None,
            };
            if let Some(backend) = chosen {
                return backend;
            }
        }
        let _ = level;
        Self::Reference
    }
}

/// The scratch of the chosen backend.
enum State {
    Reference(Box<ReferenceState>),
    Fused(Box<FusedState>),
}

/// The integer ADM extractor for one frame size and bit depth. Scratch memory is
/// allocated once and reused for every frame.
pub struct AdmExtractor {
    setup: Setup,
    backend: Backend,
    state: State,
}

impl AdmExtractor {
    /// An extractor for `width x height` luma planes of `bit_depth` (8..=16) bits, with
    /// the kernels of the process-wide [`crate::cpu::level`].
    /// Width and height must be at least [`MIN_DIMENSION`].
    pub fn new(width: usize, height: usize, bit_depth: u8, options: AdmOptions) -> Result<Self> {
        Self::with_cpu_level(width, height, bit_depth, options, crate::cpu::level())
    }

    /// Same as [`AdmExtractor::new`], with the kernels of `level`, lowered to what this
    /// processor supports. Every level gives identical scores.
    pub fn with_cpu_level(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: AdmOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        let backend = Backend::for_level(CpuLevel::capped(level));
        Self::with_backend(width, height, bit_depth, options, backend)
    }

    /// An extractor running `backend`.
    fn with_backend(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: AdmOptions,
        backend: Backend,
    ) -> Result<Self> {
        check_setup(width, height, bit_depth, &options)?;
        let weights = Weights::new(&options);
        let state = match backend {
            Backend::Reference => State::Reference(Box::new(ReferenceState::new(width, height))),
            _ => State::Fused(Box::new(FusedState::new(width, height))),
        };
        Ok(Self {
            setup: Setup {
                width,
                height,
                bit_depth,
                options,
                weights: weights.float,
                fine_weights: weights.fine,
                coarse_weights: weights.coarse,
            },
            backend,
            state,
        })
    }

    /// The options this extractor scores with.
    pub fn options(&self) -> &AdmOptions {
        &self.setup.options
    }

    /// Scores one pair of luma planes of the extractor's size and bit depth.
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<AdmScores> {
        let setup = &self.setup;
        check_pair(
            setup.width,
            setup.height,
            setup.bit_depth,
            &reference,
            &distorted,
        )?;
        let levels = match (&mut self.state, self.backend) {
            (State::Reference(state), _) => {
                let mut levels = [LevelScores::default(); 4];
                levels[0] = state.fine_level(setup, &reference, &distorted);
                for (scale, level) in levels.iter_mut().enumerate().skip(1) {
                    *level = state.coarse_level(setup, scale);
                }
                levels
            }
            (State::Fused(state), Backend::Portable | Backend::Reference) => {
                fused_levels(state, Portable, setup, [&reference, &distorted])
            }
            #[cfg(target_arch = "x86_64")]
            (State::Fused(state), Backend::Avx2(k)) => {
                fused_levels(state, k, setup, [&reference, &distorted])
            }
            #[cfg(target_arch = "x86_64")]
            (State::Fused(state), Backend::Avx512(k)) => {
                fused_levels(state, k, setup, [&reference, &distorted])
            }
        };
        Ok(self.setup.combine(&levels))
    }
}

/// The four levels through the fused pipeline with kernels `k`.
fn fused_levels<K: Kernels>(
    state: &mut FusedState,
    k: K,
    setup: &Setup,
    planes: [&PlaneRef<'_>; 2],
) -> [LevelScores; 4] {
    let mut levels = [LevelScores::default(); 4];
    levels[0] = state.fine_level(k, setup, planes);
    for (scale, level) in levels.iter_mut().enumerate().skip(1) {
        *level = state.coarse_level(k, setup, scale);
    }
    levels
}

impl Setup {
    /// Sums the levels into the frame's scores.
    fn combine(&self, levels: &[LevelScores; 4]) -> AdmScores {
        combine_levels(self.width, self.height, &self.options, levels)
    }
}

/// Refuses a setup the ADM extractors cannot score: a side below [`MIN_DIMENSION`] or
/// above [`MAX_DIMENSION`], a bit depth outside 8..=16, or options out of range.
pub(crate) fn check_setup(
    width: usize,
    height: usize,
    bit_depth: u8,
    options: &AdmOptions,
) -> Result<()> {
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
    options.validate()
}

/// Refuses planes of another size than `width x height`, or with samples of the wrong
/// width for `bit_depth`.
pub(crate) fn check_pair(
    width: usize,
    height: usize,
    bit_depth: u8,
    reference: &PlaneRef<'_>,
    distorted: &PlaneRef<'_>,
) -> Result<()> {
    for (name, plane) in [("reference", reference), ("distorted", distorted)] {
        if plane.width() != width || plane.height() != height {
            return Err(Error::Mismatch(format!(
                "adm {name} plane is {}x{}, extractor expects {}x{}",
                plane.width(),
                plane.height(),
                width,
                height
            )));
        }
        if matches!(plane, PlaneRef::U16(_)) != (bit_depth > 8) {
            return Err(Error::Mismatch(format!(
                "adm {name} plane sample type does not match bit depth {}",
                bit_depth
            )));
        }
    }
    Ok(())
}

/// The frame's scores from its four levels: sums in `f64`, the reference's noise floor
/// on both sums, then `adm2`, `aim` and `adm3`; the CPU levels and the device plan
/// both end here.
pub(crate) fn combine_levels(
    width: usize,
    height: usize,
    options: &AdmOptions,
    levels: &[LevelScores; 4],
) -> AdmScores {
    let (mut num, mut den, mut aim_num) = (0.0f64, 0.0f64, 0.0f64);
    for level in levels {
        num += f64::from(level.num);
        den += f64::from(level.den);
        aim_num += f64::from(level.aim_num);
    }
    // `w * h` is an `int` product in libvmaf.
    let pixels = (width as i32).wrapping_mul(height as i32);
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
    let o = options;
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
