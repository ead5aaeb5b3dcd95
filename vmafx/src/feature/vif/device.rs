//! Integer VIF on a GPU: what a backend implements (the integer sums of every scale),
//! the plan it computes them for, and the wrapper that turns its sums into scores with
//! the CPU extractor's own finishing.

use crate::error::Result;
use crate::frame::PlaneRef;

use super::scalar::{ScaleSums, VerticalRounding};
use super::tables::{Log2Table, SCALES, VARIANCE_GUARD};
use super::{check_pair, check_setup, VifOptions, VifScores};

/// The integer sums of every scale of one frame pair, scale 0 first; a skipped scale 0
/// is left at zero.
pub type VifSums = [ScaleSums; SCALES];

/// Integer VIF computed on a device: the sums [`super::VifExtractor`] forms, bit for
/// bit. Scores come from [`VifPlan::finish`].
pub(crate) trait VifDevice: Send {
    /// The sums of one pair of luma planes, already checked against the plan.
    fn sums(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifSums>;
}

impl<D: VifDevice + ?Sized> VifDevice for Box<D> {
    fn sums(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifSums> {
        (**self).sums(reference, distorted)
    }
}

/// A validated VIF setup, what a device needs to compute the sums: the frame size, the
/// bit depth, the options, and the reference's per-scale constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VifPlan {
    width: usize,
    height: usize,
    bit_depth: u8,
    options: VifOptions,
}

impl VifPlan {
    /// The guard added to the reference variance in each pixel's gain.
    pub const VARIANCE_GUARD: f64 = VARIANCE_GUARD;

    /// The plan for `width x height` luma planes of `bit_depth` bits; it accepts exactly
    /// what [`super::VifExtractor::new`] accepts, with its messages.
    pub fn new(width: usize, height: usize, bit_depth: u8, options: VifOptions) -> Result<Self> {
        check_setup(width, height, bit_depth, &options)?;
        Ok(Self {
            width,
            height,
            bit_depth,
            options,
        })
    }

    /// Width of scale 0.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height of scale 0.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Bits per input sample.
    pub fn bit_depth(&self) -> u8 {
        self.bit_depth
    }

    /// The options scored with.
    pub fn options(&self) -> &VifOptions {
        &self.options
    }

    /// Whether `scale`'s statistics are computed (scale 0 may be skipped).
    pub fn scores_scale(&self, scale: usize) -> bool {
        scale > 0 || !self.options.skip_scale0
    }

    /// The size of `scale` (each scale halves the previous one, rounding down).
    pub fn scale_size(&self, scale: usize) -> (usize, usize) {
        (self.width >> scale, self.height >> scale)
    }

    /// The shifts of `scale`'s vertical filter: (means, second moments). The decimation
    /// from `scale` to the next one uses the first.
    pub fn vertical_shifts(&self, scale: usize) -> (u32, u32) {
        let rounding = VerticalRounding::new(scale, self.bit_depth);
        (rounding.mean().shift(), rounding.square().shift())
    }

    /// The CPU extractor's fixed-point log2 table: 65536 entries, indexed by the 16
    /// leading bits of a value.
    pub fn log2_table() -> &'static [u16] {
        &Log2Table::shared().entries()[..1 << 16]
    }

    /// The scores from a device's sums, by the CPU extractor's own arithmetic.
    pub fn finish(&self, sums: &VifSums) -> VifScores {
        VifScores::from_sums(sums, self.options.skip_scale0)
    }

    /// Refuses planes the CPU extractor refuses, with its messages.
    fn check(&self, reference: &PlaneRef<'_>, distorted: &PlaneRef<'_>) -> Result<()> {
        check_pair(
            self.width,
            self.height,
            self.bit_depth,
            reference,
            distorted,
        )
    }
}

/// Integer VIF on a device: the plan, the device's sums, and the CPU's finishing. Its
/// scores equal [`super::VifExtractor`]'s bit for bit.
pub(crate) struct VifOnDevice<D> {
    plan: VifPlan,
    device: D,
}

impl<D: VifDevice> VifOnDevice<D> {
    /// Scores pairs of `plan` on `device`, which was made for that plan.
    pub fn new(plan: VifPlan, device: D) -> Self {
        Self { plan, device }
    }

    /// Scores one pair of luma planes of the plan's size and bit depth.
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<VifScores> {
        self.plan.check(&reference, &distorted)?;
        let sums = self.device.sums(reference, distorted)?;
        Ok(self.plan.finish(&sums))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::vif::VifExtractor;
    use crate::frame::Plane;

    /// A device computing the sums with the CPU extractor's kernels.
    struct OnHost(VifExtractor);

    impl VifDevice for OnHost {
        fn sums(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifSums> {
            self.0.sums(reference, distorted)
        }
    }

    /// A textured 10-bit picture and a brightened, noisier copy.
    fn pictures(w: usize, h: usize) -> (Vec<u16>, Vec<u16>) {
        let texture = |i: usize| ((i * 37 + (i / w) * 11) % 700 + (i * i) % 97) as u16;
        let reference: Vec<u16> = (0..w * h).map(texture).collect();
        let distorted = reference
            .iter()
            .enumerate()
            .map(|(i, &s)| (s + 40 + (i % 13) as u16).min(1023))
            .collect();
        (reference, distorted)
    }

    #[test]
    fn the_plan_refuses_what_the_extractor_refuses() {
        let good = VifOptions::default();
        let bad = VifOptions {
            enhn_gain_limit: 0.5,
            ..good
        };
        for (w, h, depth, options) in [(15, 64, 8, good), (64, 64, 17, good), (64, 64, 8, bad)] {
            let cpu = VifExtractor::new(w, h, depth, options).map(|_| ());
            let plan = VifPlan::new(w, h, depth, options).map(|_| ());
            assert_eq!(
                plan.unwrap_err().to_string(),
                cpu.unwrap_err().to_string()
            );
        }
    }

    #[test]
    fn device_sums_finish_into_the_extractor_scores() {
        let (w, h) = (67, 45);
        let (a, b) = pictures(w, h);
        let pa = PlaneRef::U16(Plane::new(&a, w, h, w).unwrap());
        let pb = PlaneRef::U16(Plane::new(&b, w, h, w).unwrap());
        for skip_scale0 in [false, true] {
            let options = VifOptions {
                skip_scale0,
                enhn_gain_limit: 1.0,
                ..VifOptions::default()
            };
            let plan = VifPlan::new(w, h, 10, options).unwrap();
            let mut cpu = VifExtractor::new(w, h, 10, options).unwrap();
            let host = OnHost(VifExtractor::new(w, h, 10, options).unwrap());
            let mut device = VifOnDevice::new(plan, host);
            for (r, d) in [(pa, pb), (pb, pa)] {
                let want = cpu.extract(r, d).unwrap();
                assert_eq!(device.extract(r, d).unwrap(), want, "{options:?}");
            }
            let small = PlaneRef::U16(Plane::new(&a, w - 1, h, w).unwrap());
            let want = cpu.extract(small, pb).unwrap_err().to_string();
            assert_eq!(device.extract(small, pb).unwrap_err().to_string(), want);
        }
    }
}
