//! The scalar reference of ADM: one pass per step over whole bands, exactly as the scalar C
//! code runs them. Every faster path must give the same integers.

use crate::frame::PlaneRef;

use super::decouple::{decouple_coarse, decouple_fine, Decoupled};
use super::denominator::{denominator_coarse, denominator_fine};
use super::finish::LevelTotals;
use super::dwt::{analyse_coarse, analyse_fine, fill_taps, Bands};
use super::masking::{
    masked_energy, weigh_bands, CoarseArithmetic, FineArithmetic, MaskingArithmetic, MaskingInput,
};
use super::region::Region;
use super::{LevelScores, Setup};

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

    /// The detail-loss and AIM (`None` when skipped) numerator totals of a decoupled level.
    fn numerators<A: MaskingArithmetic<Coef = T>>(
        &mut self,
        arith: &A,
        skip_aim: bool,
    ) -> ([i64; 3], Option<[i64; 3]>) {
        let loss = self.numerator(arith, false);
        let aim = (!skip_aim).then(|| self.numerator(arith, true));
        (loss, aim)
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

/// Scratch of the reference levels. Memory is allocated once and reused for every frame.
pub(super) struct ReferenceState {
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

impl ReferenceState {
    /// Scratch for `width x height` pictures.
    pub fn new(width: usize, height: usize) -> Self {
        let fine_len = width.div_ceil(2) * height.div_ceil(2);
        let coarse_len = width.div_ceil(4) * height.div_ceil(4);
        Self {
            taps_y: Vec::with_capacity(height.div_ceil(2)),
            taps_x: Vec::with_capacity(width.div_ceil(2)),
            fine_tmp: [Vec::with_capacity(width), Vec::with_capacity(width)],
            coarse_tmp: [Vec::with_capacity(width), Vec::with_capacity(width)],
            fine: Workspace::with_capacity(fine_len),
            coarse: Workspace::with_capacity(coarse_len),
            previous_ref: Vec::with_capacity(coarse_len),
            previous_dis: Vec::with_capacity(coarse_len),
        }
    }

    /// Level 0: analyses the pictures and scores the 16-bit bands.
    pub fn fine_level(
        &mut self,
        setup: &Setup,
        reference: &PlaneRef<'_>,
        distorted: &PlaneRef<'_>,
    ) -> LevelScores {
        let (w, h) = (setup.width, setup.height);
        fill_taps(h, &mut self.taps_y);
        fill_taps(w, &mut self.taps_x);
        let ws = &mut self.fine;
        ws.resize_for_input(w, h);
        let bits = u32::from(setup.bit_depth);
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
        if setup.options.skip_scale0 {
            return LevelScores::SKIPPED;
        }
        let (bw, bh) = (ws.reference.width, ws.reference.height);
        let reach = Region::with_filter_reach(bw, bh);
        let gain_limit = setup.options.enhn_gain_limit;
        decouple_fine(
            &ws.reference,
            &ws.distorted,
            reach,
            gain_limit,
            &mut ws.decoupled,
        );
        let scored = Region::scored(bw, bh);
        let den = denominator_fine(&ws.reference, scored);
        let arith = FineArithmetic::new(setup.fine_weights, bw, bh);
        let (loss, aim) = ws.numerators(&arith, setup.options.skip_aim);
        let aim = aim.unwrap_or_default();
        setup.fine_scores(&arith, scored, &LevelTotals { den, loss, aim })
    }

    /// Levels 1..=3: analyses the previous level's approximations in 32 bits and scores.
    pub fn coarse_level(&mut self, setup: &Setup, scale: usize) -> LevelScores {
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
        let gain_limit = setup.options.enhn_gain_limit;
        decouple_coarse(
            &ws.reference,
            &ws.distorted,
            reach,
            gain_limit,
            &mut ws.decoupled,
        );
        let scored = Region::scored(bw, bh);
        let den = denominator_coarse(&ws.reference, scale, scored);
        let arith = CoarseArithmetic::new(setup.coarse_weights[scale - 1], bw, bh);
        let (loss, aim) = ws.numerators(&arith, setup.options.skip_aim);
        let aim = aim.unwrap_or_default();
        setup.coarse_scores(scale, &arith, scored, &LevelTotals { den, loss, aim })
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
